// RUN: tessera-opt --split-input-file %s | FileCheck %s
// Round trip: parse, print, parse the print again.
// RUN: tessera-opt --split-input-file %s | tessera-opt --split-input-file | FileCheck %s

// CHECK-LABEL: @query_and_load
func.func @query_and_load(%binary: !hal.buffer, %c: i32) -> (i1, !hal.executable, !hal.executable) {
  // CHECK: %[[OK:.+]] = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
  %ok = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
  // CHECK: hal_loader.executable.load format("embedded-elf-x86_64") data(%{{.+}}) : !hal.executable
  %exe = hal_loader.executable.load format("embedded-elf-x86_64") data(%binary) : !hal.executable
  // CHECK: hal_loader.executable.load format("embedded-elf-x86_64") data(%{{.+}}) constants([%{{.+}}, %{{.+}}]) : !hal.executable
  %specialized = hal_loader.executable.load format("embedded-elf-x86_64") data(%binary) constants([%c, %c]) : !hal.executable
  return %ok, %exe, %specialized : i1, !hal.executable, !hal.executable
}

// -----

hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @entry ordinal(3) layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
  }
}

// CHECK-LABEL: @dispatch_forms
func.func @dispatch_forms(%buf: !hal.buffer, %x: index, %off: index, %len: index, %k: i32) {
  // CHECK: %[[EXE:.+]] = hal_loader.executable.lookup executable(@ex) : !hal.executable
  %exe = hal_loader.executable.lookup executable(@ex) : !hal.executable
  // CHECK: hal_loader.executable.dispatch.symbol executable(%[[EXE]] : !hal.executable) target(@ex::@cpu::@entry) workgroups([%{{.+}}, %{{.+}}, %{{.+}}]) constants([%{{.+}}]) bindings([
  // CHECK-NEXT: (%{{.+}} : !hal.buffer)[%{{.+}}, %{{.+}}],
  // CHECK-NEXT: (%{{.+}} : !hal.buffer)[%{{.+}}, %{{.+}}]
  // CHECK-NEXT: ])
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@entry) workgroups([%x, %x, %x]) constants([%k]) bindings([(%buf : !hal.buffer)[%off, %len], (%buf : !hal.buffer)[%off, %len]])
  // CHECK: hal_loader.executable.dispatch executable(%[[EXE]] : !hal.executable)[3] workgroups([%{{.+}}, %{{.+}}, %{{.+}}]) bindings([
  // CHECK-NEXT: (%{{.+}} : !hal.buffer)[%{{.+}}, %{{.+}}]
  // CHECK-NEXT: ])
  hal_loader.executable.dispatch executable(%exe : !hal.executable)[3] workgroups([%x, %x, %x]) bindings([(%buf : !hal.buffer)[%off, %len]])
  // No bindings at all.
  // CHECK: hal_loader.executable.dispatch executable(%[[EXE]] : !hal.executable)[0] workgroups([%{{.+}}, %{{.+}}, %{{.+}}]) bindings([])
  hal_loader.executable.dispatch executable(%exe : !hal.executable)[0] workgroups([%x, %x, %x]) bindings([])
  // CHECK: %[[VIEW:.+]] = hal.buffer.subspan %{{.+}}[%{{.+}}, %{{.+}}] : !hal.buffer
  %view = hal.buffer.subspan %buf[%off, %len] : !hal.buffer
  // CHECK: hal.buffer.length %[[VIEW]] : !hal.buffer
  %n = hal.buffer.length %view : !hal.buffer
  return
}

// -----

// A materialized executable: its initializer tries a binary and fails
// when the runtime cannot load it.
// CHECK-LABEL: hal_loader.executable.global private @ex initializer {
// CHECK-NEXT:   %[[OK:.+]] = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
// CHECK-NEXT:   cf.cond_br %[[OK]], ^bb1, ^bb2
// CHECK-NEXT: ^bb1:
// CHECK-NEXT:   %[[DATA:.+]] = hal.buffer.constant "binary" {alignment = 64 : index} : !hal.buffer = dense<1> : vector<4xi8>
// CHECK-NEXT:   %[[EXE:.+]] = hal_loader.executable.load format("embedded-elf-x86_64") data(%[[DATA]]) : !hal.executable
// CHECK-NEXT:   hal_loader.return %[[EXE]] : !hal.executable
// CHECK-NEXT: ^bb2:
// CHECK-NEXT:   hal_loader.fail "nothing to load"
// CHECK-NEXT: }
hal_loader.executable.global private @ex initializer {
  %ok = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
  cf.cond_br %ok, ^load, ^fail
^load:
  %data = hal.buffer.constant "binary" {alignment = 64 : index} : !hal.buffer = dense<1> : vector<4xi8>
  %exe = hal_loader.executable.load format("embedded-elf-x86_64") data(%data) : !hal.executable
  hal_loader.return %exe : !hal.executable
^fail:
  hal_loader.fail "nothing to load"
}

// CHECK-LABEL: func.func @host_buffers
func.func @host_buffers(%t: tensor<?x4xf32>, %n: index, %bytes: index) -> tensor<?x4xf32> {
  // CHECK: %[[B:.+]] = hal.tensor.export %{{.+}} : tensor<?x4xf32>{%{{.+}}} -> !hal.buffer
  %b = hal.tensor.export %t : tensor<?x4xf32>{%n} -> !hal.buffer
  // CHECK: %[[NEW:.+]] = hal.buffer.allocate size(%{{.+}}) : !hal.buffer
  %new = hal.buffer.allocate size(%bytes) : !hal.buffer
  // CHECK: hal.buffer.copy source(%[[B]])[%{{.+}}] target(%[[NEW]])[%{{.+}}] length(%{{.+}})
  %c0 = arith.constant 0 : index
  hal.buffer.copy source(%b)[%c0] target(%new)[%c0] length(%bytes)
  // CHECK: hal.device.local : !hal.device
  %device = hal.device.local : !hal.device
  // CHECK: hal.tensor.import %[[NEW]] : !hal.buffer -> tensor<?x4xf32>{%{{.+}}}
  %r = hal.tensor.import %new : !hal.buffer -> tensor<?x4xf32>{%n}
  return %r : tensor<?x4xf32>
}

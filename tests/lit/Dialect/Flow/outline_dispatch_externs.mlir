// RUN: tessera-opt --split-input-file --tessera-flow-outline-dispatch-externs --mlir-print-local-scope %s | FileCheck %s

// Every target becomes a variant with its objects, its condition and the
// export (ordinal, layout, count region); the dispatch names each variant's
// export in order.

//      CHECK: hal.executable private @dispatchExtern_extern_dispatch_0 {
// CHECK-NEXT:   hal.executable.variant public @a target(<"llvm-cpu", "a", {}>)
// CHECK-SAME:       objects([#hal.executable.object<{path = "a.o"}>])
// CHECK-NEXT:     hal.executable.export public @main ordinal(100)
// CHECK-SAME:         layout(<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
// CHECK-SAME:         count(%[[D:.+]]: !hal.device, %[[X:.+]]: index, %[[Y:.+]]: index) -> (index, index, index) {
// CHECK-NEXT:       %{{.+}}, %[[V:.+]] = hal.device.query<%[[D]] : !hal.device> key("some" :: "value") : i1, i32
// CHECK-NEXT:       %[[Z:.+]] = arith.index_cast %[[V]] : i32 to index
// CHECK-NEXT:       hal.return %[[X]], %[[Y]], %[[Z]] : index, index, index
//      CHECK:   hal.executable.variant public @b target(<"llvm-cpu", "b", {}>)
// CHECK-SAME:       objects([#hal.executable.object<{path = "b.o"}>])
// CHECK-NEXT:     hal.executable.condition(%[[BD:.+]]: !hal.device) -> i1 {
// CHECK-NEXT:       %[[OK:.+]], %{{.+}} = hal.device.query<%[[BD]] : !hal.device> key("some" :: "feature") : i1, i32
// CHECK-NEXT:       hal.return %[[OK]] : i1
//      CHECK:     hal.executable.export public @main ordinal(200)
// CHECK-SAME:         layout(<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
// CHECK-SAME:         count(%{{.+}}: !hal.device, %{{.+}}: index, %{{.+}}: index) -> (index, index, index) {

// CHECK-LABEL: func.func @dispatchExtern
func.func @dispatchExtern(%arg0: tensor<4xi32>, %arg1: tensor<8xi32>, %arg2: i32) -> tensor<8xi32> {
  %x = arith.constant 100 : index
  %y = arith.constant 50 : index
  // CHECK: %[[RESULT:.+]] = flow.dispatch {@dispatchExtern_extern_dispatch_0::@a::@main, @dispatchExtern_extern_dispatch_0::@b::@main}[%c100, %c50](%arg0, %arg1, %arg2)
  // CHECK-SAME: {hal.interface.bindings = [#hal.interface.binding<0, 0>, #hal.interface.binding<0, 1>]}
  // CHECK-SAME: : (tensor<4xi32>, tensor<8xi32>, i32) -> %arg1
  // CHECK-NOT: hal.dispatch.extern
  %result = hal.dispatch.extern "main"[%x, %y](%arg0, %arg1, %arg2) : (tensor<4xi32>, tensor<8xi32>, i32) -> %arg1
    count(%device: !hal.device, %x_capture: index, %y_capture: index) -> (index, index, index) {
      %ok, %z_i32 = hal.device.query<%device : !hal.device> key("some" :: "value") : i1, i32
      %z = arith.index_cast %z_i32 : i32 to index
      hal.return %x_capture, %y_capture, %z : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    bindings([#hal.interface.binding<0, 0>, #hal.interface.binding<0, 1>])
    objects({
      #hal.executable.target<"llvm-cpu", "a", {}> ordinal(100) = [#hal.executable.object<{path = "a.o"}>],
      #hal.executable.target<"llvm-cpu", "b", {}> if(%device: !hal.device) -> i1 {
        %ok, %z_i32 = hal.device.query<%device : !hal.device> key("some" :: "feature") : i1, i32
        hal.return %ok : i1
      } ordinal(200) = [#hal.executable.object<{path = "b.o"}>]
    })
  // CHECK: return %[[RESULT]]
  return %result : tensor<8xi32>
}

// -----

// One target twice (a specialized object under a condition, then a generic
// one): variant names stay unique. Without `bindings`, each tensor operand
// and each untied tensor result gets the next binding of set 0. Two externs
// in a function are numbered; another function numbers its own.

// CHECK-LABEL: hal.executable private @scale_extern_dispatch_0 {
// CHECK-NEXT:    hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {}>)
// CHECK-SAME:        objects([#hal.executable.object<{path = "scale_avx512.o"}>])
// CHECK-NEXT:      hal.executable.condition
// CHECK:         hal.executable.variant public @embedded_elf_x86_64_1 target(<"llvm-cpu", "embedded-elf-x86_64", {}>)
// CHECK-SAME:        objects([#hal.executable.object<{path = "scale.o"}>])
// CHECK-NEXT:      hal.executable.export public @scale ordinal(0)
// CHECK-LABEL: hal.executable private @scale_extern_dispatch_1 {

// CHECK-LABEL: func.func @scale
func.func @scale(%a: tensor<?xf32>, %n: index) -> (tensor<?xf32>, tensor<?xf32>) {
  // CHECK: flow.dispatch {@scale_extern_dispatch_0::@embedded_elf_x86_64::@scale, @scale_extern_dispatch_0::@embedded_elf_x86_64_1::@scale}[%{{[a-z0-9_]+}}](%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}})
  // CHECK-SAME: {hal.interface.bindings = [#hal.interface.binding<0, 0>, #hal.interface.binding<0, 1>]}
  // CHECK-SAME: : (tensor<?xf32>{%{{[a-z0-9_]+}}}, index) -> tensor<?xf32>{%{{[a-z0-9_]+}}}
  %r = hal.dispatch.extern "scale"[%n](%a, %n) : (tensor<?xf32>{%n}, index) -> tensor<?xf32>{%n}
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> if(%device: !hal.device) -> i1 {
        %ok, %avx = hal.device.query<%device : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
        hal.return %avx : i1
      } ordinal(0) = [#hal.executable.object<{path = "scale_avx512.o"}>],
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = [#hal.executable.object<{path = "scale.o"}>]
    })
  // CHECK: flow.dispatch @scale_extern_dispatch_1::@embedded_elf_x86_64::@scale[
  %s = hal.dispatch.extern "scale"[%n](%r, %n) : (tensor<?xf32>{%n}, index) -> tensor<?xf32>{%n}
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = [#hal.executable.object<{path = "scale.o"}>]
    })
  return %r, %s : tensor<?xf32>, tensor<?xf32>
}

// CHECK-LABEL: hal.executable private @other_extern_dispatch_0 {
// CHECK-LABEL: func.func @other
func.func @other(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c1 = arith.constant 1 : index
  // CHECK: flow.dispatch @other_extern_dispatch_0::@embedded_elf_x86_64::@scale[
  %r = hal.dispatch.extern "scale"[%c1](%a) : (tensor<4xf32>) -> tensor<4xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      hal.return %w, %w, %w : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = [#hal.executable.object<{path = "scale.o"}>]
    })
  return %r : tensor<4xf32>
}

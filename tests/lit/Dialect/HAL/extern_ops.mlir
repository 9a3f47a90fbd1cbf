// RUN: tessera-opt --split-input-file --mlir-print-local-scope %s | FileCheck %s
// Round trip: the printed form parses to the same.
// RUN: tessera-opt --split-input-file --mlir-print-local-scope %s | tessera-opt --split-input-file --mlir-print-local-scope | FileCheck %s

// CHECK-LABEL: func.func @dispatchExtern
func.func @dispatchExtern(%arg0: tensor<4xi32>, %arg1: tensor<8xi32>, %arg2: i32) -> tensor<8xi32> {
  // CHECK-DAG: %[[X:.+]] = arith.constant 100
  %x = arith.constant 100 : index
  // CHECK-DAG: %[[Y:.+]] = arith.constant 50
  %y = arith.constant 50 : index
  // CHECK: %[[RESULT:.+]] = hal.dispatch.extern "main"[%[[X]], %[[Y]]](%arg0, %arg1, %arg2) : (tensor<4xi32>, tensor<8xi32>, i32) -> %arg1
  %result = hal.dispatch.extern "main"[%x, %y](%arg0, %arg1, %arg2) : (tensor<4xi32>, tensor<8xi32>, i32) -> %arg1
    // CHECK-SAME: count(%[[DEVICE:.+]]: !hal.device, %[[XC:.+]]: index, %[[YC:.+]]: index) -> (index, index, index) {
    count(%device: !hal.device, %x_capture: index, %y_capture: index) -> (index, index, index) {
      // CHECK-NEXT: %{{.+}}, %[[Z32:.+]] = hal.device.query<%[[DEVICE]] : !hal.device> key("some" :: "value") : i1, i32
      %ok, %z_i32 = hal.device.query<%device : !hal.device> key("some" :: "value") : i1, i32
      %z = arith.index_cast %z_i32 : i32 to index
      // CHECK: hal.return %[[XC]], %[[YC]], %{{.+}} : index, index, index
      hal.return %x_capture, %y_capture, %z : index, index, index
    }
    // CHECK: layout(<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    // CHECK-SAME: bindings([#hal.interface.binding<0, 0>, #hal.interface.binding<0, 1>])
    bindings([#hal.interface.binding<0, 0>, #hal.interface.binding<0, 1>])
    // CHECK-SAME: objects({
    objects({
      // CHECK-NEXT: #hal.executable.target<"llvm-cpu", "a", {}> ordinal(100) = [#hal.executable.object<{path = "a.o"}>],
      #hal.executable.target<"llvm-cpu", "a", {}> ordinal(100) = [#hal.executable.object<{path = "a.o"}>],
      // CHECK-NEXT: #hal.executable.target<"llvm-cpu", "b", {}> if(%[[B_DEVICE:.+]]: !hal.device) -> i1 {
      #hal.executable.target<"llvm-cpu", "b", {}> if(%device: !hal.device) -> i1 {
        // CHECK-NEXT: %[[B_OK:.+]], %{{.+}} = hal.device.query<%[[B_DEVICE]] : !hal.device> key("some" :: "feature_b") : i1, i32
        %ok, %z_i32 = hal.device.query<%device : !hal.device> key("some" :: "feature_b") : i1, i32
        // CHECK-NEXT: hal.return %[[B_OK]] : i1
        hal.return %ok : i1
      // CHECK-NEXT: } ordinal(200) = [#hal.executable.object<{path = "b.o"}>],
      } ordinal(200) = [#hal.executable.object<{path = "b.o"}>],
      // CHECK-NEXT: #hal.executable.target<"llvm-cpu", "c", {}> if(%[[C_DEVICE:.+]]: !hal.device) -> i1 {
      #hal.executable.target<"llvm-cpu", "c", {}> if(%device: !hal.device) -> i1 {
        // CHECK-NEXT: %{{.+}}, %[[HAS:.+]] = hal.device.query<%[[C_DEVICE]] : !hal.device> key("cpu.features" :: "avx512f") : i1, i1 = false
        %ok, %has = hal.device.query<%device : !hal.device> key("cpu.features" :: "avx512f") : i1, i1 = false
        hal.return %has : i1
      // CHECK: } ordinal(300) = [#hal.executable.object<{path = "c.o"}>]
      } ordinal(300) = [#hal.executable.object<{path = "c.o"}>]
    // CHECK-NEXT: })
    })
  // CHECK: return %[[RESULT]]
  return %result : tensor<8xi32>
}

// -----

// Dynamic shapes, a scalar and no explicit bindings.
// CHECK-LABEL: func.func @dynamicExtern
func.func @dynamicExtern(%arg0: tensor<?xf32>, %n: index) -> tensor<?xf32> {
  // CHECK: hal.dispatch.extern "scale"[%{{.+}}](%arg0, %{{.+}}) : (tensor<?xf32>{%{{.+}}}, index) -> tensor<?xf32>{%{{.+}}}
  %r = hal.dispatch.extern "scale"[%n](%arg0, %n) : (tensor<?xf32>{%n}, index) -> tensor<?xf32>{%n}
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = [#hal.executable.object<{path = "scale.o"}>]
    })
  return %r : tensor<?xf32>
}

// -----

// A variant with a condition: the runtime evaluates it at load.
// CHECK-LABEL: hal.executable private @conditional
hal.executable private @conditional {
  // CHECK: hal.executable.variant public @avx512
  hal.executable.variant public @avx512 target(<"llvm-cpu", "embedded-elf-x86_64", {}>) objects([#hal.executable.object<{path = "k_avx512.o"}>]) {
    // CHECK-NEXT: hal.executable.condition(%[[D:.+]]: !hal.device) -> i1 {
    hal.executable.condition(%device: !hal.device) -> i1 {
      // CHECK-NEXT: %{{.+}}, %[[V:.+]] = hal.device.query<%[[D]] : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
      %ok, %has = hal.device.query<%device : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
      // CHECK-NEXT: hal.return %[[V]] : i1
      hal.return %has : i1
    }
    hal.executable.export public @k ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
  }
}

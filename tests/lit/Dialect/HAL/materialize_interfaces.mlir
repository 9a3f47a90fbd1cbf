// RUN: tessera-opt --tessera-flow-form-dispatches --tessera-hal-materialize-interfaces=triple=x86_64-unknown-linux-gnu %s | FileCheck %s

// CHECK: #[[TARGET:.+]] = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>
// The index operand and two dynamic dims (operand, result) become push
// constants; the tensor operand is read-only.
// CHECK: #[[SCALE_LAYOUT:.+]] = #hal.pipeline.layout<push_constants = 3, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>
// CHECK-LABEL: hal.executable private @scale_dispatch_0
// CHECK-NEXT: hal.executable.variant public @embedded_elf_x86_64 target(#[[TARGET]])
// CHECK-NEXT: hal.executable.export public @scale_dispatch_0_elementwise_D ordinal(0) layout(#[[SCALE_LAYOUT]]) count(%{{.+}}: !hal.device, %[[W:.+]]: index)
// CHECK: hal.return %[[W]], %{{.+}}, %{{.+}} : index, index, index
// CHECK: func.func @scale_dispatch_0_elementwise_D()
// CHECK: hal.interface.constant.load[0] : i32
// CHECK: %[[D0:.+]] = hal.interface.constant.load[1] : i32
// CHECK: %[[N0:.+]] = arith.index_castui %[[D0]] : i32 to index
// CHECK: %[[IN:.+]] = hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>{%[[N0]]}
// CHECK: bufferization.to_tensor %[[IN]] restrict
// CHECK: %[[D1:.+]] = hal.interface.constant.load[2] : i32
// CHECK: %[[OUT:.+]] = hal.interface.binding.subspan set(0) binding(1) : memref<?xf32>
// CHECK: bufferization.materialize_in_destination %{{.+}} in restrict writable %[[OUT]]
// CHECK-LABEL: func.func @scale(
// CHECK: flow.dispatch @scale_dispatch_0::@embedded_elf_x86_64::@scale_dispatch_0_elementwise_D
#id = affine_map<(d0) -> (d0)>
func.func @scale(%a: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %two = arith.constant 2.0 : f32
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %two : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

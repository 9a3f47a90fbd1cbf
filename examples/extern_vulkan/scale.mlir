// An extern dispatch with a Vulkan variant (scale.spv, from scale.comp) and a
// CPU fallback (examples/extern's baseline object): at load the first whose
// format the runtime supports runs — the shader with --device=vulkan, the C
// kernel on the CPU. Compiled dispatches run before and after it.
//   build/bin/tessera run build/examples/extern_vulkan/scale.mlir \
//       --input=1000xf32=1 --input=3.0 --device=vulkan --verbose
func.func @scale_and_shift(%x: tensor<1000xf32>, %factor: f32) -> tensor<1000xf32> {
  %n = arith.constant 1000 : index
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1000xf32>
  %plus = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<1000xf32>) outs(%e : tensor<1000xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.addf %v, %one : f32
    linalg.yield %r : f32
  } -> tensor<1000xf32>
  %scaled = hal.dispatch.extern "scale"[%n](%plus, %factor) : (tensor<1000xf32>, f32) -> tensor<1000xf32>
    count(%device: !hal.device, %elements: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      %tile = arith.constant 256 : index
      %groups = arith.ceildivui %elements, %tile : index
      hal.return %groups, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"vulkan-spirv", "vulkan-spirv-fb"> ordinal(0) = [#hal.executable.object<{path = "scale.spv"}>],
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> ordinal(0) = [#hal.executable.object<{path = "../extern/scale_generic.o"}>]
    })
  %e2 = tensor.empty() : tensor<1000xf32>
  %minus = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%scaled : tensor<1000xf32>) outs(%e2 : tensor<1000xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.subf %v, %one : f32
    linalg.yield %r : f32
  } -> tensor<1000xf32>
  return %minus : tensor<1000xf32>
}

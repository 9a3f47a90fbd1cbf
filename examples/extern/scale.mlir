// Extern dispatches with conditions: `scale` is a hand-written C kernel
// (scale.c) built twice, for AVX-512 and for baseline x86-64. The runtime
// asks the CPU at load which variant can run; compiled dispatches run
// before and after it.
//   build/bin/tessera run build/examples/extern/scale.mlir \
//       --input=1000xf32=1 --input=3.0
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
  // The factor reaches the kernel as push constant 0 (f32 bits).
  %scaled = hal.dispatch.extern "scale"[%n](%plus, %factor) : (tensor<1000xf32>, f32) -> tensor<1000xf32>
    // One workgroup per 256 elements.
    count(%device: !hal.device, %elements: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      %tile = arith.constant 256 : index
      %groups = arith.ceildivui %elements, %tile : index
      hal.return %groups, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> if(%device: !hal.device) -> i1 {
        %ok, %avx512 = hal.device.query<%device : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
        hal.return %avx512 : i1
      } ordinal(0) = [#hal.executable.object<{path = "scale_avx512.o"}>],
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> ordinal(0) = [#hal.executable.object<{path = "scale_generic.o"}>]
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

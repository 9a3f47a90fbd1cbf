// An extern dispatch (a C kernel linked from double.o) between two compiled
// ones: the compiled dispatches link into one library, the extern stays an
// executable of its own.
func.func @double(%a: tensor<64xf32>) -> tensor<64xf32> {
  %c64 = arith.constant 64 : index
  %e = tensor.empty() : tensor<64xf32>
  %plus = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %y = arith.addf %x, %one : f32
    linalg.yield %y : f32
  } -> tensor<64xf32>
  %doubled = hal.dispatch.extern "double_it"[%c64](%plus) : (tensor<64xf32>) -> tensor<64xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> ordinal(0) = [#hal.executable.object<{path = "double.o"}>]
    })
  %e2 = tensor.empty() : tensor<64xf32>
  %minus = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%doubled : tensor<64xf32>) outs(%e2 : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %three = arith.constant 3.0 : f32
    %y = arith.subf %x, %three : f32
    linalg.yield %y : f32
  } -> tensor<64xf32>
  return %minus : tensor<64xf32>
}

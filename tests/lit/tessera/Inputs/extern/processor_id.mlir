// An extern dispatch of 64 workgroups whose kernel (processor_id.c) writes
// the task worker that ran each one.
func.func @ids(%a: tensor<64xf32>) -> tensor<64xf32> {
  %c64 = arith.constant 64 : index
  %ids = hal.dispatch.extern "processor_id"[%c64](%a) : (tensor<64xf32>) -> tensor<64xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> ordinal(0) = [#hal.executable.object<{path = "processor_id.o"}>]
    })
  return %ids : tensor<64xf32>
}

// An extern dispatch with two variants: a marked kernel (adds 1000) guarded
// by a condition on the device (ARCH, filled in by the test), then the
// generic kernel. The runtime runs the first whose condition holds.
func.func @double(%a: tensor<64xf32>) -> tensor<64xf32> {
  %c64 = arith.constant 64 : index
  %doubled = hal.dispatch.extern "double_it"[%c64](%a) : (tensor<64xf32>) -> tensor<64xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> if(%device: !hal.device) -> i1 {
        %ok, %match = hal.device.query<%device : !hal.device> key("cpu.arch" :: "ARCH") : i1, i1
        %known, %cores = hal.device.query<%device : !hal.device> key("cpu" :: "cores") : i1, i32 = 1 : i32
        %c0 = arith.constant 0 : i32
        %any = arith.cmpi sgt, %cores, %c0 : i32
        %both = arith.andi %match, %any : i1
        hal.return %both : i1
      } ordinal(0) = [#hal.executable.object<{path = "double_marked.o"}>],
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> GENERIC ordinal(0) = [#hal.executable.object<{path = "double.o"}>]
    })
  return %doubled : tensor<64xf32>
}

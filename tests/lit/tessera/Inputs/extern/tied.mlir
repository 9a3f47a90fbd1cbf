// A tied extern result (`-> %a`): the kernel writes its operand's binding,
// and the operand, returned too, must keep its values (the result is a copy
// written in place).
func.func @tied(%a: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %c16 = arith.constant 16 : index
  %tripled = hal.dispatch.extern "triple_in_place"[%c16](%a) : (tensor<16xf32>) -> %a
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}> ordinal(0) = [#hal.executable.object<{path = "triple_in_place.o"}>]
    })
  return %a, %tripled : tensor<16xf32>, tensor<16xf32>
}

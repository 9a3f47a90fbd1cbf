// RUN: tessera-opt --split-input-file --verify-diagnostics --tessera-hal-loader-conversion %s

// The variant is chosen when the module is loaded: every variant a dispatch
// names must give its export the same ordinal.
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @a target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @f ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
  hal.executable.variant public @b target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @f ordinal(1) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}

func.func @ordinals(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{variants of @ex give the export different ordinals (0 and 1); the variant is chosen at load, so they must agree}}
  %r = flow.dispatch {@ex::@a::@f, @ex::@b::@f}(%x) : (tensor<4xf32>) -> %x
  return %r : tensor<4xf32>
}

// -----

#layout = #hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @a target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @f ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}

func.func @wide_scalar(%x: tensor<4xf32>, %s: f64) -> tensor<4xf32> {
  // expected-error @+1 {{cannot pass a value of type 'f64' as a push constant}}
  %r = flow.dispatch @ex::@a::@f(%s, %x) : (f64, tensor<4xf32>) -> %x
  return %r : tensor<4xf32>
}

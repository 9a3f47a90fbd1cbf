// RUN: tessera-opt --split-input-file --verify-diagnostics %s

hal.executable private @ex {
  // expected-error @+1 {{'func.func' op is not allowed in a hal.executable}}
  func.func @f() {
    return
  }
}

// -----

hal.executable private @ex {
  hal.executable.variant public @cpu target(#hal.executable.target<"llvm-cpu", "embedded-elf-x86_64">) {
    hal.executable.export public @a ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
    // expected-error @+1 {{ordinal 0 is already used by @a}}
    hal.executable.export public @b ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
  }
}

// -----

hal.executable private @ex {
  hal.executable.variant public @cpu target(#hal.executable.target<"llvm-cpu", "embedded-elf-x86_64">) {
    // expected-error @+1 {{has no implementation @a in the variant's module}}
    hal.executable.export public @a ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
    builtin.module {
    }
  }
}

// -----

hal.executable private @ex {
  hal.executable.variant public @cpu target(#hal.executable.target<"llvm-cpu", "embedded-elf-x86_64">) {
    // expected-error @+1 {{count region must take !hal.device as its first argument}}
    hal.executable.export public @a ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>) count(%w: index) -> (index, index, index) {
      hal.return %w, %w, %w : index, index, index
    }
  }
}

// -----

hal.executable private @ex {
  // expected-error @+1 {{data must not be empty}}
  hal.executable.binary public @cpu attributes {data = dense<> : tensor<0xi8>, format = "embedded-elf-x86_64"}
}

// -----

// expected-error @+3 {{expected storage_buffer or uniform_buffer but got 'texture'}}
// expected-error @+2 {{failed to parse HAL_DescriptorSetLayoutAttr parameter 'bindings'}}
// expected-error @+1 {{failed to parse HAL_PipelineLayoutAttr parameter 'sets'}}
func.func private @f() attributes {layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, texture>]>]>}

// -----

// expected-error @+1 {{executable object needs a path or data}}
func.func private @g() attributes {object = #hal.executable.object<{}>}

// -----

func.func @f() {
  // expected-error @+1 {{expects 1 dynamic dimension values for 'memref<?xf32>' but got 0}}
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{dimension must be 0, 1 or 2 but got 3}}
  %0 = hal.interface.workgroup.id[3] : index
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{dimension must be 0, 1 or 2 but got 4}}
  %0 = hal.interface.workgroup.count[4] : index
  return
}

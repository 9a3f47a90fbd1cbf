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

// -----

func.func @query_without_key(%device: !hal.device) -> i1 {
  // expected-error @+1 {{'hal.device.query' op needs a category and a key}}
  %ok, %v = hal.device.query<%device : !hal.device> key("" :: "x") : i1, i32
  return %ok : i1
}

// -----

func.func @query_default_type(%device: !hal.device) -> i32 {
  // expected-error @+1 {{'hal.device.query' op default value of type 'i64' for a result of type 'i32'}}
  %ok, %v = hal.device.query<%device : !hal.device> key("a" :: "b") : i1, i32 = 4 : i64
  return %v : i32
}

// -----

hal.executable private @two_conditions {
  hal.executable.variant public @v target(<"llvm-cpu", "embedded-elf-x86_64", {}>) objects([#hal.executable.object<{path = "a.o"}>]) {
    hal.executable.condition(%device: !hal.device) -> i1 {
      %true = arith.constant true
      hal.return %true : i1
    }
    // expected-error @+1 {{'hal.executable.condition' op is the second condition of the variant}}
    hal.executable.condition(%device: !hal.device) -> i1 {
      %true = arith.constant true
      hal.return %true : i1
    }
  }
}

// -----

hal.executable private @bad_condition {
  hal.executable.variant public @v target(<"llvm-cpu", "embedded-elf-x86_64", {}>) objects([#hal.executable.object<{path = "a.o"}>]) {
    hal.executable.condition(%device: !hal.device) -> i1 {
      %c = arith.constant 1 : i32
      // expected-error @+1 {{'hal.return' op of a condition must return one i1}}
      hal.return %c : i32
    }
  }
}

// -----

func.func @extern_without_objects(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'hal.dispatch.extern' op target 0 needs a non-empty list of #hal.executable.object}}
  %r = hal.dispatch.extern "f"[%c1](%a) : (tensor<4xf32>) -> tensor<4xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      hal.return %w, %w, %w : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = []
    })
  return %r : tensor<4xf32>
}

// -----

func.func @extern_count_arity(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'hal.dispatch.extern' op count region must take the device and the 1 workload values}}
  %r = hal.dispatch.extern "f"[%c1](%a) : (tensor<4xf32>) -> tensor<4xf32>
    count(%device: !hal.device) -> (index, index, index) {
      %c = arith.constant 1 : index
      hal.return %c, %c, %c : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = [#hal.executable.object<{path = "f.o"}>]
    })
  return %r : tensor<4xf32>
}

// -----

func.func @extern_too_many_bindings(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'hal.dispatch.extern' op has 3 bindings but the layout declares 2}}
  %r = hal.dispatch.extern "f"[%c1](%a) : (tensor<4xf32>) -> tensor<4xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {
      hal.return %w, %w, %w : index, index, index
    }
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    bindings([#hal.interface.binding<0, 0>, #hal.interface.binding<0, 1>, #hal.interface.binding<0, 2>])
    objects({
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {}> ordinal(0) = [#hal.executable.object<{path = "f.o"}>]
    })
  return %r : tensor<4xf32>
}

// -----

func.func @export_dims(%t: tensor<?x4xf32>) -> !hal.buffer {
  // expected-error @+1 {{'hal.tensor.export' op expects 1 dynamic dimension values for 'tensor<?x4xf32>' but got 0}}
  %b = hal.tensor.export %t : tensor<?x4xf32> -> !hal.buffer
  return %b : !hal.buffer
}

// -----

hal.executable private @ex {
  // expected-error @+1 {{'hal.executable.binary' op condition must take one !hal.device argument}}
  hal.executable.binary public @b if(%x: index) -> i1 {
    %t = arith.constant true
    hal.return %t : i1
  } attributes {data = dense<1> : vector<4xi8>, format = "embedded-elf-x86_64"}
}

// RUN: tessera-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(hal.executable(tessera-vulkan-serialize-spirv))' %s | FileCheck %s

// The vulkan-spirv variant's spirv.module is serialized and validated and
// the variant replaced by a binary of the variant's name and format: the
// bytes start with the SPIR-V magic number 0x07230203 (little-endian). The
// llvm-cpu variant beside it is left to its own serialization.

// CHECK-LABEL: hal.executable private @fill
// CHECK: hal.executable.binary public @vulkan_spirv_fb attributes {data = dense<"0x03022307
// CHECK-SAME: format = "vulkan-spirv-fb"
// CHECK-SAME: mime_type = "application/x-spirv"
// CHECK-NOT: spirv.module
// CHECK: hal.executable.variant public @embedded_elf_x86_64
hal.executable private @fill {
  hal.executable.variant public @vulkan_spirv_fb target(<"vulkan-spirv", "vulkan-spirv-fb", {}>) {
    hal.executable.export public @fill_dispatch ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
        spirv.GlobalVariable @__builtin__LocalInvocationId__ built_in("LocalInvocationId") : !spirv.ptr<vector<3xi32>, Input>
        spirv.GlobalVariable @__resource_var_0_0__ bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
        spirv.func @fill_dispatch() "None" {
          %zero = spirv.Constant 0 : i32
          %one = spirv.Constant 1.000000e+00 : f32
          %ids_addr = spirv.mlir.addressof @__builtin__LocalInvocationId__ : !spirv.ptr<vector<3xi32>, Input>
          %ids = spirv.Load "Input" %ids_addr : vector<3xi32>
          %id = spirv.CompositeExtract %ids[0 : i32] : vector<3xi32>
          %buffer = spirv.mlir.addressof @__resource_var_0_0__ : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
          %ptr = spirv.AccessChain %buffer[%zero, %id] : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>, i32, i32 -> !spirv.ptr<f32, StorageBuffer>
          spirv.Store "StorageBuffer" %ptr, %one : f32
          spirv.Return
        }
        spirv.EntryPoint "GLCompute" @fill_dispatch, @__builtin__LocalInvocationId__
        spirv.ExecutionMode @fill_dispatch "LocalSize", 64, 1, 1
      }
    }
  }
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    builtin.module {
    }
  }
}

// -----

// The module must be valid for Vulkan (SPIRV-Tools' validator): a compute
// entry point needs its workgroup size.

hal.executable private @no_local_size {
  // expected-error @+1 {{object '<compiled vulkan_spirv_fb>' is not valid SPIR-V for Vulkan 1.2:}}
  hal.executable.variant public @vulkan_spirv_fb target(<"vulkan-spirv", "vulkan-spirv-fb", {}>) {
    hal.executable.export public @no_local_size_dispatch ordinal(0) layout(<push_constants = 0, sets = []>) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader], []> {
        spirv.func @no_local_size_dispatch() "None" {
          spirv.Return
        }
        spirv.EntryPoint "GLCompute" @no_local_size_dispatch
      }
    }
  }
}

// -----

// A variant with two spirv.modules (unlinked) is refused.

hal.executable private @two_modules {
  // expected-error @+1 {{needs one spirv.module after code generation, has 2}}
  hal.executable.variant public @vulkan_spirv_fb target(<"vulkan-spirv", "vulkan-spirv-fb", {}>) {
    builtin.module {
      spirv.module @a Logical GLSL450 requires #spirv.vce<v1.0, [Shader], []> {
      }
      spirv.module @b Logical GLSL450 requires #spirv.vce<v1.0, [Shader], []> {
      }
    }
  }
}

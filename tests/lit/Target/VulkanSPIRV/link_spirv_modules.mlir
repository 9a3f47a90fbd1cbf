// RUN: tessera-opt --tessera-vulkan-link-spirv-modules %s | FileCheck %s

// Two dispatches' modules linked into one variant become one spirv.module:
// the identical builtin variable is shared, the binding variables of
// different types keep apart (the second renamed, its users following),
// each function keeps its entry point and execution mode, and the version,
// capabilities and extensions are recomputed for the union.

// CHECK-LABEL: hal.executable.variant public @vulkan_spirv_fb
// CHECK: spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader, Int64{{.*}}], [SPV_KHR_storage_buffer_storage_class]>
// CHECK-NEXT: spirv.GlobalVariable @__builtin__LocalInvocationId__ built_in("LocalInvocationId")
// CHECK-NEXT: spirv.GlobalVariable @__resource_var_0_0__ bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
// CHECK: spirv.func @first()
// CHECK: spirv.mlir.addressof @__resource_var_0_0__ :
// CHECK: spirv.EntryPoint "GLCompute" @first, @__builtin__LocalInvocationId__
// CHECK-NEXT: spirv.ExecutionMode @first "LocalSize", 64, 1, 1
// CHECK-NOT: spirv.GlobalVariable @__builtin__LocalInvocationId__
// CHECK: spirv.GlobalVariable @__resource_var_0_0___1 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<i64, stride=8> [0])>, StorageBuffer>
// CHECK: spirv.func @second()
// CHECK: spirv.mlir.addressof @__resource_var_0_0___1 :
// CHECK: spirv.EntryPoint "GLCompute" @second, @__builtin__LocalInvocationId__
// CHECK-NEXT: spirv.ExecutionMode @second "LocalSize", 64, 1, 1
// CHECK-NOT: spirv.module
// A variant with one module is left as it is.
// CHECK-LABEL: hal.executable.variant public @single
// CHECK-COUNT-1: spirv.module

#vk = #hal.executable.target<"vulkan-spirv", "vulkan-spirv-fb", {}>
#env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Int64], [SPV_KHR_storage_buffer_storage_class]>, api=Vulkan, #spirv.resource_limits<>>
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @linked_vulkan_spirv {
  hal.executable.variant public @vulkan_spirv_fb target(#vk) {
    hal.executable.export public @first ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    hal.executable.export public @second ordinal(1) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader], [SPV_KHR_storage_buffer_storage_class]> attributes {spirv.target_env = #env} {
        spirv.GlobalVariable @__builtin__LocalInvocationId__ built_in("LocalInvocationId") : !spirv.ptr<vector<3xi32>, Input>
        spirv.GlobalVariable @__resource_var_0_0__ bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
        spirv.func @first() "None" {
          %zero = spirv.Constant 0 : i32
          %value = spirv.Constant 1.0 : f32
          %base = spirv.mlir.addressof @__resource_var_0_0__ : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
          %ptr = spirv.AccessChain %base[%zero, %zero] : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>, i32, i32 -> !spirv.ptr<f32, StorageBuffer>
          spirv.Store "StorageBuffer" %ptr, %value : f32
          spirv.Return
        }
        spirv.EntryPoint "GLCompute" @first, @__builtin__LocalInvocationId__
        spirv.ExecutionMode @first "LocalSize", 64, 1, 1
      }
      spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader, Int64], [SPV_KHR_storage_buffer_storage_class]> attributes {spirv.target_env = #env} {
        spirv.GlobalVariable @__builtin__LocalInvocationId__ built_in("LocalInvocationId") : !spirv.ptr<vector<3xi32>, Input>
        spirv.GlobalVariable @__resource_var_0_0__ bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<i64, stride=8> [0])>, StorageBuffer>
        spirv.func @second() "None" {
          %zero = spirv.Constant 0 : i32
          %value = spirv.Constant 1 : i64
          %base = spirv.mlir.addressof @__resource_var_0_0__ : !spirv.ptr<!spirv.struct<(!spirv.rtarray<i64, stride=8> [0])>, StorageBuffer>
          %ptr = spirv.AccessChain %base[%zero, %zero] : !spirv.ptr<!spirv.struct<(!spirv.rtarray<i64, stride=8> [0])>, StorageBuffer>, i32, i32 -> !spirv.ptr<i64, StorageBuffer>
          spirv.Store "StorageBuffer" %ptr, %value : i64
          spirv.Return
        }
        spirv.EntryPoint "GLCompute" @second, @__builtin__LocalInvocationId__
        spirv.ExecutionMode @second "LocalSize", 64, 1, 1
      }
    }
  }
  hal.executable.variant public @single target(#vk) {
    hal.executable.export public @third ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader], []> {
        spirv.func @third() "None" {
          spirv.Return
        }
        spirv.EntryPoint "GLCompute" @third
        spirv.ExecutionMode @third "LocalSize", 64, 1, 1
      }
    }
  }
}

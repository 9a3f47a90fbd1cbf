// RUN: tessera-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(tessera-spirv-convert-to-spirv)))' %s | FileCheck %s

// The variant's dispatch function becomes a spirv.func in a spirv.module:
// bindings StorageBuffer globals at (set, binding), the push constant a
// member of a PushConstant block of i32, the workgroup id and invocation
// id builtins; float math NoContraction. The export gets a GLCompute entry
// point of its name with 64x1x1 invocations; the module's capabilities
// come from the default environment (Vulkan 1.1's SPIR-V 1.3).

// CHECK-LABEL: hal.executable private @scale
// CHECK: hal.executable.export public @scale_dispatch
// CHECK: builtin.module {
// CHECK-NEXT: spirv.module Logical GLSL450 requires #spirv.vce<v1.0, [Shader, Matrix], [SPV_KHR_storage_buffer_storage_class]>
// CHECK-SAME: spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]>, api=Vulkan
// CHECK-DAG: spirv.GlobalVariable @__builtin__LocalInvocationId__ built_in("LocalInvocationId")
// CHECK-DAG: spirv.GlobalVariable @__builtin__WorkgroupId__ built_in("WorkgroupId")
// CHECK-DAG: spirv.GlobalVariable @[[PUSH:.+]] : !spirv.ptr<!spirv.struct<(!spirv.array<1 x i32, stride=4> [0])>, PushConstant>
// CHECK-DAG: spirv.GlobalVariable @[[IN:__resource_var_0_0__]] bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @[[OUT:__resource_var_0_1__]] bind(0, 1) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
// CHECK: spirv.func @scale_dispatch() "None" {
// CHECK-DAG: %[[IN_ADDR:.+]] = spirv.mlir.addressof @[[IN]]
// CHECK-DAG: %[[OUT_ADDR:.+]] = spirv.mlir.addressof @[[OUT]]
// CHECK: spirv.mlir.addressof @__builtin__WorkgroupId__
// CHECK: spirv.CompositeExtract %{{.+}}[0 : i32] : vector<3xi32>
// CHECK: spirv.mlir.addressof @__builtin__LocalInvocationId__
// CHECK: spirv.mlir.addressof @[[PUSH]]
// CHECK: spirv.ConvertSToF
// CHECK: %[[LOAD_PTR:.+]] = spirv.AccessChain %[[IN_ADDR]][%{{.+}}, %[[I:.+]]] :
// CHECK: %[[V:.+]] = spirv.Load "StorageBuffer" %[[LOAD_PTR]] : f32
// CHECK: %[[S:.+]] = spirv.FMul %[[V]], %{{.+}} {no_contraction} : f32
// CHECK: %[[STORE_PTR:.+]] = spirv.AccessChain %[[OUT_ADDR]][%{{.+}}, %[[I]]] :
// CHECK: spirv.Store "StorageBuffer" %[[STORE_PTR]], %[[S]] : f32
// CHECK: spirv.Return
// CHECK: spirv.EntryPoint "GLCompute" @scale_dispatch, @__builtin__WorkgroupId__, @__builtin__LocalInvocationId__
// CHECK-NEXT: spirv.ExecutionMode @scale_dispatch "LocalSize", 64, 1, 1
// CHECK-NOT: func.func
hal.executable private @scale {
  hal.executable.variant public @vulkan_spirv_fb target(<"vulkan-spirv", "vulkan-spirv-fb", {}>) {
    hal.executable.export public @scale_dispatch ordinal(0) layout(<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%device: !hal.device, %n: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %n, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @scale_dispatch() {
        %c64 = arith.constant 64 : index
        %c1024 = arith.constant 1024 : index
        %in = hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>{%c1024}
        %out = hal.interface.binding.subspan set(0) binding(1) : memref<?xf32>{%c1024}
        %group = hal.interface.workgroup.id[0] : index
        %base = arith.muli %group, %c64 : index
        %id = gpu.thread_id x
        %i = arith.addi %base, %id : index
        %k = hal.interface.constant.load[0] : i32
        %kf = arith.sitofp %k : i32 to f32
        %v = memref.load %in[%i] : memref<?xf32>
        %s = arith.mulf %v, %kf : f32
        memref.store %s, %out[%i] : memref<?xf32>
        return
      }
    }
  }
}

// -----

// A per-invocation temporary larger than the 16 KiB an invocation may hold
// is refused at the op that needs it.

hal.executable private @too_large {
  hal.executable.variant public @vulkan_spirv_fb target(<"vulkan-spirv", "vulkan-spirv-fb", {}>) {
    hal.executable.export public @too_large_dispatch ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @too_large_dispatch() {
        %c0 = arith.constant 0 : index
        // expected-error @+1 {{the dispatch of this op needs 32768 bytes of per-invocation temporaries (limit 16384)}}
        %t = memref.alloca() : memref<8192xf32>
        %v = memref.load %t[%c0] : memref<8192xf32>
        %out = hal.interface.binding.subspan set(0) binding(0) : memref<1xf32>
        memref.store %v, %out[%c0] : memref<1xf32>
        return
      }
    }
  }
}

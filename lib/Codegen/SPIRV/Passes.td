//===- Passes.td - vulkan-spirv code generation ------------*- tablegen -*-===//
#ifndef TESSERA_CODEGEN_SPIRV_PASSES
#define TESSERA_CODEGEN_SPIRV_PASSES

include "mlir/Pass/PassBase.td"

def CheckElementTypesPass
    : Pass<"tessera-spirv-check-element-types", "mlir::ModuleOp"> {
  let summary = "Refuses dispatches over tensors whose element type the SPIR-V "
                "kernels cannot store (anything but f32 and i32)";
  let description = [{
    Kernels address storage buffers in 32-bit words: without the 8/16-bit
    storage capabilities, f16, i8 and i16 values would be read and written
    as 32-bit ones, and 64-bit ones are not available everywhere. A dispatch
    over such tensors is refused at the source op, in the user's terms.
  }];
}

def ExcludeUnsupportedVariantsPass
    : Pass<"tessera-spirv-exclude-unsupported-variants", "mlir::ModuleOp"> {
  let summary = "Drops the vulkan-spirv variant of executables whose tensors "
                "it cannot store, when another variant runs them";
  let description = [{
    A program compiled for Vulkan and the CPU may hold dispatches the SPIR-V
    kernels cannot (i64 indices of an embedding lookup, i1 masks): such an
    executable keeps only its other variants and runs on the CPU, as an
    executable without a Vulkan binary does, instead of failing the whole
    compile. An executable with no other variant is left for
    tessera-spirv-check-element-types to refuse.
  }];
}

def InlineSplatConstantsPass
    : Pass<"tessera-spirv-inline-splat-constants", "mlir::func::FuncOp"> {
  let summary = "Splat constant inputs of linalg ops read as scalars";
  let description = [{
    A splat read by a linalg op (a splat constant or a linalg.fill result)
    would become a whole temporary in every invocation's private memory once
    tiled. The op (generalized if named) reads that scalar in its body
    instead. Runs before tiling.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::tensor::TensorDialect"];
}

def SelectLoweringConfigPass
    : Pass<"tessera-spirv-select-lowering-config", "mlir::ModuleOp"> {
  let summary = "Chooses workgroup tile sizes for each dispatch's root op";
  let description = [{
    Marks the root op of every dispatch function (the op whose result is
    stored to a binding) with `#tessera_codegen.lowering_config<workgroup = [...]>`:
    64 for the innermost parallel loop, 32 for the next, 1 for outer ones,
    each at most the loop's extent. Reductions, and parallel loops along
    which a fused reduction would be recomputed, get 0 (untiled).
    FitTilesInPrivateMemory then shrinks the tiles whose temporaries would
    not fit an invocation.
  }];
  let dependentDialects = ["mlir::tessera::codegen::TesseraCodegenDialect"];
}

def FitTilesInPrivateMemoryPass
    : Pass<"tessera-spirv-fit-tiles-in-private-memory", "mlir::ModuleOp"> {
  let summary = "Shrinks workgroup tiles until their temporaries fit an "
                "invocation";
  let description = [{
    The temporaries of a tile (what the root's fused producers compute) live
    in each invocation's private memory: the largest workgroup tile size of
    the root's lowering config is halved until the estimate (elements of the
    root's parallel tile, times the producers) fits kPrivateBytesLimit.
    Runs after the lowering config is chosen.
  }];
}

def BoundTemporariesPass
    : Pass<"tessera-spirv-bound-temporaries", "mlir::func::FuncOp"> {
  let summary = "Gives dynamically sized temporaries their static upper bound";
  let description = [{
    An edge tile's temporaries have dynamic sizes; SPIR-V variables need a
    static type. Each dynamic temporary becomes one of its sizes' constant
    upper bounds (the full tile), viewed through a subview of the actual
    sizes.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def PromoteMatmulOperandsPass
    : Pass<"tessera-spirv-promote-matmul-operands", "mlir::func::FuncOp"> {
  let summary = "Stages a matmul tile's LHS in workgroup memory, 32 reduction "
                "elements at a time";
  let description = [{
    Every invocation of a matmul tile reads all of the tile's rows of the
    left-hand side: the reduction dimension is tiled by 32 and each step's
    LHS slice is first copied into workgroup memory by the invocations
    together, where the tile has several columns and the slice fits. Not
    done for Vulkan devices that are CPUs (`device_type = "cpu"`). On
    buffers.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::gpu::GPUDialect",
    "mlir::linalg::LinalgDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect"];
}

def ParallelLoopsOutermostPass
    : Pass<"tessera-spirv-parallel-loops-outermost", "mlir::func::FuncOp"> {
  let summary = "Interchanges linalg ops so that their parallel loops come "
                "before their reductions";
  let description = [{
    Invocations share a tile through its outermost parallel loops: a
    parallel loop after a reduction would become a second scf.parallel
    nested in the reduction's loop. Such ops are interchanged, parallel
    loops outermost in their order; the sums still run in the same order
    per output element. Runs before linalg -> parallel loops.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def DistributeToInvocationsPass
    : Pass<"tessera-spirv-distribute-to-invocations", "mlir::func::FuncOp"> {
  let summary = "Spreads each tile loop's innermost dimension over "
                "invocations";
  let description = [{
    scf.parallel loops become scf.for loops, the innermost one strided over
    gpu.thread_id x. Where invocations read each other's results,
    temporaries move to workgroup memory with barriers between the ops.
  }];
  let dependentDialects = [
    "mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
    "mlir::arith::ArithDialect", "mlir::memref::MemRefDialect"];
}

def UnrollInnerLoopsPass
    : Pass<"tessera-spirv-unroll-inner-loops", "mlir::func::FuncOp"> {
  let summary = "Unrolls innermost loops with a static trip count by 4";
  let description = [{
    Gives the driver independent work and takes fewer back edges: lavapipe
    silently stops a loop after 65535 back edges per invocation.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def FlattenBindingsPass
    : Pass<"tessera-spirv-flatten-bindings", "mlir::func::FuncOp"> {
  let summary = "Bindings as 1-D memrefs with linearized loads and stores";
  let description = [{
    A SPIR-V storage buffer is a runtime array: each binding becomes a 1-D
    memref of all its elements and every load and store of it computes the
    row-major linear index from the binding's dims.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def ConvertToSPIRVPass
    : Pass<"tessera-spirv-convert-to-spirv",
           "mlir::tessera::hal::ExecutableVariantOp"> {
  let summary = "The variant's dispatch functions to a spirv.module";
  let description = [{
    Bindings become StorageBuffer globals at (set, binding), push constants
    one PushConstant block of i32, workgroup ids and counts and the
    invocation id builtins; each export gets a GLCompute entry point named
    like it (64x1x1 invocations). Temporaries must be static and fit the
    guaranteed private and workgroup memory limits.
  }];
  let dependentDialects = ["mlir::spirv::SPIRVDialect", "mlir::gpu::GPUDialect"];
}

#endif // TESSERA_CODEGEN_SPIRV_PASSES

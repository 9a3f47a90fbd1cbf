//===- Passes.td - Code generation shared by the backends --*- tablegen -*-===//
#ifndef TESSERA_CODEGEN_COMMON_PASSES
#define TESSERA_CODEGEN_COMMON_PASSES

include "mlir/Pass/PassBase.td"

def TileAndDistributeToWorkgroupsPass
    : Pass<"tessera-codegen-tile-and-distribute-to-workgroups",
           "mlir::tessera::hal::ExecutableVariantOp"> {
  let summary = "Tiles each root op, fuses its producers and maps the tiles "
                "onto workgroup ids";
  let description = [{
    Tiles the root op by its lowering config (scf.forall), fuses producers
    into the tile, then replaces the loop by the tile of the running
    workgroup (`hal.interface.workgroup.id`). The export's count region is
    rewritten to the matching grid: ceildiv(workload, tile) per tiled loop,
    x innermost, z the product of the outer ones.

    With `guard-workgroup-ids`, each workgroup first asserts (`cf.assert`)
    that its tile lies inside the iteration space: the host program's
    workgroup count comes from an untrusted module, and a workgroup past the
    grid would otherwise compute a tile outside the bindings. The LLVM
    lowering turns the assert into an error return; shaders cannot return
    one, so the SPIR-V backend turns the guard off (its device bounds every
    access with robustBufferAccess).
  }];
  let options = [
    Option<"guardWorkgroupIds", "guard-workgroup-ids", "bool", "true",
           "Assert that the running workgroup's tile is inside the "
           "iteration space">
  ];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::affine::AffineDialect",
    "mlir::cf::ControlFlowDialect"];
}

def BufferizeDispatchPass
    : Pass<"tessera-codegen-bufferize", "mlir::ModuleOp"> {
  let summary = "One-shot bufferization of dispatch functions, no heap";
  let description = [{
    Bufferizes in place into the bindings; copies become linalg.copy;
    temporaries become stack allocations (memref.alloca): executables are
    linked without a C library, so there is no malloc on the CPU, and on
    SPIR-V they become per-invocation variables.
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect", "mlir::memref::MemRefDialect",
    "mlir::linalg::LinalgDialect"];
}

#endif // TESSERA_CODEGEN_COMMON_PASSES

//===- Passes.td - hal_loader transformations --------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES
#define TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def ResolveExportOrdinalsPass
    : Pass<"tessera-hal-loader-resolve-export-ordinals", "mlir::ModuleOp"> {
  let summary = "Dispatches by symbol become dispatches by ordinal";
  let description = [{
    Every `hal_loader.executable.dispatch.symbol` is replaced by
    `hal_loader.executable.dispatch` with the ordinal of the export it
    names. An export that cannot be found is an error at the dispatch.
  }];
  let dependentDialects = ["mlir::tessera::hal_loader::HALLoaderDialect"];
}

def ConvertToHALLoaderPass
    : Pass<"tessera-hal-loader-conversion", "mlir::ModuleOp"> {
  let summary = "flow.dispatch becomes a hal_loader dispatch on host buffers";
  let description = [{
    In every host function, each `flow.dispatch` of a hal export becomes
    `hal_loader.executable.lookup` of its executable and
    `hal_loader.executable.dispatch.symbol` with the export's count region
    inlined, push constants and bindings in the export's interface order.
    Tensor operands bind their storage (`hal.tensor.export`); results get
    new buffers (`hal.buffer.allocate`, a copy of the operand when tied)
    read back as tensors (`hal.tensor.import`). Every variant named by the
    dispatch must give the export the same ordinal and layout: which one
    runs is decided when the module is loaded.
  }];
  let dependentDialects = ["mlir::tessera::hal_loader::HALLoaderDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::cf::ControlFlowDialect"];
}

def MaterializeExecutablesPass
    : Pass<"tessera-hal-loader-materialize-executables", "mlir::ModuleOp"> {
  let summary = "Serialized executables become globals loaded at init";
  let description = [{
    Each `hal.executable` holding binaries becomes a
    `hal_loader.executable.global` of the same name whose initializer tries
    the binaries in order: the first whose format the runtime supports
    (`hal_loader.executable.query_support`) and whose condition, if any,
    holds on the device is loaded from a `hal.buffer.constant` of its bytes;
    when none can be, `hal_loader.fail` names the executable and the formats
    it has. Lookups then read the global.
  }];
  let dependentDialects = ["mlir::tessera::hal_loader::HALLoaderDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::cf::ControlFlowDialect"];
}

#endif // TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES

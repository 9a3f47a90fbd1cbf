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

#endif // TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES

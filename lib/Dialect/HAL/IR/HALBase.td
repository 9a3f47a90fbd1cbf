//===- HALBase.td - hal dialect ----------------------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HAL_HALBASE
#define TESSERA_DIALECT_HAL_HALBASE

include "mlir/IR/OpBase.td"

def HAL_Dialect : Dialect {
  let name = "hal";
  let cppNamespace = "::mlir::tessera::hal";
  let summary = "Hardware abstraction: executables per target, layouts, "
                "binaries and the dispatch interface";
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Adds the attributes (HALAttrs.cpp, where their storage is defined).
    void registerAttributes();
  }];
}

#endif // TESSERA_DIALECT_HAL_HALBASE

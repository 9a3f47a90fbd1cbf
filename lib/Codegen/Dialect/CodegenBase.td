//===- CodegenBase.td - tessera_codegen dialect ------------*- tablegen -*-===//
#ifndef TESSERA_CODEGEN_DIALECT_CODEGENBASE
#define TESSERA_CODEGEN_DIALECT_CODEGENBASE

include "mlir/IR/OpBase.td"

def TesseraCodegen_Dialect : Dialect {
  let name = "tessera_codegen";
  let cppNamespace = "::mlir::tessera::codegen";
  let summary = "Code generation decisions recorded on a dispatch's ops";
  let description = [{
    Attributes the backends' code generation passes attach to the ops of
    a dispatch function (which tiles a root op is cut into) and read back
    later in the same pipeline. They belong to code generation, not to the
    hal dialect's executable model.
  }];
  let useDefaultAttributePrinterParser = 1;
}

#endif // TESSERA_CODEGEN_DIALECT_CODEGENBASE

//===- CodegenDialect.cpp - tessera_codegen dialect -----------------------===//

#include "Codegen/Dialect/CodegenDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::codegen;

#include "Codegen/Dialect/CodegenDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Codegen/Dialect/CodegenAttrs.cpp.inc"

void TesseraCodegenDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Codegen/Dialect/CodegenAttrs.cpp.inc"
      >();
}

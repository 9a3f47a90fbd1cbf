//===- CodegenDialect.cpp - tessera_codegen dialect -----------------------===//

#include "Codegen/Dialect/CodegenDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::codegen;

#include "Codegen/Dialect/CodegenDialect.cpp.inc"

/// `[64, 32, 0]`, possibly empty.
static ParseResult parseTileSizes(AsmParser &parser,
                                  SmallVector<int64_t> &sizes) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    return parser.parseInteger(sizes.emplace_back());
  });
}

static void printTileSizes(AsmPrinter &printer, ArrayRef<int64_t> sizes) {
  printer << '[';
  llvm::interleaveComma(sizes, printer);
  printer << ']';
}

#define GET_ATTRDEF_CLASSES
#include "Codegen/Dialect/CodegenAttrs.cpp.inc"

void TesseraCodegenDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Codegen/Dialect/CodegenAttrs.cpp.inc"
      >();
}

LogicalResult
LoweringConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           ArrayRef<int64_t> workgroupTileSizes) {
  for (int64_t size : workgroupTileSizes)
    if (size < 0)
      return emitError() << "workgroup tile sizes must be >= 0 (0: not "
                            "tiled), got "
                         << size;
  return success();
}

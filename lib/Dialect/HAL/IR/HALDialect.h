//===- HALDialect.h - hal dialect, types and attributes -------*- C++ -*-===//
#ifndef TESSERA_DIALECT_HAL_IR_HALDIALECT_H
#define TESSERA_DIALECT_HAL_IR_HALDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "Dialect/HAL/IR/HALDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "Dialect/HAL/IR/HALTypes.h.inc"

namespace mlir::tessera::hal {
/// `[` (attr (`,` attr)*)? `]`, for list parameters that may be empty.
template <typename AttrT>
FailureOr<SmallVector<AttrT>> parseBracketedList(AsmParser &parser) {
  SmallVector<AttrT> elements;
  if (failed(parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square, [&]() -> ParseResult {
            auto element = FieldParser<AttrT>::parse(parser);
            if (failed(element))
              return failure();
            elements.push_back(*element);
            return success();
          })))
    return failure();
  return elements;
}

template <typename AttrT>
void printBracketedList(AsmPrinter &printer, ArrayRef<AttrT> elements) {
  printer << '[';
  llvm::interleaveComma(elements, printer, [&](AttrT element) {
    printer.printStrippedAttrOrType(element);
  });
  printer << ']';
}
} // namespace mlir::tessera::hal

#define GET_ATTRDEF_CLASSES
#include "Dialect/HAL/IR/HALAttrs.h.inc"

#endif // TESSERA_DIALECT_HAL_IR_HALDIALECT_H

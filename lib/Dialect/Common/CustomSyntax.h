//===- CustomSyntax.h - Shared custom assembly directives ------*- C++ -*-===//
//
// Parsers and printers shared by the flow and hal dialects: symbol visibility,
// workgroup-count regions and the shaped function type of dispatch-like ops
// (`(tensor<?xf32>{%d}, i32) -> %arg0`).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_COMMON_CUSTOMSYNTAX_H
#define TESSERA_DIALECT_COMMON_CUSTOMSYNTAX_H

#include "mlir/IR/OpImplementation.h"

namespace mlir::tessera {

/// `public` / `private` / `nested` or nothing (public).
ParseResult parseSymbolVisibility(OpAsmParser &parser, StringAttr &visibility);
void printSymbolVisibility(OpAsmPrinter &p, Operation *op,
                           StringAttr visibility);

/// `keyword(%arg0: index, ...) -> (index, index, index) { ... }`, optional:
/// when the keyword is absent the region stays empty.
ParseResult parseWorkgroupCountRegion(OpAsmParser &parser, Region &region,
                                      StringRef keyword);
void printWorkgroupCountRegion(OpAsmPrinter &p, Operation *op, Region &region,
                               StringRef keyword);

/// `(type{dims}, ...) -> (type{dims} | %tied_operand{dims}, ...)`.
ParseResult parseShapedFunctionType(
    OpAsmParser &parser, ArrayRef<OpAsmParser::UnresolvedOperand> operands,
    SmallVectorImpl<Type> &operandTypes,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &operandDims,
    SmallVectorImpl<Type> &resultTypes,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &resultDims,
    DenseI64ArrayAttr &tiedOperands);
void printShapedFunctionType(OpAsmPrinter &p, Operation *op,
                             ValueRange operands, TypeRange operandTypes,
                             OperandRange operandDims, TypeRange resultTypes,
                             OperandRange resultDims,
                             DenseI64ArrayAttr tiedOperands);

/// Verifies that `dims` holds exactly one value per dynamic dimension of the
/// shaped types in `types` (non-shaped types take none).
LogicalResult verifyDynamicDims(Operation *op, TypeRange types, ValueRange dims,
                                StringRef what);

/// Number of dynamic dimensions of `type` (0 for non-shaped types).
unsigned getDynamicDimCount(Type type);

/// The operand tied to result `index` by `ties` (-1: none), if any.
std::optional<unsigned> getTiedOperandIndex(DenseI64ArrayAttr ties,
                                            unsigned index);

/// Verifies a dispatch-like op's operands and results: one dim value per
/// dynamic dimension, and results tied to in-range operands of their type.
LogicalResult verifyShapedCall(Operation *op, ValueRange arguments,
                               ValueRange argumentDims, TypeRange resultTypes,
                               ValueRange resultDims, DenseI64ArrayAttr ties);

} // namespace mlir::tessera

#endif // TESSERA_DIALECT_COMMON_CUSTOMSYNTAX_H

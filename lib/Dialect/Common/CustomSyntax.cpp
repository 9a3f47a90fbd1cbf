//===- CustomSyntax.cpp - Shared custom assembly directives ---------------===//

#include "Dialect/Common/CustomSyntax.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::tessera {

ParseResult parseSymbolVisibility(OpAsmParser &parser, StringAttr &visibility) {
  StringRef keyword;
  if (succeeded(parser.parseOptionalKeyword(&keyword,
                                            {"public", "private", "nested"}))) {
    if (keyword != "public")
      visibility = parser.getBuilder().getStringAttr(keyword);
  }
  return success();
}

void printSymbolVisibility(OpAsmPrinter &p, Operation *op,
                           StringAttr visibility) {
  p << (visibility ? visibility.getValue() : StringRef("public"));
}

ParseResult parseWorkgroupCountRegion(OpAsmParser &parser, Region &region,
                                      StringRef keyword) {
  if (failed(parser.parseOptionalKeyword(keyword)))
    return success();
  SmallVector<OpAsmParser::Argument> args;
  if (parser.parseArgumentList(args, AsmParser::Delimiter::Paren,
                               /*allowType=*/true))
    return failure();
  SmallVector<Type> resultTypes;
  if (parser.parseArrow() || parser.parseLParen() ||
      parser.parseTypeList(resultTypes) || parser.parseRParen())
    return failure();
  if (resultTypes.size() != 3 ||
      !llvm::all_of(resultTypes, [](Type t) { return t.isIndex(); }))
    return parser.emitError(parser.getCurrentLocation(),
                            "workgroup count region must return (index, "
                            "index, index)");
  return parser.parseRegion(region, args);
}

void printWorkgroupCountRegion(OpAsmPrinter &p, Operation *op, Region &region,
                               StringRef keyword) {
  if (region.empty())
    return;
  p << keyword << "(";
  llvm::interleaveComma(region.getArguments(), p,
                        [&](BlockArgument arg) { p.printRegionArgument(arg); });
  p << ") -> (index, index, index) ";
  p.printRegion(region, /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/true);
}

unsigned getDynamicDimCount(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.hasRank() ? shaped.getNumDynamicDims() : 0;
  return 0;
}

static ParseResult
parseOptionalDims(OpAsmParser &parser, Type type,
                  SmallVectorImpl<OpAsmParser::UnresolvedOperand> &dims) {
  unsigned expected = getDynamicDimCount(type);
  if (failed(parser.parseOptionalLBrace())) {
    if (expected != 0)
      return parser.emitError(parser.getCurrentLocation(), "expected ")
             << expected << " dynamic dimension values in `{...}` for " << type;
    return success();
  }
  SmallVector<OpAsmParser::UnresolvedOperand> parsed;
  if (parser.parseOperandList(parsed) || parser.parseRBrace())
    return failure();
  if (parsed.size() != expected)
    return parser.emitError(parser.getCurrentLocation(), "expected ")
           << expected << " dynamic dimension values for " << type
           << " but got " << parsed.size();
  dims.append(parsed.begin(), parsed.end());
  return success();
}

ParseResult parseShapedFunctionType(
    OpAsmParser &parser, ArrayRef<OpAsmParser::UnresolvedOperand> operands,
    SmallVectorImpl<Type> &operandTypes,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &operandDims,
    SmallVectorImpl<Type> &resultTypes,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &resultDims,
    DenseI64ArrayAttr &tiedOperands) {
  if (parser.parseLParen())
    return failure();
  if (failed(parser.parseOptionalRParen())) {
    do {
      Type type;
      if (parser.parseType(type) ||
          parseOptionalDims(parser, type, operandDims))
        return failure();
      operandTypes.push_back(type);
    } while (succeeded(parser.parseOptionalComma()));
    if (parser.parseRParen())
      return failure();
  }
  if (operandTypes.size() != operands.size())
    return parser.emitError(parser.getCurrentLocation(), "expected ")
           << operands.size() << " operand types but got "
           << operandTypes.size();
  if (parser.parseArrow())
    return failure();

  SmallVector<int64_t> ties;
  bool anyTied = false;
  auto parseResult = [&]() -> ParseResult {
    OpAsmParser::UnresolvedOperand tied;
    OptionalParseResult tiedResult = parser.parseOptionalOperand(tied);
    if (tiedResult.has_value()) {
      if (failed(*tiedResult))
        return failure();
      auto it = llvm::find_if(operands, [&](auto &operand) {
        return operand.name == tied.name && operand.number == tied.number;
      });
      if (it == operands.end())
        return parser.emitError(tied.location,
                                "tied result must name one of the operands");
      int64_t index = it - operands.begin();
      Type type = operandTypes[index];
      resultTypes.push_back(type);
      ties.push_back(index);
      anyTied = true;
      return parseOptionalDims(parser, type, resultDims);
    }
    Type type;
    if (parser.parseType(type) || parseOptionalDims(parser, type, resultDims))
      return failure();
    resultTypes.push_back(type);
    ties.push_back(-1);
    return success();
  };

  if (succeeded(parser.parseOptionalLParen())) {
    if (failed(parser.parseOptionalRParen())) {
      if (parser.parseCommaSeparatedList(parseResult) || parser.parseRParen())
        return failure();
    }
  } else if (parseResult()) {
    return failure();
  }
  if (anyTied)
    tiedOperands = parser.getBuilder().getDenseI64ArrayAttr(ties);
  return success();
}

void printShapedFunctionType(OpAsmPrinter &p, Operation *op,
                             ValueRange operands, TypeRange operandTypes,
                             OperandRange operandDims, TypeRange resultTypes,
                             OperandRange resultDims,
                             DenseI64ArrayAttr tiedOperands) {
  auto printDims = [&](Type type, OperandRange &dims) {
    unsigned count = getDynamicDimCount(type);
    if (count == 0)
      return;
    p << "{";
    p.printOperands(dims.take_front(count));
    p << "}";
    dims = dims.drop_front(count);
  };
  OperandRange remainingOperandDims = operandDims;
  p << "(";
  llvm::interleaveComma(operandTypes, p, [&](Type type) {
    p.printType(type);
    printDims(type, remainingOperandDims);
  });
  p << ") -> ";
  OperandRange remainingResultDims = resultDims;
  bool parens = resultTypes.size() != 1;
  if (parens)
    p << "(";
  for (auto [index, type] : llvm::enumerate(resultTypes)) {
    if (index)
      p << ", ";
    int64_t tie = tiedOperands && index < size_t(tiedOperands.size())
                      ? tiedOperands[index]
                      : -1;
    if (tie >= 0 && tie < static_cast<int64_t>(operands.size()))
      p.printOperand(operands[tie]);
    else
      p.printType(type);
    printDims(type, remainingResultDims);
  }
  if (parens)
    p << ")";
}

LogicalResult verifyDynamicDims(Operation *op, TypeRange types, ValueRange dims,
                                StringRef what) {
  unsigned expected = 0;
  for (Type type : types)
    expected += getDynamicDimCount(type);
  if (expected != dims.size())
    return op->emitOpError()
           << "expects " << expected << " " << what
           << " dynamic dimension values but got " << dims.size();
  return success();
}

std::optional<unsigned> getTiedOperandIndex(DenseI64ArrayAttr ties,
                                            unsigned index) {
  if (!ties || index >= ties.size() || ties[index] < 0)
    return std::nullopt;
  return static_cast<unsigned>(ties[index]);
}

LogicalResult verifyShapedCall(Operation *op, ValueRange arguments,
                               ValueRange argumentDims, TypeRange resultTypes,
                               ValueRange resultDims, DenseI64ArrayAttr ties) {
  if (failed(verifyDynamicDims(op, arguments.getTypes(), argumentDims,
                               "argument")) ||
      failed(verifyDynamicDims(op, resultTypes, resultDims, "result")))
    return failure();
  if (!ties)
    return success();
  if (size_t(ties.size()) != resultTypes.size())
    return op->emitOpError() << "tied_operands must have one entry per result";
  for (auto [index, tie] : llvm::enumerate(ties.asArrayRef())) {
    if (tie < 0)
      continue;
    if (tie >= static_cast<int64_t>(arguments.size()))
      return op->emitOpError() << "result " << index
                               << " is tied to out-of-range operand " << tie;
    if (arguments[tie].getType() != resultTypes[index])
      return op->emitOpError()
             << "result " << index << " must have the type of its tied operand";
  }
  return success();
}

} // namespace mlir::tessera

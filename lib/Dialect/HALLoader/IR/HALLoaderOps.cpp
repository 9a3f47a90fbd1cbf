//===- HALLoaderOps.cpp - hal_loader dialect operations -------------------===//

#include "Dialect/HALLoader/IR/HALLoaderOps.h"

#include "Dialect/Common/CustomSyntax.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::hal_loader;

#include "Dialect/HALLoader/IR/HALLoaderOpsDialect.cpp.inc"

void HALLoaderDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Dialect/HALLoader/IR/HALLoaderOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// custom<DispatchBindings>: (%buffer : !hal.buffer)[%offset, %length], ...
//===----------------------------------------------------------------------===//

static ParseResult parseDispatchBindings(
    OpAsmParser &parser,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &buffers,
    SmallVectorImpl<Type> &bufferTypes,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &offsets,
    SmallVectorImpl<OpAsmParser::UnresolvedOperand> &lengths) {
  // An empty list: the `]` follows at once.
  if (failed(parser.parseOptionalLParen()))
    return success();
  auto parseOne = [&]() -> ParseResult {
    OpAsmParser::UnresolvedOperand buffer, offset, length;
    Type type;
    if (parser.parseOperand(buffer) || parser.parseColonType(type) ||
        parser.parseRParen() || parser.parseLSquare() ||
        parser.parseOperand(offset) || parser.parseComma() ||
        parser.parseOperand(length) || parser.parseRSquare())
      return failure();
    buffers.push_back(buffer);
    bufferTypes.push_back(type);
    offsets.push_back(offset);
    lengths.push_back(length);
    return success();
  };
  if (parseOne())
    return failure();
  while (succeeded(parser.parseOptionalComma()))
    if (parser.parseLParen() || parseOne())
      return failure();
  return success();
}

static void printDispatchBindings(OpAsmPrinter &printer, Operation *,
                                  ValueRange buffers, TypeRange bufferTypes,
                                  ValueRange offsets, ValueRange lengths) {
  for (unsigned i = 0; i < buffers.size(); ++i) {
    printer.printNewline();
    printer << "  (" << buffers[i] << " : " << bufferTypes[i] << ")["
            << offsets[i] << ", " << lengths[i] << "]";
    if (i + 1 < buffers.size())
      printer << ",";
  }
  if (!buffers.empty())
    printer.printNewline();
}

//===----------------------------------------------------------------------===//
// Executables
//===----------------------------------------------------------------------===//

void ExecutableQuerySupportOp::getAsmResultNames(
    function_ref<void(Value, StringRef)> setName) {
  setName(getSupported(), "supported");
}

LogicalResult ExecutableQuerySupportOp::verify() {
  if (getExecutableFormat().empty())
    return emitOpError("needs a non-empty executable format");
  return success();
}

void ExecutableLoadOp::getAsmResultNames(
    function_ref<void(Value, StringRef)> setName) {
  setName(getResult(), "exe");
}

LogicalResult ExecutableLoadOp::verify() {
  if (getFormat().empty())
    return emitOpError("needs a non-empty executable format");
  return success();
}

void ExecutableLookupOp::getAsmResultNames(
    function_ref<void(Value, StringRef)> setName) {
  setName(getResult(), getExecutable());
}

LogicalResult
ExecutableLookupOp::verifySymbolUses(SymbolTableCollection &symbols) {
  Operation *found =
      symbols.lookupNearestSymbolFrom(*this, getExecutableAttr());
  if (!isa_and_nonnull<hal::ExecutableOp, ExecutableGlobalOp>(found))
    return emitOpError("'") << getExecutable()
                            << "' does not name a hal.executable or a "
                               "hal_loader.executable.global";
  return success();
}

LogicalResult ExecutableGlobalOp::verify() {
  Region &initializer = getInitializer();
  if (initializer.front().getNumArguments() != 0)
    return emitOpError("initializer takes no arguments");
  // Straight paths only: a loop would make loading depend on how often it
  // runs (and the host program has no loops).
  DenseMap<Block *, int> state; // 1: on the current path, 2: done
  std::function<bool(Block *)> hasCycle = [&](Block *block) {
    int &mark = state[block];
    if (mark)
      return mark == 1;
    mark = 1;
    for (Block *successor : block->getSuccessors())
      if (hasCycle(successor))
        return true;
    state[block] = 2;
    return false;
  };
  if (hasCycle(&initializer.front()))
    return emitOpError("initializer must not loop");
  return success();
}

//===----------------------------------------------------------------------===//
// Dispatches
//===----------------------------------------------------------------------===//

/// Both forms: one offset and one length per buffer.
template <typename DispatchOp>
static LogicalResult verifyBindings(DispatchOp op) {
  if (op.getBindingOffsets().size() != op.getBindingBuffers().size() ||
      op.getBindingLengths().size() != op.getBindingBuffers().size())
    return op.emitOpError("has ")
           << op.getBindingBuffers().size() << " binding buffers but "
           << op.getBindingOffsets().size() << " offsets and "
           << op.getBindingLengths().size() << " lengths";
  return success();
}

LogicalResult ExecutableDispatchOp::verify() {
  if (getEntryPoint().isNegative())
    return emitOpError("entry point ordinal must not be negative");
  return verifyBindings(*this);
}

LogicalResult ExecutableDispatchSymbolOp::verify() {
  if (getEntryPoint().getNestedReferences().size() != 2)
    return emitOpError("target must be @executable::@variant::@export, not ")
           << getEntryPoint();
  return verifyBindings(*this);
}

LogicalResult
ExecutableDispatchSymbolOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto exportOp = dyn_cast_or_null<hal::ExecutableExportOp>(
      symbols.lookupNearestSymbolFrom(*this, getEntryPoint()));
  if (!exportOp)
    return emitOpError("target ")
           << getEntryPoint() << " does not name a hal.executable.export";
  // The layout says what the export reads.
  hal::PipelineLayoutAttr layout = exportOp.getLayout();
  if (int64_t(getPushConstants().size()) != layout.getPushConstants())
    return emitOpError("passes ")
           << getPushConstants().size() << " push constants; "
           << getEntryPoint() << " declares " << layout.getPushConstants();
  if (getBindingCount() != layout.getBindingCount())
    return emitOpError("passes ")
           << getBindingCount() << " bindings; " << getEntryPoint()
           << " declares " << layout.getBindingCount();
  return success();
}

namespace {

/// The symbol form becomes the ordinal form once the export it names has
/// an ordinal (every export has one after interface materialization).
struct FoldDispatchSymbolToOrdinal
    : OpRewritePattern<ExecutableDispatchSymbolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ExecutableDispatchSymbolOp op,
                                PatternRewriter &rewriter) const override {
    auto exportOp = dyn_cast_or_null<hal::ExecutableExportOp>(
        SymbolTable::lookupNearestSymbolFrom(op, op.getEntryPoint()));
    if (!exportOp)
      return failure();
    rewriter.replaceOpWithNewOp<ExecutableDispatchOp>(
        op, op.getExecutable(), exportOp.getOrdinalAttr(), op.getWorkgroupX(),
        op.getWorkgroupY(), op.getWorkgroupZ(), op.getPushConstants(),
        op.getBindingBuffers(), op.getBindingOffsets(), op.getBindingLengths());
    return success();
  }
};

/// A binding of a subspan binds the subspan's source at the summed offset.
template <typename DispatchOp>
struct FoldSubspansIntoBindings : OpRewritePattern<DispatchOp> {
  using OpRewritePattern<DispatchOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(DispatchOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> buffers(op.getBindingBuffers());
    SmallVector<Value> offsets(op.getBindingOffsets());
    bool changed = false;
    for (unsigned i = 0; i < buffers.size(); ++i) {
      auto subspan = buffers[i].template getDefiningOp<hal::BufferSubspanOp>();
      if (!subspan)
        continue;
      buffers[i] = subspan.getSource();
      offsets[i] = rewriter.createOrFold<arith::AddIOp>(
          op.getLoc(), subspan.getOffset(), offsets[i]);
      changed = true;
    }
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getBindingBuffersMutable().assign(buffers);
      op.getBindingOffsetsMutable().assign(offsets);
    });
    return success();
  }
};

} // namespace

void ExecutableDispatchSymbolOp::getCanonicalizationPatterns(
    RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<FoldDispatchSymbolToOrdinal,
               FoldSubspansIntoBindings<ExecutableDispatchSymbolOp>>(context);
}

void ExecutableDispatchOp::getCanonicalizationPatterns(
    RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<FoldSubspansIntoBindings<ExecutableDispatchOp>>(context);
}

#define GET_OP_CLASSES
#include "Dialect/HALLoader/IR/HALLoaderOps.cpp.inc"

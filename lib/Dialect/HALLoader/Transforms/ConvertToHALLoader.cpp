//===- ConvertToHALLoader.cpp - flow.dispatch to hal_loader dispatches ----===//
//
// Inline-dynamic execution: each flow.dispatch of a host function becomes a
// lookup of its executable's loaded form and a synchronous dispatch on
// host-local buffers. Tensor operands bind their storage
// (hal.tensor.export); each result gets a new buffer, not cleared: the
// dispatch writes it whole. A tied result takes its operand's buffer when
// nothing reads the operand afterwards, else starts as a copy of it. The
// result becomes a tensor again after the dispatch (hal.tensor.import). The
// export's count region is inlined and folds with the workload; operands
// reach bindings and push constants in the order hal::planInterface fixed
// for the export.
//
// A batch split into images (SplitBatchIntoImages) leaves two tensor ops on
// the host: an operand that is one image of a batch (an extract_slice of
// dimension 0) binds the batch's buffer at that image's offset, and a
// tensor.concat along dimension 0 becomes one buffer whose parts the
// dispatches producing them write in place (a part read by anything else is
// copied in after the dispatches).
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/Transforms/InterfacePlan.h"
#include "Dialect/HALLoader/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::tessera::hal_loader {

#define GEN_PASS_DEF_CONVERTTOHALLOADERPASS
#include "Dialect/HALLoader/Transforms/Passes.h.inc"

namespace {

/// The byte size of a dense row-major tensor of `type`.
Value byteSize(OpBuilder &builder, Location loc, RankedTensorType type,
               ValueRange dynamicDims) {
  int64_t staticProduct = hal::getStorageBytes(type.getElementType());
  for (int64_t dim : type.getShape())
    if (!ShapedType::isDynamic(dim))
      staticProduct *= dim;
  Value size = arith::ConstantIndexOp::create(builder, loc, staticProduct);
  for (Value dim : dynamicDims)
    size = arith::MulIOp::create(builder, loc, size, dim);
  return size;
}

/// Whether the tensor `use` reads is one this function allocated (an
/// earlier dispatch's result) and nothing reads after `use`'s dispatch: a
/// result tied to it may then take its buffer rather than a copy.
bool diesAt(OpOperand &use) {
  Operation *dispatch = use.getOwner();
  auto imported = use.get().getDefiningOp<hal::TensorImportOp>();
  if (!imported || imported->getBlock() != dispatch->getBlock() ||
      !imported.getSource().getDefiningOp<hal::BufferAllocateOp>())
    return false;
  for (OpOperand &other : use.get().getUses()) {
    Operation *user = other.getOwner();
    if (&other == &use)
      continue;
    if (user == dispatch || user->getBlock() != dispatch->getBlock() ||
        !user->isBeforeInBlock(dispatch) || !isa<hal::TensorExportOp>(user))
      return false;
  }
  return true;
}

/// The byte offset of `slice` in its source when it is one contiguous run
/// of it (a static range of dimension 0, every other dimension whole, unit
/// strides), else nullopt.
std::optional<int64_t> contiguousSliceOffset(tensor::ExtractSliceOp slice) {
  RankedTensorType source = slice.getSourceType();
  if (!source.hasStaticShape() || !slice.getType().hasStaticShape() ||
      source.getRank() == 0 || slice.getType().getRank() != source.getRank())
    return std::nullopt;
  ArrayRef<int64_t> offsets = slice.getStaticOffsets();
  ArrayRef<int64_t> sizes = slice.getStaticSizes();
  ArrayRef<int64_t> strides = slice.getStaticStrides();
  for (int64_t d = 0; d < source.getRank(); ++d) {
    if (ShapedType::isDynamic(offsets[d]) || strides[d] != 1 ||
        (d > 0 && (offsets[d] != 0 || sizes[d] != source.getDimSize(d))))
      return std::nullopt;
  }
  int64_t rowBytes = hal::getStorageBytes(source.getElementType());
  for (int64_t size : source.getShape().drop_front())
    rowBytes *= size;
  return offsets[0] * rowBytes;
}

/// Whether `concat` joins static tensors along dimension 0: one buffer
/// holds it, each part a contiguous run.
bool isRowConcat(tensor::ConcatOp concat) {
  return concat.getDim() == 0 && concat.getResultType().hasStaticShape() &&
         llvm::all_of(concat.getInputs(), [](Value input) {
           return cast<RankedTensorType>(input.getType()).hasStaticShape();
         });
}

/// The byte offset of part `index` of a row concat.
int64_t partOffset(tensor::ConcatOp concat, unsigned index) {
  int64_t offset = 0;
  for (Value input : concat.getInputs().take_front(index)) {
    auto type = cast<RankedTensorType>(input.getType());
    offset +=
        type.getNumElements() * hal::getStorageBytes(type.getElementType());
  }
  return offset;
}

class DispatchConversion {
public:
  DispatchConversion(SymbolTableCollection &symbols) : symbols(symbols) {}

  LogicalResult convert(flow::DispatchOp op);
  /// A row concat as one buffer: the parts not written in place by their
  /// dispatches are copied in.
  LogicalResult convert(tensor::ConcatOp concat);

private:
  /// The buffer of a row concat whose part a dispatch writes in place,
  /// allocated before the first such dispatch.
  llvm::DenseMap<Operation *, Value> concatBuffers;
  /// Parts already written in place.
  llvm::DenseSet<OpOperand *> partsInPlace;

  /// The export in each variant the dispatch names, the first variant's
  /// first; all at the same ordinal with the same layout.
  FailureOr<SmallVector<hal::ExecutableExportOp>>
  resolveExports(flow::DispatchOp op);

  SymbolTableCollection &symbols;
};

FailureOr<SmallVector<hal::ExecutableExportOp>>
DispatchConversion::resolveExports(flow::DispatchOp op) {
  SmallVector<hal::ExecutableExportOp> exports;
  for (SymbolRefAttr ref : op.getEntryPointRefs()) {
    auto exportOp = dyn_cast_or_null<hal::ExecutableExportOp>(
        symbols.lookupNearestSymbolFrom(op, ref));
    if (!exportOp)
      return op.emitOpError("entry point ")
             << ref
             << " does not name a hal.executable.export (run the hal "
                "phase first)";
    exports.push_back(exportOp);
  }
  if (exports.empty())
    return op.emitOpError("has no entry point");
  // The executable's loaded form is one of its variants, chosen when the
  // module is loaded: every variant must offer the export the same way.
  hal::ExecutableExportOp first = exports.front();
  auto executable = first->getParentOfType<hal::ExecutableOp>();
  for (hal::ExecutableExportOp other : ArrayRef(exports).drop_front()) {
    if (other->getParentOfType<hal::ExecutableOp>() != executable)
      return op.emitOpError("entry points in several executables (@")
             << executable.getSymName() << ", @"
             << other->getParentOfType<hal::ExecutableOp>().getSymName()
             << ") cannot be dispatched inline: the runtime loads one "
                "variant per executable (a conditional or object-only "
                "variant stays in its executable when the others link)";
    if (other.getOrdinal() != first.getOrdinal() ||
        other.getLayout() != first.getLayout())
      return op.emitOpError("variants of @")
             << executable.getSymName() << " give the export different "
             << (other.getOrdinal() != first.getOrdinal() ? "ordinals ("
                                                          : "layouts (")
             << first.getOrdinal().getZExtValue() << " and "
             << other.getOrdinal().getZExtValue()
             << "); the variant is chosen at load, so they must agree";
  }
  return exports;
}

/// The workgroup count of `exportOp` for `dispatch`: its count region,
/// inlined at the builder.
FailureOr<SmallVector<Value>>
inlineWorkgroupCount(OpBuilder &builder, flow::DispatchOp dispatch,
                     hal::ExecutableExportOp exportOp) {
  Region &countRegion = exportOp.getWorkgroupCount();
  if (countRegion.empty() || !countRegion.hasOneBlock())
    return exportOp.emitOpError("needs a single-block count region");
  Block &countBlock = countRegion.front();
  if (countBlock.getNumArguments() != dispatch.getWorkload().size() + 1)
    return dispatch.emitOpError("passes ")
           << dispatch.getWorkload().size() << " workload values but the count "
           << "region of @" << exportOp.getSymName() << " takes "
           << countBlock.getNumArguments() - 1;
  Location loc = dispatch.getLoc();
  IRMapping mapping;
  mapping.map(countBlock.getArgument(0),
              hal::DeviceLocalOp::create(
                  builder, loc, hal::DeviceType::get(builder.getContext())));
  for (auto [arg, workload] : llvm::zip(countBlock.getArguments().drop_front(),
                                        dispatch.getWorkload()))
    mapping.map(arg, workload);
  SmallVector<Value> workgroups;
  for (Operation &countOp : countBlock) {
    if (auto ret = dyn_cast<hal::ReturnOp>(countOp)) {
      for (Value v : ret.getOperands())
        workgroups.push_back(mapping.lookupOrDefault(v));
      continue;
    }
    builder.clone(countOp, mapping);
  }
  if (workgroups.size() != 3)
    return exportOp.emitOpError("count region must return 3 values, not ")
           << workgroups.size();
  return workgroups;
}

LogicalResult DispatchConversion::convert(flow::DispatchOp op) {
  FailureOr<SmallVector<hal::ExecutableExportOp>> exports = resolveExports(op);
  if (failed(exports))
    return failure();
  hal::ExecutableExportOp *exportOp = &exports->front();
  auto variant = (*exportOp)->getParentOfType<hal::ExecutableVariantOp>();
  auto executable = variant->getParentOfType<hal::ExecutableOp>();
  Location loc = op.getLoc();
  OpBuilder builder(op);
  MLIRContext *ctx = op.getContext();

  Value loaded = ExecutableLookupOp::create(
      builder, loc, hal::ExecutableType::get(ctx),
      FlatSymbolRefAttr::get(executable.getSymNameAttr()));

  // Workgroup count: the export's count region, inlined. Variants tiled
  // differently (a GPU's tiles beside a CPU's) count differently: the
  // count of the variant the loader picked is selected at run time.
  FailureOr<SmallVector<Value>> workgroups =
      inlineWorkgroupCount(builder, op, *exportOp);
  if (failed(workgroups))
    return failure();
  for (hal::ExecutableExportOp other : ArrayRef(*exports).drop_front()) {
    if (OperationEquivalence::isRegionEquivalentTo(
            &other.getWorkgroupCount(), &exportOp->getWorkgroupCount(),
            OperationEquivalence::IgnoreLocations))
      continue;
    FailureOr<SmallVector<Value>> counts =
        inlineWorkgroupCount(builder, op, other);
    if (failed(counts))
      return failure();
    Value isOther = ExecutableIsVariantOp::create(
        builder, loc, builder.getI1Type(), loaded,
        other->getParentOfType<hal::ExecutableVariantOp>().getSymName());
    for (auto [count, otherCount] : llvm::zip(*workgroups, *counts))
      count = arith::SelectOp::create(builder, loc, isOther, otherCount, count);
  }

  SmallVector<int64_t> ties(op.getNumResults(), -1);
  for (unsigned r = 0; r < op.getNumResults(); ++r)
    if (auto tie = op.getTiedOperandIndex(r))
      ties[r] = *tie;
  hal::InterfacePlan plan = hal::planInterface(
      FunctionType::get(ctx, op.getArguments().getTypes(), op.getResultTypes()),
      ties);
  hal::PipelineLayoutAttr layout = exportOp->getLayout();
  if (plan.pushConstants != layout.getPushConstants() ||
      static_cast<int64_t>(plan.bindingReadOnly.size()) !=
          layout.getBindingCount())
    return op.emitOpError("operands do not match the layout of @")
           << exportOp->getSymName();

  SmallVector<Value> pushConstants(plan.pushConstants);
  SmallVector<Value> buffers(plan.bindingReadOnly.size()),
      lengths(plan.bindingReadOnly.size());
  auto setConstant = [&](int64_t ordinal, Value value,
                         hal::IndexEncoding encoding) -> LogicalResult {
    if (value.getType().isIndex() && !matchPattern(value, m_Constant()))
      hal::checkPushConstantRange(
          builder, loc, value, encoding,
          (encoding == hal::IndexEncoding::Signed ? "an index operand"
                                                  : "a dynamic dimension") +
              std::string(" of dispatch @") + exportOp->getSymName().str());
    FailureOr<Value> bits =
        hal::packPushConstant(builder, loc, value, encoding);
    if (failed(bits))
      return op.emitOpError("cannot pass a value of type ")
             << value.getType() << " as a push constant";
    pushConstants[ordinal] = *bits;
    return success();
  };

  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  SmallVector<Value> offsets(buffers.size(), zero);
  SmallVector<Value> operandBuffers(op.getArguments().size());
  SmallVector<Value> operandOffsets(op.getArguments().size());
  SmallVector<Value> operandSizes(op.getArguments().size());
  for (auto [index, argument] : llvm::enumerate(op.getArguments())) {
    if (plan.argumentConstant[index] >= 0) {
      if (failed(setConstant(plan.argumentConstant[index], argument,
                             hal::IndexEncoding::Signed)))
        return failure();
      continue;
    }
    auto type = cast<RankedTensorType>(argument.getType());
    ValueRange dims = op.getArgumentDynamicDims(index);
    operandOffsets[index] = zero;
    auto slice = argument.getDefiningOp<tensor::ExtractSliceOp>();
    if (std::optional<int64_t> offset =
            slice ? contiguousSliceOffset(slice) : std::nullopt) {
      operandBuffers[index] =
          hal::TensorExportOp::create(builder, loc, hal::BufferType::get(ctx),
                                      slice.getSource(), ValueRange());
      operandOffsets[index] =
          arith::ConstantIndexOp::create(builder, loc, *offset);
    } else {
      operandBuffers[index] = hal::TensorExportOp::create(
          builder, loc, hal::BufferType::get(ctx), argument, dims);
    }
    operandSizes[index] = byteSize(builder, loc, type, dims);
    buffers[plan.argumentBinding[index]] = operandBuffers[index];
    offsets[plan.argumentBinding[index]] = operandOffsets[index];
    lengths[plan.argumentBinding[index]] = operandSizes[index];
    for (auto [ordinal, dim] :
         llvm::zip(plan.argumentDimConstants[index], dims))
      if (failed(setConstant(ordinal, dim, hal::IndexEncoding::Unsigned)))
        return failure();
  }

  SmallVector<Value> resultBuffers;
  for (auto [index, result] : llvm::enumerate(op.getResults())) {
    auto type = cast<RankedTensorType>(result.getType());
    ValueRange dims = op.getResultDynamicDims(index);
    for (auto [ordinal, dim] : llvm::zip(plan.resultDimConstants[index], dims))
      if (failed(setConstant(ordinal, dim, hal::IndexEncoding::Unsigned)))
        return failure();
    Value size = byteSize(builder, loc, type, dims);
    Value buffer;
    auto concat = result.hasOneUse()
                      ? dyn_cast<tensor::ConcatOp>(*result.getUsers().begin())
                      : tensor::ConcatOp();
    if (ties[index] < 0 && concat && isRowConcat(concat) &&
        concat->getBlock() == op->getBlock()) {
      // One image's part of a gathered batch: written in place.
      Value &whole = concatBuffers[concat];
      if (!whole)
        whole = hal::BufferAllocateOp::create(
            builder, loc, hal::BufferType::get(ctx),
            byteSize(builder, loc, concat.getResultType(), ValueRange()));
      OpOperand &part = *result.getUses().begin();
      partsInPlace.insert(&part);
      buffers[plan.resultBinding[index]] = whole;
      offsets[plan.resultBinding[index]] = arith::ConstantIndexOp::create(
          builder, loc, partOffset(concat, part.getOperandNumber()));
      lengths[plan.resultBinding[index]] = size;
      resultBuffers.push_back(whole);
      continue;
    }
    if (ties[index] >= 0 &&
        diesAt(op->getOpOperand(op.getArguments().getBeginOperandIndex() +
                                ties[index]))) {
      buffer = operandBuffers[ties[index]];
    } else {
      buffer = hal::BufferAllocateOp::create(builder, loc,
                                             hal::BufferType::get(ctx), size);
      if (ties[index] >= 0)
        hal::BufferCopyOp::create(builder, loc, operandBuffers[ties[index]],
                                  operandOffsets[ties[index]], buffer, zero,
                                  size);
    }
    buffers[plan.resultBinding[index]] = buffer;
    lengths[plan.resultBinding[index]] = size;
    resultBuffers.push_back(buffer);
  }

  SymbolRefAttr target =
      SymbolRefAttr::get(executable.getSymNameAttr(),
                         {FlatSymbolRefAttr::get(variant.getSymNameAttr()),
                          FlatSymbolRefAttr::get(exportOp->getSymNameAttr())});
  ExecutableDispatchSymbolOp::create(
      builder, loc, loaded, target, (*workgroups)[0], (*workgroups)[1],
      (*workgroups)[2], pushConstants, buffers, offsets, lengths);

  for (auto [index, result] : llvm::enumerate(op.getResults())) {
    // A part written in place is read through its concat only; until the
    // concat becomes its buffer, an empty tensor stands in for it.
    if (result.hasOneUse() &&
        partsInPlace.contains(&*result.getUses().begin())) {
      result.replaceAllUsesWith(tensor::EmptyOp::create(
          builder, loc, result.getType(), ValueRange()));
      continue;
    }
    result.replaceAllUsesWith(hal::TensorImportOp::create(
        builder, loc, result.getType(), resultBuffers[index],
        op.getResultDynamicDims(index)));
  }
  op.erase();
  return success();
}

LogicalResult DispatchConversion::convert(tensor::ConcatOp concat) {
  if (!isRowConcat(concat))
    return success(); // The host lowering reports it.
  OpBuilder builder(concat);
  Location loc = concat.getLoc();
  MLIRContext *ctx = concat.getContext();
  Value &whole = concatBuffers[concat];
  if (!whole)
    whole = hal::BufferAllocateOp::create(
        builder, loc, hal::BufferType::get(ctx),
        byteSize(builder, loc, concat.getResultType(), ValueRange()));
  for (OpOperand &part : concat->getOpOperands()) {
    if (partsInPlace.contains(&part))
      continue;
    auto type = cast<RankedTensorType>(part.get().getType());
    Value source = hal::TensorExportOp::create(
        builder, loc, hal::BufferType::get(ctx), part.get(), ValueRange());
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value offset = arith::ConstantIndexOp::create(
        builder, loc, partOffset(concat, part.getOperandNumber()));
    hal::BufferCopyOp::create(builder, loc, source, zero, whole, offset,
                              byteSize(builder, loc, type, ValueRange()));
  }
  SmallVector<Operation *> placeholders;
  for (Value input : concat.getInputs())
    if (auto empty = input.getDefiningOp<tensor::EmptyOp>())
      placeholders.push_back(empty);
  concat.getResult().replaceAllUsesWith(hal::TensorImportOp::create(
      builder, loc, concat.getResultType(), whole, ValueRange()));
  concat.erase();
  for (Operation *placeholder : placeholders)
    if (placeholder->use_empty())
      placeholder->erase();
  return success();
}

struct ConvertToHALLoaderPass
    : public impl::ConvertToHALLoaderPassBase<ConvertToHALLoaderPass> {
  void runOnOperation() override {
    SymbolTableCollection symbols;
    DispatchConversion conversion(symbols);
    SmallVector<flow::DispatchOp> dispatches;
    for (auto func : getOperation().getOps<func::FuncOp>())
      func.walk([&](flow::DispatchOp op) { dispatches.push_back(op); });
    bool failed = false;
    for (flow::DispatchOp op : dispatches)
      failed |= mlir::failed(conversion.convert(op));
    SmallVector<tensor::ConcatOp> concats;
    for (auto func : getOperation().getOps<func::FuncOp>())
      func.walk([&](tensor::ConcatOp op) { concats.push_back(op); });
    for (tensor::ConcatOp op : concats)
      failed |= mlir::failed(conversion.convert(op));
    // Slices bound at their offset are read by nothing else.
    for (auto func : getOperation().getOps<func::FuncOp>())
      func.walk([&](tensor::ExtractSliceOp op) {
        if (op->use_empty())
          op->erase();
      });
    if (failed)
      signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::hal_loader

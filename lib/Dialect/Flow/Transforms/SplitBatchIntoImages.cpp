//===- SplitBatchIntoImages.cpp - Memory-bound early layers image by image ===//
//
// At batch 8 the first layers of a mobile network are thin and memory-bound
// (16-72 channels at 112x112 and 56x56: 3x3 depthwise convolutions, 1x1
// expansions of a few multiply-adds per byte). Run layer by layer, each
// writes 3-25 MB that the next one reads back: the outputs land on memory no
// recent dispatch touched and the inputs come from far caches. Run image by
// image, one image's layers fit in the caches, and the blocks one image frees
// are the ones the next image's layers get (hot lines).
//
// The pass finds the prefix of a host function's dispatches that reads the
// batch only through dimension 0 of its activations (each image's rows from
// the same image's rows) and whose dispatches do few operations per byte of
// activations. It retypes their executables to one image (dimension 0 of
// every batched value becomes 1), dispatches the prefix once per image on
// slices of its batched inputs, and gathers the values that leave the
// prefix with a tensor.concat along dimension 0. The host lowers the slices
// to bindings at an offset and each concat to one buffer that the last
// dispatches write into in place (ConvertToHALLoader).
//
// An executable is only retyped when the ops of its function are known to
// keep images apart: linalg ops whose batch loop is parallel, indexes
// dimension 0 of every batched operand and no dimension of the others, and
// reads no linalg.index of it; pads and reshapes that leave dimension 0
// alone. Anything else ends the prefix.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/Passes.h"
#include "Dialect/HAL/Transforms/FlopCount.h"
#include "Dialect/HAL/Transforms/InterfacePlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_SPLITBATCHINTOIMAGESPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// `type`, a static tensor whose dimension 0 is the batch, for one image.
RankedTensorType imageType(RankedTensorType type) {
  SmallVector<int64_t> shape(type.getShape());
  shape[0] = 1;
  return type.clone(shape);
}

/// Gives `value`, a batched tensor, its type for one image (an expand_shape
/// defining it also records the static shape it expands to).
void setImageType(Value value) {
  value.setType(imageType(cast<RankedTensorType>(value.getType())));
  if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>()) {
    SmallVector<int64_t> shape(expand.getStaticOutputShape());
    shape[0] = 1;
    expand.setStaticOutputShape(shape);
  }
}

/// Whether `value` is a static tensor whose dimension 0 is `batch`.
bool hasBatch(Value value, int64_t batch) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.hasStaticShape() && type.getRank() > 0 &&
         type.getDimSize(0) == batch;
}

/// Whether `value` is a constant or a host reshape of one (a weight, the
/// same for every image whatever its shape).
bool isWeight(Value value) {
  Operation *op = value.getDefiningOp();
  while (isa_and_nonnull<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op))
    op = op->getOperand(0).getDefiningOp();
  return isa_and_nonnull<arith::ConstantOp>(op);
}

std::string shapeText(RankedTensorType type) {
  std::string text;
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    text += (i ? "x" : "") + std::to_string(size);
  return text;
}

/// The values of `func` that hold the batch in dimension 0, given which
/// arguments do, or failure when an op may mix images (or cannot be
/// retyped). Every other value is the same for every image (weights).
FailureOr<llvm::SetVector<Value>> batchedValues(func::FuncOp func,
                                                ArrayRef<bool> argumentBatched,
                                                int64_t batch) {
  llvm::SetVector<Value> batched;
  Block &body = func.getBody().front();
  for (auto [argument, isBatched] :
       llvm::zip(body.getArguments(), argumentBatched))
    if (isBatched)
      batched.insert(argument);
  // Every other tensor of the batch's shape in dimension 0 counts as
  // batched: an op that treats one as a weight fails the checks below.
  for (Operation &op : body)
    for (Value result : op.getResults())
      if (hasBatch(result, batch))
        batched.insert(result);

  // A batched value read from inside a region (a gather's tensor.extract in
  // a linalg body) may be read at any image: only the checks below know
  // how each op indexes it.
  for (Value value : batched)
    for (Operation *user : value.getUsers())
      if (user->getBlock() != &body)
        return failure();

  auto anyBatched = [&](ValueRange values) {
    return llvm::any_of(values, [&](Value v) { return batched.contains(v); });
  };
  for (Operation &op : body) {
    bool touches = anyBatched(op.getOperands()) || anyBatched(op.getResults());
    if (!touches)
      continue;
    if (isa<tensor::EmptyOp>(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (!llvm::all_of(ret.getOperands(),
                        [&](Value v) { return batched.contains(v); }))
        return failure();
      continue;
    }
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      if (!batched.contains(pad.getSource()) ||
          !batched.contains(pad.getResult()) || pad.getStaticLow()[0] != 0 ||
          pad.getStaticHigh()[0] != 0)
        return failure();
      // The padding value may not depend on the position (on the batch
      // index, directly or computed from it).
      if (llvm::any_of(pad.getRegion().front().getArguments(),
                       [](BlockArgument index) { return !index.use_empty(); }))
        return failure();
      continue;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
      Value source = op.getOperand(0), result = op.getResult(0);
      if (!batched.contains(source) || !batched.contains(result))
        return failure();
      SmallVector<ReassociationIndices> groups =
          isa<tensor::ExpandShapeOp>(op)
              ? cast<tensor::ExpandShapeOp>(op).getReassociationIndices()
              : cast<tensor::CollapseShapeOp>(op).getReassociationIndices();
      if (groups.empty() || groups[0].size() != 1)
        return failure();
      continue;
    }
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
        linalgOp.getNumDpsInits() == 0)
      return failure();
    for (OpOperand &init : linalgOp.getDpsInitsMutable())
      if (!batched.contains(init.get()))
        return failure();
    AffineMap outputMap =
        linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
    auto batchDim = dyn_cast<AffineDimExpr>(outputMap.getResult(0));
    if (!batchDim || linalgOp.getIteratorTypesArray()[batchDim.getPosition()] !=
                         utils::IteratorType::parallel)
      return failure();
    unsigned k = batchDim.getPosition();
    for (OpOperand &operand : op.getOpOperands()) {
      AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
      bool isBatched = batched.contains(operand.get());
      for (auto [i, expr] : llvm::enumerate(map.getResults())) {
        bool usesK = expr.isFunctionOfDim(k);
        if (isBatched && i == 0 ? expr != batchDim : usesK)
          return failure();
      }
    }
    bool readsBatchIndex = false;
    op.walk(
        [&](linalg::IndexOp index) { readsBatchIndex |= index.getDim() == k; });
    if (readsBatchIndex)
      return failure();
  }
  // A batched value nothing above accounted for (a tensor constant, an op
  // with a region of its own) would keep its type.
  for (Operation &op : body)
    if (isa<arith::ConstantOp>(op) && anyBatched(op.getResults()))
      return failure();
  return batched;
}

/// Rewrites `func` for one image: every batched value's dimension 0 is 1.
void retypeForOneImage(func::FuncOp func,
                       const llvm::SetVector<Value> &batched) {
  for (Value value : batched)
    setImageType(value);
  Block &body = func.getBody().front();
  func.setFunctionType(
      FunctionType::get(func.getContext(), body.getArgumentTypes(),
                        body.getTerminator()->getOperandTypes()));
}

struct SplitBatchIntoImagesPass
    : public flow::impl::SplitBatchIntoImagesPassBase<
          SplitBatchIntoImagesPass> {
  using Base::Base;

  /// A dispatch of the prefix and what its executable becomes.
  struct Member {
    flow::DispatchOp dispatch;
    func::FuncOp function;
    flow::ExecutableExportOp exportOp;
    llvm::SetVector<Value> batched;
  };

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::DenseMap<StringAttr, unsigned> calls;
    module.walk([&](flow::DispatchOp dispatch) {
      for (SymbolRefAttr ref : dispatch.getEntryPointRefs())
        ++calls[ref.getRootReference()];
    });
    SymbolTable table(module);
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func.getBody().hasOneBlock())
        splitFunction(func, table, calls);
  }

  /// The dispatch's executable function when its export is called by this
  /// dispatch only, else null.
  func::FuncOp soleFunction(flow::DispatchOp dispatch, SymbolTable &table,
                            llvm::DenseMap<StringAttr, unsigned> &calls,
                            flow::ExecutableExportOp &exportOp) {
    SmallVector<SymbolRefAttr> refs = dispatch.getEntryPointRefs();
    if (refs.size() != 1 || refs[0].getNestedReferences().size() != 1 ||
        calls[refs[0].getRootReference()] != 1)
      return {};
    auto executable =
        table.lookup<flow::ExecutableOp>(refs[0].getRootReference());
    if (!executable || !executable.getInnerModule())
      return {};
    for (auto candidate : executable.getOps<flow::ExecutableExportOp>())
      if (candidate.getSymName() == refs[0].getLeafReference())
        exportOp = candidate;
    auto function = executable.getInnerModule().lookupSymbol<func::FuncOp>(
        refs[0].getLeafReference());
    if (!exportOp || !function || function.isExternal() ||
        !function.getBody().hasOneBlock())
      return {};
    return function;
  }

  /// Floating-point operations per byte of batched operands and results
  /// (weights are read once per image from near caches either way).
  static double intensity(Member &member) {
    std::optional<uint64_t> flops = hal::countFlops(member.function);
    uint64_t bytes = 0;
    auto add = [&](Value value) {
      auto type = cast<RankedTensorType>(value.getType());
      bytes += type.getNumElements() *
               std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
    };
    for (auto [operand, argument] : llvm::zip(member.dispatch.getArguments(),
                                              member.function.getArguments()))
      if (member.batched.contains(argument))
        add(operand);
    for (Value result : member.dispatch.getResults())
      add(result);
    if (!flops || bytes == 0)
      return std::numeric_limits<double>::infinity();
    return static_cast<double>(*flops) / static_cast<double>(bytes);
  }

  void splitFunction(func::FuncOp func, SymbolTable &table,
                     llvm::DenseMap<StringAttr, unsigned> &calls) {
    Block &block = func.getBody().front();
    // The batch: dimension 0 of the first dispatch's result.
    auto first = llvm::find_if(
        block, [](Operation &op) { return isa<flow::DispatchOp>(op); });
    if (first == block.end())
      return;
    auto firstDispatch = cast<flow::DispatchOp>(*first);
    if (firstDispatch.getNumResults() == 0)
      return;
    auto firstType =
        dyn_cast<RankedTensorType>(firstDispatch.getResult(0).getType());
    if (!firstType || firstType.getRank() == 0 || !firstType.hasStaticShape() ||
        firstType.getDimSize(0) < 2)
      return;
    int64_t batch = firstType.getDimSize(0);
    // An image too small to leave the caches gains nothing alone.
    if (firstType.getNumElements() / batch *
            hal::getStorageBytes(firstType.getElementType()) <
        minImageBytes)
      return;

    // The prefix: dispatches (and host reshapes of their results) from the
    // first dispatch on, while each keeps images apart and is memory-bound.
    SmallVector<Operation *> prefix;
    SmallVector<Member> members;
    llvm::DenseSet<Value> inPrefix;
    for (Operation &op : llvm::make_range(first, block.end())) {
      if (isa<arith::ConstantOp>(op))
        continue;
      if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
        Value source = op.getOperand(0), result = op.getResult(0);
        SmallVector<ReassociationIndices> groups =
            isa<tensor::ExpandShapeOp>(op)
                ? cast<tensor::ExpandShapeOp>(op).getReassociationIndices()
                : cast<tensor::CollapseShapeOp>(op).getReassociationIndices();
        if (!inPrefix.contains(source))
          continue; // A weight's reshape stays where it is.
        if (!hasBatch(result, batch) || groups.empty() || groups[0].size() != 1)
          break;
        prefix.push_back(&op);
        inPrefix.insert(result);
        continue;
      }
      auto dispatch = dyn_cast<flow::DispatchOp>(op);
      if (!dispatch || dispatch.getTiedOperandsAttr() ||
          !dispatch.getArgumentDims().empty() ||
          !dispatch.getResultDims().empty())
        break;
      Member member{dispatch, {}, {}, {}};
      member.function = soleFunction(dispatch, table, calls, member.exportOp);
      APInt workload0;
      if (!member.function || dispatch.getWorkload().empty() ||
          !matchPattern(dispatch.getWorkload()[0], m_ConstantInt(&workload0)) ||
          workload0 != batch)
        break;
      // Batched operands: the prefix's values and, from outside it, any
      // non-constant tensor with the batch in dimension 0 (the input).
      SmallVector<bool> argumentBatched;
      bool readsBatch = false;
      for (Value operand : dispatch.getArguments()) {
        bool isBatched = inPrefix.contains(operand) ||
                         (hasBatch(operand, batch) && !isWeight(operand));
        argumentBatched.push_back(isBatched);
        readsBatch |= isBatched;
      }
      if (!readsBatch || !llvm::all_of(dispatch.getResults(), [&](Value r) {
            return hasBatch(r, batch);
          }))
        break;
      FailureOr<llvm::SetVector<Value>> batched =
          batchedValues(member.function, argumentBatched, batch);
      // An operand from outside the prefix whose dimension 0 only happens
      // to equal the batch (a filter passed as an argument) is a weight if
      // the executable reads it as one.
      for (auto [index, operand] : llvm::enumerate(dispatch.getArguments())) {
        if (succeeded(batched) || !argumentBatched[index] ||
            inPrefix.contains(operand))
          continue;
        argumentBatched[index] = false;
        batched = batchedValues(member.function, argumentBatched, batch);
        if (failed(batched))
          argumentBatched[index] = true;
      }
      if (failed(batched))
        break;
      member.batched = std::move(*batched);
      if (intensity(member) > maxFlopsPerByte)
        break;
      prefix.push_back(&op);
      for (Value result : dispatch.getResults())
        inPrefix.insert(result);
      members.push_back(std::move(member));
    }

    // Cut where every value the rest of the function reads is a dispatch
    // result nothing in the prefix reads: each image's dispatch then writes
    // its rows of the gathered value in place.
    auto escaping = [&](size_t length) {
      llvm::DenseSet<Operation *> kept(prefix.begin(), prefix.begin() + length);
      SmallVector<Value> values;
      for (Operation *op : llvm::ArrayRef(prefix).take_front(length))
        for (Value result : op->getResults())
          if (llvm::any_of(result.getUsers(), [&](Operation *user) {
                return !kept.contains(user);
              }))
            values.push_back(result);
      return values;
    };
    auto cleanCut = [&](size_t length) {
      llvm::DenseSet<Operation *> kept(prefix.begin(), prefix.begin() + length);
      for (Value value : escaping(length)) {
        if (!value.getDefiningOp<flow::DispatchOp>())
          return false;
        if (llvm::any_of(value.getUsers(),
                         [&](Operation *user) { return kept.contains(user); }))
          return false;
      }
      return true;
    };
    size_t length = prefix.size();
    while (length > 0 &&
           !(isa<flow::DispatchOp>(prefix[length - 1]) && cleanCut(length)))
      --length;
    size_t dispatches =
        llvm::count_if(llvm::ArrayRef(prefix).take_front(length),
                       [](Operation *op) { return isa<flow::DispatchOp>(op); });
    if (dispatches < static_cast<size_t>(minDispatches))
      return;
    prefix.resize(length);
    members.resize(dispatches);
    SmallVector<Value> gathered = escaping(length);

    // Each executable, for one image.
    MLIRContext *ctx = func.getContext();
    llvm::DenseMap<Operation *, SymbolRefAttr> entryOf;
    for (Member &member : members) {
      auto oldType =
          cast<RankedTensorType>(member.dispatch.getResult(0).getType());
      retypeForOneImage(member.function, member.batched);
      // The export's name ends with its root's shape: it now says 1x...
      std::string name = member.exportOp.getSymName().str();
      std::string oldSuffix = "_" + shapeText(oldType);
      if (StringRef(name).ends_with(oldSuffix)) {
        name = name.substr(0, name.size() - oldSuffix.size()) + "_" +
               shapeText(imageType(oldType));
        member.exportOp.setSymName(name);
        member.function.setSymName(name);
      }
      auto executable = member.exportOp->getParentOfType<flow::ExecutableOp>();
      entryOf[member.dispatch] = SymbolRefAttr::get(
          executable.getSymNameAttr(),
          {FlatSymbolRefAttr::get(ctx, member.exportOp.getSymNameAttr())});
    }

    // The prefix once per image, after its last op (every operand from
    // outside it is defined by then).
    OpBuilder builder(ctx);
    builder.setInsertionPointAfter(prefix.back());
    SmallVector<SmallVector<Value>> perImage(gathered.size());
    for (int64_t image = 0; image < batch; ++image) {
      IRMapping mapping;
      llvm::DenseMap<Value, Value> slices;
      auto sliceOf = [&](Value value, Location loc) {
        auto [it, inserted] = slices.try_emplace(value);
        if (inserted) {
          auto type = cast<RankedTensorType>(value.getType());
          SmallVector<OpFoldResult> offsets(type.getRank(),
                                            builder.getIndexAttr(0));
          offsets[0] = builder.getIndexAttr(image);
          SmallVector<OpFoldResult> sizes,
              strides(type.getRank(), builder.getIndexAttr(1));
          for (int64_t size : imageType(type).getShape())
            sizes.push_back(builder.getIndexAttr(size));
          it->second = tensor::ExtractSliceOp::create(
              builder, loc, imageType(type), value, offsets, sizes, strides);
        }
        return it->second;
      };
      for (Operation *op : prefix) {
        Location loc = op->getLoc();
        auto dispatch = dyn_cast<flow::DispatchOp>(op);
        if (!dispatch) {
          setImageType(builder.clone(*op, mapping)->getResult(0));
          continue;
        }
        Member &member = *llvm::find_if(
            members, [&](Member &m) { return m.dispatch == dispatch; });
        SmallVector<Value> arguments;
        for (auto [operand, argument] : llvm::zip(
                 dispatch.getArguments(), member.function.getArguments())) {
          if (!member.batched.contains(argument))
            arguments.push_back(operand);
          else if (Value local = mapping.lookupOrNull(operand))
            arguments.push_back(local);
          else
            arguments.push_back(sliceOf(operand, loc));
        }
        SmallVector<Value> workload(dispatch.getWorkload());
        workload[0] = arith::ConstantIndexOp::create(builder, loc, 1);
        SmallVector<Type> resultTypes;
        for (Value result : dispatch.getResults())
          resultTypes.push_back(
              imageType(cast<RankedTensorType>(result.getType())));
        auto clone = flow::DispatchOp::create(
            builder, loc, resultTypes,
            builder.getArrayAttr({entryOf[dispatch]}), workload, arguments,
            ValueRange(), ValueRange(), DenseI64ArrayAttr());
        mapping.map(dispatch.getResults(), clone.getResults());
      }
      for (auto [index, value] : llvm::enumerate(gathered))
        perImage[index].push_back(mapping.lookup(value));
    }
    for (auto [value, images] : llvm::zip(gathered, perImage)) {
      Value concat =
          tensor::ConcatOp::create(builder, value.getLoc(), 0, images);
      value.replaceAllUsesWith(concat);
    }
    for (Operation *op : llvm::reverse(prefix))
      op->erase();
  }
};

} // namespace

//===- FormDispatches.cpp - Group linalg ops into outlined dispatches -----===//
//
// Roots are found walking each function backwards; every root pulls in the
// producers that only it uses (empties, fills, elementwise ops, and
// reductions feeding an elementwise consumer), as long as the group's linalg
// bodies cost at most max-body-cost. The group is outlined into a
// flow.executable and replaced by a flow.dispatch.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Common/TileableRootLoops.h"
#include "Dialect/Flow/Transforms/DispatchNames.h"
#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_FORMDISPATCHESPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;
using namespace mlir::tessera;

namespace {

using Group = llvm::SetVector<Operation *>;

bool isRootCandidate(Operation *op) {
  return isa<linalg::LinalgOp, tensor::PadOp>(op);
}

bool hasReductionLoops(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() > 0;
}

/// Constants cheap enough to clone into every dispatch that uses them.
bool isClonableConstant(Operation *op) {
  auto constant = dyn_cast_or_null<arith::ConstantOp>(op);
  if (!constant)
    return false;
  if (!isa<ShapedType>(constant.getType()))
    return true;
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  return dense && dense.isSplat();
}

/// A generic that only spreads one smaller input over its result (a bias
/// broadcast over a convolution's output, as the convolution's init).
bool isBroadcast(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureTensorSemantics() ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return false;
  Block *body = generic.getBlock();
  if (body->getOperations().size() != 1 ||
      body->getTerminator()->getOperand(0) != body->getArgument(0))
    return false;
  OpOperand *input = generic.getDpsInputOperand(0);
  AffineMap inputMap = generic.getMatchingIndexingMap(input);
  AffineMap outputMap =
      generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
  return inputMap.isProjectedPermutation() && outputMap.isIdentity() &&
         inputMap.getNumResults() < outputMap.getNumResults();
}

/// Ops cheap enough to clone into every group that uses them: empties and
/// fills of constants.
bool isClonableProducer(Operation *op) {
  if (isa<tensor::EmptyOp>(op))
    return true;
  auto fill = dyn_cast<linalg::FillOp>(op);
  if (!fill)
    return false;
  return llvm::all_of(fill->getOperands(), [](Value operand) {
    Operation *def = operand.getDefiningOp();
    return def && (isClonableConstant(def) || isClonableProducer(def));
  });
}

/// Can `producer` join the group of `consumer`?
bool isFusableInto(Operation *producer, Operation *consumer, const Group &group,
                   bool fusePads) {
  if (isClonableProducer(producer))
    return true;
  // A broadcast that only initializes its consumer (a bias spread over a
  // convolution's output, which the convolution accumulates onto) joins it:
  // each tile writes its part from the smaller input instead of a dispatch
  // writing the whole broadcast out first.
  if (isBroadcast(producer) &&
      llvm::all_of(producer->getUses(), [&](OpOperand &use) {
        auto user = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        return use.getOwner() == consumer && user && user.isDpsInit(&use);
      }))
    return true;
  // A pad read only by a convolution or pooling (a window op: a linalg op
  // with reductions) joins it: each tile pads the input window it reads,
  // instead of a dispatch writing the whole padded tensor out first.
  if (auto pad = dyn_cast<tensor::PadOp>(producer)) {
    if (!fusePads)
      return false;
    auto consumerLinalg = dyn_cast<linalg::LinalgOp>(consumer);
    // Or a window read by a parallel op (a Winograd input transform).
    auto readsWindow = [&] {
      for (OpOperand &use : pad->getUses())
        if (use.getOwner() == consumer &&
            !consumerLinalg.getMatchingIndexingMap(&use)
                 .isProjectedPermutation())
          return true;
      return false;
    };
    return consumerLinalg &&
           (consumerLinalg.getNumReductionLoops() > 0 || readsWindow()) &&
           pad.getConstantPaddingValue() &&
           llvm::all_of(producer->getUsers(),
                        [&](Operation *user) { return user == consumer; });
  }
  if (!isa<linalg::LinalgOp>(producer))
    return false;
  for (Operation *user : producer->getUsers())
    if (!group.contains(user))
      return false;
  // A reduction joins a consumer reading one element of it per iteration,
  // along the consumer's loops (an epilogue, a softmax's broadcast sum), not
  // one reading several at fixed offsets (a Winograd output transform reads
  // 16 elements of its batch matmul per output: fused, the matmul would
  // leave its register-tiled path).
  if (hasReductionLoops(producer)) {
    auto consumerLinalg = dyn_cast<linalg::LinalgOp>(consumer);
    if (!consumerLinalg)
      return false;
    for (OpOperand &use : producer->getUses())
      if (use.getOwner() == consumer &&
          !consumerLinalg.getMatchingIndexingMap(&use).isProjectedPermutation(
              /*allowZeroInResults=*/true))
        return false;
  }
  // A reduction consumer (matmul, conv, reduce) takes only fills and empties:
  // fusing more would put two contractions into one tile.
  auto consumerLinalg = dyn_cast<linalg::LinalgOp>(consumer);
  return consumerLinalg &&
         consumerLinalg.getNumLoops() == consumerLinalg.getNumParallelLoops();
}

uint64_t bodyOps(Operation *op) { return flow::getBodyCost(op); }

/// Bytes of temporaries up to which a group may lose every tileable loop:
/// such a dispatch runs as one workgroup, each of its intermediate tensors
/// a whole stack temporary (three fused 1024x1024 matmuls whose results
/// are reduced by rows and read transposed: 12 MiB of stack, past a
/// thread's 8 MiB).
constexpr int64_t kMaxUntiledTemporaryBytes = 1 << 20;
/// Whether `root`'s group, with `candidate` in it, keeps a loop codegen can
/// tile (tileableRootLoops over the group's ops), or else has intermediate
/// tensors small enough to live on the stack whole.
bool keepsTileableLoop(Operation *root, const Group &group,
                       Operation *candidate) {
  auto rootLinalg = dyn_cast<linalg::LinalgOp>(root);
  if (!rootLinalg)
    return true;
  SmallVector<bool> tileable =
      tileableRootLoops(rootLinalg, [&](Operation *op) {
        return op == candidate || group.contains(op);
      });
  if (llvm::is_contained(tileable, true))
    return true;
  int64_t bytes = 0;
  for (Operation *op : llvm::concat<Operation *const>(
           ArrayRef<Operation *>(group.getArrayRef()),
           ArrayRef<Operation *>(candidate))) {
    if (op == root || isClonableProducer(op))
      continue;
    for (Type type : op->getResultTypes()) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape())
        return false;
      bytes += tensor.getNumElements() *
               std::max<int64_t>(1, tensor.getElementTypeBitWidth() / 8);
    }
  }
  return bytes <= kMaxUntiledTemporaryBytes;
}

/// Whether `root`'s group, with `candidate` in it, computes its
/// contractions along their results' contiguous dimension
/// (keepsContractionsContiguous). A 1x1 convolution at 56x56 fused into
/// the transpose writing its result NCHW took 6.2 ms, alone 0.65 ms.
bool keepsContiguousDim(Operation *root, const Group &group,
                        Operation *candidate) {
  auto rootLinalg = dyn_cast<linalg::LinalgOp>(root);
  return !rootLinalg ||
         keepsContractionsContiguous(rootLinalg, [&](Operation *op) {
           return op == candidate || group.contains(op);
         });
}

/// Grows the group of `root` until no producer can join. Clonable producers
/// join without being claimed, so other groups can clone them too. A
/// producer whose body would take the group's linalg bodies past
/// `maxBodyCost` ops (when not 0) stays out: it roots its own dispatch.
Group collectGroup(Operation *root, DenseSet<Operation *> &assigned,
                   unsigned maxBodyCost, bool fusePads) {
  Group group;
  group.insert(root);
  uint64_t groupBodyOps = bodyOps(root);
  bool changed = true;
  while (changed) {
    changed = false;
    for (unsigned i = 0; i < group.size(); ++i) {
      Operation *consumer = group[i];
      for (Value operand : consumer->getOperands()) {
        Operation *producer = operand.getDefiningOp();
        if (!producer || assigned.contains(producer) ||
            group.contains(producer) ||
            producer->getBlock() != root->getBlock())
          continue;
        if (!isFusableInto(producer, consumer, group, fusePads))
          continue;
        if (hasReductionLoops(producer) &&
            (!keepsTileableLoop(root, group, producer) ||
             !keepsContiguousDim(root, group, producer)))
          continue;
        if (!isClonableProducer(producer)) {
          uint64_t more = bodyOps(producer);
          if (maxBodyCost && more && groupBodyOps + more > maxBodyCost)
            continue;
          groupBodyOps += more;
        }
        group.insert(producer);
        changed = true;
      }
    }
  }
  for (Operation *op : group)
    if (!isClonableProducer(op))
      assigned.insert(op);
  return group;
}

/// Whether an input of `generic` is read through a window: an index that
/// adds a parallel loop and a reduction loop (a convolution whose filter
/// upstream's convolution interface does not recognize, a panel-major one
/// with a padded last panel).
bool readsWindow(linalg::GenericOp generic) {
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  for (OpOperand *input : generic.getDpsInputOperands())
    for (AffineExpr result :
         generic.getMatchingIndexingMap(input).getResults()) {
      auto sum = dyn_cast<AffineBinaryOpExpr>(result);
      if (!sum || sum.getKind() != AffineExprKind::Add)
        continue;
      bool parallel = false, reduction = false;
      sum.walk([&](AffineExpr e) {
        if (auto dim = dyn_cast<AffineDimExpr>(e))
          (iterators[dim.getPosition()] == utils::IteratorType::parallel
               ? parallel
               : reduction) = true;
      });
      if (parallel && reduction)
        return true;
    }
  return false;
}

/// Whether an input of `generic` is stored in panels (an index `j mod P`:
/// a matmul's constant B as PanelMajorFilters stores it).
bool readsPanels(linalg::GenericOp generic) {
  for (OpOperand *input : generic.getDpsInputOperands())
    for (AffineExpr result : generic.getMatchingIndexingMap(input).getResults())
      if (result.getKind() == AffineExprKind::Mod)
        return true;
  return false;
}

/// Names a dispatch after its heaviest op: a named contraction or
/// convolution if there is one, else a reduction, else the root.
std::string describeGroup(Operation *root, ArrayRef<Operation *> ops) {
  std::string name;
  Operation *heaviest = root;
  for (Operation *op : ops) {
    if (!hasReductionLoops(op))
      continue;
    if (!isa<linalg::GenericOp>(op)) {
      heaviest = op;
      break;
    }
    if (isa<linalg::GenericOp>(heaviest) && !hasReductionLoops(heaviest))
      heaviest = op;
  }
  // A generic convolution (a panel-major filter's) is still named one.
  if (auto generic = dyn_cast<linalg::GenericOp>(heaviest))
    name = !generic.getNumReductionLoops() ? "elementwise"
           : linalg::isaConvolutionOpInterface(generic) || readsWindow(generic)
               ? "conv"
           : readsPanels(generic) ? "matmul"
                                  : "reduction";
  else
    name = heaviest->getName().stripDialect().str();
  auto type = dyn_cast<RankedTensorType>(root->getResult(0).getType());
  if (!type)
    return name;
  name += "_";
  llvm::interleave(
      type.getShape(),
      [&](int64_t dim) {
        name += ShapedType::isDynamic(dim) ? "D" : std::to_string(dim);
      },
      [&] { name += "x"; });
  return name;
}

/// Host values for the dynamic dims of `value` (a group result), built before
/// `builder`'s insertion point.
FailureOr<SmallVector<Value>> getDynamicDims(OpBuilder &builder, Value value,
                                             const Group &group) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<Value> dims;
  if (type.hasStaticShape())
    return dims;
  Operation *def = value.getDefiningOp();
  if (!def || !group.contains(def)) {
    for (auto [index, size] : llvm::enumerate(type.getShape()))
      if (ShapedType::isDynamic(size))
        dims.push_back(
            tensor::DimOp::create(builder, value.getLoc(), value, index));
    return dims;
  }
  if (auto empty = dyn_cast<tensor::EmptyOp>(def)) {
    for (Value size : empty.getDynamicSizes())
      if (size.getDefiningOp() && group.contains(size.getDefiningOp()))
        return failure();
    return SmallVector<Value>(empty.getDynamicSizes());
  }
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(def)) {
    auto result = cast<OpResult>(value);
    return getDynamicDims(builder, dps.getDpsInits()[result.getResultNumber()],
                          group);
  }
  if (auto pad = dyn_cast<tensor::PadOp>(def)) {
    // A padded dynamic dim: the source's, plus the static padding.
    if (!pad.getLow().empty() || !pad.getHigh().empty())
      return failure();
    auto sourceDims = getDynamicDims(builder, pad.getSource(), group);
    if (failed(sourceDims))
      return failure();
    auto sourceType = pad.getSourceType();
    unsigned next = 0;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!sourceType.isDynamicDim(d))
        continue;
      Value size = (*sourceDims)[next++];
      int64_t extra = pad.getStaticLow()[d] + pad.getStaticHigh()[d];
      if (extra != 0)
        size = arith::AddIOp::create(
            builder, value.getLoc(), size,
            arith::ConstantIndexOp::create(builder, value.getLoc(), extra));
      dims.push_back(size);
    }
    return dims;
  }
  return failure();
}

struct FormDispatchesPass
    : public tessera::flow::impl::FormDispatchesPassBase<FormDispatchesPass> {
  using FormDispatchesPassBase::FormDispatchesPassBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs)
      if (failed(formDispatches(func)))
        return signalPassFailure();
  }

  LogicalResult formDispatches(func::FuncOp func) {
    if (func.isExternal())
      return success();
    DenseSet<Operation *> assigned;
    SmallVector<Group> groups;
    Block &body = func.getBody().front();
    for (Operation &op : llvm::reverse(body.getOperations())) {
      if (assigned.contains(&op) || !isRootCandidate(&op))
        continue;
      // Fills cloned into their consumers need no dispatch of their own.
      if (isClonableProducer(&op) &&
          llvm::all_of(op.getUsers(), [&](Operation *user) {
            return assigned.contains(user) || isClonableProducer(user);
          }))
        continue;
      groups.push_back(collectGroup(&op, assigned, maxBodyCost, fusePads));
    }
    // Number dispatches in program order.
    std::reverse(groups.begin(), groups.end());
    grouped.clear();
    for (Group &group : groups)
      grouped.insert(group.begin(), group.end());
    unsigned ordinal = 0;
    for (Group &group : groups)
      if (failed(outline(func, group, ordinal++)))
        return failure();
    return success();
  }

  /// Every op of every group of the function being outlined.
  DenseSet<Operation *> grouped;

  LogicalResult outline(func::FuncOp func, Group &group, unsigned ordinal) {
    Operation *root = group.front();
    // Ops in block order; the root is last.
    SmallVector<Operation *> ops(group.begin(), group.end());
    llvm::sort(
        ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });

    // Operands from outside the group, and constants to clone.
    llvm::SetVector<Value> inputs;
    llvm::SetVector<Operation *> clonedConstants;
    for (Operation *op : ops) {
      op->walk([&](Operation *nested) {
        for (Value operand : nested->getOperands()) {
          // Values of the op's own regions are not inputs.
          if (op->isAncestor(operand.getParentRegion()->getParentOp()))
            continue;
          Operation *def = operand.getDefiningOp();
          if (def && group.contains(def))
            continue;
          if (isClonableConstant(def))
            clonedConstants.insert(def);
          else
            inputs.insert(operand);
        }
      });
    }

    OpBuilder builder(root);
    Location loc = root->getLoc();
    MLIRContext *ctx = &getContext();
    std::string funcName = flow::dispatchNamePrefix(func.getSymName());
    std::string executableName =
        funcName + "_dispatch_" + std::to_string(ordinal);
    std::string entryName = executableName + "_" + describeGroup(root, ops);

    // Workload and result dims, computed on the host.
    SmallVector<Value> resultDims;
    SmallVector<Value> workload;
    for (Value result : root->getResults()) {
      auto dims = getDynamicDims(builder, result, group);
      if (failed(dims))
        return root->emitError()
               << "cannot compute the dynamic result shape of this dispatch "
                  "root on the host";
      resultDims.append(dims->begin(), dims->end());
    }
    {
      auto type = cast<RankedTensorType>(root->getResult(0).getType());
      auto dims = getDynamicDims(builder, root->getResult(0), group);
      unsigned dynamicIndex = 0;
      for (int64_t size : type.getShape()) {
        if (ShapedType::isDynamic(size))
          workload.push_back((*dims)[dynamicIndex++]);
        else
          workload.push_back(
              arith::ConstantIndexOp::create(builder, loc, size));
      }
    }
    SmallVector<Value> inputDims;
    for (Value input : inputs) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type) {
        if (isa<ShapedType>(input.getType()))
          return root->emitError()
                 << "unsupported dispatch operand type " << input.getType();
        continue;
      }
      for (auto [index, size] : llvm::enumerate(type.getShape()))
        if (ShapedType::isDynamic(size))
          inputDims.push_back(
              tensor::DimOp::create(builder, loc, input, index));
    }

    // The executable: export + module with the outlined function.
    OpBuilder moduleBuilder(func);
    auto executable =
        flow::ExecutableOp::create(moduleBuilder, loc, executableName);
    executable.setPrivate();
    OpBuilder exeBuilder = OpBuilder::atBlockBegin(&executable.getBlock());
    auto exportOp = flow::ExecutableExportOp::create(
        exeBuilder, loc, StringAttr(), StringAttr::get(ctx, entryName));
    (void)exportOp;
    auto innerModule = ModuleOp::create(exeBuilder, loc);
    SmallVector<Type> inputTypes;
    for (Value input : inputs)
      inputTypes.push_back(input.getType());
    auto funcType = FunctionType::get(ctx, inputTypes, root->getResultTypes());
    OpBuilder innerBuilder = OpBuilder::atBlockBegin(innerModule.getBody());
    auto dispatchFunc =
        func::FuncOp::create(innerBuilder, loc, entryName, funcType);
    Block *entry = dispatchFunc.addEntryBlock();
    OpBuilder bodyBuilder = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (auto [input, arg] : llvm::zip(inputs, entry->getArguments()))
      mapping.map(input, arg);
    for (Operation *constant : clonedConstants) {
      // A splat tensor becomes a fill: tiles of it cost nothing, where a
      // constant would be stored whole in the executable.
      auto value = cast<arith::ConstantOp>(constant).getValue();
      auto splat = dyn_cast<SplatElementsAttr>(value);
      auto tensorType =
          dyn_cast<RankedTensorType>(constant->getResult(0).getType());
      if (!splat || !tensorType) {
        bodyBuilder.clone(*constant, mapping);
        continue;
      }
      Location cloc = constant->getLoc();
      Value scalar = arith::ConstantOp::create(
          bodyBuilder, cloc, cast<TypedAttr>(splat.getSplatValue<Attribute>()));
      Value empty =
          tensor::EmptyOp::create(bodyBuilder, cloc, tensorType.getShape(),
                                  tensorType.getElementType());
      Value fill =
          linalg::FillOp::create(bodyBuilder, cloc, scalar, empty).getResult(0);
      mapping.map(constant->getResult(0), fill);
    }
    for (Operation *op : ops)
      bodyBuilder.clone(*op, mapping);
    SmallVector<Value> returned;
    for (Value result : root->getResults())
      returned.push_back(mapping.lookup(result));
    func::ReturnOp::create(bodyBuilder, loc, returned);

    // The dispatch replaces the group.
    auto entryRef = SymbolRefAttr::get(
        ctx, executableName, {FlatSymbolRefAttr::get(ctx, entryName)});
    auto dispatch = flow::DispatchOp::create(
        builder, loc, root->getResultTypes(), builder.getArrayAttr({entryRef}),
        workload, inputs.getArrayRef(), inputDims, resultDims,
        DenseI64ArrayAttr());
    // A clonable root (a broadcast also read outside any dispatch) stays
    // for the groups that clone it; only other uses read the dispatch.
    // (A group whose member reads a clonable producer holds a clone of it.)
    bool clonable = isClonableProducer(root);
    root->replaceUsesWithIf(dispatch.getResults(), [&](OpOperand &use) {
      return !clonable || !grouped.contains(use.getOwner());
    });
    // Clonable producers may still serve other groups.
    for (Operation *op : llvm::reverse(ops))
      if (op->use_empty())
        op->erase();
    for (Operation *constant : clonedConstants)
      if (constant->use_empty())
        constant->erase();
    return success();
  }
};

} // namespace

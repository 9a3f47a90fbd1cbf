//===- FuseElementwiseChains.cpp - Elementwise fusion in one sweep --------===//
//
// Upstream's linalg-fuse-elementwise-ops fuses one producer into one
// consumer at a time: every step builds a new generic holding both bodies.
// Along a chain of n elementwise ops the fused body grows by one op per step,
// so the chain costs 1 + 2 + ... + n body ops copied: O(n^2) (4.6 s for
// 4k ops, more than 10 min for 50k).
//
// This pass builds the same fused ops in one linear sweep. First, as
// upstream's RemoveOutsDependency, an init that its payload does not read
// becomes a tensor.empty (elementwise-to-linalg passes the first operand as
// init: without this no producer has a single use). Then, walking each
// block bottom-up, a linalg.generic not yet taken (all loops parallel, its
// inits giving every loop's extent) is the root of a group; the group
// grows, depth first, through the producers upstream would fuse: a
// single-result generic in the same block, pure tensor semantics, all loops
// parallel, its result map a permutation, its init unread, whose uses are
// all inputs of members, read with one map in the root's loops (upstream
// fuses such a producer once its consumers' operands are merged). The fused
// op is built once: its inputs are the leaves in the order pairwise fusion
// gives them (each fused operand replaced by its producer's inputs), an
// input repeated with the same map becomes one operand (as the canonicalizer
// would), its maps are the leaves' maps composed into the root's loops, its
// inits and iterators are the root's, and its body is each member's body
// cloned once, producers before their consumers. A producer that would take
// the body's cost (getBodyCost: a math function 16, other ops 1) past
// max-body-cost stays out and roots a group of its own: LLVM's time is
// quadratic in a loop body's length. Then upstream's elementwise fusion
// patterns run, their control bounded the same way, for what the sweep
// leaves (reductions as consumers, fills, splat constants, reshapes,
// multi-result producers); each of their steps copies a bounded body.
//
// Only the placement of ops changes, not the arithmetic: results are
// bitwise those of pairwise fusion (a split stores and reloads f32 values;
// nothing contracts or reassociates across ops).
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_FUSEELEMENTWISECHAINSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

/// Whether upstream's elementwise fusion could fuse `producer` into a
/// consumer reading it, and this pass can: a single-result, all-parallel
/// generic on tensors, its result map a permutation, its init unread.
bool isFusableProducer(linalg::GenericOp producer) {
  if (producer->getNumResults() != 1 || !producer.hasPureTensorSemantics() ||
      producer.getNumParallelLoops() != producer.getNumLoops())
    return false;
  OpOperand *init = producer.getDpsInitOperand(0);
  if (producer.payloadUsesValueFromOperand(init))
    return false;
  AffineMap resultMap = producer.getMatchingIndexingMap(init);
  return resultMap.isPermutation() && resultMap.getNumSymbols() == 0;
}

/// An all-parallel consumer: whether a producer read through `map` (in the
/// consumer's loops) would run at least kBroadcastRepeats times per value,
/// once for every value of the loops it is broadcast along (an SE block's
/// sigmoid over C channels fused into the HxWxC multiply: H*W exps per
/// channel; a layer norm's rsqrt per row once per column). Such a producer
/// keeps its own, smaller loops; a dynamic extent counts as large.
constexpr int64_t kBroadcastRepeats = 8;
bool isBroadcastRecomputed(linalg::LinalgOp consumer, AffineMap map) {
  SmallVector<int64_t> ranges = consumer.getStaticLoopRanges();
  int64_t repeats = 1;
  for (unsigned loop = 0; loop < ranges.size(); ++loop) {
    if (map.isFunctionOfDim(loop))
      continue;
    if (ShapedType::isDynamic(ranges[loop]))
      return true;
    repeats = std::min<int64_t>(kBroadcastRepeats, repeats * ranges[loop]);
  }
  return repeats >= kBroadcastRepeats;
}

/// Whether fusing `fusedOperand`'s producer into its consumer would compute
/// the producer again for every value of a loop the operand does not
/// depend on: a consumer with reductions reading it through a map that
/// leaves out one of its parallel loops (a GELU fused into the matmul
/// after it runs once per output column; a scale of B once per row).
/// Such a producer keeps its own loops; the consumer stays a plain
/// contraction the backends tile. An all-parallel consumer: when
/// isBroadcastRecomputed.
bool wouldRecomputeProducer(OpOperand *fusedOperand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  if (!consumer)
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(fusedOperand);
  if (consumer.getNumReductionLoops() == 0)
    return consumer.payloadUsesValueFromOperand(fusedOperand) &&
           isBroadcastRecomputed(consumer, map);
  SmallVector<utils::IteratorType> iterators = consumer.getIteratorTypesArray();
  for (unsigned loop = 0; loop < iterators.size(); ++loop)
    if (iterators[loop] == utils::IteratorType::parallel &&
        !map.isFunctionOfDim(loop))
      return true;
  return false;
}

uint64_t bodyOps(linalg::GenericOp op) {
  return tessera::flow::getBodyCost(op);
}

/// A root can take producers when all its loops are parallel and its inits
/// alone give every loop's extent (so dropping fused operands loses none).
bool canBeRoot(linalg::GenericOp root) {
  if (!root.hasPureTensorSemantics() ||
      root.getNumParallelLoops() != root.getNumLoops())
    return false;
  SmallVector<AffineMap> initMaps;
  for (OpOperand &init : root.getDpsInitsMutable())
    initMaps.push_back(root.getMatchingIndexingMap(&init));
  if (initMaps.empty())
    return root.getNumLoops() == 0;
  return static_cast<bool>(
      inversePermutation(concatAffineMaps(initMaps, root.getContext())));
}

/// A root and the producers fused into it.
struct Group {
  linalg::GenericOp root;
  /// Per member: root loops -> the member's loops.
  DenseMap<Operation *, AffineMap> toLoops;
  /// Members, producers before their consumers, the root last.
  SmallVector<linalg::GenericOp> order;
  /// The leaf inputs (not produced by a member) in pairwise-fusion order,
  /// with their maps in the root's loops.
  SmallVector<std::pair<Value, AffineMap>> leaves;

  bool isMember(Value value) const {
    Operation *op = value.getDefiningOp();
    return op && toLoops.count(op);
  }
  AffineMap mapInRoot(linalg::GenericOp op, OpOperand *operand) const {
    return op.getMatchingIndexingMap(operand).compose(toLoops.lookup(op));
  }
};

/// Finds the members of `root`'s group: the producers upstream's pairwise
/// fusion would fuse into it, transitively. A producer joins when every use
/// is an input of a member and the uses its members read share one map in
/// the root's loops (upstream fuses such a producer once the fused consumer
/// has merged those operands into one and dropped the unread ones).
/// A producer that would take the fused body past `maxBodyCost` ops (when
/// not 0) stays out. Iterative, chains are deep.
void collectMembers(Group &group, unsigned maxBodyCost) {
  linalg::GenericOp root = group.root;
  uint64_t groupBodyOps = bodyOps(root);
  group.toLoops[root] =
      AffineMap::getMultiDimIdentityMap(root.getNumLoops(), root.getContext());
  struct Uses {
    unsigned seen = 0, total = 0;
    AffineMap readMap, anyMap;
    bool conflict = false;
  };
  DenseMap<Operation *, Uses> uses;
  SmallVector<linalg::GenericOp> worklist = {root};
  while (!worklist.empty()) {
    linalg::GenericOp op = worklist.pop_back_val();
    for (OpOperand *operand : op.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      if (!producer || producer->getBlock() != root->getBlock() ||
          !isa<RankedTensorType>(operand->get().getType()) ||
          group.toLoops.count(producer))
        continue;
      AffineMap map = group.mapInRoot(op, operand);
      if (map.getNumResults() != producer.getNumLoops())
        continue;
      Uses &u = uses[producer];
      if (u.conflict)
        continue;
      if (u.seen++ == 0) {
        if (!isFusableProducer(producer)) {
          u.conflict = true;
          continue;
        }
        u.total = std::distance(producer->use_begin(), producer->use_end());
      }
      if (!u.anyMap)
        u.anyMap = map;
      if (op.payloadUsesValueFromOperand(operand)) {
        if ((u.readMap && u.readMap != map) ||
            isBroadcastRecomputed(root, map)) {
          u.conflict = true;
          continue;
        }
        u.readMap = map;
      }
      // Every use must be an input of a member: counted once each.
      if (u.seen != u.total)
        continue;
      uint64_t more = bodyOps(producer);
      if (maxBodyCost && groupBodyOps + more > maxBodyCost)
        continue;
      groupBodyOps += more;
      AffineMap resultMap =
          producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
      AffineMap inRoot = u.readMap ? u.readMap : u.anyMap;
      group.toLoops[producer] = inversePermutation(resultMap).compose(inRoot);
      worklist.push_back(producer);
    }
  }
}

/// Orders the members (each producer's inputs visited last to first, so
/// that bodies come in the order pairwise fusion leaves them) and lists the
/// leaves (inputs first to last, each fused input replaced by its
/// producer's).
void orderGroup(Group &group) {
  struct Frame {
    linalg::GenericOp op;
    unsigned next = 0;
  };
  // Post order, inputs in reverse.
  DenseSet<Operation *> visited = {group.root};
  SmallVector<Frame> stack = {{group.root}};
  while (!stack.empty()) {
    Frame &frame = stack.back();
    unsigned numInputs = frame.op.getNumDpsInputs();
    if (frame.next == numInputs) {
      group.order.push_back(frame.op);
      stack.pop_back();
      continue;
    }
    OpOperand *operand =
        frame.op.getDpsInputOperand(numInputs - 1 - frame.next++);
    if (group.isMember(operand->get()) &&
        visited.insert(operand->get().getDefiningOp()).second)
      stack.push_back({operand->get().getDefiningOp<linalg::GenericOp>()});
  }
  // Leaves, inputs in order.
  visited.clear();
  visited.insert(group.root);
  stack.push_back({group.root});
  while (!stack.empty()) {
    Frame &frame = stack.back();
    linalg::GenericOp op = frame.op;
    if (frame.next == op.getNumDpsInputs()) {
      stack.pop_back();
      continue;
    }
    OpOperand *operand = op.getDpsInputOperand(frame.next++);
    if (!group.isMember(operand->get())) {
      group.leaves.push_back({operand->get(), group.mapInRoot(op, operand)});
      continue;
    }
    if (visited.insert(operand->get().getDefiningOp()).second)
      stack.push_back({operand->get().getDefiningOp<linalg::GenericOp>()});
  }
}

/// Builds the fused op of `group` before its root and returns it.
linalg::GenericOp buildFusedOp(OpBuilder &b, Group &group) {
  linalg::GenericOp root = group.root;
  Location loc = root.getLoc();

  // Inputs: the leaves, a value read again with the same map only once.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  DenseMap<std::pair<Value, AffineMap>, unsigned> inputOf;
  for (const std::pair<Value, AffineMap> &leaf : group.leaves) {
    if (inputOf.try_emplace(leaf, inputs.size()).second) {
      inputs.push_back(leaf.first);
      maps.push_back(leaf.second);
    }
  }
  SmallVector<Value> inits;
  for (OpOperand &init : root.getDpsInitsMutable()) {
    inits.push_back(init.get());
    maps.push_back(root.getMatchingIndexingMap(&init));
  }
  auto fused = linalg::GenericOp::create(
      b, loc, root->getResultTypes(), inputs, inits,
      b.getAffineMapArrayAttr(maps), root.getIteratorTypes(),
      /*doc=*/nullptr, /*library_call=*/nullptr);

  // Block arguments: the element type of each input's first reader.
  SmallVector<Type> argTypes(inputs.size());
  SmallVector<Location> argLocs(inputs.size(), loc);
  for (linalg::GenericOp op : group.order) {
    Block &body = op.getRegion().front();
    for (OpOperand *operand : op.getDpsInputOperands()) {
      if (group.isMember(operand->get()))
        continue;
      unsigned input =
          inputOf.lookup({operand->get(), group.mapInRoot(op, operand)});
      if (argTypes[input])
        continue;
      BlockArgument arg = body.getArgument(operand->getOperandNumber());
      argTypes[input] = arg.getType();
      argLocs[input] = arg.getLoc();
    }
  }
  Block &rootBody = root.getRegion().front();
  for (BlockArgument arg :
       rootBody.getArguments().take_back(root.getNumDpsInits())) {
    argTypes.push_back(arg.getType());
    argLocs.push_back(arg.getLoc());
  }
  Block *block = b.createBlock(&fused.getRegion(), {}, argTypes, argLocs);

  IRMapping mapper;
  SmallVector<Value> loopIndices;
  for (linalg::GenericOp op : group.order) {
    Block &body = op.getRegion().front();
    for (OpOperand *operand : op.getDpsInputOperands()) {
      BlockArgument arg = body.getArgument(operand->getOperandNumber());
      if (!group.isMember(operand->get())) {
        mapper.map(arg, block->getArgument(inputOf.lookup(
                            {operand->get(), group.mapInRoot(op, operand)})));
        continue;
      }
      // The fused producer's yielded value, already cloned.
      auto yield = cast<linalg::YieldOp>(
          operand->get().getDefiningOp()->getRegion(0).front().getTerminator());
      mapper.map(arg, mapper.lookupOrDefault(yield.getOperand(0)));
    }
    bool isRoot = op == root;
    if (isRoot)
      for (auto [arg, fusedArg] :
           llvm::zip(body.getArguments().take_back(op.getNumDpsInits()),
                     block->getArguments().take_back(op.getNumDpsInits())))
        mapper.map(arg, fusedArg);
    AffineMap toLoops = group.toLoops.lookup(op);
    for (Operation &inner : body.without_terminator()) {
      auto index = dyn_cast<linalg::IndexOp>(inner);
      if (!index || isRoot) {
        b.clone(inner, mapper);
        continue;
      }
      // A producer's loop index, in terms of the root's loops.
      if (loopIndices.empty()) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(block);
        for (unsigned d = 0, n = root.getNumLoops(); d < n; ++d)
          loopIndices.push_back(linalg::IndexOp::create(b, loc, d));
      }
      AffineMap dimMap = toLoops.getSubMap(index.getDim());
      Value value;
      if (auto dim = dyn_cast<AffineDimExpr>(dimMap.getResult(0)))
        value = loopIndices[dim.getPosition()];
      else
        value = affine::AffineApplyOp::create(b, index.getLoc(), dimMap,
                                              loopIndices);
      mapper.map(index.getResult(), value);
    }
  }
  auto rootYield = cast<linalg::YieldOp>(rootBody.getTerminator());
  SmallVector<Value> yielded;
  for (Value value : rootYield.getOperands())
    yielded.push_back(mapper.lookupOrDefault(value));
  linalg::YieldOp::create(b, rootYield.getLoc(), yielded);
  return fused;
}

/// Upstream's RemoveOutsDependency, for one op.
void removeOutsDependency(OpBuilder &b, linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics())
    return;
  for (OpOperand &init : op.getDpsInitsMutable()) {
    auto type = dyn_cast<RankedTensorType>(init.get().getType());
    if (!type || type.getEncoding() || op.payloadUsesValueFromOperand(&init) ||
        init.get().getDefiningOp<tensor::EmptyOp>())
      continue;
    b.setInsertionPoint(op);
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(b, op.getLoc(), init.get());
    init.set(
        tensor::EmptyOp::create(b, op.getLoc(), sizes, type.getElementType()));
  }
}

} // namespace

uint64_t tessera::flow::getBodyCost(Operation *op) {
  if (!isa<linalg::LinalgOp>(op) || op->getNumRegions() == 0 ||
      op->getRegion(0).empty())
    return 0;
  uint64_t cost = 0;
  for (Operation &inner : op->getRegion(0).front().without_terminator())
    cost += inner.getDialect() && inner.getDialect()->getNamespace() == "math"
                ? 16
                : 1;
  return cost;
}

namespace {

struct FuseElementwiseChainsPass
    : public tessera::flow::impl::FuseElementwiseChainsPassBase<
          FuseElementwiseChainsPass> {
  using FuseElementwiseChainsPassBase::FuseElementwiseChainsPassBase;

  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](linalg::GenericOp op) {
      Block *block = op->getBlock();
      if (blocks.empty() || blocks.back() != block)
        blocks.push_back(block);
    });
    DenseSet<Block *> done;
    for (Block *block : blocks)
      if (done.insert(block).second && failed(fuseInBlock(*block)))
        return signalPassFailure();
    if (pairwise)
      runPairwiseFusion();
  }

  /// What upstream's LinalgElementwiseOpFusionPass runs, its control (a
  /// producer with one use, not computed again per value of a loop it does
  /// not depend on: wouldRecomputeProducer) bounded by `maxBodyCost`. After the
  /// sweep above its fusion pattern finds only what the sweep leaves
  /// (reductions, ...).
  void runPairwiseFusion() {
    MLIRContext *context = &getContext();
    unsigned bound = maxBodyCost;
    linalg::ControlFusionFn control = [bound](OpOperand *fusedOperand) {
      Operation *producer = fusedOperand->get().getDefiningOp();
      if (!producer || !producer->hasOneUse() ||
          (isa<linalg::GenericOp>(producer) &&
           wouldRecomputeProducer(fusedOperand)))
        return false;
      if (!bound)
        return true;
      auto producerOp = dyn_cast<linalg::GenericOp>(producer);
      auto consumerOp = dyn_cast<linalg::GenericOp>(fusedOperand->getOwner());
      return !producerOp || !consumerOp ||
             bodyOps(producerOp) + bodyOps(consumerOp) <= bound;
    };
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    // Reshapes do not move through matmuls: a matmul keeps the shape it was
    // written in (a batch matmul's rows one loop, as the register-tiled
    // kernel reads them best, not a generic over the rows' factors).
    // Nor into pads: a pad fuses into its consumer's dispatch only in the
    // shape that consumer reads (a panel-major convolution's split
    // channels would make it a dispatch of its own).
    linalg::ControlFusionFn reshapeControl =
        [control](OpOperand *fusedOperand) {
          if (isa<tensor::PadOp>(fusedOperand->getOwner()))
            return false;
          for (Operation *op :
               {fusedOperand->getOwner(), fusedOperand->get().getDefiningOp()})
            if (auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op))
              if (linalg::isaContractionOpInterface(linalgOp))
                return false;
          return control(fusedOperand);
        };
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, reshapeControl);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    // A reshaped empty is an empty of the new shape: a fill of it stays a
    // fill its consumer's dispatch clones.
    tensor::populateFoldTensorEmptyPatterns(patterns,
                                            /*foldSingleUseOnly=*/true);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns),
                                GreedyRewriteConfig().setUseTopDownTraversal());
  }

  LogicalResult fuseInBlock(Block &block) {
    SmallVector<linalg::GenericOp> generics(block.getOps<linalg::GenericOp>());
    DenseSet<Operation *> taken, erase;
    OpBuilder b(&getContext());
    // As upstream's RemoveOutsDependency does first: an init the payload
    // does not read becomes a tensor.empty, so that a producer passed as
    // both input and init has one use (with dynamic sizes its tensor.dim
    // stays a use, and upstream does not fuse it either).
    for (linalg::GenericOp op : generics)
      removeOutsDependency(b, op);
    for (linalg::GenericOp root : llvm::reverse(generics)) {
      if (taken.contains(root) || !canBeRoot(root))
        continue;
      Group group;
      group.root = root;
      collectMembers(group, maxBodyCost);
      if (group.toLoops.size() < 2)
        continue;
      orderGroup(group);
      b.setInsertionPoint(root);
      linalg::GenericOp fused = buildFusedOp(b, group);
      if (!fused.getShapesToLoopsMap()) {
        // Cannot happen when the root's inits give the loops; keep the
        // ops as they were rather than produce an invalid one.
        fused->erase();
        continue;
      }
      root->replaceAllUsesWith(fused->getResults());
      for (linalg::GenericOp op : group.order) {
        taken.insert(op);
        erase.insert(op);
      }
    }
    // Consumers before producers: every use is gone when an op is erased.
    for (linalg::GenericOp op : llvm::reverse(generics))
      if (erase.contains(op))
        op->erase();
    return success();
  }
};

} // namespace

//===- DistributeToInvocations.cpp - Tile loops over invocations ----------===//
//
// After linalg -> parallel loops, each op of a workgroup's tile is an
// scf.parallel (reductions are scf.for inside it). Its innermost dimension
// is strided over the workgroup's invocations, the others run in order in
// every invocation. When every op maps the same innermost tile dimension to
// the same invocation, each invocation only reads the temporaries' elements
// it wrote, and they stay private. Otherwise (a row's reduction, then the
// row's elements) the temporaries move to workgroup memory, shared by the
// invocations, with a barrier between the ops.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_DISTRIBUTETOINVOCATIONSPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// Whether every tile op spreads the same dimension: same loop count and
/// the same bounds of the innermost loop. Then an invocation only ever reads
/// the temporaries' elements it wrote itself.
bool consistent(ArrayRef<scf::ParallelOp> loops) {
  if (loops.empty())
    return true;
  for (scf::ParallelOp loop : loops) {
    scf::ParallelOp first = loops.front();
    unsigned rank = first.getNumLoops();
    if (loop.getNumLoops() != rank ||
        loop.getLowerBound()[rank - 1] != first.getLowerBound()[rank - 1] ||
        loop.getUpperBound()[rank - 1] != first.getUpperBound()[rank - 1] ||
        loop.getStep()[rank - 1] != first.getStep()[rank - 1])
      return false;
  }
  return true;
}

/// `type` in workgroup memory.
MemRefType inWorkgroupMemory(MemRefType type) {
  return MemRefType::Builder(type).setMemorySpace(gpu::AddressSpaceAttr::get(
      type.getContext(), gpu::AddressSpace::Workgroup));
}

/// `temporary` and the values viewing it: subviews and the like, and the
/// results of the scf.if choosing an edge tile's view.
SmallVector<Value> viewsOf(Value temporary) {
  SmallVector<Value> views = {temporary};
  for (unsigned next = 0; next < views.size(); ++next)
    for (OpOperand &use : views[next].getUses()) {
      Operation *user = use.getOwner();
      if (isa<ViewLikeOpInterface>(user))
        llvm::append_range(views, user->getResults());
      else if (isa<scf::YieldOp>(user))
        views.push_back(user->getParentOp()->getResult(use.getOperandNumber()));
    }
  return views;
}

/// The outermost scf.parallel around `op` (the one spread over the
/// invocations), or null.
scf::ParallelOp outermostNest(Operation *op) {
  scf::ParallelOp nest = op->getParentOfType<scf::ParallelOp>();
  while (nest && nest->getParentOfType<scf::ParallelOp>())
    nest = nest->getParentOfType<scf::ParallelOp>();
  return nest;
}

/// The indices of a memref.load or memref.store.
ValueRange accessIndices(Operation *access) {
  if (auto load = dyn_cast<memref::LoadOp>(access))
    return load.getIndices();
  return cast<memref::StoreOp>(access).getIndices();
}

/// Whether the load or store `access` indexes its last dimension with
/// `nest`'s distributed (innermost) loop.
bool atDistributedIndex(Operation *access, scf::ParallelOp nest) {
  ValueRange indices = accessIndices(access);
  return nest && !indices.empty() &&
         indices.back() == nest.getInductionVars().back();
}

/// Whether the tile ops reading or writing `alloca` spread the same
/// dimension and every access's last index is that distributed loop: then
/// every invocation only reads the elements it wrote, and the temporary can
/// stay private. (Equal bounds alone are not enough: a reduction may read
/// a temporary along its own loop, whose extent happens to match.)
bool usedConsistently(memref::AllocaOp alloca) {
  llvm::SetVector<scf::ParallelOp> users;
  for (Value view : viewsOf(alloca.getResult()))
    for (Operation *user : view.getUsers()) {
      scf::ParallelOp nest = outermostNest(user);
      if (!nest)
        continue;
      users.insert(nest);
      if (isa<memref::LoadOp, memref::StoreOp>(user) &&
          !atDistributedIndex(user, nest))
        return false;
    }
  return consistent(users.getArrayRef());
}

/// The buffer `value` views (through subviews and the like).
Value rootOf(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Whether every buffer some op writes is only touched, by every op, at the
/// elements of its invocation: through one view, with the op's distributed
/// loop as the last index. Equal loop bounds alone do not say so: a fill
/// spreading an output's last dimension and a contraction spreading its
/// first one touch the same elements from different invocations.
bool accessesPartitioned(func::FuncOp func) {
  struct Access {
    Value memref;
    bool partitioned;
  };
  DenseMap<Value, SmallVector<Access>> accesses;
  DenseSet<Value> written;
  bool outsideNests = false;
  func.walk([&](Operation *op) {
    if (!isa<memref::LoadOp, memref::StoreOp>(op))
      return;
    Value memref = isa<memref::LoadOp>(op)
                       ? cast<memref::LoadOp>(op).getMemRef()
                       : cast<memref::StoreOp>(op).getMemRef();
    scf::ParallelOp nest = outermostNest(op);
    if (isa<memref::StoreOp>(op)) {
      written.insert(rootOf(memref));
      outsideNests |= !nest;
    }
    accesses[rootOf(memref)].push_back({memref, atDistributedIndex(op, nest)});
  });
  if (outsideNests)
    return false;
  for (Value root : written) {
    const SmallVector<Access> &list = accesses[root];
    for (const Access &access : list)
      if (!access.partitioned || access.memref != list.front().memref)
        return false;
  }
  return true;
}

/// Whether the function already holds workgroup memory (a promoted
/// operand): every invocation reads what the others wrote there.
bool hasWorkgroupMemory(func::FuncOp func) {
  bool found = false;
  func.walk([&](memref::AllocOp alloc) {
    if (auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(
            alloc.getType().getMemorySpace()))
      found |= space.getValue() == gpu::AddressSpace::Workgroup;
  });
  return found;
}

/// Moves the temporary `alloca` to workgroup memory: one copy shared by
/// the workgroup's invocations. Its views follow.
void shareTemporary(memref::AllocaOp alloca) {
  OpBuilder builder(alloca);
  auto alloc = memref::AllocOp::create(
      builder, alloca.getLoc(), inWorkgroupMemory(alloca.getType()),
      alloca.getDynamicSizes(), alloca.getSymbolOperands(),
      alloca.getAlignmentAttr());
  alloca.getResult().replaceAllUsesWith(alloc.getResult());
  alloca.erase();
  for (Value view : viewsOf(alloc.getResult()))
    if (auto type = dyn_cast<MemRefType>(view.getType());
        type && !type.getMemorySpace())
      view.setType(inWorkgroupMemory(type));
}

/// Replaces `parallel` by scf.for loops in the same order; with
/// `distribute`, the innermost loop starts at this invocation's offset and
/// strides over the workgroup.
LogicalResult lowerToLoops(scf::ParallelOp parallel, bool distribute = true) {
  if (!parallel.getInitVals().empty())
    return parallel.emitOpError("with reductions cannot be distributed");
  OpBuilder builder(parallel);
  Location loc = parallel.getLoc();
  Value thread = distribute
                     ? gpu::ThreadIdOp::create(builder, loc, gpu::Dimension::x)
                     : Value();
  IRMapping mapping;
  unsigned rank = parallel.getNumLoops();
  for (unsigned d = 0; d < rank; ++d) {
    Value lower = parallel.getLowerBound()[d];
    Value step = parallel.getStep()[d];
    if (distribute && d + 1 == rank) {
      // lower + thread * step, by workgroup size * step.
      Value size = arith::ConstantIndexOp::create(builder, loc, kWorkgroupSize);
      lower = arith::AddIOp::create(
          builder, loc, lower,
          arith::MulIOp::create(builder, loc, thread, step));
      step = arith::MulIOp::create(builder, loc, step, size);
    }
    auto loop = scf::ForOp::create(builder, loc, lower,
                                   parallel.getUpperBound()[d], step);
    mapping.map(parallel.getInductionVars()[d], loop.getInductionVar());
    builder.setInsertionPointToStart(loop.getBody());
  }
  for (Operation &op : parallel.getBody()->without_terminator())
    builder.clone(op, mapping);
  parallel.erase();
  return success();
}

struct DistributeToInvocationsPass
    : public impl::DistributeToInvocationsPassBase<
          DistributeToInvocationsPass> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp op) {
      if (!op->getParentOfType<scf::ParallelOp>())
        outermost.push_back(op);
    });
    bool partitioned =
        consistent(outermost) && accessesPartitioned(getOperation());
    SmallVector<memref::AllocaOp> temporaries;
    getOperation().walk([&](memref::AllocaOp alloca) {
      if (!usedConsistently(alloca))
        temporaries.push_back(alloca);
    });
    if (!partitioned || !temporaries.empty() ||
        hasWorkgroupMemory(getOperation())) {
      for (memref::AllocaOp alloca : temporaries)
        shareTemporary(alloca);
      // What one op wrote (shared temporaries, the output tile) is complete
      // before another reads it or writes over it: a barrier after each op
      // that another runs after, the next iteration's included. The ops run
      // under workgroup-uniform control flow (loop bounds and conditions on
      // workgroup ids only), as barriers require.
      for (scf::ParallelOp op : outermost) {
        if (op == outermost.back() && !op->getParentOfType<scf::ForOp>())
          continue;
        OpBuilder builder(op->getContext());
        builder.setInsertionPointAfter(op);
        gpu::BarrierOp::create(builder, op.getLoc());
      }
    }
    for (scf::ParallelOp op : outermost)
      if (failed(lowerToLoops(op)))
        return signalPassFailure();
    // Nested parallel loops (ParallelLoopsOutermost leaves none from
    // linalg) run in order inside their invocation.
    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp op) { nested.push_back(op); });
    for (scf::ParallelOp op : nested)
      if (failed(lowerToLoops(op, /*distribute=*/false)))
        return signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen

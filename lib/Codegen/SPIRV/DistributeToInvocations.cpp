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

namespace mlir::tessera::spirv_codegen {

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

/// Moves the temporary `alloca` to workgroup memory: one copy shared by
/// the workgroup's invocations. The views of it (subviews, the results of
/// the scf.if choosing an edge tile's view) follow.
void shareTemporary(memref::AllocaOp alloca) {
  OpBuilder builder(alloca);
  auto alloc = memref::AllocOp::create(
      builder, alloca.getLoc(), inWorkgroupMemory(alloca.getType()),
      alloca.getDynamicSizes(), alloca.getSymbolOperands(),
      alloca.getAlignmentAttr());
  alloca.getResult().replaceAllUsesWith(alloc.getResult());
  alloca.erase();
  SmallVector<Value> views = {alloc.getResult()};
  auto retype = [&](Value view) {
    auto type = dyn_cast<MemRefType>(view.getType());
    if (!type || type.getMemorySpace())
      return;
    view.setType(inWorkgroupMemory(type));
    views.push_back(view);
  };
  while (!views.empty()) {
    Value view = views.pop_back_val();
    for (OpOperand &use : view.getUses()) {
      Operation *user = use.getOwner();
      if (isa<ViewLikeOpInterface>(user))
        for (Value result : user->getResults())
          retype(result);
      else if (isa<scf::YieldOp>(user))
        retype(user->getParentOp()->getResult(use.getOperandNumber()));
    }
  }
}

/// Replaces `parallel` by scf.for loops in the same order; the innermost
/// loop starts at this invocation's offset and strides over the workgroup.
LogicalResult lowerToLoops(scf::ParallelOp parallel) {
  if (!parallel.getInitVals().empty())
    return parallel.emitOpError("with reductions cannot be distributed");
  OpBuilder builder(parallel);
  Location loc = parallel.getLoc();
  Value thread = gpu::ThreadIdOp::create(builder, loc, gpu::Dimension::x);
  IRMapping mapping;
  unsigned rank = parallel.getNumLoops();
  for (unsigned d = 0; d < rank; ++d) {
    Value lower = parallel.getLowerBound()[d];
    Value step = parallel.getStep()[d];
    if (d + 1 == rank) {
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
    : public PassWrapper<DistributeToInvocationsPass,
                         OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(DistributeToInvocationsPass)
  StringRef getName() const override { return "DistributeToInvocationsPass"; }
  StringRef getArgument() const override {
    return "tessera-spirv-distribute-to-invocations";
  }
  StringRef getDescription() const override {
    return "Spreads each tile loop's innermost dimension over invocations";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<gpu::GPUDialect, scf::SCFDialect, arith::ArithDialect,
                    memref::MemRefDialect>();
  }
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp op) {
      if (!op->getParentOfType<scf::ParallelOp>())
        outermost.push_back(op);
    });
    if (!consistent(outermost)) {
      SmallVector<memref::AllocaOp> temporaries;
      getOperation().walk(
          [&](memref::AllocaOp alloca) { temporaries.push_back(alloca); });
      for (memref::AllocaOp alloca : temporaries)
        shareTemporary(alloca);
      // What one op wrote (temporaries, the output tile) is complete before
      // the next reads it. The ops run under workgroup-uniform control
      // flow (conditions on workgroup ids only), as barriers require.
      for (scf::ParallelOp op : ArrayRef(outermost).drop_back()) {
        OpBuilder builder(op->getContext());
        builder.setInsertionPointAfter(op);
        gpu::BarrierOp::create(builder, op.getLoc());
      }
    }
    for (scf::ParallelOp op : outermost)
      if (failed(lowerToLoops(op)))
        return signalPassFailure();
    // Nested parallel loops (rare) run in order inside their invocation.
    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp op) { nested.push_back(op); });
    if (!nested.empty()) {
      nested.front().emitOpError("nested parallel loops are not supported");
      return signalPassFailure();
    }
  }
};

} // namespace

std::unique_ptr<Pass> createDistributeToInvocationsPass() {
  return std::make_unique<DistributeToInvocationsPass>();
}

} // namespace mlir::tessera::spirv_codegen

//===- DistributeToInvocations.cpp - Tile loops over invocations ----------===//
//
// After linalg -> parallel loops, each op of a workgroup's tile is an
// scf.parallel (reductions are scf.for inside it). Its innermost dimension
// is strided over the workgroup's invocations, the others run in order in
// every invocation. Each op maps the same innermost tile dimension to the
// same invocation, so per-invocation temporaries stay consistent between
// the ops of one tile.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::tessera::spirv_codegen {

namespace {

/// Whether every tile op spreads the same dimension: same loop count and
/// the same bounds of the innermost loop. Then an invocation only ever reads
/// the temporaries' elements it wrote itself.
bool consistent(ArrayRef<scf::ParallelOp> loops) {
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

/// Replaces `parallel` by scf.for loops in the same order. With `spread`,
/// the innermost loop starts at this invocation's offset and strides over
/// the workgroup; without, the nest runs in invocation 0 only (for tiles
/// whose ops spread different dimensions, e.g. a row reduction then the
/// row's elements).
LogicalResult lowerToLoops(scf::ParallelOp parallel, bool spread) {
  if (!parallel.getInitVals().empty())
    return parallel.emitOpError("with reductions cannot be distributed");
  OpBuilder builder(parallel);
  Location loc = parallel.getLoc();
  Value thread = gpu::ThreadIdOp::create(builder, loc, gpu::Dimension::x);
  if (!spread) {
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value first = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                        thread, zero);
    auto guard = scf::IfOp::create(builder, loc, first, /*withElse=*/false);
    builder.setInsertionPointToStart(&guard.getThenRegion().front());
  }
  IRMapping mapping;
  unsigned rank = parallel.getNumLoops();
  for (unsigned d = 0; d < rank; ++d) {
    Value lower = parallel.getLowerBound()[d];
    Value step = parallel.getStep()[d];
    if (spread && d + 1 == rank) {
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
    registry.insert<gpu::GPUDialect, scf::SCFDialect, arith::ArithDialect>();
  }
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp op) {
      if (!op->getParentOfType<scf::ParallelOp>())
        outermost.push_back(op);
    });
    bool spread = outermost.empty() || consistent(outermost);
    for (scf::ParallelOp op : outermost)
      if (failed(lowerToLoops(op, spread)))
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

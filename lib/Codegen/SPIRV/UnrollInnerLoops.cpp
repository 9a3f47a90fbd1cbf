//===- UnrollInnerLoops.cpp - Fewer back edges per invocation -------------===//
//
// A tile's innermost loops (a reduction over a convolution's window and
// channels, a matmul's K) run thousands of iterations in every invocation.
// Unrolled by a small factor they give the driver independent work to
// schedule and take fewer back edges: lavapipe, the CI's device, silently
// stops a loop after 65535 back edges per invocation in total.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_UNROLLINNERLOOPSPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// Iterations of one unrolled body.
constexpr uint64_t kUnrollFactor = 4;

struct UnrollInnerLoopsPass
    : public impl::UnrollInnerLoopsPassBase<UnrollInnerLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> innermost;
    getOperation().walk([&](scf::ForOp loop) {
      bool hasInnerLoop = false;
      loop.getBody()->walk([&](scf::ForOp) { hasInnerLoop = true; });
      std::optional<APInt> trips = loop.getStaticTripCount();
      if (!hasInnerLoop && trips && trips->getZExtValue() >= kUnrollFactor)
        innermost.push_back(loop);
    });
    for (scf::ForOp loop : innermost)
      if (failed(loopUnrollByFactor(loop, kUnrollFactor))) {
        loop.emitOpError("could not be unrolled");
        return signalPassFailure();
      }
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen

//===- VerifyInputLegality.cpp - Reject unsupported input ops -------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_VERIFYINPUTLEGALITYPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

bool isInDialect(Operation *op, ArrayRef<StringRef> dialects) {
  StringRef ns = op->getName().getDialectNamespace();
  return llvm::is_contained(dialects, ns);
}

struct VerifyInputLegalityPass
    : public tessera::flow::impl::VerifyInputLegalityPassBase<
          VerifyInputLegalityPass> {
  void runOnOperation() override {
    bool failed = false;
    auto reject = [&](Operation *op, StringRef where) {
      op->emitError() << "'" << op->getName()
                      << "' is not supported by tessera " << where
                      << " (accepted: func, arith, math, tensor and linalg "
                         "ops, hal.dispatch.extern)";
      failed = true;
    };
    for (Operation &top : getOperation().getBody()->getOperations()) {
      if (!isa<func::FuncOp>(top)) {
        reject(&top, "at module level");
        continue;
      }
      top.walk<WalkOrder::PreOrder>([&](Operation *op) -> WalkResult {
        if (op == &top)
          return WalkResult::advance();
        // Linalg payloads: scalar arith/math only.
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
          for (Operation &inner : linalgOp.getBlock()->getOperations())
            if (!isInDialect(&inner, {"arith", "math"}) &&
                !isa<linalg::YieldOp, linalg::IndexOp>(inner))
              reject(&inner, "inside a linalg region");
          return WalkResult::skip();
        }
        // Hand-written kernels: their regions run on the host at load
        // (conditions, counts), and the op's own verifier checks them.
        if (isa<tessera::hal::DispatchExternOp>(op))
          return WalkResult::skip();
        if (isa<tensor::PadOp, tensor::GenerateOp>(op)) {
          op->getRegion(0).walk([&](Operation *inner) {
            if (!isInDialect(inner, {"arith", "math", "tensor"}))
              reject(inner, "inside a tensor region");
          });
          return WalkResult::skip();
        }
        if (!isInDialect(op, {"func", "arith", "math", "tensor", "linalg"})) {
          reject(op, "in a function");
          return WalkResult::skip();
        }
        return WalkResult::advance();
      });
    }
    if (failed)
      signalPassFailure();
  }
};

} // namespace

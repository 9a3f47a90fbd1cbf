//===- ReassociateReductions.cpp - Let LLVM vectorize float reductions ----===//
//
// A float sum kept in one scalar accumulator cannot become a vector loop
// without changing the order of the additions, which LLVM does only when
// told it may: the combiner of every reduction (the addf that feeds the
// output) gets `fastmath<reassoc>`. Max and min combiners need nothing:
// they are exact in any order.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"

namespace mlir::tessera::llvmcpu {

#define GEN_PASS_DEF_REASSOCIATEREDUCTIONSPASS
#include "Codegen/LLVMCPU/Passes.h.inc"

namespace {

struct ReassociateReductionsPass
    : public impl::ReassociateReductionsPassBase<ReassociateReductionsPass> {
  void runOnOperation() override {
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.getNumReductionLoops() == 0)
        return;
      auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
      for (auto [index, value] : llvm::enumerate(yield.getValues())) {
        auto add = value.getDefiningOp<arith::AddFOp>();
        BlockArgument output = op.getRegionOutputArgs()[index];
        if (!add || (add.getLhs() != output && add.getRhs() != output))
          continue;
        add.setFastmath(add.getFastmath() | arith::FastMathFlags::reassoc);
      }
    });
  }
};

} // namespace

} // namespace mlir::tessera::llvmcpu

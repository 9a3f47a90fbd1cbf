//===- ExpOnAVX512.cpp - exp on 16-lane f32 vectors with vscalefps --------===//

#include "Codegen/LLVMCPU/ExpOnAVX512.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::tessera::llvmcpu {
namespace {

/// Past these, exp is inf or rounds to 0 even as a denormal; clamped there,
/// k stays finite (an inf argument would make r = inf - inf = NaN) and
/// vscalefps still overflows and underflows as exp does.
constexpr float kHighest = 88.8f, kLowest = -104.0f;
/// ln 2 in two parts (Cody and Waite): k * kLn2High is exact for |k| < 2^15.
constexpr float kLn2High = 0.693359375f, kLn2Low = -2.12194440e-4f;
/// exp(r) ~ 1 + r (1 + r P(r)) on |r| <= ln2 / 2, P of degree 4 fitted to
/// the relative error (0.86 ulp at most with the reduction above, against
/// 5.5 for upstream's approximation): six FMAs in all. Highest degree first.
constexpr float kPolynomial[] = {1.381461275741458e-3f,
                                 8.368710055947304e-3f,
                                 4.166838899254799e-2f,
                                 1.666652113199234e-1f,
                                 4.999999403953552e-1f,
                                 1.0f,
                                 1.0f};

struct ExpOnAVX512 : OpRewritePattern<math::ExpOp> {
  ExpOnAVX512(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    if (!type || type.getRank() != 1 || type.getDimSize(0) != 16 ||
        type.isScalable() || !type.getElementType().isF32())
      return failure();
    Location loc = op.getLoc();
    auto splat = [&](float value) -> Value {
      return arith::ConstantOp::create(rewriter, loc,
                                       DenseElementsAttr::get(type, value));
    };
    auto fma = [&](Value a, Value b, Value c) -> Value {
      return math::FmaOp::create(rewriter, loc, a, b, c);
    };
    // Selects keep a NaN argument (both comparisons false): it flows through
    // to a NaN result.
    auto clamp = [&](Value x, arith::CmpFPredicate beyond, float bound) {
      Value limit = splat(bound);
      Value past = arith::CmpFOp::create(rewriter, loc, beyond, x, limit);
      return arith::SelectOp::create(rewriter, loc, past, limit, x).getResult();
    };
    // exp(-y) (a sigmoid's) is computed from y, bitwise as exp of the
    // negation: k = round(-y / ln 2), t = y + k ln 2 = -r, and the
    // polynomial's odd coefficients negated take t for r. No negation.
    Value x = op.getOperand();
    float sign = 1.0f;
    if (auto negation = x.getDefiningOp<arith::NegFOp>()) {
      x = negation.getOperand();
      sign = -1.0f;
    }
    x = clamp(x,
              sign > 0 ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
              sign * kHighest);
    x = clamp(x,
              sign > 0 ? arith::CmpFPredicate::OLT : arith::CmpFPredicate::OGT,
              sign * kLowest);
    // k = round(x / ln 2), r = x - k ln 2 (t = -r for exp(-y)).
    Value scaled = arith::MulFOp::create(rewriter, loc, x,
                                         splat(sign * 1.44269504088896341f));
    Value k = LLVM::RoundEvenOp::create(rewriter, loc, scaled);
    Value r = fma(k, splat(-sign * kLn2High), x);
    r = fma(k, splat(-sign * kLn2Low), r);
    Value e = splat(kPolynomial[0]);
    ArrayRef<float> lower = ArrayRef(kPolynomial).drop_front();
    for (auto [i, coefficient] : llvm::enumerate(lower)) {
      bool odd = (lower.size() - 1 - i) % 2 == 1;
      e = fma(e, r, splat(odd ? sign * coefficient : coefficient));
    }
    // e * 2^k, all lanes (an all-ones mask), the current rounding mode (4).
    Value allLanes = LLVM::ConstantOp::create(
        rewriter, loc, rewriter.getI16Type(), rewriter.getI16IntegerAttr(-1));
    Value currentRounding = LLVM::ConstantOp::create(
        rewriter, loc, rewriter.getI32Type(), rewriter.getI32IntegerAttr(4));
    auto result = LLVM::CallIntrinsicOp::create(
        rewriter, loc, type,
        rewriter.getStringAttr("llvm.x86.avx512.mask.scalef.ps.512"),
        ValueRange{e, k, e, allLanes, currentRounding});
    rewriter.replaceOp(op, result.getResult(0));
    return success();
  }
};

} // namespace

void populateExpOnAVX512Patterns(RewritePatternSet &patterns) {
  patterns.add<ExpOnAVX512>(patterns.getContext());
}

} // namespace mlir::tessera::llvmcpu

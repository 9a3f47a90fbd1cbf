//===- PanelMajorFilters.cpp - Filters stored as the kernel reads them ---===//
//
// The register-tiled kernel reads B (a convolution's filter) in panels of
// 32 output channels, down the reductions. Stored HWCF, a panel's rows are
// 128-byte runs a whole filter row apart (2-8 KB): every workgroup copies
// its panels at every call, and from DRAM or L3 (a filter is used once per
// call) those short strided runs stream at a fraction of the bandwidth of a
// sequential read. ResNet-50's 1x1 convolutions at 14x14 and 7x7 spent
// most of their time there.
//
// A constant filter is therefore stored panel-major at compile time,
// [F/32][KH][KW][C][32], and the convolution becomes a generic over the
// output seen as [N][OH][OW][F/32][32] (the same memory as NHWC: only a
// reshape, no loop index is divided):
//   out[n, oh, ow, p, q] += in[n, oh*s + kh*d, ow*s + kw*d, c]
//                           * filter[p, kh, kw, c, q]
// Each panel is then one contiguous run, read in place by the kernel. The
// init and the elementwise consumers (bias, ReLU, a residual add) follow
// the reshape during fusion. The sums keep the direct convolution's order.
//
// With F not a multiple of 32 (more than 32 of them: 40, 112, 120), the
// last panel is padded with zero columns and the output keeps its shape:
//   out[n, oh, ow, f] += in[n, oh*s + kh*d, ow*s + kw*d, c]
//                        * filter[f floordiv 32, kh, kw, c, f mod 32]
// Every workgroup otherwise packed its panels of such a filter at every
// call, each row group of a layer again.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/ConstantTensors.h"
#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_PANELMAJORFILTERSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;
using namespace mlir::tessera::flow;

namespace {

/// Output channels of a panel: the register-tiled kernel's panel width.
constexpr int64_t kPanel = 32;
/// Output pixels (batch x height x width) from which a filter whose
/// channels are no multiple of kPanel gets a padded last panel (and one
/// pixel: rewrite says why).
constexpr int64_t kMinPaddedPanelPixels = 16;
/// Rows of a matmul up to which its constant B is stored in panels: the
/// kernel walks down B for up to 8 rows at once (VectorizeContractions'
/// row stream).
constexpr int64_t kMaxStreamedPanelRows = 8;
/// Bytes of such a B from which it is stored in panels: a smaller one (an
/// MLP's hidden layer) stays in the caches however it is laid out, and
/// keeps its named matmul.
constexpr int64_t kMinPanelWeightsBytes = 1 << 20;

/// The HWCF filter `g` stored [ceil(F/panel)][KH][KW][C][panel], the last
/// panel's columns past F zero.
std::vector<float> panelMajor(ArrayRef<float> g, int64_t window,
                              int64_t channels, int64_t filters) {
  int64_t rows = window * channels;
  int64_t panels = llvm::divideCeil(filters, kPanel);
  std::vector<float> packed(panels * rows * kPanel, 0.0f);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t f = 0; f < filters; ++f)
      packed[((f / kPanel) * rows + row) * kPanel + f % kPanel] =
          g[row * filters + f];
  return packed;
}

/// Whether every value is a statically shaped f32 tensor.
bool allStaticF32(ArrayRef<Value> values) {
  return llvm::all_of(values, [](Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    return type.hasStaticShape() && type.getElementType().isF32();
  });
}

/// The body of the rewritten products: out + a * b, the sums in the named
/// op's order.
void buildMulAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  linalg::YieldOp::create(
      b, loc, arith::AddFOp::create(b, loc, args[2], product).getResult());
}

/// Rewrites `conv` when it qualifies; false when it does not.
bool rewrite(linalg::Conv2DNhwcHwcfOp conv) {
  if (!conv.hasPureTensorSemantics())
    return false;
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1],
        init = conv.getOutputs()[0];
  if (!allStaticF32({input, filter, init}))
    return false;
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  int64_t kh = filterType.getDimSize(0), kw = filterType.getDimSize(1),
          c = filterType.getDimSize(2), f = filterType.getDimSize(3);
  // A padded last panel only past one whole panel (a filter of 32 columns
  // or fewer is read in place already: the kernel keeps a small B whole),
  // and for an output of one pixel or of kMinPaddedPanelPixels and more.
  // One pixel's product (a squeeze-excitation layer's) walks down B: stored
  // HWCF, each of its column workgroups read a short run of every row
  // (MobileNetV3's 960 -> 240 layer from DRAM at 9 GB/s), in panels one
  // contiguous run per panel (99 -> 30 us). Between the two (2-15 pixels),
  // register tiles read B's rows in place.
  int64_t pixels = f ? outputType.getNumElements() / f : 0;
  if (f == 0 ||
      (f % kPanel != 0 &&
       (f < kPanel || (pixels != 1 && pixels < kMinPaddedPanelPixels))) ||
      outputType.getNumElements() == 0)
    return false;
  std::optional<std::vector<float>> g = readF32Constant(filter);
  if (!g)
    return false;

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  MLIRContext *context = b.getContext();
  int64_t panels = llvm::divideCeil(f, kPanel);
  Value packed = createF32Constant(
      b, loc, {panels, kh, kw, c, kPanel}, panelMajor(*g, kh * kw, c, f),
      derivedConstantName(filter, "_panels", "panel_major_filter"));
  auto strides = conv.getStrides().getValues<int64_t>();
  auto dilations = conv.getDilations().getValues<int64_t>();
  if (f % kPanel != 0) {
    // Loops (n, oh, ow, f, kh, kw, c); the output keeps its shape.
    SmallVector<AffineExpr> d(7);
    bindDims(context, d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0,
                       {d[0], d[1] * strides[0] + d[4] * dilations[0],
                        d[2] * strides[1] + d[5] * dilations[1], d[6]},
                       context),
        AffineMap::get(7, 0,
                       {d[3].floorDiv(kPanel), d[4], d[5], d[6], d[3] % kPanel},
                       context),
        AffineMap::get(7, 0, {d[0], d[1], d[2], d[3]}, context)};
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        b, loc, outputType, ValueRange{input, packed}, ValueRange{init}, maps,
        iterators, buildMulAdd);
    conv->replaceAllUsesWith(generic->getResults());
    conv->erase();
    return true;
  }
  SmallVector<ReassociationIndices> groups = {{0}, {1}, {2}, {3, 4}};
  auto splitType =
      RankedTensorType::get({outputType.getDimSize(0), outputType.getDimSize(1),
                             outputType.getDimSize(2), panels, kPanel},
                            outputType.getElementType());
  // A fill of an empty tensor is made again in the new shape (fusion moves
  // reshapes through generics, not through fills); any other init is
  // reshaped.
  Value splitInit;
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (fill && fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()) {
    Value empty = tensor::EmptyOp::create(b, loc, splitType.getShape(),
                                          splitType.getElementType());
    splitInit =
        linalg::FillOp::create(b, loc, fill.getInputs()[0], empty).getResult(0);
  } else {
    splitInit = tensor::ExpandShapeOp::create(b, loc, splitType, init, groups);
  }

  // Loops (n, oh, ow, p, q, kh, kw, c).
  SmallVector<AffineExpr> d(8);
  bindDims(context, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
  SmallVector<AffineMap> maps = {
      AffineMap::get(8, 0,
                     {d[0], d[1] * strides[0] + d[5] * dilations[0],
                      d[2] * strides[1] + d[6] * dilations[1], d[7]},
                     context),
      AffineMap::get(8, 0, {d[3], d[5], d[6], d[7], d[4]}, context),
      AffineMap::get(8, 0, {d[0], d[1], d[2], d[3], d[4]}, context)};
  SmallVector<utils::IteratorType> iterators(5, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  Value split = linalg::GenericOp::create(
                    b, loc, splitType, ValueRange{input, packed},
                    ValueRange{splitInit}, maps, iterators, buildMulAdd)
                    .getResult(0);
  Value output =
      tensor::CollapseShapeOp::create(b, loc, outputType, split, groups);
  conv->replaceAllUsesWith(ValueRange{output});
  conv->erase();
  return true;
}

/// Rewrites a matmul of a few rows by a constant B (a classifier's
/// matrix-vector product) to read B stored [ceil(N/32)][K][32], the last
/// panel padded; false when it does not qualify. Each workgroup of such a
/// product walks down its columns of B once: stored [K][N], those were K
/// short runs a row of B apart; stored in panels, a few contiguous runs
/// (MobileNetV3's 1280 -> 1000 classifier, one worker: 221 -> 189 us; two
/// workers: 112 -> 68 us).
bool rewrite(linalg::MatmulOp matmul) {
  if (!matmul.hasPureTensorSemantics() || matmul.hasUserDefinedMaps())
    return false;
  Value lhs = matmul.getInputs()[0], rhs = matmul.getInputs()[1],
        init = matmul.getOutputs()[0];
  if (!allStaticF32({lhs, rhs, init}))
    return false;
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  int64_t m = outputType.getDimSize(0), k = rhsType.getDimSize(0),
          n = rhsType.getDimSize(1);
  if (m == 0 || m > kMaxStreamedPanelRows || k == 0 || n < kPanel ||
      k * n * 4 < kMinPanelWeightsBytes)
    return false;
  std::optional<std::vector<float>> g = readF32Constant(rhs);
  if (!g)
    return false;
  OpBuilder b(matmul);
  Location loc = matmul.getLoc();
  MLIRContext *context = b.getContext();
  Value packed = createF32Constant(
      b, loc, {llvm::divideCeilSigned(n, kPanel), k, kPanel},
      panelMajor(*g, 1, k, n),
      derivedConstantName(rhs, "_panels", "panel_major_weights"));
  AffineExpr i, j, r;
  bindDims(context, i, j, r);
  SmallVector<AffineMap> maps = {
      AffineMap::get(3, 0, {i, r}, context),
      AffineMap::get(3, 0, {j.floorDiv(kPanel), r, j % kPanel}, context),
      AffineMap::get(3, 0, {i, j}, context)};
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                utils::IteratorType::parallel,
                                                utils::IteratorType::reduction};
  auto generic =
      linalg::GenericOp::create(b, loc, outputType, ValueRange{lhs, packed},
                                ValueRange{init}, maps, iterators, buildMulAdd);
  matmul->replaceAllUsesWith(generic->getResults());
  matmul->erase();
  return true;
}

struct PanelMajorFiltersPass
    : public tessera::flow::impl::PanelMajorFiltersPassBase<
          PanelMajorFiltersPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation().walk([&](Operation *op) {
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op))
        convs.push_back(conv);
      else if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
        matmuls.push_back(matmul);
    });
    for (linalg::Conv2DNhwcHwcfOp conv : convs)
      rewrite(conv);
    for (linalg::MatmulOp matmul : matmuls)
      rewrite(matmul);
  }
};

} // namespace

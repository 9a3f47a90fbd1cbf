//===- WinogradConvolutions.cpp - 3x3 convolutions as F(2x2, 3x3) ---------===//
//
// A stride-1 3x3 convolution (NHWC x HWCF) with a constant filter needs
// 2.25x fewer multiplications as Winograd's minimal filtering F(2x2, 3x3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks"):
// each 2x2 tile of the output is A^T [(G g G^T) * (B^T d B)] A, d being the
// 4x4 input tile under it and g the filter. Direct convolutions already run
// near the core's FMA peak, so fewer multiplications is what is left.
//
// The filter's transform U = G g G^T is computed here, once, into a
// constant; the rest becomes three ops that fuse and dispatch like any
// others:
//   - the input transform, a generic writing V[4][4][N][H/2][W/2][C]: 16
//     reads of the input (one per element of the 4x4 tile) combined with
//     the entries of B^T, read as broadcast coefficients;
//   - a batch matmul V[16][tiles][C] x U[16][C][F]: the bulk of the work,
//     on the register-tiled contraction path, with U stored (and M
//     written) in panels of 32 columns, [16][F/32][C][32], each panel the
//     kernel copies one contiguous run of memory;
//   - the output transform, a generic writing [N][H/2][2][W/2][2][F/32][32]
//   (the
//     NHWC output, reshaped: no loop index is divided) plus the
//     convolution's init (its bias); elementwise consumers (a ReLU) fuse
//     into it through the reshape.
// The coefficients are 0 and +-1 (and +-1/2 in U): every product is exact
// in f32, only the order of the sums differs from the direct convolution.
// As there, a non-finite input spreads NaN through the tiles reading it
// (0 * inf). A filter holding a non-finite value stays a direct
// convolution: its transform would turn a whole channel's Inf into NaN
// (Inf - Inf).
//
// An odd height or width (7x7) gets one more row or column of tiles, above
// or left of the output, dropped afterwards by a generic that also adds the
// init. Only when both channel counts reach `min-channels` (below that the
// transforms cost more than the multiplications saved).
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/ConstantTensors.h"
#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_WINOGRADCONVOLUTIONSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;
using namespace mlir::tessera::flow;

namespace {

/// Edge of an input tile (m + r - 1) and of an output tile (m), F(2, 3).
constexpr int64_t kInputTile = 4;
constexpr int64_t kOutputTile = 2;
constexpr int64_t kFilter = 3;
/// Columns of a panel of the filter's transform: the register-tiled
/// kernel's panel width.
constexpr int64_t kPanel = 32;

/// F(2, 3) with interpolation points 0, 1, -1 (and infinity).
constexpr double kBT[kInputTile][kInputTile] = {
    {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
constexpr double kG[kInputTile][kFilter] = {
    {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
constexpr double kAT[kOutputTile][kInputTile] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

/// U[i][j][c][f] = sum over the 3x3 window of G[i][y] g[y][x][c][f] G[j][x],
/// in double, for an HWCF filter g; stored [16][F/panel][C][panel].
std::vector<float> transformFilter(ArrayRef<float> g, int64_t channels,
                                   int64_t filters, int64_t panel) {
  int64_t plane = channels * filters;
  std::vector<float> u(kInputTile * kInputTile * plane);
  for (int64_t i = 0; i < kInputTile; ++i)
    for (int64_t j = 0; j < kInputTile; ++j)
      for (int64_t ch = 0; ch < channels; ++ch)
        for (int64_t fl = 0; fl < filters; ++fl) {
          int64_t cf = ch * filters + fl;
          double sum = 0;
          for (int64_t y = 0; y < kFilter; ++y)
            for (int64_t x = 0; x < kFilter; ++x)
              sum += kG[i][y] * kG[j][x] * g[(y * kFilter + x) * plane + cf];
          int64_t at = (fl / panel * channels + ch) * panel + fl % panel;
          u[(i * kInputTile + j) * plane + at] = static_cast<float>(sum);
        }
  return u;
}

bool allOnes(DenseIntElementsAttr attr) {
  return llvm::all_of(attr.getValues<int64_t>(),
                      [](int64_t v) { return v == 1; });
}

/// sum_k coefficients[k] * values[k], in order.
Value linearCombination(OpBuilder &b, Location loc, ValueRange coefficients,
                        ArrayRef<Value> values) {
  Value sum;
  for (auto [c, v] : llvm::zip_equal(coefficients, values)) {
    Value product = arith::MulFOp::create(b, loc, c, v);
    sum =
        sum ? arith::AddFOp::create(b, loc, sum, product).getResult() : product;
  }
  return sum;
}

/// sum_y c2[y] (sum_x c1[x] t[x][y]) for a 4x4 tile t = args[4x + y], c1 =
/// args[16..19], c2 = args[20..23]: both transforms' bodies (B^T d B, and
/// A^T m A).
Value separableTransform(OpBuilder &b, Location loc, ValueRange args) {
  SmallVector<Value> columns;
  for (int64_t y = 0; y < kInputTile; ++y) {
    SmallVector<Value> column;
    for (int64_t x = 0; x < kInputTile; ++x)
      column.push_back(args[x * kInputTile + y]);
    columns.push_back(linearCombination(
        b, loc, args.slice(kInputTile * kInputTile, kInputTile), column));
  }
  return linearCombination(
      b, loc, args.slice(kInputTile * kInputTile + kInputTile, kInputTile),
      columns);
}

/// `input` with `rows` more rows of zeros above and `columns` more columns
/// on the left; a zero tensor.pad producing it is padded further instead.
Value padAbove(OpBuilder &b, Location loc, Value input, int64_t rows,
               int64_t columns) {
  SmallVector<int64_t> low = {0, rows, columns, 0}, high(4, 0);
  auto pad = input.getDefiningOp<tensor::PadOp>();
  Value zero = pad ? pad.getConstantPaddingValue() : Value();
  if (pad && zero && matchPattern(zero, m_AnyZeroFloat()) &&
      pad.getSource().getType().hasStaticShape() &&
      !ShapedType::isDynamicShape(pad.getStaticLow()) &&
      !ShapedType::isDynamicShape(pad.getStaticHigh())) {
    for (int d = 0; d < 4; ++d) {
      low[d] += pad.getStaticLow()[d];
      high[d] = pad.getStaticHigh()[d];
    }
    input = pad.getSource();
  } else {
    zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(b.getF32Type()));
  }
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int d = 0; d < 4; ++d)
    shape.push_back(type.getDimSize(d) + low[d] + high[d]);
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), input,
      getAsIndexOpFoldResult(b.getContext(), low),
      getAsIndexOpFoldResult(b.getContext(), high), zero);
}

/// Rewrites `conv` when it qualifies; false when it does not.
bool rewrite(linalg::Conv2DNhwcHwcfOp conv, int64_t minChannels) {
  if (!conv.hasPureTensorSemantics() || !allOnes(conv.getStrides()) ||
      !allOnes(conv.getDilations()))
    return false;
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1],
        init = conv.getOutputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  for (RankedTensorType type : {inputType, filterType, outputType})
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return false;
  int64_t n = outputType.getDimSize(0), h = outputType.getDimSize(1),
          w = outputType.getDimSize(2), f = outputType.getDimSize(3);
  int64_t c = inputType.getDimSize(3);
  if (filterType.getDimSize(0) != kFilter ||
      filterType.getDimSize(1) != kFilter || h == 0 || w == 0 ||
      c < minChannels || f < minChannels ||
      inputType.getDimSize(1) != h + kFilter - 1 ||
      inputType.getDimSize(2) != w + kFilter - 1)
    return false;
  std::optional<std::vector<float>> g = readF32Constant(filter);
  if (!g || llvm::any_of(*g, [](float v) { return !std::isfinite(v); }))
    return false;

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  // An odd height (width) gets one more row (column) of tiles, starting one
  // row above the output: the extra row reads one more row of zero padding
  // above the input and is dropped after the output transform, as the
  // slice from row 1 (a slice from row 0 would read the result through a
  // plain loop index, which linalg requires to span it whole).
  int64_t shiftH = h % kOutputTile, shiftW = w % kOutputTile;
  int64_t th = (h + shiftH) / kOutputTile, tw = (w + shiftW) / kOutputTile,
          tiles = n * th * tw;
  if (shiftH || shiftW)
    input = padAbove(b, loc, input, shiftH, shiftW);
  auto parallel = [](unsigned loops) {
    return SmallVector<utils::IteratorType>(loops,
                                            utils::IteratorType::parallel);
  };
  auto constantExpr = [&](int64_t v) {
    return getAffineConstantExpr(v, context);
  };

  // Input transform: loops (n, th, tw, i, j, c). The 16 elements of a tile
  // are inner loops, so that each workgroup reads (and pads) its input
  // window once for all of them.
  std::vector<float> btValues;
  for (auto &row : kBT)
    btValues.insert(btValues.end(), std::begin(row), std::end(row));
  Value bt = createF32Constant(b, loc, {kInputTile, kInputTile}, btValues, "");
  SmallVector<AffineExpr> d(6);
  bindDims(context, d[0], d[1], d[2], d[3], d[4], d[5]);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (int64_t k = 0; k < kInputTile; ++k)
    for (int64_t l = 0; l < kInputTile; ++l) {
      inputs.push_back(input);
      maps.push_back(AffineMap::get(
          6, 0, {d[0], d[1] * kOutputTile + k, d[2] * kOutputTile + l, d[5]},
          context));
    }
  for (AffineExpr row : {d[3], d[4]})
    for (int64_t k = 0; k < kInputTile; ++k) {
      inputs.push_back(bt);
      maps.push_back(AffineMap::get(6, 0, {row, constantExpr(k)}, context));
    }
  SmallVector<int64_t> vShape = {kInputTile, kInputTile, n, th, tw, c};
  maps.push_back(
      AffineMap::get(6, 0, {d[3], d[4], d[0], d[1], d[2], d[5]}, context));
  Value vInit = tensor::EmptyOp::create(b, loc, vShape, f32);
  Value v6 =
      linalg::GenericOp::create(
          b, loc, vInit.getType(), inputs, ValueRange{vInit}, maps, parallel(6),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            // d[k][l] = args[4k + l], row i of B^T args[16..19], row j
            // args[20..23]: V = sum_l Bj[l] (sum_k Bi[k] d[k][l]).
            linalg::YieldOp::create(nb, nloc,
                                    separableTransform(nb, nloc, args));
          })
          .getResult(0);
  SmallVector<ReassociationIndices> batchGroups = {{0, 1}, {2, 3, 4}, {5}};
  Value v = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({16, tiles, c}, f32), v6, batchGroups);

  // The products, one matmul per element of the 4x4 tile, on panels of
  // kPanel columns: U is stored [16][F/kPanel][C][kPanel], so that each
  // panel the kernel copies is one contiguous run of memory (from DRAM at
  // batch 1: row-major, a panel's rows are 128-byte runs a row apart), and
  // M is written [16][F/kPanel][tiles][kPanel].
  int64_t panel = f % kPanel == 0 ? kPanel : f, panels = f / panel;
  Value u = createF32Constant(
      b, loc, {16, panels, c, panel}, transformFilter(*g, c, f, panel),
      derivedConstantName(filter, "_winograd", "winograd_filter"));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(f32));
  Value mEmpty = tensor::EmptyOp::create(
      b, loc, SmallVector<int64_t>{16, panels, tiles, panel}, f32);
  Value mInit = linalg::FillOp::create(b, loc, zero, mEmpty).getResult(0);
  {
    // Loops (p, fo, t, fi, c).
    SmallVector<AffineExpr> e(5);
    bindDims(context, e[0], e[1], e[2], e[3], e[4]);
    SmallVector<AffineMap> productMaps = {
        AffineMap::get(5, 0, {e[0], e[2], e[4]}, context),
        AffineMap::get(5, 0, {e[0], e[1], e[4], e[3]}, context),
        AffineMap::get(5, 0, {e[0], e[1], e[2], e[3]}, context)};
    SmallVector<utils::IteratorType> iterators = parallel(4);
    iterators.push_back(utils::IteratorType::reduction);
    mInit = linalg::GenericOp::create(
                b, loc, mInit.getType(), ValueRange{v, u}, ValueRange{mInit},
                productMaps, iterators,
                [](OpBuilder &nb, Location nloc, ValueRange args) {
                  Value product =
                      arith::MulFOp::create(nb, nloc, args[0], args[1]);
                  linalg::YieldOp::create(
                      nb, nloc,
                      arith::AddFOp::create(nb, nloc, args[2], product)
                          .getResult());
                })
                .getResult(0);
  }
  Value m7 = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({kInputTile, kInputTile, panels, n, th, tw, panel},
                            f32),
      mInit, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3, 4, 5}, {6}});

  // Output transform: loops (n, th, a, tw, b, fo, fi) over the output
  // reshaped.
  SmallVector<ReassociationIndices> outputGroups = {
      {0}, {1, 2}, {3, 4}, {5, 6}};
  auto y6Type = RankedTensorType::get(
      {n, th, kOutputTile, tw, kOutputTile, panels, panel}, f32);
  bool shifted = shiftH || shiftW;
  Value init6 = shifted ? Value()
                        : tensor::ExpandShapeOp::create(b, loc, y6Type, init,
                                                        outputGroups)
                              .getResult();
  std::vector<float> atValues;
  for (auto &row : kAT)
    atValues.insert(atValues.end(), std::begin(row), std::end(row));
  Value at = createF32Constant(b, loc, {kOutputTile, kInputTile}, atValues, "");
  inputs.clear();
  maps.clear();
  SmallVector<AffineExpr> o(7);
  bindDims(context, o[0], o[1], o[2], o[3], o[4], o[5], o[6]);
  for (int64_t i = 0; i < kInputTile; ++i)
    for (int64_t j = 0; j < kInputTile; ++j) {
      inputs.push_back(m7);
      maps.push_back(AffineMap::get(
          7, 0,
          {constantExpr(i), constantExpr(j), o[5], o[0], o[1], o[3], o[6]},
          context));
    }
  for (AffineExpr row : {o[2], o[4]})
    for (int64_t i = 0; i < kInputTile; ++i) {
      inputs.push_back(at);
      maps.push_back(AffineMap::get(7, 0, {row, constantExpr(i)}, context));
    }
  if (init6) {
    inputs.push_back(init6);
    maps.push_back(AffineMap::getMultiDimIdentityMap(7, context));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(7, context));
  Value yInit = tensor::EmptyOp::create(b, loc, y6Type.getShape(), f32);
  Value y6 = linalg::GenericOp::create(
                 b, loc, y6Type, inputs, ValueRange{yInit}, maps, parallel(7),
                 [&](OpBuilder &nb, Location nloc, ValueRange args) {
                   // m[i][j] = args[4i + j], row a of A^T args[16..19], row
                   // b args[20..23], the init args[24]:
                   // Y = sum_j Ab[j] (sum_i Aa[i] m[i][j]) + init.
                   Value tile = separableTransform(nb, nloc, args);
                   if (init6)
                     tile = arith::AddFOp::create(nb, nloc, tile, args[24]);
                   linalg::YieldOp::create(nb, nloc, tile);
                 })
                 .getResult(0);
  auto tiledType =
      RankedTensorType::get({n, th * kOutputTile, tw * kOutputTile, f}, f32);
  Value y =
      tensor::CollapseShapeOp::create(b, loc, tiledType, y6, outputGroups);
  if (shifted) {
    // The output from row shiftH and column shiftW, plus the init.
    SmallVector<AffineExpr> e(4);
    bindDims(context, e[0], e[1], e[2], e[3]);
    SmallVector<AffineMap> sliceMaps = {
        AffineMap::get(4, 0, {e[0], e[1] + shiftH, e[2] + shiftW, e[3]},
                       context),
        AffineMap::getMultiDimIdentityMap(4, context),
        AffineMap::getMultiDimIdentityMap(4, context)};
    Value empty = tensor::EmptyOp::create(b, loc, outputType.getShape(), f32);
    y = linalg::GenericOp::create(
            b, loc, outputType, ValueRange{y, init}, ValueRange{empty},
            sliceMaps, parallel(4),
            [](OpBuilder &nb, Location nloc, ValueRange args) {
              linalg::YieldOp::create(
                  nb, nloc,
                  arith::AddFOp::create(nb, nloc, args[0], args[1])
                      .getResult());
            })
            .getResult(0);
  }
  conv->replaceAllUsesWith(ValueRange{y});
  conv->erase();
  return true;
}

struct WinogradConvolutionsPass
    : public tessera::flow::impl::WinogradConvolutionsPassBase<
          WinogradConvolutionsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    getOperation().walk(
        [&](linalg::Conv2DNhwcHwcfOp conv) { convs.push_back(conv); });
    for (linalg::Conv2DNhwcHwcfOp conv : convs)
      rewrite(conv, minChannels);
  }
};

} // namespace

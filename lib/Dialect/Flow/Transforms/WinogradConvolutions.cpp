//===- WinogradConvolutions.cpp - 3x3 convolutions as F(m x m, 3x3) -------===//
//
// A stride-1 3x3 convolution (NHWC x HWCF) with a constant filter needs
// fewer multiplications as Winograd's minimal filtering F(m x m, 3x3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks"):
// each m x m tile of the output is A^T [(G g G^T) * (B^T d B)] A, d being
// the alpha x alpha input tile under it (alpha = m + 2) and g the filter.
// F(4x4, 3x3) needs 4x fewer than the direct convolution, F(2x2, 3x3)
// 2.25x; direct convolutions already run near the core's FMA peak, so
// fewer multiplications is what is left. F(4x4) is used where the output
// has enough tiles of 4x4 to fill the products' register tiles.
//
// The filter's transform U = G g G^T is computed here, once, into a
// constant; the rest becomes three ops that fuse and dispatch like any
// others:
//   - the input transform, a generic writing V[alpha][alpha][N][H/m][W/m][C]:
//     alpha^2 reads of the input (one per element of the tile) combined
//     with the entries of B^T the element's position (linalg.index)
//     selects: the CPU's vectorizer unrolls the positions, the entries
//     become constants, the terms of the zero ones fold away and the
//     tile's reads are shared by its alpha^2 positions (measured at
//     56x56x64, F(4x4): 382 -> 134 us; the output transform 215 -> 95);
//   - a batch matmul V[alpha^2][tiles][C] x U[alpha^2][C][F]: the bulk of
//     the work, on the register-tiled contraction path, with U stored (and
//     M written) in panels of 32 columns, [alpha^2][F/32][C][32], each
//     panel the kernel reads one contiguous run of memory;
//   - the output transform, a generic writing [N][H/m][m][W/m][m][F/32][32]
//     (the NHWC output, reshaped: no loop index is divided) plus the
//     convolution's init (its bias); elementwise consumers (a ReLU) fuse
//     into it through the reshape.
// F(2x2)'s coefficients are 0 and +-1 (and +-1/2 in U): every product is
// exact in f32. F(4x4)'s are integers up to 8 in B^T and A^T and fractions
// in U (rounded once, from double): its results differ from the direct
// convolution's by a few more units in the last place (measured on 3x3
// layers of 64-512 channels: 6e-6 to 1.3e-5 of the output's largest
// magnitude, against 1e-6 to 2.5e-6 for F(2x2)). As there, a
// non-finite input spreads Inf or NaN (Inf - Inf) through the tiles whose
// transforms weigh it (a zero coefficient's term is not computed). A
// filter holding a non-finite value stays a direct convolution: its
// transform would turn a whole channel's Inf into NaN (Inf - Inf).
//
// A height or width that is no multiple of m (7x7) gets more rows or
// columns of tiles, above or left of the output, dropped afterwards by a
// generic that also adds the init. Only when both channel counts reach
// `min-channels` (below that the transforms cost more than the
// multiplications saved).
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

constexpr int64_t kFilter = 3;
/// Columns of a panel of the filter's transform: the register-tiled
/// kernel's panel width.
constexpr int64_t kPanel = 32;

/// F(m x m, 3x3): output tiles of m x m from input tiles of alpha x alpha
/// (alpha = m + 2), Y = A^T [(G g G^T) * (B^T d B)] A. Row-major matrices:
/// B^T alpha x alpha, G alpha x 3, A^T m x alpha.
struct WinogradVariant {
  int64_t m, alpha;
  ArrayRef<double> bt, g, at;
};

/// F(2, 3) with interpolation points 0, 1, -1 (and infinity): 16 products
/// per 4 outputs, every coefficient 0 or +-1 (+-1/2 in G).
constexpr double kBT2[] = {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1};
constexpr double kG2[] = {1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1};
constexpr double kAT2[] = {1, 1, 1, 0, 0, 1, -1, -1};

/// F(4, 3) with points 0, 1, -1, 2, -2 (and infinity) (Lavin & Gray): 36
/// products per 16 outputs, 4x fewer than the direct convolution. Its
/// integer coefficients (up to 5 in B^T, 8 in A^T) cost a few more bits of
/// rounding than F(2, 3).
constexpr double kBT4[] = {4, 0, -5, 0,  1, 0, 0, -4, -4, 1,  1, 0,
                           0, 4, -4, -1, 1, 0, 0, -2, -1, 2,  1, 0,
                           0, 2, -1, -2, 1, 0, 0, 4,  0,  -5, 0, 1};
constexpr double kG4[] = {1.0 / 4,  0,        0,        -1.0 / 6,  -1.0 / 6,
                          -1.0 / 6, -1.0 / 6, 1.0 / 6,  -1.0 / 6,  1.0 / 24,
                          1.0 / 12, 1.0 / 6,  1.0 / 24, -1.0 / 12, 1.0 / 6,
                          0,        0,        1};
constexpr double kAT4[] = {1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 0,
                           0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8, 1};

std::optional<WinogradVariant> variantFor(int64_t outputTile) {
  if (outputTile == 2)
    return WinogradVariant{2, 4, kBT2, kG2, kAT2};
  if (outputTile == 4)
    return WinogradVariant{4, 6, kBT4, kG4, kAT4};
  return std::nullopt;
}

/// U[i][j][c][f] = sum over the 3x3 window of G[i][y] g[y][x][c][f] G[j][x],
/// in double, for an HWCF filter g; stored [alpha^2][F/panel][C][panel].
std::vector<float> transformFilter(const WinogradVariant &variant,
                                   ArrayRef<float> g, int64_t channels,
                                   int64_t filters, int64_t panel) {
  int64_t plane = channels * filters, alpha = variant.alpha;
  std::vector<float> u(alpha * alpha * plane);
  for (int64_t i = 0; i < alpha; ++i)
    for (int64_t j = 0; j < alpha; ++j)
      for (int64_t ch = 0; ch < channels; ++ch)
        for (int64_t fl = 0; fl < filters; ++fl) {
          int64_t cf = ch * filters + fl;
          double sum = 0;
          for (int64_t y = 0; y < kFilter; ++y)
            for (int64_t x = 0; x < kFilter; ++x)
              sum += variant.g[i * kFilter + y] * variant.g[j * kFilter + x] *
                     g[(y * kFilter + x) * plane + cf];
          int64_t at = (fl / panel * channels + ch) * panel + fl % panel;
          u[(i * alpha + j) * plane + at] = static_cast<float>(sum);
        }
  return u;
}

bool allOnes(DenseIntElementsAttr attr) {
  return llvm::all_of(attr.getValues<int64_t>(),
                      [](int64_t v) { return v == 1; });
}

/// Entry (index, k) of the row-major `rows` x `columns` matrix `matrix`,
/// `index` a loop's value: a chain of selects on it, which folds to the
/// constant entry once that loop is unrolled (VectorizeElementwise unrolls
/// the loops a body reads with linalg.index, here a tile's position).
Value matrixEntry(OpBuilder &b, Location loc, ArrayRef<double> matrix,
                  int64_t rows, int64_t columns, Value index, int64_t k) {
  auto entry = [&](int64_t row) -> Value {
    return arith::ConstantOp::create(
        b, loc,
        b.getF32FloatAttr(static_cast<float>(matrix[row * columns + k])));
  };
  Value value = entry(rows - 1);
  for (int64_t row = rows - 2; row >= 0; --row) {
    Value isRow =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, index,
                              arith::ConstantIndexOp::create(b, loc, row));
    value = arith::SelectOp::create(b, loc, isRow, entry(row), value);
  }
  return value;
}

/// sum_k coefficients[k] * values[k], in order; a term whose coefficient is
/// 0 adds -0 (the identity of addition) instead of its product, so that
/// with the coefficients constant the term folds away: the transforms'
/// matrices are a third zeros, and a tile's values are read once for all
/// its positions.
Value linearCombination(OpBuilder &b, Location loc,
                        ArrayRef<Value> coefficients, ArrayRef<Value> values) {
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value negativeZero =
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(-0.0f));
  Value sum;
  for (auto [c, v] : llvm::zip_equal(coefficients, values)) {
    Value isZero =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, c, zero);
    Value product = arith::MulFOp::create(b, loc, c, v);
    Value term = arith::SelectOp::create(b, loc, isZero, negativeZero, product);
    sum = sum ? arith::AddFOp::create(b, loc, sum, term).getResult() : term;
  }
  return sum;
}

/// sum_y M[j][y] (sum_x M[i][x] t[x][y]) for an alpha x alpha tile t =
/// tile[alpha x + y] and the `rows` x alpha matrix M, i and j the tile
/// position's loop values: both transforms' bodies (B^T d B, and A^T m A).
Value separableTransform(OpBuilder &b, Location loc, ArrayRef<Value> tile,
                         ArrayRef<double> matrix, int64_t rows, int64_t alpha,
                         Value i, Value j) {
  SmallVector<Value> rowCoefficients, columnCoefficients;
  for (int64_t k = 0; k < alpha; ++k) {
    rowCoefficients.push_back(matrixEntry(b, loc, matrix, rows, alpha, i, k));
    columnCoefficients.push_back(
        matrixEntry(b, loc, matrix, rows, alpha, j, k));
  }
  SmallVector<Value> columns;
  for (int64_t y = 0; y < alpha; ++y) {
    SmallVector<Value> column;
    for (int64_t x = 0; x < alpha; ++x)
      column.push_back(tile[x * alpha + y]);
    columns.push_back(linearCombination(b, loc, rowCoefficients, column));
  }
  return linearCombination(b, loc, columnCoefficients, columns);
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

/// Fewest output tiles (over the batch) for F(4, 3): each of its 36
/// products is a matmul with a row per tile, and with fewer rows than this
/// the register tiles go empty (7x7 at batch 1: 4 tiles of 4x4, 1.4x
/// slower than F(2, 3)'s 16; 28x28: 49 tiles, 1.2x faster; 14x14: 16
/// tiles, even).
constexpr int64_t kMinLargeTiles = 48;

/// Whether `conv` has enough output tiles of `variant` (F(2, 3) always).
bool enoughTiles(linalg::Conv2DNhwcHwcfOp conv,
                 const WinogradVariant &variant) {
  auto type = dyn_cast<RankedTensorType>(conv.getOutputs()[0].getType());
  if (variant.m == 2 || !type || !type.hasStaticShape() || type.getRank() != 4)
    return true;
  int64_t tiles = type.getDimSize(0) *
                  llvm::divideCeil(type.getDimSize(1), variant.m) *
                  llvm::divideCeil(type.getDimSize(2), variant.m);
  return tiles >= kMinLargeTiles;
}

/// Rewrites `conv` when it qualifies; false when it does not.
bool rewrite(linalg::Conv2DNhwcHwcfOp conv, int64_t minChannels,
             const WinogradVariant &variant) {
  const int64_t kOutputTile = variant.m, kInputTile = variant.alpha;
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
  // A height (width) that is no multiple of m gets shiftH (shiftW) more
  // rows (columns) of tiles, starting above the output: they read more
  // rows of zero padding above the input and are dropped after the output
  // transform, as the slice from row shiftH (a slice from row 0 would read
  // the result through a plain loop index, which linalg requires to span
  // it whole).
  int64_t shiftH = (kOutputTile - h % kOutputTile) % kOutputTile,
          shiftW = (kOutputTile - w % kOutputTile) % kOutputTile;
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
  SmallVector<int64_t> vShape = {kInputTile, kInputTile, n, th, tw, c};
  maps.push_back(
      AffineMap::get(6, 0, {d[3], d[4], d[0], d[1], d[2], d[5]}, context));
  Value vInit = tensor::EmptyOp::create(b, loc, vShape, f32);
  Value v6 =
      linalg::GenericOp::create(
          b, loc, vInit.getType(), inputs, ValueRange{vInit}, maps, parallel(6),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            // d[k][l] = args[alpha k + l]:
            // V = sum_l B^T[j][l] (sum_k B^T[i][k] d[k][l]).
            Value i = linalg::IndexOp::create(nb, nloc, 3);
            Value j = linalg::IndexOp::create(nb, nloc, 4);
            linalg::YieldOp::create(
                nb, nloc,
                separableTransform(nb, nloc,
                                   SmallVector<Value>(args.drop_back()),
                                   variant.bt, kInputTile, kInputTile, i, j));
          })
          .getResult(0);
  SmallVector<ReassociationIndices> batchGroups = {{0, 1}, {2, 3, 4}, {5}};
  Value v = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({kInputTile * kInputTile, tiles, c}, f32),
      v6, batchGroups);

  // The products, one matmul per element of the input tile, on panels of
  // kPanel columns: U is stored [alpha^2][F/kPanel][C][kPanel], so that each
  // panel the kernel copies is one contiguous run of memory (from DRAM at
  // batch 1: row-major, a panel's rows are 128-byte runs a row apart), and
  // M is written [alpha^2][F/kPanel][tiles][kPanel].
  int64_t panel = f % kPanel == 0 ? kPanel : f, panels = f / panel;
  Value u = createF32Constant(
      b, loc, {kInputTile * kInputTile, panels, c, panel},
      transformFilter(variant, *g, c, f, panel),
      derivedConstantName(filter, "_winograd", "winograd_filter"));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(f32));
  Value mEmpty = tensor::EmptyOp::create(
      b, loc,
      SmallVector<int64_t>{kInputTile * kInputTile, panels, tiles, panel}, f32);
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
  if (init6) {
    inputs.push_back(init6);
    maps.push_back(AffineMap::getMultiDimIdentityMap(7, context));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(7, context));
  Value yInit = tensor::EmptyOp::create(b, loc, y6Type.getShape(), f32);
  Value y6 =
      linalg::GenericOp::create(
          b, loc, y6Type, inputs, ValueRange{yInit}, maps, parallel(7),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            // m[i][j] = args[alpha i + j], then the init:
            // Y = sum_j A^T[b][j] (sum_i A^T[a][i] m[i][j]) + init.
            Value a = linalg::IndexOp::create(nb, nloc, 2);
            Value bIndex = linalg::IndexOp::create(nb, nloc, 4);
            Value tile = separableTransform(
                nb, nloc,
                SmallVector<Value>(args.take_front(kInputTile * kInputTile)),
                variant.at, kOutputTile, kInputTile, a, bIndex);
            if (init6)
              tile = arith::AddFOp::create(nb, nloc, tile,
                                           args[kInputTile * kInputTile]);
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
    std::optional<WinogradVariant> variant = variantFor(outputTile);
    std::optional<WinogradVariant> small = variantFor(2);
    if (!variant) {
      mlir::emitError(getOperation().getLoc())
          << "tessera-flow-winograd-convolutions: output-tile must be 2 or 4, "
             "not "
          << static_cast<int64_t>(outputTile);
      return signalPassFailure();
    }
    for (linalg::Conv2DNhwcHwcfOp conv : convs)
      rewrite(conv, minChannels,
              enoughTiles(conv, *variant) ? *variant : *small);
  }
};

} // namespace

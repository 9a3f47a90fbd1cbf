//===- VectorizeContractions.cpp - Register-tiled outer-product kernels ---===//
//
// On buffers, before linalg becomes loops. A contraction
//   C[..., r, j] += A[f(r, k...)] * B[g(k...), j]
// whose output's innermost loop j runs contiguously along C and B, and whose
// next output loop r indexes A only (a matmul: r = i; an NHWC convolution:
// r = the output column, A's column being r * stride + kw) is rewritten to
// register tiles of MR x NR outputs. Each step of the reductions loads NR
// elements of B as vectors, broadcasts MR scalars of A, and issues
// MR * NR / width vector FMAs into accumulators that stay in registers for
// the whole reduction; C is read and written once per tile. When A runs
// along j too (a depthwise convolution), its elements are loaded as vectors
// instead of broadcast. Columns past the last full vector take one vector
// whose loads and stores of B and C are masked.
//
// The rows of a tile run over the output loops that do not index B, taken
// together (a convolution's batch, output rows and output columns): a 7x7
// output is 49 rows, six tiles of 8 and one of 1, not seven rows of 7 that
// fill no tile. Leftover rows take tiles of 4, then single rows.
//
// When B depends on the reductions and j only (a matmul's right-hand side, a
// convolution's filter), each NR-column panel of B is first copied into a
// contiguous stack buffer, reused by every row tile: rows of a large B lie
// pages apart, which defeats the caches and the TLB. The panel holds one
// L1-sized block of the reductions at a time (a convolution's filter rows
// and a range of its channels), each block accumulated into C in turn.
//
// A B that depends on an outer loop too (a panel-major filter's
// [F/32][...][32], a Winograd product's, a batch matmul's) is read in place;
// along a deep reduction each step also prefetches B a few steps ahead, as
// its first row tile reads it from memory. Where B streams from beyond the
// L2 cache once per call (a filter at 14x14 or 7x7, a Winograd product's
// transformed filter for one position), each row tile of a panel also
// prefetches a share of the next panel into the L2 cache, so that the next
// panel's first tile finds it there.
//
// A product of one row (a classifier, a squeeze-excitation block's layers)
// reuses nothing of B: it walks down B's rows instead, accumulating into C
// in memory, so that B streams front to back.
//
// Each output element still sums its products in reduction order, but with
// fused multiply-adds: results differ from separate multiply and add in the
// last bits.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/ContractionEpilogue.h"
#include "Codegen/LLVMCPU/OuterProductContraction.h"
#include "Codegen/LLVMCPU/PaddedWindow.h"
#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/LLVMCPU/TargetTuning.h"
#include "Codegen/LLVMCPU/VectorBody.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#include "llvm/ADT/ScopeExit.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONSPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Rows of a full register tile; leftover rows take tiles of
/// kHalfTileRows, then single rows.
constexpr int64_t kTileRows = 8;
constexpr int64_t kHalfTileRows = 4;
/// Vectors per row of a full register tile.
constexpr int64_t kTileVectors = 2;
/// Vectors per step of a one-row product (8 accumulators, 8 loads of B).
constexpr int64_t kOneRowVectors = 8;
/// A depthwise convolution reads a padded input through the pad when its
/// window is at most this wide and its output lines at least this long.
constexpr int64_t kMaxPadThroughWindow = 5;
constexpr int64_t kMinPadThroughLine = 7;
/// A depthwise convolution's window columns are unrolled up to this many.
constexpr int64_t kMaxUnrolledWindow = 7;
/// Most elements of the pad-value buffer a convolution broadcasting A reads
/// through the pad with (its innermost extent, the channels: 256 KiB).
constexpr int64_t kMaxPadViewElements = 65536;
/// Rows of B per step of a one-row product's walk down B.
constexpr int64_t kStreamedRows = 8;
/// Output rows that walk down B together, each vector of B loaded once for
/// all of them (a batch of 8's classifier), when the workgroup's B has at
/// least kMinStreamedBytes (SelectLoweringConfig gives a B of 2 MiB and
/// more to 4 workgroups of 128+ columns: a classifier's 1000 columns of
/// 1280 rows, 256 each, 1.3 MiB): read from beyond the L2 cache, B read in
/// 32-column panels (a row of B apart per step) took twice as long as read
/// front to back; a smaller B (a squeeze-excitation layer's) is faster in
/// register tiles.
constexpr int64_t kMaxStreamedOutputRows = 8;
constexpr int64_t kMinStreamedBytes = 1 << 20;
/// Largest packed panel of B, in bytes (it lives on the stack).
constexpr int64_t kMaxPackBytes = 512 * 1024;
/// Shallower blocks cost more in C traffic than they save.
constexpr int64_t kMinCachedPanelDepth = 64;
/// B read in place (not packed) is prefetched this many steps of the
/// innermost reduction ahead, when that reduction has at least
/// kMinPrefetchDepth steps.
constexpr int64_t kPrefetchRows = 16;
/// Most bytes of B a workgroup's tiles prefetch ahead (nextPanel: the next
/// panel, or with the panels inside the row tiles the next workgroup's
/// panels) whatever else the L2 cache holds: those and the ones in use, A
/// and the output must stay there.
constexpr int64_t kMaxNextPanelBytes = 512 << 10;
/// Larger panels are prefetched when they, the ones in use and the
/// workgroup's A take at most this much of the L2 cache: ResNet-50's 3x3
/// stride-2 convolution at 7x7 (576 KiB panels, 392 KiB of A), batch 1,
/// 6 % faster on one and two workers; at batch 8 (3.1 MiB of A) 3 % slower
/// (as it was 10 % slower when it also copied a 460 KiB padded window).
constexpr int64_t kMaxPanelsAndLhsBytes = 1792 << 10;
/// Rows of the next panel up to which a tile prefetches its share before
/// its reductions, not spread over them.
constexpr int64_t kMaxUpFrontRows = 4;
/// A is packed per block of the reductions when at least this many
/// panels of B reuse it, into at most this many bytes of stack.
constexpr int64_t kMinLhsPackPanels = 4;
constexpr int64_t kMaxLhsPackBytes = 512 * 1024;
constexpr int64_t kMinPrefetchDepth = 64;
/// Steps of A's innermost reduction per prefetch of the next row tile's A
/// (a 64-byte line of f32).
constexpr int64_t kLhsPrefetchStride = 16;
/// A buffer at least this large (the L2 caches of two cores) is read from
/// the L3 cache or DRAM, and prefetched.
constexpr int64_t kMinUncachedBytes = 4 << 20;
/// A residual the epilogue reads at least this large is prefetched for the
/// next tile: it was written a few dispatches before (a bottleneck block's
/// input, read after its three convolutions), which evicted it from the L2
/// cache though it would fit (ResNet-50's 784 KiB-3 MiB residuals at batch
/// 1: their convolutions 3-5 % faster).
constexpr int64_t kMinStreamedResidualBytes = 512 << 10;
/// The most bytes of A a full tile's rows span for it to prefetch the next.
constexpr int64_t kMaxLhsPrefetchBytes = 16 << 10;
/// The cache level C is prefetched into for the next tile (2: the L2
/// cache; the L1 cache holds B's panel).
constexpr int32_t kOutputPrefetchLocality = 2;
/// Bytes of B the nest loops read in all, up to which they run inside
/// each row tile (panelsInsideRowTiles).
constexpr int64_t kMaxInnerPanelsBytes = 16 << 10;
/// The same when the epilogue reads a residual as large as C: B is then
/// read from the L2 cache by every row tile, C and the residual as whole
/// rows.
constexpr int64_t kMaxResidualInnerPanelsBytes = 1 << 20;

/// One block of the reductions: the values of those before the split one,
/// and where the split one starts (and how many of it, 0 for all).
struct ReductionBlock {
  SmallVector<Value> fixedIvs;
  Value start;
  int64_t chunk;
};

/// The last columns of a contraction as one panel of `vectors` vectors
/// from `start`, the last with `lastLanes` lanes (0: all of them).
struct TailPanel {
  int64_t start, vectors, lastLanes;
};

/// Emits the register-tiled loops replacing one contraction.
class ContractionEmitter {
public:
  ContractionEmitter(linalg::LinalgOp op,
                     const llvmcpu::OuterProductLoops &loops, int64_t width,
                     int64_t cachedPanelDepth)
      : op(op), loops(loops), width(width), cachedPanelDepth(cachedPanelDepth),
        b(op), loc(op.getLoc()) {}

  void emit() {
    if (int64_t panel = llvmcpu::rhsPanelWidth(op, loops))
      widenPanelSlice(panel);
    // A depthwise convolution reads its padded input through the pad (a
    // masked load per vector of A) rather than from a copy of it.
    if (readsThroughPad()) {
      padded = llvmcpu::matchPaddedWindow(loops.lhs->get(), op);
      if (padded && !loops.lhsIsVector && !readsWholeSourceThroughPad())
        padded.reset();
    }
    if (padded)
      paddedSource = padded->sourceSlice
                         ? b.clone(*padded->sourceSlice)->getResult(0)
                         : padded->source;
    if (padded && !loops.lhsIsVector) {
      std::tie(paddedSource, padView) = llvmcpu::padValueViews(
          b, loc, *padded, paddedSource, kMaxPadViewElements);
      assert(padView && "readsWholeSourceThroughPad checked the source");
    }
    for (Range range : op.createLoopRanges(b, loc))
      sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    findRowLoops();
    // One row (a classifier's matrix-vector product), or a few (a batch's
    // classifier): B is read once, so what counts is how its memory
    // streams.
    bool oneRow = llvm::all_of(rowLoops, [&](unsigned loop) {
      return getConstantIntValue(sizes[loop]) == 1;
    });
    if (streamedRowCount() && canStreamRows()) {
      emitRowStream();
      op->erase();
      return;
    }
    surroundings = llvmcpu::findContractionSurroundings(op);
    // What the epilogue's operands need (views, indices) moves before the
    // contraction, where its tiles now run.
    if (surroundings.epilogue)
      for (Operation *between = op->getNextNode();
           between != surroundings.epilogue.getOperation();) {
        Operation *next = between->getNextNode();
        between->moveBefore(op);
        between = next;
      }
    Value n = sizes[loops.col];
    // A one-row product B streams through (a batch of them: B depends on
    // the batch): a row of B apart per reduction step, so the more
    // contiguous columns each step reads the better; registers are plenty.
    int64_t panelVectors = oneRow ? kOneRowVectors : kTileVectors;
    // Fewer columns than a panel (a squeeze-excitation layer's workgroup
    // of 32) still walk B once, all their vectors at each step: one vector
    // at a time walked it once per vector, each a single chain of
    // dependent FMAs that kept few of B's lines in flight (MobileNetV3's
    // 240 -> 960 layer from DRAM: 94 -> 40 us).
    if (std::optional<int64_t> staticN = getConstantIntValue(n);
        oneRow && staticN && *staticN % width == 0 &&
        *staticN / width < panelVectors && *staticN >= width)
      panelVectors = *staticN / width;
    int64_t panel = panelVectors * width;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value fullPanels = roundDown(n, panel);
    Value fullVectors = roundDown(n, width);
    std::optional<TailPanel> tail =
        oneRow ? std::nullopt : tailPanel(n, panelVectors);
    if (tail)
      fullPanels = fullVectors =
          arith::ConstantIndexOp::create(b, loc, tail->start);
    if (!oneRow && !padded && columnsInsideRowTiles()) {
      emitColumnsInsideRowTiles(n, panelVectors, fullPanels, fullVectors, tail);
      op->erase();
      if (surroundings.init)
        surroundings.init->erase();
      if (surroundings.epilogue)
        surroundings.epilogue->erase();
      return;
    }
    bool depthwisePanels = panelsInsideDepthwiseTiles(fullPanels, panel);
    Value pack = oneRow || depthwisePanels ? Value() : createPackBuffer(panel);
    if (pack)
      lhsPack = createLhsPackBuffer(panel);

    // Full panels of columns, then single vectors, then the leftover
    // columns in one masked vector.
    // Packed, the reduction blocks run outside the panels: the rows of A
    // one block spans are read from memory by the first panel and from the
    // L2 cache by the others.
    // With A packed too, every panel of a block is packed first, along
    // B's rows: a panel alone reads one short run per row of B, a page
    // apart in a large B, where no prefetcher follows.
    Value panels =
        lhsPack ? createPanelsBuffer(pack, fullPanels, panel) : Value();
    if (depthwisePanels) {
      panelLoopPerTile = {fullPanels, panel};
      emitRowTiles(zero, panelVectors, Value(), ReductionBlock{{}, zero, 0});
      panelLoopPerTile.reset();
    } else if (panels)
      forEachBlock([&](const ReductionBlock &block) {
        packLhsBlock(block);
        packPanels(panels, panelVectors, block);
        buildFor(zero, fullPanels, panel, [&](Value col) {
          emitRowTiles(col, panelVectors, panelOf(panels, col, panel), block);
        });
      });
    else if (pack)
      forEachBlock([&](const ReductionBlock &block) {
        if (lhsPack)
          packLhsBlock(block);
        buildFor(zero, fullPanels, panel, [&](Value col) {
          packPanel(pack, col, panelVectors, block);
          emitRowTiles(col, panelVectors, pack, block);
        });
      });
    else
      buildFor(zero, fullPanels, panel, [&](Value col) {
        forEachBlock([&](const ReductionBlock &block) {
          emitRowTiles(col, panelVectors, pack, block);
        });
      });
    // The columns after the panels read A where it is (they run once).
    lhsPack = Value();
    if (tail) {
      withTailMasks(*tail, [&] {
        emitRowTiles(fullPanels, tail->vectors, Value(),
                     ReductionBlock{{}, zero, 0});
      });
    } else {
      buildFor(fullPanels, fullVectors, width, [&](Value col) {
        emitRowTiles(col, 1, Value(), ReductionBlock{{}, zero, 0});
      });
      std::optional<int64_t> staticN = getConstantIntValue(n);
      if (!staticN || *staticN % width != 0)
        emitMaskedColumnTail(n, fullVectors);
    }
    op->erase();
    if (surroundings.init)
      surroundings.init->erase();
    if (surroundings.epilogue)
      surroundings.epilogue->erase();
    if (padded)
      llvmcpu::dropPaddedWindow(b, loc, *padded, paddedSource);
  }

private:
  /// B stored in panels of `panel` columns (llvmcpu::rhsPanelWidth): its
  /// workgroup's slice holds whole panels. Linalg's tiling sizes the
  /// slice's lanes as the tile's columns modulo the panel (8 lanes for a
  /// tile of 40 columns, a panel and 8); the kernel reads every lane of
  /// every panel it spans, up to the masked last vector, which the filter
  /// holds (its last panel is padded).
  void widenPanelSlice(int64_t panel) {
    auto slice = loops.rhs->get().getDefiningOp<memref::SubViewOp>();
    if (!slice)
      return;
    auto source = cast<MemRefType>(slice.getSource().getType());
    unsigned last = source.getRank() - 1;
    if (source.getRank() != slice.getType().getRank() ||
        source.getDimSize(last) != panel ||
        !isConstantIntValue(slice.getMixedOffsets()[last], 0) ||
        !isConstantIntValue(slice.getMixedStrides()[last], 1))
      return;
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    sizes[last] = b.getIndexAttr(panel);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(slice);
    loops.rhs->set(memref::SubViewOp::create(b, loc, slice.getSource(),
                                             slice.getMixedOffsets(), sizes,
                                             slice.getMixedStrides()));
  }

  /// Whether a depthwise convolution should read a padded input through
  /// the pad: its lines (the output's innermost rows) of 7 or more and its
  /// window at most 5 wide, so that only a line's first and last two
  /// columns take masked reads (lineBorders). Measured against the
  /// window's copy at batch 8: 5x5 at 28x28 0.74 -> 0.56 ms, 5x5 with
  /// stride 2 from 56x56 0.71 -> 0.57, 3x3 at 56x56 0.73 -> 0.71. Since
  /// the border columns of two lines share a tile, lines of 14 and 7 are
  /// even at batch 8 and faster at batch 1, where the copy was most of the
  /// dispatch and split over two workers copied twice: 3x3 stride 2 from
  /// 28x28 (240 channels) 30 -> 9.6 us, 3x3 at 7x7 (1152) on two workers
  /// 16.4 -> 10.6 us. A convolution broadcasting A may too, which
  /// readsWholeSourceThroughPad decides on the matched window.
  bool readsThroughPad() {
    if (!loops.lhsIsVector)
      return true;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (unsigned loop : loops.reductions)
      if (ShapedType::isDynamic(ranges[loop]) ||
          ranges[loop] > kMaxPadThroughWindow)
        return false;
    AffineMap output = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (output.getNumResults() < 2)
      return false;
    auto line =
        dyn_cast<AffineDimExpr>(output.getResult(output.getNumResults() - 2));
    return line && !ShapedType::isDynamic(ranges[line.getPosition()]) &&
           ranges[line.getPosition()] >= kMinPadThroughLine;
  }

  /// Whether a convolution broadcasting A reads its padded input through
  /// the pad (`padded` matched): when its window is the whole padded input
  /// (a plain alloca, no slice), as in a workgroup of a column group. Every
  /// column group copied the same window: ResNet-50's 3x3 stride-2
  /// convolution from 14x14x512 (9.4 MB of filter, 16 workgroups of 32
  /// channels) spent a third of its time on 16 copies of the window (batch
  /// 8: 15.6 -> 10.8 ms without the pad). Each row's element is then a
  /// select of an address and of a value, whose checks depend on the
  /// filter's row and column only, not on the channels.
  bool readsWholeSourceThroughPad() {
    if (isa<scf::IfOp>(padded->window) || padded->sourceSlice)
      return false;
    auto type = dyn_cast<MemRefType>(padded->source.getType());
    return type && type.hasStaticShape() && type.getRank() > 0 &&
           type.getShape().back() <= kMaxPadViewElements &&
           (type.getLayout().isIdentity() ||
            isa<StridedLayoutAttr>(type.getLayout())) &&
           llvm::all_of(type.getShape(),
                        [](int64_t extent) { return extent > 0; });
  }

  /// Whether B depends on the reductions and the columns only (stored
  /// plainly or in panels) and A is broadcast: one pass over B's rows then
  /// serves the whole product.
  bool canStreamRows() {
    return !loops.lhsIsVector && !loops.reductions.empty() &&
           (llvmcpu::rhsIndexedByReductionsAndColumns(op, loops) ||
            llvmcpu::rhsPanelWidth(op, loops) > 0);
  }

  /// A one-row product as a walk down B's rows: each step of the
  /// innermost reduction takes kStreamedRows rows of B, each across every
  /// column of the tile, into C in memory (a row of C stays in the L1
  /// cache). B is then read front to back, a long contiguous run per row,
  /// which the hardware prefetchers follow; column panels walking all of
  /// B's rows each (the register-tiled form) read it as short strided
  /// runs, at about half the bandwidth. C's init and epilogue stay the
  /// loops they were. Each element still sums in reduction order.
  /// The output rows a product walks down B for (1 to kMaxStreamedOutputRows,
  /// all static); 0 when it has more, or a dynamic count: those take
  /// register tiles, which reuse each packed panel of B across rows.
  int64_t streamedRowCount() {
    int64_t count = 1;
    for (unsigned loop : rowLoops) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size || *size < 1)
        return 0;
      count *= *size;
      if (count > kMaxStreamedOutputRows)
        return 0;
    }
    if (count == 1)
      return count;
    // A dynamic column count (a tile at B's edge) by its upper bound.
    FailureOr<int64_t> columns = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::UB, sizes[loops.col], /*stopCondition=*/nullptr,
        /*closedUB=*/true);
    if (failed(columns))
      return 0;
    int64_t bytes = 4 * *columns;
    for (unsigned loop : loops.reductions) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size)
        return 0;
      bytes = std::min(bytes * *size, kMinStreamedBytes);
    }
    return bytes >= kMinStreamedBytes ? count : 0;
  }

  void emitRowStream() {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    // Each output row's values of the row loops (row-major, constants).
    int64_t rowCount = streamedRowCount();
    SmallVector<SmallVector<std::pair<unsigned, Value>>> rowValues;
    for (int64_t row = 0; row < rowCount; ++row) {
      rowValues.emplace_back();
      int64_t rest = row;
      for (unsigned loop : llvm::reverse(rowLoops)) {
        int64_t size = *getConstantIntValue(sizes[loop]);
        rowValues.back().push_back(
            {loop, arith::ConstantIndexOp::create(b, loc, rest % size)});
        rest /= size;
      }
    }
    Value n = sizes[loops.col];
    Value fullVectors = roundDown(n, width);
    std::optional<int64_t> staticN = getConstantIntValue(n);
    bool hasTail = !staticN || *staticN % width != 0;
    unsigned innermost = loops.reductions.back();
    Value depth = sizes[innermost];
    Value fullSteps = roundDown(depth, kStreamedRows);
    // B stored in panels is walked a panel at a time, each one contiguous:
    // every panel of the tile at each step were that many streams a panel
    // apart, which the hardware's prefetchers follow at a third of the
    // bandwidth of one (MobileNetV3's classifier from DRAM). Each element
    // still sums in reduction order.
    int64_t panel = llvmcpu::rhsPanelWidth(op, loops);
    Value fullPanelColumns = panel ? roundDown(n, panel) : zero;
    buildNest(nestLoops, [&](ArrayRef<Value> nestIvs) {
      SmallVector<std::pair<unsigned, Value>> fixed;
      for (auto [loop, iv] : llvm::zip(nestLoops, nestIvs))
        fixed.push_back({loop, iv});
      // The loop values of output row `row`, with `extra` after.
      auto rowFixed = [&](int64_t row,
                          ArrayRef<std::pair<unsigned, Value>> extra) {
        SmallVector<std::pair<unsigned, Value>> all(fixed);
        llvm::append_range(all, rowValues[row]);
        llvm::append_range(all, extra);
        return all;
      };
      auto outer = ArrayRef<unsigned>(loops.reductions).drop_back();
      // The walk down B for the columns from `first` to `lastVector` (the
      // end of the whole vectors), then the masked tail when `tail`.
      auto walk = [&](Value first, Value lastVector, bool tail) {
        buildNest(outer, [&](ArrayRef<Value> outerIvs) {
          for (auto [lb, ub, rows] :
               {std::tuple(zero, fullSteps, kStreamedRows),
                std::tuple(fullSteps, depth, int64_t(1))})
            buildFor(lb, ub, rows, [&](Value k) {
              // The reductions' values of each row of B, and A's element
              // there for each output row.
              SmallVector<SmallVector<Value>> reductionIvs;
              SmallVector<SmallVector<Value>> lhs(rowCount);
              for (int64_t r = 0; r < rows; ++r) {
                reductionIvs.emplace_back(outerIvs);
                reductionIvs.back().push_back(add(k, r));
                for (int64_t row = 0; row < rowCount; ++row) {
                  Value element = memref::LoadOp::create(
                      b, loc, loops.lhs->get(),
                      indices(loops.lhs, loopValues(reductionIvs.back(),
                                                    rowFixed(row, {}))));
                  lhs[row].push_back(vector::BroadcastOp::create(
                      b, loc, vectorType(),
                      llvmcpu::applyLhsPrologue(b, op, loops, element)));
                }
              }
              // Each vector of B's rows is loaded once for every output row.
              auto accumulate = [&](Value col) {
                SmallVector<Value> rhs;
                for (int64_t r = 0; r < rows; ++r) {
                  SmallVector<std::pair<unsigned, Value>> at(fixed);
                  at.push_back({loops.col, col});
                  rhs.push_back(load(
                      loops.rhs->get(),
                      indices(loops.rhs, loopValues(reductionIvs[r], at))));
                }
                OpOperand *init = op.getDpsInitOperand(0);
                for (int64_t row = 0; row < rowCount; ++row) {
                  SmallVector<Value> where = indices(
                      init, loopValues({}, rowFixed(row, {{loops.col, col}})));
                  Value sum = load(init->get(), where);
                  for (int64_t r = 0; r < rows; ++r)
                    sum =
                        vector::FMAOp::create(b, loc, lhs[row][r], rhs[r], sum);
                  store(sum, init->get(), where);
                }
              };
              buildFor(first, lastVector, width, accumulate);
              if (tail)
                withColumnTail(n, fullVectors,
                               [&] { accumulate(fullVectors); });
            });
        });
      };
      if (panel)
        buildFor(zero, fullPanelColumns, panel, [&](Value col) {
          walk(col, add(col, panel), /*tail=*/false);
        });
      // (Without a tail N is static.)
      if (!panel || hasTail || *staticN % panel != 0)
        walk(fullPanelColumns, fullVectors, hasTail);
    });
  }

  /// The row loops (outermost first, ending with loops.row): the output's
  /// loops from loops.row outwards up to the first that indexes B. The
  /// other outer loops (a batch matmul's batch, the panels of a
  /// panel-major filter) stay loops of their own.
  void findRowLoops() {
    AffineMap output = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    AffineMap rhs = op.getMatchingIndexingMap(loops.rhs);
    int result = output.getNumResults() - 2;
    while (result > 0 &&
           cast<AffineDimExpr>(output.getResult(result)).getPosition() !=
               loops.row)
      --result;
    for (; result >= 0; --result) {
      unsigned loop =
          cast<AffineDimExpr>(output.getResult(result)).getPosition();
      if (loop != loops.row && rhs.isFunctionOfDim(loop))
        break;
      rowLoops.insert(rowLoops.begin(), loop);
    }
    for (unsigned loop : loops.outer)
      if (!llvm::is_contained(rowLoops, loop))
        nestLoops.push_back(loop);
  }

  /// The row loops' values at flattened row `row` (row-major over their
  /// sizes), the innermost first. Loops of one value are 0 and divide
  /// nothing: a batch-1 convolution's tile divides by its output width
  /// only, not by its rows' dynamic extent too (a `div` per tile).
  SmallVector<std::pair<unsigned, Value>> delinearizeRow(Value row) {
    auto single = [&](unsigned loop) {
      return isConstantIntValue(sizes[loop], 1);
    };
    const unsigned *outermost = llvm::find_if_not(rowLoops, single);
    if (outermost == rowLoops.end())
      outermost = rowLoops.begin();
    SmallVector<std::pair<unsigned, Value>> values;
    for (const unsigned &loop : llvm::reverse(rowLoops)) {
      if (&loop == outermost) {
        values.push_back({loop, row});
      } else if (single(loop)) {
        values.push_back({loop, arith::ConstantIndexOp::create(b, loc, 0)});
      } else {
        values.push_back(
            {loop, arith::RemUIOp::create(b, loc, row, sizes[loop])});
        row = arith::DivUIOp::create(b, loc, row, sizes[loop]);
      }
    }
    return values;
  }

  Value roundDown(Value value, int64_t multiple) {
    AffineExpr s0 = getAffineSymbolExpr(0, b.getContext());
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, (s0.floorDiv(multiple)) * multiple, {OpFoldResult(value)}));
  }

  void buildFor(Value lb, Value ub, int64_t step,
                function_ref<void(Value)> body) {
    Value stepValue = arith::ConstantIndexOp::create(b, loc, step);
    auto loop = scf::ForOp::create(b, loc, lb, ub, stepValue);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(loop.getInductionVar());
  }

  /// Lower bounds, upper bounds and steps of loops over `dims`, each from 0
  /// to its size.
  std::tuple<SmallVector<Value>, SmallVector<Value>, SmallVector<Value>>
  boundsOf(ArrayRef<unsigned> dims) {
    SmallVector<Value> lbs, ubs, steps;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    for (unsigned dim : dims) {
      lbs.push_back(zero);
      ubs.push_back(sizes[dim]);
      steps.push_back(one);
    }
    return {lbs, ubs, steps};
  }

  /// Nested loops over `dims` (from 0 to their size), calling `body` with
  /// the induction variables in `dims` order.
  void buildNest(ArrayRef<unsigned> dims,
                 function_ref<void(ArrayRef<Value>)> body) {
    auto [lbs, ubs, steps] = boundsOf(dims);
    scf::buildLoopNest(b, loc, lbs, ubs, steps,
                       [&](OpBuilder &nested, Location, ValueRange ivs) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nested.getInsertionBlock(),
                                             nested.getInsertionPoint());
                         body(SmallVector<Value>(ivs));
                       });
  }

  /// The indices of `operand` at the loop values `ivs`, which must give
  /// every loop the operand's map uses.
  SmallVector<Value> indices(OpOperand *operand, ArrayRef<Value> ivs) {
    AffineMap map = op.getMatchingIndexingMap(operand);
    for (unsigned loop = 0; loop < map.getNumDims(); ++loop)
      if (map.isFunctionOfDim(loop) && !ivs[loop])
        llvm::report_fatal_error("VectorizeContractions: an index of an "
                                 "operand depends on a loop with no value");
    return applyMap(map, ivs);
  }

  Value add(Value value, int64_t constant) {
    if (constant == 0)
      return value;
    Value c = arith::ConstantIndexOp::create(b, loc, constant);
    return arith::AddIOp::create(b, loc, value, c);
  }

  VectorType vectorType() { return VectorType::get({width}, b.getF32Type()); }

  /// A stack buffer for one panel of B, when B depends on the reductions
  /// and the columns only. It holds the panel over one block of the
  /// reductions (blocking): about cachedPanelDepth of them, so that the
  /// panel stays in the cache while the row tiles stream A past it; when
  /// no block that size divides the reductions, the whole panel up to
  /// kMaxPackBytes.
  Value createPackBuffer(int64_t panel) {
    if (!llvmcpu::rhsIndexedByReductionsAndColumns(op, loops))
      return Value();
    SmallVector<int64_t> depths;
    for (unsigned loop : loops.reductions) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      // Huge extents: no buffer (and no overflow below).
      if (!size || *size <= 0 || *size > kMaxPackBytes)
        return Value();
      depths.push_back(*size);
    }
    // Worth a copy only when several row tiles reuse it.
    int64_t reuse = 1;
    for (unsigned loop : loops.outer)
      reuse *= getConstantIntValue(sizes[loop]).value_or(kTileRows);
    reuse *= getConstantIntValue(sizes[loops.row]).value_or(kTileRows * 2);
    if (reuse < 2 * kTileRows)
      return Value();
    int64_t depth = chooseBlocking(depths, cachedPanelDepth);
    if (depth < kMinCachedPanelDepth)
      depth = chooseBlocking(depths, kMaxPackBytes / (panel * 4),
                             /*allowSplit=*/false);
    if (depth == 0) {
      blocking = {0, 0}; // no buffer: every reduction in one block
      return Value();
    }
    return allocaAtEntry({depth, panel});
  }

  /// A 64-byte-aligned f32 stack buffer at the function's entry: a stack
  /// allocation inside a loop would grow the stack per iteration.
  Value allocaAtEntry(ArrayRef<int64_t> shape) {
    auto func = op->getParentOfType<func::FuncOp>();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&func.getBody().front());
    auto type = MemRefType::get(shape, b.getF32Type());
    return memref::AllocaOp::create(b, loc, type, b.getI64IntegerAttr(64));
  }

  /// A stack buffer for A's rows over one block of the reductions,
  /// [rows][block], when B is packed into panels of `panel` columns and
  /// several panels reuse each block of A: read in place, the MR rows of a
  /// tile lie a row of A apart, at a multiple of 4 KiB for 1024 or more
  /// f32 columns, so they all fall in one set of the L1 cache, which the
  /// packed panel of B fills too; copied, they are 4 * block bytes apart
  /// and contiguous, for the caches and the TLB. Only when A runs along
  /// the innermost reduction (vector copies) and outside any pad.
  Value createLhsPackBuffer(int64_t panel) {
    if (loops.lhsIsVector || padded)
      return Value();
    // Every panel of B reuses the block: the columns' and the nest loops'
    // (a panel-major filter's panels), on which A must not depend.
    AffineMap lhsMap = op.getMatchingIndexingMap(loops.lhs);
    std::optional<int64_t> columns = getConstantIntValue(sizes[loops.col]);
    if (!columns)
      return Value();
    int64_t reuse = *columns;
    for (unsigned loop : nestLoops) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size || lhsMap.isFunctionOfDim(loop))
        return Value();
      reuse *= *size;
    }
    if (reuse < kMinLhsPackPanels * panel)
      return Value();
    unsigned innermost = loops.reductions.back();
    if (lhsMap.getNumResults() == 0 ||
        lhsMap.getResults().back() != b.getAffineDimExpr(innermost))
      return Value();
    auto lhsType = cast<MemRefType>(loops.lhs->get().getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(lhsType.getStridesAndOffset(strides, offset)) ||
        strides.back() != 1 || !lhsType.getElementType().isF32() ||
        !tileRowsShareCacheSets(lhsMap, strides))
      return Value();
    // The block's extent along the innermost reduction: whole vectors.
    std::optional<int64_t> innermostSize =
        getConstantIntValue(sizes[innermost]);
    int64_t extent =
        blocking.chunk != 0 && blocking.split + 1 == loops.reductions.size()
            ? blocking.chunk
            : innermostSize.value_or(0);
    if (extent == 0 || extent % width != 0)
      return Value();
    int64_t rows = 1;
    for (unsigned loop : rowLoops) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size)
        return Value();
      rows *= *size;
    }
    int64_t depth = 1;
    for (auto [index, loop] : llvm::enumerate(
             ArrayRef<unsigned>(loops.reductions).drop_front(blocking.split))) {
      if (index == 0 && blocking.chunk != 0) {
        depth *= blocking.chunk;
        continue;
      }
      depth *= *getConstantIntValue(sizes[loop]);
    }
    if (rows < kTileRows || rows * depth * 4 > kMaxLhsPackBytes)
      return Value();
    return allocaAtEntry({rows, depth});
  }

  /// Whether the rows of a register tile, a step of the row loop apart in
  /// A (`strides`: A's, in elements), fall into so few sets of the L1 cache
  /// that they evict each other and the packed panel of B: more than half
  /// of a tile's rows in one set (a step of 4 KiB: all of them).
  bool tileRowsShareCacheSets(AffineMap lhsMap, ArrayRef<int64_t> strides) {
    // The row loop's coefficient in each index: the index at row 1, every
    // other loop at 0 (the maps are affine).
    SmallVector<AffineExpr> unitRow;
    for (unsigned dim = 0; dim < lhsMap.getNumDims(); ++dim)
      unitRow.push_back(b.getAffineConstantExpr(dim == loops.row));
    int64_t step = 0;
    for (auto [expr, stride] : llvm::zip(lhsMap.getResults(), strides)) {
      auto coefficient =
          dyn_cast<AffineConstantExpr>(expr.replaceDimsAndSymbols(unitRow, {}));
      if (ShapedType::isDynamic(stride) || !coefficient)
        return false;
      step += coefficient.getValue() * stride;
    }
    constexpr int64_t kLineBytes = 64, kSets = 64;
    llvm::SmallDenseMap<int64_t, int> rowsPerSet;
    int most = 0;
    for (int64_t r = 0; r < kTileRows; ++r)
      most = std::max(most, ++rowsPerSet[(r * step * 4 / kLineBytes) % kSets]);
    return step != 0 && most > kTileRows / 2;
  }

  /// A stack buffer [panels][depth][panel] for every full panel of B over
  /// one block of the reductions, replacing the one-panel `pack`, when the
  /// columns are static and it fits in kMaxPackBytes.
  Value createPanelsBuffer(Value pack, Value fullPanels, int64_t panel) {
    std::optional<int64_t> columns = getConstantIntValue(fullPanels);
    auto packType = cast<MemRefType>(pack.getType());
    if (!columns || *columns < 2 * panel ||
        (*columns / panel) * packType.getNumElements() * 4 > kMaxPackBytes)
      return Value();
    Value panels = allocaAtEntry(
        {*columns / panel, packType.getDimSize(0), packType.getDimSize(1)});
    pack.getDefiningOp()->erase();
    return panels;
  }

  /// The panel of `panels` holding the columns from `col`.
  Value panelOf(Value panels, Value col, int64_t panel) {
    auto type = cast<MemRefType>(panels.getType());
    Value index = arith::DivUIOp::create(
        b, loc, col, arith::ConstantIndexOp::create(b, loc, panel));
    SmallVector<OpFoldResult> offsets = {index, b.getIndexAttr(0),
                                         b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1),
                                       b.getIndexAttr(type.getDimSize(1)),
                                       b.getIndexAttr(type.getDimSize(2))};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    auto resultType = memref::SubViewOp::inferRankReducedResultType(
        {type.getDimSize(1), type.getDimSize(2)}, type, offsets, sizes,
        strides);
    return memref::SubViewOp::create(b, loc, cast<MemRefType>(resultType),
                                     panels, offsets, sizes, strides);
  }

  /// Packs every panel of `panels` over `block`, walking B row by row.
  void packPanels(Value panels, int64_t vectors, const ReductionBlock &block) {
    int64_t count = cast<MemRefType>(panels.getType()).getDimSize(0);
    forEachPackedStep(block, [&](ArrayRef<Value> innerIvs, Value row) {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value end = arith::ConstantIndexOp::create(b, loc, count);
      buildFor(zero, end, 1, [&](Value index) {
        Value col = arith::MulIOp::create(
            b, loc, index,
            arith::ConstantIndexOp::create(b, loc, vectors * width));
        copyPanelRow(panels, index, row, col, vectors, block, innerIvs);
      });
    });
  }

  /// Calls `body(innerIvs, index)` for every step of `block`'s reductions
  /// and its index in a packed block (a packed panel's row, a packed row of
  /// A's column); the innermost reduction `innermostStep` steps at a time.
  void forEachPackedStep(const ReductionBlock &block,
                         function_ref<void(ArrayRef<Value>, Value)> body,
                         int64_t innermostStep = 1) {
    auto [lbs, ubs, steps] = innerBounds(block);
    steps.back() = arith::ConstantIndexOp::create(b, loc, innermostStep);
    scf::buildLoopNest(b, loc, lbs, ubs, steps,
                       [&](OpBuilder &nested, Location, ValueRange ivs) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nested.getInsertionBlock(),
                                             nested.getInsertionPoint());
                         SmallVector<Value> innerIvs(ivs);
                         body(innerIvs, packRow(block, innerIvs));
                       });
  }

  /// Copies `vectors` vectors of B's row at `innerIvs` from column `col`
  /// to `row` of a packed panel in `dest` ([panel][row][col] when `panel`
  /// is given, else [row][col]).
  void copyPanelRow(Value dest, Value panel, Value row, Value col,
                    int64_t vectors, const ReductionBlock &block,
                    ArrayRef<Value> innerIvs) {
    for (int64_t v = 0; v < vectors; ++v) {
      SmallVector<Value> all = loopValues(reductionValues(block, innerIvs),
                                          {{loops.col, add(col, v * width)}});
      Value value = vector::LoadOp::create(
          b, loc, vectorType(), loops.rhs->get(), indices(loops.rhs, all));
      SmallVector<Value> at;
      if (panel)
        at.push_back(panel);
      at.push_back(row);
      at.push_back(arith::ConstantIndexOp::create(b, loc, v * width));
      vector::StoreOp::create(b, loc, value, dest, at);
    }
  }

  /// Copies A's rows over `block` into lhsPack, a vector at a time along
  /// the innermost reduction.
  void packLhsBlock(const ReductionBlock &block) {
    int64_t rows = cast<MemRefType>(lhsPack.getType()).getDimSize(0);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value rowCount = arith::ConstantIndexOp::create(b, loc, rows);
    buildFor(zero, rowCount, 1, [&](Value row) {
      SmallVector<std::pair<unsigned, Value>> rowValues = delinearizeRow(row);
      forEachPackedStep(
          block,
          [&](ArrayRef<Value> innerIvs, Value column) {
            Value value = vector::LoadOp::create(
                b, loc, vectorType(), loops.lhs->get(),
                indices(loops.lhs, loopValues(reductionValues(block, innerIvs),
                                              rowValues)));
            vector::StoreOp::create(b, loc, value, lhsPack,
                                    ValueRange{row, column});
          },
          width);
    });
  }

  /// Sets `blocking` for a block of at most `maxDepth` reduction steps:
  /// the innermost reductions whole, then a divisor of the next one
  /// (`allowSplit`); returns the block's depth, 0 when none fits.
  int64_t chooseBlocking(ArrayRef<int64_t> depths, int64_t maxDepth,
                         bool allowSplit = true) {
    int64_t depth = 1;
    for (int index = depths.size() - 1; index >= 0; --index) {
      int64_t size = depths[index];
      if (depth * size <= maxDepth) {
        depth *= size;
        continue;
      }
      int64_t chunk = 1;
      if (allowSplit)
        for (int64_t candidate = maxDepth / depth; candidate > 1; --candidate)
          if (size % candidate == 0) {
            chunk = candidate;
            break;
          }
      if (chunk > 1) {
        blocking = {static_cast<unsigned>(index), chunk};
        return depth * chunk;
      }
      if (index + 1 == static_cast<int>(depths.size()))
        return 0;
      blocking = {static_cast<unsigned>(index + 1), 0};
      return depth;
    }
    blocking = {0, 0};
    return depth;
  }

  /// Calls `body` for every block of the reductions, in order.
  void forEachBlock(function_ref<void(const ReductionBlock &)> body) {
    ArrayRef<unsigned> fixed =
        ArrayRef<unsigned>(loops.reductions).take_front(blocking.split);
    buildNest(fixed, [&](ArrayRef<Value> fixedIvs) {
      if (blocking.chunk == 0) {
        body({SmallVector<Value>(fixedIvs),
              arith::ConstantIndexOp::create(b, loc, 0), 0});
        return;
      }
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      buildFor(zero, sizes[loops.reductions[blocking.split]], blocking.chunk,
               [&](Value start) {
                 body({SmallVector<Value>(fixedIvs), start, blocking.chunk});
               });
    });
  }

  /// The reductions a block loops over, with their bounds: the first from
  /// the block's start, `chunk` of them (all when chunk is 0).
  ArrayRef<unsigned> innerReductions(const ReductionBlock &block) {
    return ArrayRef<unsigned>(loops.reductions)
        .drop_front(block.fixedIvs.size());
  }
  std::tuple<SmallVector<Value>, SmallVector<Value>, SmallVector<Value>>
  innerBounds(const ReductionBlock &block) {
    auto [lbs, ubs, steps] = boundsOf(innerReductions(block));
    if (block.chunk != 0 && !lbs.empty()) {
      lbs.front() = block.start;
      ubs.front() = add(block.start, block.chunk);
    }
    return {lbs, ubs, steps};
  }

  /// Every reduction's value: the block's fixed ones, then `innerIvs`.
  SmallVector<Value> reductionValues(const ReductionBlock &block,
                                     ArrayRef<Value> innerIvs) {
    SmallVector<Value> values(block.fixedIvs);
    llvm::append_range(values, innerIvs);
    return values;
  }

  /// The row of the packed panel for the block's inner reductions at
  /// `innerIvs`.
  Value packRow(const ReductionBlock &block, ArrayRef<Value> innerIvs) {
    AffineExpr expr = getAffineConstantExpr(0, b.getContext());
    SmallVector<OpFoldResult> operands;
    for (auto [index, loop] : llvm::enumerate(innerReductions(block))) {
      AffineExpr iv = getAffineDimExpr(index, b.getContext());
      int64_t extent = *getConstantIntValue(sizes[loop]);
      if (index == 0 && block.chunk != 0) {
        iv = iv - getAffineSymbolExpr(0, b.getContext());
        extent = block.chunk;
      }
      expr = expr * extent + iv;
      operands.push_back(innerIvs[index]);
    }
    unsigned dims = operands.size();
    if (block.chunk != 0)
      operands.push_back(block.start);
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, AffineMap::get(dims, block.chunk != 0 ? 1 : 0, expr),
            operands));
  }

  /// All loop values with the reductions' and `fixed`'s filled in.
  SmallVector<Value> loopValues(ArrayRef<Value> reductionIvs,
                                ArrayRef<std::pair<unsigned, Value>> fixed) {
    SmallVector<Value> ivs(op.getNumLoops());
    for (auto [loop, iv] : llvm::zip(loops.reductions, reductionIvs))
      ivs[loop] = iv;
    for (auto [loop, iv] : fixed)
      ivs[loop] = iv;
    return ivs;
  }

  void packPanel(Value pack, Value col, int64_t vectors,
                 const ReductionBlock &block) {
    forEachPackedStep(block, [&](ArrayRef<Value> innerIvs, Value row) {
      copyPanelRow(pack, Value(), row, col, vectors, block, innerIvs);
    });
  }

  /// Every row tile of the output for one panel of columns, inside the
  /// loops of nestLoops: the row loops flattened, full tiles of kTileRows,
  /// then kHalfTileRows, then single rows.
  void emitRowTiles(Value col, int64_t vectors, Value pack,
                    const ReductionBlock &block) {
    if (!padded && panelsInsideRowTiles(vectors, pack)) {
      emitPanelsInsideRowTiles(col, vectors, block);
      return;
    }
    prefetchesNextPanel = true;
    llvm::scope_exit done([&] { prefetchesNextPanel = false; });
    buildNest(nestLoops, [&](ArrayRef<Value> nestIvs) {
      Value rows = flatRowCount();
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      auto tileRange = [&](Value begin, Value end) {
        forEachRowTile(begin, end, [&](Value row, int64_t count) {
          emitTile(nestIvs, row, count, col, vectors, pack, block);
        });
      };
      if (!padded || !loops.lhsIsVector || rowLoops.size() < 2) {
        tileRange(zero, rows);
        return;
      }
      // Through a pad, tiles along each line of the innermost row loop,
      // the columns whose window reaches into the padding at either end
      // one at a time (those take the masked reads), the others in tiles
      // that read the source as it is.
      Value line = sizes[rowLoops.back()];
      Value lines = arith::DivUIOp::create(b, loc, rows, line);
      auto [left, right] = lineBorders(line);
      std::optional<int64_t> lineSize = getConstantIntValue(line),
                             leftCount = getConstantIntValue(left),
                             rightStart = getConstantIntValue(right);
      if (lineSize && leftCount && rightStart &&
          *lineSize - *rightStart + *leftCount <= kTileRows) {
        // A line's right border and the next line's left border are
        // consecutive rows: one tile, whose rows' accumulations interleave
        // (a border column alone is one chain of dependent FMAs per
        // vector, latency-bound). The first line's left border and the
        // last line's right border stand alone.
        int64_t leftRows = *leftCount, rightRows = *lineSize - *rightStart;
        Value lastLine = arith::SubIOp::create(
            b, loc, lines, arith::ConstantIndexOp::create(b, loc, 1));
        buildFor(zero, lines, 1, [&](Value index) {
          Value begin = arith::MulIOp::create(b, loc, index, line);
          if (leftRows > 0)
            ifElse(
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, index,
                                      zero),
                {},
                [&] {
                  emitTile(nestIvs, begin, leftRows, col, vectors, pack, block);
                  return SmallVector<Value>();
                },
                [&] { return SmallVector<Value>(); });
          tileRange(arith::AddIOp::create(b, loc, begin, left),
                    arith::AddIOp::create(b, loc, begin, right));
          Value seam = arith::AddIOp::create(b, loc, begin, right);
          Value isLast = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                               index, lastLine);
          ifElse(
              isLast, {},
              [&] {
                if (rightRows > 0)
                  emitTile(nestIvs, seam, rightRows, col, vectors, pack, block);
                return SmallVector<Value>();
              },
              [&] {
                if (rightRows + leftRows > 0)
                  emitTile(nestIvs, seam, rightRows + leftRows, col, vectors,
                           pack, block, /*crossesLines=*/true);
                return SmallVector<Value>();
              });
        });
        return;
      }
      buildFor(zero, lines, 1, [&](Value index) {
        Value begin = arith::MulIOp::create(b, loc, index, line);
        Value interior = arith::AddIOp::create(b, loc, begin, left);
        Value border = arith::AddIOp::create(b, loc, begin, right);
        Value end = arith::AddIOp::create(b, loc, begin, line);
        for (auto [from, to] :
             {std::pair(begin, interior), std::pair(border, end)})
          buildFor(from, to, 1, [&](Value row) {
            emitTile(nestIvs, row, 1, col, vectors, pack, block);
          });
        tileRange(interior, border);
      });
    });
  }

  /// Whether the nest loops (a panel-major filter's panels) run inside each
  /// row tile rather than around all of them: when they index B and C
  /// only, B is read in place, and all of it the nest loops read fits in
  /// kMaxInnerPanelsBytes (a shallow reduction: a 1x1 convolution of 16
  /// channels). Each row tile then writes its rows of C whole, one
  /// contiguous run, instead of a panel's part of every row per pass over
  /// the rows: the output of such a convolution is most of its memory
  /// traffic.
  /// With a residual in the epilogue (residualInputs), up to
  /// kMaxResidualInnerPanelsBytes of B: the residual is read in the same
  /// whole rows (128 -> 512 channels at 28x28, batch 8, one worker: 6.2 ->
  /// 5.0 ms with 512 columns per workgroup).
  bool panelsInsideRowTiles(int64_t vectors, Value pack) {
    if (pack || nestLoops.empty() || loops.lhsIsVector)
      return false;
    AffineMap lhsMap = op.getMatchingIndexingMap(loops.lhs);
    int64_t limit = residualInputs().empty() ? kMaxInnerPanelsBytes
                                             : kMaxResidualInnerPanelsBytes;
    int64_t bytes = vectors * width * 4;
    for (unsigned loop :
         llvm::concat<const unsigned>(ArrayRef<unsigned>(nestLoops),
                                      ArrayRef<unsigned>(loops.reductions))) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size ||
          (llvm::is_contained(nestLoops, loop) && lhsMap.isFunctionOfDim(loop)))
        return false;
      bytes = std::min(bytes * *size, limit + 1);
    }
    return bytes <= limit;
  }

  /// Whether a depthwise convolution (A loaded as vectors) runs its panels
  /// inside each row tile, every channel of a tile's pixels before the next
  /// tile, rather than a pass over all pixels per panel: with two panels or
  /// more, each pass read part of every pixel's lines, a stride the
  /// prefetchers follow poorly (3x3 stride 2 from 112x112x64, one worker:
  /// 161 -> 141 us; 56x56x72 and x64: 7 % faster; 28x28x120 and 14x14x672
  /// even). The filter (a vector per panel and window position) is read in
  /// place.
  bool panelsInsideDepthwiseTiles(Value fullPanels, int64_t panel) {
    std::optional<int64_t> columns = getConstantIntValue(fullPanels);
    return loops.lhsIsVector && columns && *columns >= 2 * panel;
  }

  /// Whether every column of C (panels, vectors, the masked tail) is done
  /// inside each row tile rather than in passes over all rows per group of
  /// columns: when B depends on the reductions and the columns only, and
  /// all of it fits in kMaxInnerPanelsBytes (a 1x1 convolution of 24 to 72
  /// channels, a multiple of 32 for none of them): B is then read in
  /// place, and each row tile writes its rows of C whole. In passes, 24
  /// channels were a vector's pass and a masked half vector's, each
  /// writing part of every 96-byte row.
  bool columnsInsideRowTiles() {
    if (loops.lhsIsVector)
      return false;
    AffineMap rhsMap = op.getMatchingIndexingMap(loops.rhs);
    int64_t bytes = 4;
    for (unsigned loop = 0; loop < op.getNumLoops(); ++loop) {
      if (!rhsMap.isFunctionOfDim(loop))
        continue;
      if (loop != loops.col && !llvm::is_contained(loops.reductions, loop))
        return false;
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size)
        return false;
      bytes = std::min(bytes * *size, kMaxInnerPanelsBytes + 1);
    }
    return bytes <= kMaxInnerPanelsBytes;
  }

  /// The row tiles (in the nest loops), each over all columns: full panels
  /// of `panelVectors` vectors, single vectors, then a masked one.
  void emitColumnsInsideRowTiles(Value n, int64_t panelVectors,
                                 Value fullPanels, Value fullVectors,
                                 const std::optional<TailPanel> &tail) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    ReductionBlock whole{{}, zero, 0};
    std::optional<int64_t> staticN = getConstantIntValue(n);
    bool hasTail = !tail && (!staticN || *staticN % width != 0);
    Value rows = flatRowCount();
    buildNest(nestLoops, [&](ArrayRef<Value> nestIvs) {
      forEachRowTile(zero, rows, [&](Value row, int64_t count) {
        buildFor(zero, fullPanels, panelVectors * width, [&](Value col) {
          emitTile(nestIvs, row, count, col, panelVectors, Value(), whole);
        });
        if (tail)
          withTailMasks(*tail, [&] {
            emitTile(nestIvs, row, count, fullPanels, tail->vectors, Value(),
                     whole);
          });
        buildFor(fullPanels, fullVectors, width, [&](Value col) {
          emitTile(nestIvs, row, count, col, 1, Value(), whole);
        });
        if (hasTail)
          withColumnTail(n, fullVectors, [&] {
            emitTile(nestIvs, row, count, fullVectors, 1, Value(), whole);
          });
      });
    });
  }

  /// emitRowTiles with the nest loops inside each row tile.
  void emitPanelsInsideRowTiles(Value col, int64_t vectors,
                                const ReductionBlock &block) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    prefetchesNextPanel = panelsInside = true;
    llvm::scope_exit done([&] { prefetchesNextPanel = panelsInside = false; });
    forEachRowTile(zero, flatRowCount(), [&](Value row, int64_t count) {
      buildNest(nestLoops, [&](ArrayRef<Value> nestIvs) {
        emitTile(nestIvs, row, count, col, vectors, Value(), block);
      });
    });
  }

  /// The rows the row loops flatten to.
  Value flatRowCount() {
    Value rows = sizes[rowLoops.front()];
    for (unsigned loop : ArrayRef<unsigned>(rowLoops).drop_front())
      rows = arith::MulIOp::create(b, loc, rows, sizes[loop]);
    return rows;
  }

  /// Calls `body(row, count)` for the register tiles of rows [begin, end):
  /// full tiles of kTileRows, then kHalfTileRows, then single rows.
  void forEachRowTile(Value begin, Value end,
                      function_ref<void(Value, int64_t)> body) {
    Value count = arith::SubIOp::create(b, loc, end, begin);
    Value fullRows =
        arith::AddIOp::create(b, loc, begin, roundDown(count, kTileRows));
    Value halfRows =
        arith::AddIOp::create(b, loc, begin, roundDown(count, kHalfTileRows));
    for (auto [lb, ub, step] : {std::tuple(begin, fullRows, kTileRows),
                                std::tuple(fullRows, halfRows, kHalfTileRows),
                                std::tuple(halfRows, end, int64_t(1))})
      buildFor(lb, ub, step, [&](Value row) { body(row, step); });
  }

  /// The columns left after the full panels of a static `n` as one panel
  /// rather than a pass per vector: more than a vector left (24 of 24, 24
  /// of 120) makes a panel of its own, a vector or less (8 of 40, 16 of
  /// 112) joins the last full panel, one vector wider (with 32 vector
  /// registers: 24 accumulators). Each pass broadcasts every element of A
  /// again, and a one-vector pass does one FMA per broadcast: a 1x1
  /// convolution 64 -> 24 at 56x56, one worker, took 95 us against 75 for
  /// 64 -> 32. A depthwise convolution (A loaded as vectors) gains nothing.
  std::optional<TailPanel> tailPanel(Value n, int64_t panelVectors) {
    std::optional<int64_t> staticN = getConstantIntValue(n);
    int64_t panel = panelVectors * width;
    if (loops.lhsIsVector || !staticN || *staticN % panel == 0 ||
        *staticN <= width)
      return std::nullopt;
    int64_t left = *staticN % panel;
    int64_t start = *staticN - left;
    if (left <= width) {
      if (start == 0 || width < 16)
        return std::nullopt;
      start -= panel;
    }
    int64_t columns = *staticN - start;
    return TailPanel{start, llvm::divideCeilSigned(columns, width),
                     columns % width};
  }

  /// `body` with vectorMasks set for `tail`: its last vector masked to
  /// the columns that remain, when they do not fill it.
  void withTailMasks(const TailPanel &tail, function_ref<void()> body) {
    vectorMasks.assign(tail.vectors, Value());
    if (tail.lastLanes != 0)
      vectorMasks.back() = vector::CreateMaskOp::create(
          b, loc, VectorType::get({width}, b.getI1Type()),
          ValueRange{arith::ConstantIndexOp::create(b, loc, tail.lastLanes)});
    body();
    vectorMasks.clear();
  }

  /// `body` with columnMask set for vector `v` of the tile being emitted
  /// (vectorMasks), when its vectors take masks of their own.
  template <typename Body> auto onVector(int64_t v, Body body) {
    if (vectorMasks.empty())
      return body();
    Value saved = columnMask;
    columnMask = vectorMasks[v];
    llvm::scope_exit restore([&] { columnMask = saved; });
    return body();
  }

  /// `body` with columnMask set to the columns [start, n), inside an
  /// scf.if that skips it when there are none.
  void withColumnTail(Value n, Value start, function_ref<void()> body) {
    OpBuilder::InsertionGuard guard(b);
    columnMask = llvmcpu::beginColumnTail(b, loc, n, start, width);
    body();
    columnMask = Value();
  }

  /// Where a line's interior columns (whose window stays inside the padded
  /// window's interior along the line) start and end, relative to the
  /// line: [1, line) when the window's geometry is not static (the first
  /// column alone, as a 3-wide window with a pad of 1 needs).
  std::pair<Value, Value> lineBorders(Value line) {
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    std::pair<Value, Value> fallback{one, line};
    std::optional<int64_t> lineSize = getConstantIntValue(line);
    if (!lineSize)
      return fallback;
    // A's dimension along the line: the one the innermost row loop indexes.
    unsigned column = rowLoops.back();
    AffineMap lhsMap = op.getMatchingIndexingMap(loops.lhs);
    std::optional<unsigned> dim;
    for (unsigned result = 0; result < lhsMap.getNumResults(); ++result)
      if (lhsMap.getResult(result).isFunctionOfDim(column))
        dim = result;
    if (!dim || *dim >= padded->offsets.size())
      return fallback;
    std::optional<int64_t> offset =
        padded->offsets[*dim] ? getConstantIntValue(padded->offsets[*dim])
                              : std::optional<int64_t>(0);
    std::optional<int64_t> size = padded->sizes[*dim]
                                      ? getConstantIntValue(padded->sizes[*dim])
                                      : std::nullopt;
    if (!offset || !size)
      return fallback;
    // A's index along the line at column c, reductions at their first or
    // last values: c * stride + first (or last).
    auto indexAt = [&](int64_t c,
                       bool lastReduction) -> std::optional<int64_t> {
      SmallVector<AffineExpr> values(lhsMap.getNumDims(),
                                     getAffineConstantExpr(0, b.getContext()));
      values[column] = getAffineConstantExpr(c, b.getContext());
      for (unsigned loop : loops.reductions) {
        std::optional<int64_t> extent = getConstantIntValue(sizes[loop]);
        if (!extent)
          return std::nullopt;
        values[loop] = getAffineConstantExpr(lastReduction ? *extent - 1 : 0,
                                             b.getContext());
      }
      auto constant = dyn_cast<AffineConstantExpr>(
          lhsMap.getResult(*dim).replaceDimsAndSymbols(values, {}));
      if (!constant)
        return std::nullopt;
      return constant.getValue();
    };
    std::optional<int64_t> first = indexAt(0, false), last = indexAt(0, true),
                           next = indexAt(1, false);
    if (!first || !last || !next || *next <= *first)
      return fallback;
    int64_t stride = *next - *first;
    // Columns whose first read is before the interior; from the first
    // whose last read is past it.
    int64_t left = std::clamp<int64_t>(
        llvm::divideCeilSigned(*offset - *first, stride), 0, *lineSize);
    int64_t right = std::clamp<int64_t>(
        llvm::divideCeilSigned(*offset + *size - *last, stride), left,
        *lineSize);
    return {arith::ConstantIndexOp::create(b, loc, left),
            arith::ConstantIndexOp::create(b, loc, right)};
  }

  /// Reduction steps ahead at which B is prefetched when read in place,
  /// 0 when it is not: only along a deep innermost reduction (a
  /// panel-major filter's or a Winograd product's panel, read once from
  /// DRAM by the first row tile). The hardware's streamer stops at each
  /// 4 KiB page; 16 steps of a 32-column panel is 2 KiB ahead (measured on
  /// ResNet-50: 8, 16, 32 and 64 steps ahead, 16 best).
  int64_t prefetchRows() {
    std::optional<int64_t> depth =
        getConstantIntValue(sizes[loops.reductions.back()]);
    return !depth || *depth >= kMinPrefetchDepth ? kPrefetchRows : 0;
  }

  /// Whether register tiles prefetch the next tile's rows of A: A read in
  /// place, a scalar per row, contiguous along a static innermost
  /// reduction of at least a cache line (a 1x1 convolution's input
  /// channels) and larger than the L2 caches. Such a tile reads A as
  /// short runs in several rows at once,
  /// which the hardware's prefetchers do not follow far enough ahead: a
  /// large activation read from DRAM (a batch of 8 at 56x56x256, 25 MB)
  /// made a 1x1 convolution 1.6x slower than the same one reading it
  /// from the L3 cache. A deeper reduction's next tile would not fit in
  /// the L1 cache beside this one's A and B (1024 channels: ResNet-50's
  /// 14x14 and 7x7 layers 10-15 % slower); and an A the caches hold gains
  /// nothing but the prefetches' cost (256 -> 1024 channels at 14x14, batch
  /// 8: 10 % slower).
  bool prefetchesLhs() {
    if (loops.lhsIsVector || lhsPack || padded)
      return false;
    unsigned innermost = loops.reductions.back();
    std::optional<int64_t> depth = getConstantIntValue(sizes[innermost]);
    AffineMap lhsMap = op.getMatchingIndexingMap(loops.lhs);
    return depth && *depth >= 2 * kLhsPrefetchStride &&
           *depth * kTileRows * 4 <= kMaxLhsPrefetchBytes &&
           outgrowsCaches(loops.lhs->get()) && lhsMap.getNumResults() > 0 &&
           lhsMap.getResults().back() ==
               getAffineDimExpr(innermost, op.getContext());
  }

  /// Every kLhsPrefetchStride steps of the innermost reduction (a cache
  /// line of A), a prefetch of A at `reductionIvs` in each of `nextRows`:
  /// over the reductions the next tile's rows arrive whole.
  void
  prefetchNextRows(ArrayRef<Value> reductionIvs, ArrayRef<Value> nestIvs,
                   ArrayRef<SmallVector<std::pair<unsigned, Value>>> nextRows) {
    Value stride = arith::ConstantIndexOp::create(b, loc, kLhsPrefetchStride);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value atLine = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::RemUIOp::create(b, loc, reductionIvs.back(), stride), zero);
    scf::IfOp::create(b, loc, atLine, [&](OpBuilder &nested, Location) {
      for (ArrayRef<std::pair<unsigned, Value>> next : nextRows) {
        memref::PrefetchOp::create(
            nested, loc, loops.lhs->get(),
            indices(loops.lhs,
                    loopValues(reductionIvs, nestAndRow(nestIvs, next))),
            /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
      }
      scf::YieldOp::create(nested, loc);
    });
  }

  /// Prefetches what the epilogue reads along the tile (a residual of
  /// kMinStreamedResidualBytes or more) for the next tile, the `rows` rows
  /// after `row`, `vectors` vectors from `col`: a line per vector of each row,
  /// read a row of the output apart by every panel, which the hardware's
  /// prefetchers do not follow (a 64 -> 256 convolution at 56x56, batch 8,
  /// with its residual: 3.9 -> 2.5 ms).
  void prefetchEpilogueInputs(ArrayRef<Value> nestIvs, Value row, int64_t rows,
                              Value col, int64_t vectors) {
    linalg::GenericOp epilogue = surroundings.epilogue;
    SmallVector<OpOperand *> streamed;
    for (OpOperand *input : residualInputs())
      if (bufferBytes(input->get()) >= kMinStreamedResidualBytes)
        streamed.push_back(input);
    if (streamed.empty())
      return;
    forEachNextTileLine(
        nestIvs, row, rows, col, vectors, [&](ArrayRef<Value> cIndices) {
          SmallVector<Value> ivs = llvmcpu::loopValuesAt(
              epilogue, surroundings.epilogueInput, cIndices);
          for (OpOperand *input : streamed)
            memref::PrefetchOp::create(
                b, loc, input->get(),
                applyMap(epilogue.getMatchingIndexingMap(input), ivs),
                /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
        });
  }

  /// Prefetches C for the next tile (the `rows` rows after `row`, `vectors`
  /// vectors from `col`) into the L2 cache, in a reduction split into
  /// blocks, where each block reloads the accumulators from C. C's rows
  /// lie a row of the output apart, 4 or 8 KiB in a 1024- or 2048-column
  /// matmul: they share the caches' sets, and the reloads missed them (11 %
  /// of a 2048^3 matmul's samples in perf; with the prefetch 7 % faster).
  void prefetchNextOutput(ArrayRef<Value> nestIvs, Value row, int64_t rows,
                          Value col, int64_t vectors) {
    OpOperand *init = op.getDpsInitOperand(0);
    forEachNextTileLine(
        nestIvs, row, rows, col, vectors, [&](ArrayRef<Value> cIndices) {
          memref::PrefetchOp::create(b, loc, init->get(), cIndices,
                                     /*isWrite=*/false, kOutputPrefetchLocality,
                                     /*isDataCache=*/true);
        });
  }

  /// C's indices at the start of each cache line of the next tile: the
  /// `rows` rows after `row` (clamped to the last), `vectors` vectors from
  /// `col`.
  void forEachNextTileLine(ArrayRef<Value> nestIvs, Value row, int64_t rows,
                           Value col, int64_t vectors,
                           function_ref<void(ArrayRef<Value>)> body) {
    OpOperand *init = op.getDpsInitOperand(0);
    for (int64_t r = 0; r < rows; ++r) {
      SmallVector<std::pair<unsigned, Value>> next =
          delinearizeRow(nextTileRow(row, rows + r));
      for (int64_t v = 0; v < vectors; ++v)
        if ((v * width * 4) % 64 == 0)
          body(indices(init, loopValues({}, nestAndRow(nestIvs, next,
                                                       add(col, v * width)))));
    }
  }

  /// The epilogue's inputs besides C read as vectors along C's columns (a
  /// residual added to the output).
  SmallVector<OpOperand *> residualInputs() {
    SmallVector<OpOperand *> inputs;
    linalg::GenericOp epilogue = surroundings.epilogue;
    if (!epilogue)
      return inputs;
    for (auto [input, read] :
         llvm::zip(epilogue.getDpsInputOperands(), surroundings.epilogueReads))
      if (input != surroundings.epilogueInput &&
          read == llvmcpu::ReadKind::Vector &&
          isa<MemRefType>(input->get().getType()))
        inputs.push_back(input);
    return inputs;
  }

  /// The nest loops' values, a row's (`row`, from delinearizeRow) and the
  /// column `col` when given: what `loopValues` fills in besides the
  /// reductions.
  SmallVector<std::pair<unsigned, Value>>
  nestAndRow(ArrayRef<Value> nestIvs, ArrayRef<std::pair<unsigned, Value>> row,
             Value col = Value()) {
    SmallVector<std::pair<unsigned, Value>> fixed;
    for (auto [loop, iv] : llvm::zip(nestLoops, nestIvs))
      fixed.push_back({loop, iv});
    llvm::append_range(fixed, row);
    if (col)
      fixed.push_back({loops.col, col});
    return fixed;
  }

  /// Flattened row `row + offset`, or the last row where that is past the
  /// end: a prefetch stays inside the operand's views.
  Value nextTileRow(Value row, int64_t offset) {
    Value last = arith::SubIOp::create(
        b, loc, flatRowCount(), arith::ConstantIndexOp::create(b, loc, 1));
    return arith::MinUIOp::create(b, loc, add(row, offset), last);
  }

  /// Whether the buffer `view` is a view of is static and larger than the
  /// L2 caches of the cores together: then it is read from the L3 cache or
  /// DRAM.
  static bool outgrowsCaches(Value view) {
    return bufferBytes(view) >= kMinUncachedBytes;
  }

  /// The bytes of the buffer `view` is a view of; 0 when unknown (dynamic).
  static int64_t bufferBytes(Value view) {
    while (auto viewLike = view.getDefiningOp<ViewLikeOpInterface>())
      view = viewLike.getViewSource();
    return memrefBytes(view).value_or(0);
  }

  /// The bytes of the memref `value` itself, when its type says.
  static std::optional<int64_t> memrefBytes(Value value) {
    auto type = dyn_cast<MemRefType>(value.getType());
    if (!type || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat())
      return std::nullopt;
    return type.getNumElements() *
           std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
  }

  /// B's next panel, which the row tiles of the current one prefetch into
  /// the L2 cache: B's whole buffer (the source of the workgroup's view of
  /// it), the buffer's dimension the panels run along (the one nest loop B
  /// depends on), the view's offsets and that dimension's last index.
  /// Row tile t prefetches rows [t * share, t * share + depth / period)
  /// of the innermost reduction, a row every `period` steps (a power of
  /// two, at most the tile count: the shares overlap rather than leave
  /// gaps). A B read from DRAM (a filter used once per call) then streams
  /// in over all of a panel's tiles rather than stalling the first.
  struct NextPanel {
    Value buffer;
    unsigned dim;
    SmallVector<Value> offsets;
    int64_t last;
    int64_t depth;
    int64_t share;
    int64_t period;
    /// Whether a tile prefetches its share before its reductions (a share
    /// of at most kMaxUpFrontRows rows of a single reduction), rather
    /// than a row every `period` steps.
    bool upFront;
    /// Panels from the current one to the one prefetched.
    int64_t distance;
  };
  std::optional<NextPanel> nextPanel() {
    if (loops.lhsIsVector || prefetchRows() == 0)
      return std::nullopt;
    int64_t rowCount = 1;
    for (unsigned loop : rowLoops) {
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size)
        return std::nullopt;
      rowCount *= *size;
    }
    std::optional<int64_t> depth =
        getConstantIntValue(sizes[loops.reductions.back()]);
    if (rowCount <= kTileRows || !depth)
      return std::nullopt;
    AffineMap rhsMap = op.getMatchingIndexingMap(loops.rhs);
    auto view = loops.rhs->get().getDefiningOp<memref::SubViewOp>();
    if (!view)
      return std::nullopt;
    auto bufferType = dyn_cast<MemRefType>(view.getSource().getType());
    if (!bufferType || !bufferType.hasStaticShape() ||
        bufferType.getRank() != view.getType().getRank())
      return std::nullopt;
    // The panels run along the innermost nest loop B depends on that steps
    // more than once in the workgroup. B may depend on others too (a
    // Winograd product's [position][panel]): where the workgroup's view
    // takes part of one of those, each workgroup reads its own slice of B,
    // once per call.
    SmallVector<std::pair<unsigned, unsigned>> dependences; // (loop, result)
    for (unsigned loop : nestLoops)
      for (unsigned result = 0; result < rhsMap.getNumResults(); ++result)
        if (rhsMap.getResult(result) == getAffineDimExpr(loop, op.getContext()))
          dependences.push_back({loop, result});
    if (dependences.empty() || (dependences.size() > 1 && panelsInside))
      return std::nullopt;
    auto panels = dependences.back();
    for (auto dependence : llvm::reverse(dependences))
      if (!isConstantIntValue(sizes[dependence.first], 1)) {
        panels = dependence;
        break;
      }
    auto [panelLoop, dim] = panels;
    bool slicedElsewhere = llvm::any_of(dependences, [&](auto dependence) {
      return dependence != panels &&
             view.getType().getDimSize(dependence.second) !=
                 bufferType.getDimSize(dependence.second);
    });
    // Panels inside the row tiles: the next ones are the next workgroup's,
    // as many as this one's.
    std::optional<int64_t> distance =
        panelsInside ? getConstantIntValue(sizes[panelLoop])
                     : std::optional<int64_t>(1);
    if (!distance)
      return std::nullopt;
    if (!llvm::all_of(view.getMixedStrides(), [](OpFoldResult stride) {
          return isConstantIntValue(stride, 1);
        }))
      return std::nullopt;
    // Only where B is read from beyond the L2 cache: by workgroups of
    // all the rows (all of A), each reading its panels once, or from a B
    // larger than the L2 caches. Workgroups of some of the rows of a
    // smaller B read it again from the L2 cache, as does the next
    // workgroup of one of all panels. A slice of B that a workgroup of
    // all the rows reads alone streams in whatever its size: ResNet-50's
    // Winograd products at 28x28 (2.3 MiB in all), 14x14 and 7x7, batch 1,
    // one worker: 11 %, 17 % and 6 % faster. Split into row groups (56x56
    // at batch 8) the slice is read again from the L2 cache: 2 % slower.
    if (slicedElsewhere && !holdsAllRows())
      return std::nullopt;
    if (!slicedElsewhere) {
      if (view.getType().getDimSize(dim) == bufferType.getDimSize(dim))
        return std::nullopt;
      if (auto lhsView = loops.lhs->get().getDefiningOp<memref::SubViewOp>())
        if (lhsView.getType().getShape() !=
                lhsView.getSource().getType().getShape() &&
            !outgrowsCaches(view.getSource()))
          return std::nullopt;
    }
    // The bytes prefetched ahead: with those in use and A, they must leave
    // the L2 cache room.
    int64_t panelBytes = 4 * *distance;
    for (unsigned loop = 0; loop < op.getNumLoops(); ++loop) {
      if (!rhsMap.isFunctionOfDim(loop) || llvm::is_contained(nestLoops, loop))
        continue;
      std::optional<int64_t> size = getConstantIntValue(sizes[loop]);
      if (!size)
        return std::nullopt;
      panelBytes = std::min(panelBytes * *size, kMaxPanelsAndLhsBytes);
    }
    if (panelBytes > kMaxNextPanelBytes) {
      std::optional<int64_t> lhsBytes = memrefBytes(loops.lhs->get());
      if (!lhsBytes || 2 * panelBytes + *lhsBytes > kMaxPanelsAndLhsBytes)
        return std::nullopt;
    }
    int64_t tiles = llvm::divideCeilSigned(rowCount, kTileRows);
    int64_t share = llvm::divideCeilSigned(*depth, tiles);
    bool singleReduction = llvm::all_of(
        ArrayRef<unsigned>(loops.reductions).drop_back(),
        [&](unsigned loop) { return isConstantIntValue(sizes[loop], 1); });
    NextPanel next{view.getSource(),
                   dim,
                   {},
                   bufferType.getDimSize(dim) - 1,
                   *depth,
                   share,
                   int64_t(llvm::bit_floor(uint64_t(tiles))),
                   singleReduction && share <= kMaxUpFrontRows,
                   *distance};
    for (OpFoldResult offset : view.getMixedOffsets())
      next.offsets.push_back(getValueOrCreateConstantIndexOp(b, loc, offset));
    return next;
  }

  /// Whether the workgroup's view of A takes all of A's rows: each row
  /// loop indexes A alone along a dimension the view takes whole.
  bool holdsAllRows() {
    auto lhsView = loops.lhs->get().getDefiningOp<memref::SubViewOp>();
    if (!lhsView)
      return true;
    AffineMap lhsMap = op.getMatchingIndexingMap(loops.lhs);
    for (unsigned loop : rowLoops) {
      std::optional<unsigned> dim =
          lhsMap.getResultPosition(getAffineDimExpr(loop, op.getContext()));
      if (!dim || lhsView.getType().getDimSize(*dim) !=
                      lhsView.getSource().getType().getDimSize(*dim))
        return false;
    }
    return true;
  }

  /// Prefetches into the L2 cache row `ahead` (clamped to the panel) of
  /// the innermost reduction, the other reductions at `reductionIvs`, of
  /// B's next panel: a line per 64 bytes of the tile's `vectors` columns
  /// from `col`.
  void prefetchNextPanelRow(const NextPanel &next, ArrayRef<Value> nestIvs,
                            Value col, int64_t vectors,
                            ArrayRef<Value> reductionIvs, Value ahead) {
    SmallVector<Value> aheadIvs(reductionIvs);
    aheadIvs.back() = arith::MinUIOp::create(
        b, loc, ahead, arith::ConstantIndexOp::create(b, loc, next.depth - 1));
    for (int64_t v = 0; v < vectors; ++v) {
      if ((v * width * 4) % 64 != 0)
        continue;
      SmallVector<Value> at = indices(
          loops.rhs,
          loopValues(aheadIvs, nestAndRow(nestIvs, {}, add(col, v * width))));
      for (auto [index, offset] : llvm::zip(at, next.offsets))
        index = arith::AddIOp::create(b, loc, index, offset);
      at[next.dim] = arith::MinUIOp::create(
          b, loc, add(at[next.dim], next.distance),
          arith::ConstantIndexOp::create(b, loc, next.last));
      memref::PrefetchOp::create(b, loc, next.buffer, at, /*isWrite=*/false,
                                 /*localityHint=*/2, /*isDataCache=*/true);
    }
  }

  /// One register tile: flattened rows [row, row + rows) x `vectors`
  /// vectors of columns from `col`, accumulated over one block of the
  /// reductions.
  void emitTile(ArrayRef<Value> nestIvs, Value row, int64_t rows, Value col,
                int64_t vectors, Value pack, const ReductionBlock &block,
                bool crossesLines = false) {
    if (panelLoopPerTile) {
      auto [end, step] = *panelLoopPerTile;
      panelLoopPerTile.reset();
      buildFor(arith::ConstantIndexOp::create(b, loc, 0), end, step,
               [&](Value panelCol) {
                 emitTile(nestIvs, row, rows, panelCol, vectors, pack, block,
                          crossesLines);
               });
      panelLoopPerTile = {end, step};
      return;
    }
    OpOperand *init = op.getDpsInitOperand(0);
    Value output = init->get();
    // The row loops' values of each row. A tile that cannot cross the
    // innermost row loop's end (its size a multiple of the tile's rows,
    // and not a seam of two lines' borders) delinearizes its first row
    // only.
    std::optional<int64_t> innermostSize =
        getConstantIntValue(sizes[rowLoops.back()]);
    bool staysInLine =
        rowLoops.size() == 1 ||
        (!crossesLines && innermostSize && *innermostSize % rows == 0);
    SmallVector<SmallVector<std::pair<unsigned, Value>>> rowValues;
    for (int64_t r = 0; r < rows; ++r) {
      if (!staysInLine || r == 0) {
        rowValues.push_back(delinearizeRow(add(row, r)));
        continue;
      }
      rowValues.push_back(rowValues.front());
      rowValues.back().front().second =
          add(rowValues.front().front().second, r);
    }
    // The nest loops' values and row `r`; column vector `v` when given.
    auto fixedFor = [&](int64_t r, std::optional<int64_t> v) {
      return nestAndRow(nestIvs, rowValues[r],
                        v ? add(col, *v * width) : Value());
    };
    SmallVector<SmallVector<Value>> outputIndices;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v)
        outputIndices.push_back(indices(init, loopValues({}, fixedFor(r, v))));
    // The accumulators start from C, or in the first block of the
    // reductions from what the init would have written to it.
    auto loadC = [&] {
      SmallVector<Value> values;
      for (auto [i, where] : llvm::enumerate(outputIndices))
        values.push_back(onVector(
            i % vectors, [&, &where = where] { return load(output, where); }));
      return values;
    };
    auto initialValues = [&] {
      SmallVector<Value> values;
      for (auto [i, where] : llvm::enumerate(outputIndices))
        values.push_back(onVector(
            i % vectors, [&, &where = where] { return initialValue(where); }));
      return values;
    };
    SmallVector<Value> accumulators =
        !surroundings.init
            ? loadC()
            : ifElse(blockCondition(block, /*last=*/false),
                     SmallVector<Type>(outputIndices.size(), vectorType()),
                     initialValues, loadC);

    auto [lbs, ubs, steps] = innerBounds(block);
    // The next tile's rows, whose A this tile prefetches.
    SmallVector<SmallVector<std::pair<unsigned, Value>>> nextRows;
    if (prefetchesLhs())
      for (int64_t r = 0; r < rows; ++r)
        nextRows.push_back(delinearizeRow(nextTileRow(row, rows + r)));
    if (surroundings.epilogue)
      prefetchEpilogueInputs(nestIvs, row, rows, col, vectors);
    if (!block.fixedIvs.empty() || block.chunk != 0)
      prefetchNextOutput(nestIvs, row, rows, col, vectors);
    std::optional<NextPanel> next = pack || !prefetchesNextPanel ||
                                            !block.fixedIvs.empty() ||
                                            block.chunk != 0
                                        ? std::nullopt
                                        : nextPanel();
    Value shareStart =
        next ? arith::MulIOp::create(
                   b, loc,
                   arith::DivUIOp::create(
                       b, loc, row,
                       arith::ConstantIndexOp::create(b, loc, kTileRows)),
                   arith::ConstantIndexOp::create(b, loc, next->share))
             : Value();
    if (next && next->upFront) {
      SmallVector<Value> firstIvs(loops.reductions.size(),
                                  arith::ConstantIndexOp::create(b, loc, 0));
      for (int64_t r = 0; r < next->share; ++r)
        prefetchNextPanelRow(*next, nestIvs, col, vectors, firstIvs,
                             add(shareStart, r));
    }
    // A step of the reductions at `innerIvs`, from the accumulators
    // `iterArgs`.
    auto step = [&](ArrayRef<Value> innerIvs,
                    ValueRange iterArgs) -> scf::ValueVector {
      SmallVector<Value> reductionIvs = reductionValues(block, innerIvs);
      if (!nextRows.empty())
        prefetchNextRows(reductionIvs, nestIvs, nextRows);
      SmallVector<Value> rhs;
      Value packedRow = pack ? packRow(block, innerIvs) : Value();
      for (int64_t v = 0; v < vectors; ++v) {
        if (pack) {
          Value packCol = arith::ConstantIndexOp::create(b, loc, v * width);
          rhs.push_back(vector::LoadOp::create(b, loc, vectorType(), pack,
                                               ValueRange{packedRow, packCol}));
          continue;
        }
        // B may depend on the nest loops too (a batch matmul's batch).
        SmallVector<std::pair<unsigned, Value>> fixed;
        for (auto [loop, iv] : llvm::zip(nestLoops, nestIvs))
          fixed.push_back({loop, iv});
        fixed.push_back({loops.col, add(col, v * width)});
        SmallVector<Value> ivsAt = loopValues(reductionIvs, fixed);
        rhs.push_back(onVector(v, [&] {
          return load(loops.rhs->get(), indices(loops.rhs, ivsAt));
        }));
        if (prefetchRows() > 0 && (v * width * 4) % 64 == 0) {
          SmallVector<Value> ahead(reductionIvs);
          ahead.back() = add(ahead.back(), prefetchRows());
          memref::PrefetchOp::create(
              b, loc, loops.rhs->get(),
              indices(loops.rhs, loopValues(ahead, fixed)),
              /*isWrite=*/false, /*localityHint=*/3,
              /*isDataCache=*/true);
        }
      }
      if (next && !next->upFront) {
        Value k = reductionIvs.back();
        Value due = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::eq,
            arith::AndIOp::create(
                b, loc, k,
                arith::ConstantIndexOp::create(b, loc, next->period - 1)),
            arith::ConstantIndexOp::create(b, loc, 0));
        scf::IfOp::create(b, loc, due, [&](OpBuilder &nested, Location) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          Value ahead = arith::AddIOp::create(
              b, loc, shareStart,
              arith::ShRUIOp::create(b, loc, k,
                                     arith::ConstantIndexOp::create(
                                         b, loc, llvm::Log2_64(next->period))));
          prefetchNextPanelRow(*next, nestIvs, col, vectors, reductionIvs,
                               ahead);
          scf::YieldOp::create(b, loc);
        });
      }
      scf::ValueVector results;
      for (int64_t r = 0; r < rows; ++r) {
        if (loops.lhsIsVector) {
          for (int64_t v = 0; v < vectors; ++v) {
            Value lhs = loadLhs(
                indices(loops.lhs, loopValues(reductionIvs, fixedFor(r, v))));
            results.push_back(vector::FMAOp::create(b, loc, lhs, rhs[v],
                                                    iterArgs[r * vectors + v]));
          }
          continue;
        }
        SmallVector<Value> lhsAt = indices(
            loops.lhs, loopValues(reductionIvs, fixedFor(r, std::nullopt)));
        Value element =
            lhsPack ? memref::LoadOp::create(
                          b, loc, lhsPack,
                          ValueRange{add(row, r), packRow(block, innerIvs)})
            : padded
                ? llvmcpu::loadElementThroughPad(b, loc, *padded, paddedSource,
                                                 padView, lhsAt,
                                                 /*check=*/lhsMasked)
                : memref::LoadOp::create(b, loc, loops.lhs->get(), lhsAt);
        Value scalar = llvmcpu::applyLhsPrologue(b, op, loops, element);
        Value broadcast =
            vector::BroadcastOp::create(b, loc, vectorType(), scalar);
        for (int64_t v = 0; v < vectors; ++v)
          results.push_back(vector::FMAOp::create(b, loc, broadcast, rhs[v],
                                                  iterArgs[r * vectors + v]));
      }
      return results;
    };
    // A depthwise convolution's window columns (a short innermost
    // reduction) are unrolled: neighbouring rows of a tile read the same
    // vectors of A at neighbouring columns of the window (row r at column
    // kw reads what row r + 1 reads at kw - 1), and unrolled those loads
    // are one (CSE), 10 loads of A per vector column and window row for a
    // tile of 8 and a window of 3 instead of 24.
    std::optional<int64_t> windowColumns =
        getConstantIntValue(ubs.empty() ? Value() : ubs.back());
    bool unrollWindow = loops.lhsIsVector && block.chunk == 0 &&
                        windowColumns && *windowColumns >= 2 &&
                        *windowColumns <= kMaxUnrolledWindow &&
                        isConstantIntValue(lbs.back(), 0);
    auto reduce = [&]() -> SmallVector<Value> {
      auto outer = [&](ArrayRef<Value> values) {
        return ArrayRef<Value>(values).drop_back(unrollWindow ? 1 : 0);
      };
      scf::LoopNest nest = scf::buildLoopNest(
          b, loc, outer(lbs), outer(ubs), outer(steps), accumulators,
          [&](OpBuilder &nested, Location, ValueRange ivs,
              ValueRange iterArgs) -> scf::ValueVector {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nested.getInsertionBlock(),
                                nested.getInsertionPoint());
            SmallVector<Value> innerIvs(ivs);
            if (!unrollWindow)
              return step(innerIvs, iterArgs);
            scf::ValueVector sums(iterArgs.begin(), iterArgs.end());
            innerIvs.push_back(Value());
            for (int64_t column = 0; column < *windowColumns; ++column) {
              innerIvs.back() = arith::ConstantIndexOp::create(b, loc, column);
              sums = step(innerIvs, sums);
            }
            return sums;
          });
      return SmallVector<Value>(nest.results);
    };
    SmallVector<Value> sums;
    if (!padded) {
      sums = reduce();
    } else {
      // Most tiles read the padded window's interior only: those read its
      // source without a mask; the others mask each vector of A.
      Value inside = tileInsideInterior(
          block, lbs, ubs, [&](int64_t r) { return fixedFor(r, 0); }, rows);
      sums = ifElse(
          inside, TypeRange(ValueRange(accumulators)),
          [&] {
            lhsMasked = false;
            return reduce();
          },
          [&] {
            lhsMasked = true;
            return reduce();
          });
    }
    // The accumulators go to C, or after the last block of the reductions
    // through the epilogue to its output.
    auto storeC = [&] {
      for (auto [i, value, where] : llvm::enumerate(sums, outputIndices))
        onVector(i % vectors, [&, &value = value, &where = where] {
          store(value, output, where);
        });
      return SmallVector<Value>();
    };
    auto storeThroughEpilogue = [&] {
      for (auto [i, value, where] : llvm::enumerate(sums, outputIndices))
        onVector(i % vectors, [&, &value = value, &where = where] {
          applyEpilogue(value, where);
        });
      return SmallVector<Value>();
    };
    if (!surroundings.epilogue)
      storeC();
    else
      ifElse(blockCondition(block, /*last=*/true), {}, storeThroughEpilogue,
             storeC);
  }

  /// `then()` where `condition` holds, `otherwise()` elsewhere; both return
  /// values of `types`. No condition: `then()`.
  SmallVector<Value> ifElse(Value condition, TypeRange types,
                            function_ref<SmallVector<Value>()> then,
                            function_ref<SmallVector<Value>()> otherwise) {
    if (!condition)
      return then();
    auto ifOp = scf::IfOp::create(b, loc, types, condition,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    for (auto [block, body] : {std::pair(ifOp.thenBlock(), then),
                               std::pair(ifOp.elseBlock(), otherwise)}) {
      if (!types.empty()) {
        b.setInsertionPointToEnd(block);
        scf::YieldOp::create(b, loc, ValueRange(body()));
        continue;
      }
      b.setInsertionPoint(block->getTerminator());
      body();
    }
    return SmallVector<Value>(ifOp.getResults());
  }

  /// Whether `block` is the first (or last) block of the reductions; null
  /// when it is the only one.
  Value blockCondition(const ReductionBlock &block, bool last) {
    Value condition;
    auto require = [&](Value value, Value expected) {
      Value equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          value, expected);
      condition =
          condition ? arith::AndIOp::create(b, loc, condition, equal) : equal;
    };
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    for (auto [loop, iv] : llvm::zip(loops.reductions, block.fixedIvs))
      require(iv, last ? add(sizes[loop], -1) : zero);
    if (block.chunk != 0) {
      unsigned split = loops.reductions[block.fixedIvs.size()];
      if (last)
        require(add(block.start, block.chunk), sizes[split]);
      else
        require(block.start, zero);
    }
    return condition;
  }

  /// The value the init writes to C's vector at `where`.
  Value initialValue(ArrayRef<Value> where) {
    if (auto fill = dyn_cast<linalg::FillOp>(surroundings.init))
      return vector::BroadcastOp::create(b, loc, vectorType(),
                                         fill.getInputs()[0]);
    auto copy = cast<linalg::GenericOp>(surroundings.init);
    OpOperand *input = copy.getDpsInputOperand(0);
    if (!isa<ShapedType>(input->get().getType()))
      return vector::BroadcastOp::create(b, loc, vectorType(), input->get());
    SmallVector<Value> at = applyMap(copy.getMatchingIndexingMap(input), where);
    if (surroundings.initRead == llvmcpu::ReadKind::Vector)
      return load(input->get(), at);
    return vector::BroadcastOp::create(
        b, loc, vectorType(),
        memref::LoadOp::create(b, loc, input->get(), at).getResult());
  }

  /// The epilogue on the final accumulator for C's vector at `cIndices`,
  /// stored to the epilogue's output.
  void applyEpilogue(Value accumulator, ArrayRef<Value> cIndices) {
    linalg::GenericOp epilogue = surroundings.epilogue;
    SmallVector<Value> ivs =
        llvmcpu::loopValuesAt(epilogue, surroundings.epilogueInput, cIndices);
    SmallVector<Value> inputs;
    for (auto [input, read] : llvm::zip(epilogue.getDpsInputOperands(),
                                        surroundings.epilogueReads)) {
      Value value = input->get();
      if (input == surroundings.epilogueInput) {
        inputs.push_back(accumulator);
      } else if (!isa<ShapedType>(value.getType())) {
        inputs.push_back(value);
      } else {
        SmallVector<Value> at =
            applyMap(epilogue.getMatchingIndexingMap(input), ivs);
        inputs.push_back(read == llvmcpu::ReadKind::Vector
                             ? load(value, at)
                             : memref::LoadOp::create(b, loc, value, at));
      }
    }
    Value result =
        llvmcpu::cloneBodyOnVectors(b, epilogue, inputs, width).front();
    OpOperand *output = epilogue.getDpsInitOperand(0);
    store(result, output->get(),
          applyMap(epilogue.getMatchingIndexingMap(output), ivs));
  }

  SmallVector<Value> applyMap(AffineMap map, ArrayRef<Value> values) {
    return llvmcpu::applyMapAt(b, loc, map, values);
  }

  /// Stores a vector at `where`, masked to the column tail's lanes there.
  void store(Value value, Value memref, ValueRange where) {
    if (columnMask)
      vector::MaskedStoreOp::create(b, loc, memref, where, columnMask, value);
    else
      vector::StoreOp::create(b, loc, value, memref, where);
  }

  /// A vector of `memref` (B, C, an epilogue's input) at `where`: masked
  /// to the columns left in the column tail.
  Value load(Value memref, ValueRange where) {
    return llvmcpu::loadVector(b, loc, memref, where, width, columnMask);
  }

  /// Erases the padded window once nothing reads it: the loop bounds may
  /// still take an extent from it, which the source has too where the
  /// interior covers the window whole.
  /// Whether every element of A that rows [0, rows) of a tile read (with
  /// the block's inner reductions from `lbs` to `ubs`, exclusive) lies in
  /// the padded
  /// window's interior. A's indices grow with every loop, so each row's
  /// first and last reads bound it.
  Value tileInsideInterior(
      const ReductionBlock &block, ArrayRef<Value> lbs, ArrayRef<Value> ubs,
      function_ref<SmallVector<std::pair<unsigned, Value>>(int64_t)> rowAt,
      int64_t rows) {
    SmallVector<Value> last;
    for (Value ub : ubs)
      last.push_back(add(ub, -1));
    SmallVector<Value> firstValues = reductionValues(block, lbs),
                       lastValues = reductionValues(block, last);
    Value inside;
    for (int64_t r = 0; r < rows; ++r)
      for (ArrayRef<Value> reductions :
           {ArrayRef<Value>(firstValues), ArrayRef<Value>(lastValues)})
        inInterior(indices(loops.lhs, loopValues(reductions, rowAt(r))),
                   inside);
    return inside ? inside : arith::ConstantIntOp::create(b, loc, 1, 1);
  }

  /// `where` (an index of the padded window) as the source's index; with
  /// `inside`, also ANDs into it whether `where` is in the interior.
  SmallVector<Value> inInterior(ValueRange where, Value &inside) {
    return llvmcpu::sourceIndex(b, loc, *padded, where, &inside);
  }

  /// A vector of A at `where` (A runs along the columns): from the padded
  /// window's source where `where` is inside its interior, else the pad;
  /// unmasked when the tile is known to read the interior only.
  Value loadLhs(ValueRange where) {
    if (!padded)
      return load(loops.lhs->get(), where);
    return llvmcpu::loadThroughPad(b, loc, *padded, paddedSource, where, width,
                                   columnMask, /*check=*/lhsMasked);
  }

  /// The columns past the last full vector, fewer than a vector: the row
  /// tiles of one vector whose loads and stores of B and C are masked to
  /// those columns (A does not depend on the columns). Channel counts such
  /// as 24, 40 or 120 end in one.
  void emitMaskedColumnTail(Value n, Value start) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    withColumnTail(n, start, [&] {
      emitRowTiles(start, 1, Value(), ReductionBlock{{}, zero, 0});
    });
  }

  linalg::LinalgOp op;
  const llvmcpu::OuterProductLoops &loops;
  int64_t width;
  /// Reduction steps per block of a packed panel of B, at most.
  int64_t cachedPanelDepth;
  OpBuilder b;
  Location loc;
  SmallVector<Value> sizes;
  SmallVector<unsigned> rowLoops, nestLoops;
  /// While the column tail is emitted: its lanes, for the loads and stores
  /// of B and C.
  Value columnMask;
  /// While a tail panel is emitted (withTailMasks): per vector of its
  /// tiles, the mask of its lanes (null: all).
  SmallVector<Value> vectorMasks;
  /// While a depthwise convolution's panels run inside its row tiles
  /// (panelsInsideDepthwiseTiles): the end of its full panels and their
  /// width, over which each emitted tile loops.
  std::optional<std::pair<Value, int64_t>> panelLoopPerTile;
  /// A padded window A is read through, and its source slice.
  std::optional<llvmcpu::PaddedWindow> padded;
  Value paddedSource;
  /// A broadcast A's pad value as a view of the source's shape
  /// (llvmcpu::padValueViews), the source then cast to its type.
  Value padView;
  /// Whether the row tiles being emitted prefetch B's next panel
  /// (nextPanel): set while emitting the tiles of full panels.
  bool prefetchesNextPanel = false;
  /// Whether the panels run inside each row tile
  /// (emitPanelsInsideRowTiles): the next panels are then the next
  /// workgroup's.
  bool panelsInside = false;
  /// Whether the tile being emitted masks its reads of A (some may fall
  /// in the padding).
  bool lhsMasked = true;
  /// The init and epilogue the tiles absorb.
  llvmcpu::ContractionSurroundings surroundings;
  /// A's rows over the current block of the reductions, when packed
  /// (createLhsPackBuffer).
  Value lhsPack;
  /// Reductions [0, split) fixed per block; reduction `split` walked
  /// `chunk` at a time (whole when 0); the others whole in every block.
  struct {
    unsigned split = 0;
    int64_t chunk = 0;
  } blocking;
};

struct VectorizeContractionsPass
    : public tessera::llvmcpu::impl::VectorizeContractionsPassBase<
          VectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, llvmcpu::OuterProductLoops>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics())
        return;
      if (std::optional<llvmcpu::OuterProductLoops> loops =
              llvmcpu::matchOuterProductContraction(op))
        work.push_back({op, *loops});
    });
    // One variant's module: one target, one width.
    int64_t width = llvmcpu::vectorWidthFor(getOperation(), vectorWidth);
    int64_t panelDepth =
        llvmcpu::cachedPanelDepthFor(getOperation(), cachedPanelDepth);
    for (auto &[op, loops] : work) {
      // Too narrow to fill one vector: the scalar path is as good.
      int64_t cols = op.getStaticLoopRanges()[loops.col];
      if (!ShapedType::isDynamic(cols) && cols < width)
        continue;
      ContractionEmitter(op, loops, width, panelDepth).emit();
    }
  }
};

} // namespace

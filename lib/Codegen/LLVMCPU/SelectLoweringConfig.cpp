//===- SelectLoweringConfig.cpp - Workgroup tile sizes per dispatch -------===//
//
// Tile sizes by op class, in the spirit of a kernel-dispatch table:
// register-tiled contractions (matmuls, convolutions; see
// OuterProductContraction.h) get tall tiles that reuse each packed panel of
// B; everything else gets tiles of a fixed element count. Both are then
// split until the dispatch has enough workgroups for the task workers.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/OuterProductContraction.h"
#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/LLVMCPU/VectorBody.h"

#include "Codegen/Common/LoweringConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_SELECTLOWERINGCONFIGPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Fewest workgroups a dispatch is cut into when its shape allows, so that
/// every task worker gets several.
constexpr int64_t kMinWorkgroups = 16;
/// Elements of the parallel iteration space per workgroup, for ops that are
/// not register-tiled: large enough to amortize a workgroup's start, small
/// enough that fused temporaries stay in cache.
constexpr int64_t kElementsPerWorkgroup = 16384;
/// f32 elements per cache line.
constexpr int64_t kLineElements = 16;
/// Rows and columns of a block transposed in registers (AVX-512's f32
/// lanes; a multiple of narrower targets').
constexpr int64_t kTransposeBlock = 16;
/// Blocks side by side along that loop per workgroup for a transpose of
/// at least kMinUncachedTransposeBytes (an f32 element counted per
/// iteration): [8,28,28,512] -> NCHW, one worker, 2.3 -> 1.5 ms; a smaller
/// one (56x56x256) was 10-40 % slower so.
constexpr int64_t kUncachedTransposeBlocks = 4;
constexpr int64_t kMinUncachedTransposeBytes = 8 << 20;
/// Rows (output rows of a matmul, output pixels of a convolution) per
/// workgroup of a register-tiled contraction: each packed panel of B is
/// reused by all of them.
constexpr int64_t kContractionRows = 512;
/// Columns per workgroup of a register-tiled contraction.
constexpr int64_t kContractionColumns = 64;
/// Columns per workgroup when the reductions are at least
/// kWideReductionDepth deep and the rows at least kContractionRows: A's
/// rows for one block of the reductions are then reused from the L2 cache
/// by that many columns.
constexpr int64_t kWideContractionColumns = 256;
constexpr int64_t kWideReductionDepth = 1024;
/// Fewest workgroups of a deep, tall contraction whose B the kernel packs
/// at run time (rhsPackedPerCall): it keeps all its columns per workgroup
/// and splits rows only down to this many workgroups.
constexpr int64_t kMinAllColumnsWorkgroups = 4;
/// Columns per workgroup of a contraction with panels of columns (a
/// panel-major filter's) whose output gets a residual added: its kernel
/// runs the panels inside each row tile, so that C and the residual are
/// read and written as whole rows of this many columns.
constexpr int64_t kResidualContractionColumns = 512;
/// Workgroups of a one-row contraction: a few per worker.
constexpr int64_t kOneRowWorkgroups = 4;
/// Output rows up to which a contraction with at least kMinStreamedBytes
/// of B is tiled as a one-row one: its kernel walks down B for all of them
/// at once (VectorizeContractions' limits).
constexpr int64_t kMaxStreamedRows = 8;
constexpr int64_t kMinStreamedBytes = 2 << 20;
/// Rows per workgroup below which a contraction's columns are split before
/// its rows: each workgroup packs its panels of B once for all its rows.
constexpr int64_t kMinContractionRows = 64;
/// Floating-point operations a contraction's workgroup keeps at least when
/// its rows are split below kMinContractionRows: every row group packs
/// (reads) all of B again, so a small output (7x7, 14x14) with large
/// weights gains less from more workgroups than its extra passes over B
/// cost.
constexpr int64_t kMinSplitWorkgroupFlops = 32 << 20;
/// Bytes of B from which a contraction whose workgroups hold all its rows
/// (a 14x14 output) keeps them so once it has kMinRereadWorkgroups
/// workgroups of columns: each row group would read all of B again, and
/// one of all rows reads each panel once, prefetching the next
/// (VectorizeContractions). ResNet-50's 1024 -> 256 convolutions at 14x14
/// (1 MiB filters, 8 workgroups rather than 16), one worker: 595 -> 555 us.
constexpr int64_t kMinRereadBytes = 512 << 10;
constexpr int64_t kMinRereadWorkgroups = 8;
/// Bytes of B up to which a contraction reading a padded window keeps all
/// its columns in each workgroup, which then copies its window once.
constexpr int64_t kMaxWindowSharingBytes = 4 << 20;
/// Bytes of a padded window a workgroup copies, at most, where splitting
/// its rows allows: a third of TESSERA_WORKGROUP_STACK_SIZE.
constexpr int64_t kMaxWindowBytes = 2 << 20;

/// Columns of a register tile's last vector: a workgroup left with this
/// many columns or fewer runs them as one vector, a broadcast of A per FMA.
constexpr int64_t kOrphanColumns = 16;

/// Whether tiles of `tile` columns leave a last workgroup of a vector or
/// less (112 in tiles of 32, 72 or 40 in tiles of 64 or 32), which
/// VectorizeContractions' kernel would rather take in its last panel
/// (one vector wider).
bool leavesOrphanColumns(int64_t columns, int64_t tile) {
  if (tile <= 0 || columns <= tile || columns >= codegen::kUnknownExtent)
    return false;
  int64_t last = columns % tile;
  return last != 0 && last <= kOrphanColumns;
}

int64_t countWorkgroups(ArrayRef<int64_t> tiles, ArrayRef<int64_t> extents) {
  int64_t count = 1;
  for (auto [tile, extent] : llvm::zip(tiles, extents))
    if (tile > 0)
      count *= llvm::divideCeil(extent, tile);
  return count;
}

/// The loop along which `op` reads an input contiguously while its output
/// runs along another (a transpose's input), when it does, and both loops
/// are at least half a block long (VectorizeElementwise leaves narrower
/// ones to scalar loops).
std::optional<unsigned> transposedReadLoop(linalg::LinalgOp op) {
  if (op.getNumDpsInits() == 0)
    return std::nullopt;
  std::optional<unsigned> column = llvmcpu::innermostLoop(
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  if (!column)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto wide = [&](unsigned loop) {
    return ShapedType::isDynamic(ranges[loop]) ||
           2 * ranges[loop] >= kTransposeBlock;
  };
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!isa<ShapedType>(input->get().getType()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(input);
    std::optional<unsigned> inner = llvmcpu::innermostLoop(map);
    if (inner && *inner != *column && map.isFunctionOfDim(*column) &&
        wide(*inner) && wide(*column))
      return inner;
  }
  return std::nullopt;
}

/// The root's loop along which it, or a producer of one of its inputs
/// fused into its tiles (a transpose before a bias add), reads an input
/// across its output's rows.
std::optional<unsigned> transposedReadLoopOf(Operation *root) {
  auto linalgRoot = dyn_cast<linalg::LinalgOp>(root);
  if (!linalgRoot)
    return std::nullopt;
  if (std::optional<unsigned> loop = transposedReadLoop(linalgRoot))
    return loop;
  for (OpOperand *input : linalgRoot.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || producer.getNumDpsInits() != 1)
      continue;
    std::optional<unsigned> across = transposedReadLoop(producer);
    if (!across)
      continue;
    // The producer's loop -> the dimension of its result -> the root's
    // loop reading that dimension.
    AffineMap produced =
        producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
    AffineMap read = linalgRoot.getMatchingIndexingMap(input);
    for (auto [dim, expr] : llvm::enumerate(produced.getResults()))
      if (auto loop = dyn_cast<AffineDimExpr>(expr);
          loop && loop.getPosition() == *across && dim < read.getNumResults())
        if (auto rootLoop = dyn_cast<AffineDimExpr>(read.getResult(dim)))
          return rootLoop.getPosition();
  }
  return std::nullopt;
}

/// Elementwise ops, reductions and everything not register-tiled: about
/// kElementsPerWorkgroup elements (untiled parallel loops count whole),
/// filled innermost first, then split until there are kMinWorkgroups.
/// A loop the root reads an input along while writing along another
/// (`across`, a transpose's) takes whole blocks first: VectorizeElementwise
/// transposes kTransposeBlock x kTransposeBlock blocks in registers, with
/// masked blocks past a tile's last whole one.
SmallVector<int64_t> elementwiseTiles(TilingInterface root,
                                      ArrayRef<bool> tileable,
                                      ArrayRef<int64_t> extents,
                                      std::optional<unsigned> across) {
  SmallVector<utils::IteratorType> iterators = root.getLoopIteratorTypes();
  int64_t budget = kElementsPerWorkgroup;
  for (unsigned loop = 0; loop < tileable.size(); ++loop)
    if (!tileable[loop] && iterators[loop] == utils::IteratorType::parallel)
      budget /= std::max<int64_t>(extents[loop], 1);
  budget = std::max<int64_t>(budget, 1);
  SmallVector<int64_t> tiles(tileable.size(), 0);
  // A tile of the innermost loop (contiguous in memory) that ends inside
  // the loop ends on a cache line, so that no two workgroups (maybe on two
  // cores) write parts of one line.
  int last = tileable.size() - 1;
  auto lineAligned = [&](int loop, int64_t tile) {
    if (loop != last || tile >= extents[loop] || tile < kLineElements)
      return tile;
    return tile / kLineElements * kLineElements;
  };
  // The across loop, or -1.
  int acrossLoop = -1;
  if (across && tileable[*across] && extents[*across] >= kTransposeBlock) {
    acrossLoop = *across;
    // Read from beyond the L2 caches, several blocks side by side: the
    // input's rows are read in runs of that many lines.
    int64_t elements = 1;
    for (int64_t extent : extents)
      elements =
          std::min(elements * std::max<int64_t>(extent, 1), int64_t(1) << 40);
    int64_t blocks = 4 * elements >= kMinUncachedTransposeBytes
                         ? kUncachedTransposeBlocks
                         : 1;
    tiles[acrossLoop] =
        std::min(extents[acrossLoop] / kTransposeBlock, blocks) *
        kTransposeBlock;
    budget = std::max<int64_t>(budget / tiles[acrossLoop], kTransposeBlock);
  }
  for (int loop = last; loop >= 0; --loop) {
    if (!tileable[loop] || loop == acrossLoop)
      continue;
    tiles[loop] = lineAligned(
        loop,
        std::clamp<int64_t>(budget, 1, std::max<int64_t>(extents[loop], 1)));
    budget = std::max<int64_t>(budget / tiles[loop], 1);
  }
  // Split the outermost tiles first; the innermost keeps at least 64
  // elements (whole vectors).
  while (countWorkgroups(tiles, extents) < kMinWorkgroups) {
    int innermost = -1;
    for (int loop = tileable.size() - 1; loop >= 0 && innermost < 0; --loop)
      if (tileable[loop])
        innermost = loop;
    int victim = -1;
    for (int loop = 0; loop < static_cast<int>(tiles.size()) && victim < 0;
         ++loop)
      if (tiles[loop] > 1 && (loop != innermost || tiles[loop] > 64) &&
          loop != acrossLoop)
        victim = loop;
    if (victim < 0)
      break;
    tiles[victim] = lineAligned(victim, llvm::divideCeil(tiles[victim], 2));
  }
  return tiles;
}

/// A register-tiled contraction (llvmcpu::matchOuterProductContraction)
/// in `func` whose output is the root's (the root itself, or an
/// elementwise op applied to its result).
std::optional<std::pair<linalg::LinalgOp, llvmcpu::OuterProductLoops>>
findRegisterTiledContraction(func::FuncOp func, Operation *root) {
  std::optional<std::pair<linalg::LinalgOp, llvmcpu::OuterProductLoops>> found;
  func.walk([&](linalg::LinalgOp op) {
    if (found || !op.hasPureTensorSemantics())
      return;
    auto loops = llvmcpu::matchOuterProductContraction(op);
    if (!loops)
      return;
    if (op.getOperation() != root &&
        !llvm::is_contained(root->getOperands(), op->getResult(0)))
      return;
    if (op->getResult(0).getType() != root->getResult(0).getType())
      return;
    found = {op, *loops};
  });
  return found;
}

/// Tiles of a register-tiled contraction, per dimension of its output:
/// kContractionColumns columns (kWideContractionColumns for a deep, tall
/// one, whose kernel packs A per block of the reductions for them);
/// kContractionRows rows gathered from the row loop (output dimension `rowDim`)
/// then the outer loops (a convolution's output rows, which the kernel flattens
/// into one row loop). The dimensions between `rowDim` and the last are panels
/// of the columns (a panel-major filter's output, [..., F/32, 32]): they count
/// as columns. Then split until there are kMinWorkgroups: rows while a
/// workgroup has more than kMinContractionRows of them (outer loops first),
/// then columns down to one panel of 32, then rows down to one register tile of
/// 8 while each workgroup keeps kMinSplitWorkgroupFlops (`depth`: the
/// reductions' extent): a 7x7 convolution output keeps its 49 rows and splits
/// its channels instead. When B has more columns than the output has rows, its
/// columns are split first: each row group reads B again. `paddedWindow`
/// (a convolution copying its padded input window per workgroup): all
/// columns stay in each workgroup and only rows are split.
/// `rhsPackedPerCall` (B packed into panels by the kernel at every call,
/// a matmul of two activations): a deep, tall one keeps all its columns
/// per workgroup too (see allColumnsPerWorkgroup). `addsResidual` (the
/// dispatch's elementwise op reads, besides the contraction's result, a
/// tensor of the output's shape element for element: a residual added):
/// panels of up to kResidualContractionColumns columns per workgroup.
SmallVector<int64_t> contractionTiles(ArrayRef<int64_t> outputExtents,
                                      unsigned rowDim, int64_t depth,
                                      bool paddedWindow = false,
                                      bool rhsPackedPerCall = false,
                                      bool addsResidual = false,
                                      int64_t windowBytes = 0) {
  unsigned rank = outputExtents.size();
  // A convolution reading a padded window (a tensor.pad in its dispatch)
  // copies the window its rows need per workgroup: workgroups of a column
  // group each copy the same one. With B up to kMaxWindowSharingBytes its
  // workgroups keep all columns (ResNet-50's stride-2 3x3 convolutions,
  // batch 8: 5.7 -> 5.2 ms and 6.1 -> 5.3 ms); a larger B is read whole
  // per workgroup then, which costs more than the copies (9.4 MB at 7x7:
  // 1.0 -> 1.4 ms at batch 1).
  if (paddedWindow) {
    int64_t columns = 1;
    for (unsigned dim = rowDim + 1; dim < rank; ++dim)
      columns = std::min(columns * outputExtents[dim], codegen::kUnknownExtent);
    if (4 * std::min(depth, codegen::kUnknownExtent) * columns >
        kMaxWindowSharingBytes)
      paddedWindow = false;
  }
  SmallVector<int64_t> tiles(rank, 1);
  int64_t allRowsForWidth = 1;
  for (unsigned dim = 0; dim <= rowDim; ++dim)
    allRowsForWidth =
        std::min(allRowsForWidth * outputExtents[dim], codegen::kUnknownExtent);
  bool deepAndTall =
      depth >= kWideReductionDepth && allRowsForWidth >= kContractionRows;
  int64_t columns = deepAndTall ? kWideContractionColumns : kContractionColumns;
  // A deep, tall contraction packs a block of A's rows (512 x 256 f32)
  // once per block of the reductions and workgroup, and every panel of B
  // once per block and row group: with all its columns a workgroup packs
  // its A once. Its kernel packs B a panel at a time then (32 KiB of
  // stack). 2048^3 matmul, one worker: 104 -> 97.5 ms (4 workgroups of
  // 512 x 2048 instead of 32 of 512 x 256); 1024^3: 12.5 -> 12.2 ms.
  bool allColumnsPerWorkgroup =
      deepAndTall && rhsPackedPerCall && rowDim + 2 == rank &&
      outputExtents[rank - 1] < codegen::kUnknownExtent;
  if (allColumnsPerWorkgroup)
    columns = outputExtents[rank - 1];
  tiles[rank - 1] = std::min(columns, outputExtents[rank - 1]);
  if (leavesOrphanColumns(outputExtents[rank - 1], tiles[rank - 1]))
    tiles[rank - 1] = outputExtents[rank - 1];
  int64_t panelColumns =
      addsResidual ? kResidualContractionColumns : kContractionColumns;
  for (unsigned dim = rowDim + 1; dim + 1 < rank; ++dim)
    tiles[dim] = paddedWindow
                     ? outputExtents[dim]
                     : std::clamp<int64_t>(panelColumns / tiles[rank - 1], 1,
                                           outputExtents[dim]);
  if (paddedWindow)
    tiles[rank - 1] = outputExtents[rank - 1];
  int64_t rows = kContractionRows;
  for (int dim = rowDim; dim >= 0; --dim) {
    tiles[dim] = std::clamp<int64_t>(rows, 1, outputExtents[dim]);
    rows = std::max<int64_t>(rows / tiles[dim], 1);
  }
  auto rowsPerWorkgroup = [&] {
    int64_t product = 1;
    for (unsigned dim = 0; dim <= rowDim; ++dim)
      product *= tiles[dim];
    return product;
  };
  auto columnsPerWorkgroup = [&] {
    int64_t product = 1;
    for (unsigned dim = rowDim + 1; dim < rank; ++dim)
      product *= tiles[dim];
    return product;
  };
  auto splitRows = [&] {
    for (unsigned dim = 0; dim < rowDim; ++dim)
      if (tiles[dim] > 1) {
        tiles[dim] = llvm::divideCeil(tiles[dim], 2);
        return true;
      }
    if (tiles[rowDim] > 8) {
      tiles[rowDim] = llvm::alignTo(llvm::divideCeil(tiles[rowDim], 2), 8);
      return true;
    }
    return false;
  };
  // One row in all (a classifier's matrix-vector product), or a few (a
  // batch's classifier; VectorizeContractions walks B's rows for up to 8):
  // wide column tiles, each reading long runs of every row of B, a few per
  // worker, as equal as panels of 32 allow (1280 columns in tiles of 320,
  // not of 384 and a last of 128: on two workers the halves of MobileNetV3's
  // 960 -> 1280 classifier ended 39 us apart in 110).
  int64_t bBytes = 4 * std::min(depth, codegen::kUnknownExtent) *
                   std::min(outputExtents[rank - 1], codegen::kUnknownExtent);
  bool streamed =
      rowsPerWorkgroup() == 1 ||
      (rowsPerWorkgroup() <= kMaxStreamedRows && bBytes >= kMinStreamedBytes);
  if (streamed && rowDim + 2 == rank && outputExtents[rank - 1] > 0 &&
      outputExtents[rank - 1] < codegen::kUnknownExtent) {
    int64_t n = outputExtents[rank - 1];
    tiles[rank - 1] = std::min<int64_t>(
        n, llvm::alignTo(llvm::divideCeil(n, kOneRowWorkgroups), 32));
    return tiles;
  }
  int64_t allRows = 1, allColumns = 1;
  for (unsigned dim = 0; dim < rank; ++dim) {
    int64_t &all = dim <= rowDim ? allRows : allColumns;
    all = std::min(all * outputExtents[dim], codegen::kUnknownExtent);
  }
  bool columnsFirst = allColumns > allRows;
  auto splitColumns = [&] {
    if (paddedWindow)
      return false;
    for (unsigned dim = rowDim + 1; dim + 1 < rank; ++dim)
      if (tiles[dim] > 1) {
        tiles[dim] = llvm::divideCeil(tiles[dim], 2);
        return true;
      }
    if (tiles[rank - 1] <= 32)
      return false;
    int64_t half = llvm::alignTo(llvm::divideCeil(tiles[rank - 1], 2), 32);
    if (leavesOrphanColumns(outputExtents[rank - 1], half))
      return false;
    tiles[rank - 1] = half;
    return true;
  };
  // A padded window's share per workgroup (its copy is a stack buffer,
  // CheckStackTemporaries' limit): rows split while it is larger than
  // kMaxWindowBytes (a convolution over 8192 channels at 30x30, 7.6 MB in
  // all); about its rows' share of the window, two rows more for the
  // filter's reach.
  if (paddedWindow && windowBytes > kMaxWindowBytes) {
    auto share = [&] {
      double bytes = double(windowBytes);
      for (unsigned dim = 0; dim <= rowDim; ++dim)
        if (outputExtents[dim] > 0 &&
            outputExtents[dim] < codegen::kUnknownExtent)
          bytes *= std::min(1.0, double(tiles[dim] + (dim == 0 ? 0 : 2)) /
                                     outputExtents[dim]);
      return bytes;
    };
    while (share() > kMaxWindowBytes && splitRows()) {
    }
  }
  if (allColumnsPerWorkgroup) {
    while (countWorkgroups(tiles, outputExtents) < kMinAllColumnsWorkgroups &&
           rowsPerWorkgroup() > kMinContractionRows && splitRows()) {
    }
    return tiles;
  }
  while (countWorkgroups(tiles, outputExtents) < kMinWorkgroups) {
    if (columnsFirst && splitColumns())
      continue;
    if (!paddedWindow && rowsPerWorkgroup() == allRows &&
        4 * std::min(depth, codegen::kUnknownExtent) * allColumns >=
            kMinRereadBytes &&
        countWorkgroups(tiles, outputExtents) >= kMinRereadWorkgroups)
      break;
    if (rowsPerWorkgroup() > kMinContractionRows && splitRows())
      continue;
    if (splitColumns())
      continue;
    int64_t flops = 2 * rowsPerWorkgroup() * columnsPerWorkgroup() *
                    std::min(depth, codegen::kUnknownExtent);
    if (flops < 2 * kMinSplitWorkgroupFlops || !splitRows())
      break;
  }
  return tiles;
}

/// The root's loop that runs with loop `loop` of `op`, an op fused into
/// the root's tiles: `op` itself when it is the root, else followed through
/// its result's single user (each indexing it by bare loops) to the root.
std::optional<unsigned> rootLoopOf(linalg::LinalgOp op, unsigned loop,
                                   Operation *root) {
  constexpr int kMaxChain = 8;
  for (int step = 0; step < kMaxChain; ++step) {
    if (op.getOperation() == root)
      return loop;
    if (op->getNumResults() != 1 || !op->getResult(0).hasOneUse())
      return std::nullopt;
    AffineMap output =
        op.getIndexingMapMatchingResult(cast<OpResult>(op->getResult(0)));
    std::optional<unsigned> dim;
    for (auto [index, expr] : llvm::enumerate(output.getResults()))
      if (expr == getAffineDimExpr(loop, op.getContext()))
        dim = index;
    OpOperand &use = *op->getResult(0).getUses().begin();
    auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!dim || !user)
      return std::nullopt;
    auto next = dyn_cast<AffineDimExpr>(
        user.getMatchingIndexingMap(&use).getResult(*dim));
    if (!next)
      return std::nullopt;
    op = user;
    loop = next.getPosition();
  }
  return std::nullopt;
}

/// Aligns `tiles` (the root's) so that every tile of a loop along which an
/// op of `func` reads an input stored in panels (llvmcpu::findPanelColumns:
/// a filter with a padded last panel) starts on a panel: a whole number of
/// panels per tile. A tile of 9 channels (a transpose to NCHW after such a
/// convolution) began inside a panel, and its slice of the filter wrapped
/// into the next row of it. Where the root's loop cannot be traced, one
/// workgroup takes everything.
void alignPanelTiles(func::FuncOp func, Operation *root,
                     ArrayRef<int64_t> extents, SmallVector<int64_t> &tiles) {
  func.walk([&](linalg::LinalgOp op) {
    std::optional<std::pair<unsigned, int64_t>> panels =
        llvmcpu::findPanelColumns(op);
    if (!panels)
      return;
    std::optional<unsigned> loop = rootLoopOf(op, panels->first, root);
    if (!loop || *loop >= tiles.size()) {
      std::fill(tiles.begin(), tiles.end(), 0);
      return;
    }
    int64_t &tile = tiles[*loop];
    if (tile != 0 && tile < extents[*loop])
      tile = std::max(panels->second, tile / panels->second * panels->second);
  });
}

struct SelectLoweringConfigPass
    : public tessera::llvmcpu::impl::SelectLoweringConfigPassBase<
          SelectLoweringConfigPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) {
      auto root = dyn_cast_or_null<TilingInterface>(codegen::findRootOp(func));
      if (!root)
        return;
      SmallVector<bool> tileable = codegen::findTileableLoops(root);
      SmallVector<int64_t> extents = codegen::getLoopExtents(root);
      SmallVector<int64_t> tiles;
      if (auto contraction = findRegisterTiledContraction(func, root))
        tiles = tilesFromContraction(*contraction, root, tileable);
      else
        tiles = elementwiseTiles(root, tileable, extents,
                                 transposedReadLoopOf(root));
      alignPanelTiles(func, root, extents, tiles);
      codegen::setWorkgroupTileSizes(root, tiles);
    });
  }

  /// The contraction's output tiles on the root's loops (through the
  /// root's output map); loops the root cannot tile stay whole.
  SmallVector<int64_t> tilesFromContraction(
      const std::pair<linalg::LinalgOp, llvmcpu::OuterProductLoops> &found,
      TilingInterface root, ArrayRef<bool> tileable) {
    auto outputType = cast<ShapedType>(root->getResult(0).getType());
    SmallVector<int64_t> outputExtents;
    for (int64_t size : outputType.getShape())
      outputExtents.push_back(
          ShapedType::isDynamic(size) ? codegen::kUnknownExtent : size);
    int64_t depth = 1;
    linalg::LinalgOp contraction = found.first;
    SmallVector<int64_t> ranges = contraction.getStaticLoopRanges();
    for (unsigned loop : found.second.reductions)
      depth = ShapedType::isDynamic(ranges[loop])
                  ? codegen::kUnknownExtent
                  : std::min(depth * ranges[loop], codegen::kUnknownExtent);
    // The row loop's dimension in the contraction's output (the root's
    // output has the same shape).
    AffineMap contractionOutput =
        contraction.getMatchingIndexingMap(contraction.getDpsInitOperand(0));
    unsigned rowDim = outputExtents.size() - 2;
    for (auto [dim, expr] : llvm::enumerate(contractionOutput.getResults()))
      if (cast<AffineDimExpr>(expr).getPosition() == found.second.row)
        rowDim = dim;
    auto pad = found.second.lhs->get().getDefiningOp<tensor::PadOp>();
    bool paddedWindow = !found.second.lhsIsVector && pad;
    // The whole padded input's bytes.
    int64_t windowBytes = 0;
    if (pad && pad.getResultType().hasStaticShape())
      windowBytes = std::min<int64_t>(
          pad.getResultType().getNumElements() *
              std::max<int64_t>(
                  1, pad.getResultType().getElementTypeBitWidth() / 8),
          int64_t(1) << 50);
    // The kernel packs B per call (VectorizeContractions' createPackBuffer).
    bool rhsPackedPerCall =
        !found.second.lhsIsVector &&
        llvmcpu::rhsIndexedByReductionsAndColumns(contraction, found.second);
    // The root (the elementwise op after the contraction) reads another
    // tensor of the output's shape element for element: a residual.
    bool addsResidual = false;
    if (auto generic = dyn_cast<linalg::GenericOp>(root.getOperation());
        generic && generic.getOperation() != contraction.getOperation())
      for (OpOperand *input : generic.getDpsInputOperands())
        if (input->get() != contraction->getResult(0) &&
            input->get().getType() == outputType &&
            generic.getMatchingIndexingMap(input).isIdentity())
          addsResidual = true;
    SmallVector<int64_t> outputTiles =
        contractionTiles(outputExtents, rowDim, depth, paddedWindow,
                         rhsPackedPerCall, addsResidual, windowBytes);
    SmallVector<int64_t> tiles(tileable.size(), 0);
    auto linalgRoot = dyn_cast<linalg::LinalgOp>(root.getOperation());
    if (!linalgRoot)
      return tiles;
    AffineMap map = linalgRoot.getIndexingMapMatchingResult(
        cast<OpResult>(root->getResult(0)));
    for (auto [dim, expr] : llvm::enumerate(map.getResults()))
      if (auto loop = dyn_cast<AffineDimExpr>(expr))
        if (tileable[loop.getPosition()])
          tiles[loop.getPosition()] = outputTiles[dim];
    return tiles;
  }
};

} // namespace

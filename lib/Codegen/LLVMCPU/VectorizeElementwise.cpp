//===- VectorizeElementwise.cpp - Elementwise ops as vector loops ---------===//
//
// On buffers, after the contractions: an all-parallel linalg.generic whose
// outputs run contiguously along one loop (their innermost index), and
// whose inputs either run along it the same way or do not depend on it,
// becomes loops over the other loops around a loop over that one in steps
// of vectors: vector loads, the body on vectors, vector stores; the
// columns past the last full vector in one masked vector.
//
// Left to LLVM's loop vectorizer, such an op with a short innermost extent
// (a tile of 16 or 20 channels) was vectorized along an outer loop instead,
// with gathers and scatters: a residual add after a 16-channel convolution
// took 5x its convolution's time. Fills, copies and maps become generics
// first: lowered as loops, each row of a copy was a memcpy call.
//
// An op reading an input across its output's rows (a transpose) takes
// blocks transposed in registers instead (TransposedElementwise.h).
//
// A pooling op (a reduction over a small static window into an output
// that runs contiguously along a parallel loop) becomes the same loops,
// its window's positions unrolled inside the vector loop, each vector of
// the output accumulated in a register. Lowered as loops, the window was
// innermost: scalar maxima, ResNet-50's max pooling 2x ONNX Runtime's time.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/PaddedWindow.h"
#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/LLVMCPU/TransposedElementwise.h"
#include "Codegen/LLVMCPU/VectorBody.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISEPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Vectors per step of the main loop: independent loads and stores in
/// flight.
constexpr int64_t kUnroll = 4;
/// A body of this many ops or more (times its positions) already has that
/// much independent work per vector (a Winograd transform's tile): it is
/// not unrolled, which would only quadruple what LLVM compiles.
constexpr size_t kMaxUnrolledBodyOps = 24;

/// Loops a body reads with linalg.index are unrolled inside the vector
/// loop when their static extents multiply to at most this (a Winograd
/// transform's 36 positions in its tile).
constexpr int64_t kMaxUnrolledPositions = 36;

/// Window positions of a reduction (a pooling window) unrolled inside the
/// vector loop, at most: a 7x7 window.
constexpr int64_t kMaxWindowPositions = 49;

/// Vector reads (operands times the positions they vary over) from which an
/// op's inputs are prefetched ahead: more streams than the hardware's
/// prefetchers follow. A Winograd output transform reads 36 matrices, each
/// in runs of a tile row's 32 channels: ResNet-50's at 56x56, batch 8, took
/// 3.3 ms for 21 MB, three times its memory traffic's time (1.5 ms
/// prefetched; at 28x28 30 % faster).
constexpr int64_t kMinPrefetchedStreams = 16;
/// How far ahead each stream is prefetched, in bytes, at most (half the
/// loop that continues it).
constexpr int64_t kPrefetchAheadBytes = 512;
/// Iterations the loop that continues a stream has at least for it to be
/// prefetched: with 4 (a 14x14 or 7x7 output's tiles) too few were ahead,
/// and those transforms ran 20-50 % slower prefetched.
constexpr int64_t kMinPrefetchedIterations = 6;

/// A buffer read or written as vectors: unit stride along its innermost
/// dimension, not of i1 (a vector of i1 is packed bits, a buffer's i1 one
/// byte each).
bool hasUnitInnerStride(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || type.getRank() == 0 || type.getElementType().isInteger(1))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// How an elementwise op becomes vector loops.
struct ElementwiseMatch {
  /// The loop its vectors run along.
  unsigned column;
  /// Each input's ReadKind.
  SmallVector<llvmcpu::ReadKind> reads;
  /// Loops the body reads with linalg.index (a Winograd transform's
  /// position in its tile, which selects its coefficients): unrolled inside
  /// the vector loop, so that their values are constants (the selects on
  /// them fold, and so do the products by a coefficient 0), and the reads
  /// all positions share are loaded once.
  SmallVector<unsigned> positionLoops;
  /// The reduction loops (a pooling window), unrolled inside the vector
  /// loop; the output's vector accumulates over them in a register.
  SmallVector<unsigned> windowLoops;
};

/// The reduction loops of `op` when they form a window the vector loop
/// can unroll: static, at most kMaxWindowPositions positions in all, and
/// not indexing the outputs, whose values the body accumulates.
std::optional<SmallVector<unsigned>> matchWindow(linalg::GenericOp op) {
  SmallVector<unsigned> window;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t positions = 1;
  for (auto [loop, iterator] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (iterator != utils::IteratorType::reduction)
      continue;
    if (ShapedType::isDynamic(ranges[loop]) || ranges[loop] < 1)
      return std::nullopt;
    positions *= ranges[loop];
    if (positions > kMaxWindowPositions)
      return std::nullopt;
    window.push_back(loop);
  }
  if (op.getNumDpsInits() != 1)
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap map = op.getMatchingIndexingMap(init);
  if (!map.isProjectedPermutation() || llvm::any_of(window, [&](unsigned loop) {
        return map.isFunctionOfDim(loop);
      }))
    return std::nullopt;
  return window;
}

/// How `op` becomes vector loops, when it can.
std::optional<ElementwiseMatch> matchElementwise(linalg::GenericOp op,
                                                 int64_t width) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0)
    return std::nullopt;
  SmallVector<unsigned> windowLoops;
  if (op.getNumParallelLoops() != op.getNumLoops()) {
    std::optional<SmallVector<unsigned>> window = matchWindow(op);
    if (!window)
      return std::nullopt;
    windowLoops = std::move(*window);
  }
  std::optional<unsigned> innermost = llvmcpu::innermostLoop(
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  if (!innermost)
    return std::nullopt;
  unsigned column = *innermost;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<unsigned> positionLoops;
  int64_t positions = 1;
  if (llvm::is_contained(windowLoops, column))
    return std::nullopt;
  for (linalg::IndexOp index : op.getBody()->getOps<linalg::IndexOp>()) {
    unsigned loop = index.getDim();
    if (loop == column || ShapedType::isDynamic(ranges[loop]) ||
        llvm::is_contained(windowLoops, loop))
      return std::nullopt;
    if (llvm::is_contained(positionLoops, loop))
      continue;
    positionLoops.push_back(loop);
    positions *= ranges[loop];
    if (positions > kMaxUnrolledPositions)
      return std::nullopt;
  }
  llvm::sort(positionLoops);
  if (!llvmcpu::isVectorizableBody(op, positionLoops))
    return std::nullopt;
  // Narrower than half a vector: the masked lanes would cost more than
  // LLVM's scalar loop.
  int64_t extent = ranges[column];
  if (!ShapedType::isDynamic(extent) && extent * 2 < width)
    return std::nullopt;
  // A window's output is its accumulator: the body reads it.
  for (OpOperand &init : op.getDpsInitsMutable())
    if (op.payloadUsesValueFromOperand(&init) != !windowLoops.empty() ||
        llvmcpu::readKind(op.getMatchingIndexingMap(&init), column) !=
            llvmcpu::ReadKind::Vector ||
        !hasUnitInnerStride(init.get()))
      return std::nullopt;
  SmallVector<llvmcpu::ReadKind> reads;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!isa<ShapedType>(input->get().getType())) {
      reads.push_back(llvmcpu::ReadKind::Broadcast);
      continue;
    }
    std::optional<llvmcpu::ReadKind> kind =
        llvmcpu::readKind(op.getMatchingIndexingMap(input), column);
    if (!kind || (*kind == llvmcpu::ReadKind::Vector &&
                  !hasUnitInnerStride(input->get())))
      return std::nullopt;
    reads.push_back(*kind);
  }
  return ElementwiseMatch{column, std::move(reads), std::move(positionLoops),
                          std::move(windowLoops)};
}

class ElementwiseEmitter {
public:
  ElementwiseEmitter(linalg::GenericOp op, const ElementwiseMatch &match,
                     int64_t width)
      : op(op), column(match.column), reads(match.reads),
        positionLoops(match.positionLoops), windowLoops(match.windowLoops),
        width(width), b(op), loc(op.getLoc()) {}

  void emit() {
    // A pooling op reads its padded input through the pad, not from the
    // window's copy (a third of ResNet-50's max pooling was the copy).
    if (!windowLoops.empty())
      for (OpOperand *input : op.getDpsInputOperands())
        if (op.payloadUsesValueFromOperand(input))
          if (auto window = llvmcpu::matchPaddedWindow(input->get(), op);
              window && !window->offsets.back()) {
            padded = std::move(window);
            paddedInput = input;
            paddedSource = padded->sourceSlice
                               ? b.clone(*padded->sourceSlice)->getResult(0)
                               : padded->source;
            break;
          }
    SmallVector<Value> sizes;
    for (Range range :
         cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc))
      sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    SmallVector<Value> lbs, ubs, steps;
    SmallVector<unsigned> outer;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    for (unsigned loop = 0; loop < sizes.size(); ++loop) {
      if (loop == column || llvm::is_contained(positionLoops, loop) ||
          llvm::is_contained(windowLoops, loop))
        continue;
      outer.push_back(loop);
      lbs.push_back(zero);
      ubs.push_back(sizes[loop]);
      steps.push_back(one);
    }
    Value n = sizes[column];
    scf::buildLoopNest(
        b, loc, lbs, ubs, steps,
        [&](OpBuilder &nested, Location, ValueRange outerIvs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          ivs.assign(sizes.size(), Value());
          for (auto [loop, iv] : llvm::zip(outer, outerIvs))
            ivs[loop] = iv;
          Value vectors = roundDown(n, width);
          Value unrolled = zero;
          int64_t bodyOps = op.getBody()->getOperations().size();
          for (unsigned loop : positionLoops)
            bodyOps *= op.getStaticLoopRanges()[loop];
          for (unsigned loop : windowLoops)
            bodyOps *= op.getStaticLoopRanges()[loop];
          if (bodyOps < static_cast<int64_t>(kMaxUnrolledBodyOps)) {
            unrolled = roundDown(n, kUnroll * width);
            buildFor(zero, unrolled, kUnroll * width, [&](Value j) {
              for (int64_t u = 0; u < kUnroll; ++u)
                emitVector(add(j, u * width));
            });
          }
          buildFor(unrolled, vectors, width, [&](Value j) { emitVector(j); });
          std::optional<int64_t> staticN = getConstantIntValue(n);
          if (!staticN || *staticN % width != 0)
            emitMaskedTail(n, vectors);
        });
    op->erase();
    if (padded)
      llvmcpu::dropPaddedWindow(b, loc, *padded, paddedSource);
  }

private:
  /// The body on the vector of columns from `j` (masked to columnMask), at
  /// every position of the position loops: all loads and bodies first, then
  /// the stores, so that reads the positions share are loaded once (CSE).
  void emitVector(Value j) {
    ivs[column] = j;
    if (!windowLoops.empty()) {
      emitWindowVector();
      return;
    }
    SmallVector<std::tuple<Value, Value, SmallVector<Value>>> stores;
    DenseMap<unsigned, Value> shared;
    SmallVector<int64_t> extents;
    int64_t positions = 1;
    for (unsigned loop : positionLoops) {
      extents.push_back(op.getStaticLoopRanges()[loop]);
      positions *= extents.back();
    }
    for (int64_t position = 0; position < positions; ++position) {
      SmallVector<Value> loopValues;
      if (!positionLoops.empty())
        loopValues.assign(ivs.size(), Value());
      int64_t rest = position;
      for (int index = positionLoops.size() - 1; index >= 0; --index) {
        Value value =
            arith::ConstantIndexOp::create(b, loc, rest % extents[index]);
        rest /= extents[index];
        ivs[positionLoops[index]] = value;
        loopValues[positionLoops[index]] = value;
      }
      emitBody(loopValues, stores, shared);
    }
    for (auto &[result, memref, at] : stores) {
      if (columnMask)
        vector::MaskedStoreOp::create(b, loc, memref, at, columnMask, result);
      else
        vector::StoreOp::create(b, loc, result, memref, at);
    }
    // What the folds left unused (a coefficient 0's product), gone before
    // the later passes walk it.
    if (positions > 1)
      eraseDeadOpsBefore(b.getInsertionBlock(), b.getInsertionPoint());
  }

  /// The output's vector at ivs (its column `ivs[column]`) accumulated over
  /// every position of the window, in window order (each element's
  /// reduction order stays the loops'), then stored once.
  void emitWindowVector() {
    OpOperand *init = op.getDpsInitOperand(0);
    SmallVector<Value> at = indices(op.getMatchingIndexingMap(init));
    Value accumulator =
        llvmcpu::loadVector(b, loc, init->get(), at, width, columnMask);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<int64_t> extents;
    int64_t positions = 1;
    for (unsigned loop : windowLoops) {
      extents.push_back(ranges[loop]);
      positions *= extents.back();
    }
    for (int64_t position = 0; position < positions; ++position) {
      int64_t rest = position;
      for (int index = windowLoops.size() - 1; index >= 0; --index) {
        ivs[windowLoops[index]] =
            arith::ConstantIndexOp::create(b, loc, rest % extents[index]);
        rest /= extents[index];
      }
      SmallVector<Value> inputs;
      for (auto [input, read] : llvm::zip(op.getDpsInputOperands(), reads)) {
        Value value = input->get();
        // A pooling op's window operand only gives the window its shape.
        if (!isa<ShapedType>(value.getType()) ||
            !op.payloadUsesValueFromOperand(input)) {
          inputs.push_back(value);
          continue;
        }
        SmallVector<Value> where = indices(op.getMatchingIndexingMap(input));
        if (input == paddedInput) {
          inputs.push_back(llvmcpu::loadThroughPad(
              b, loc, *padded, paddedSource, where, width, columnMask));
          continue;
        }
        inputs.push_back(load(value, read, where));
      }
      inputs.push_back(accumulator);
      accumulator = llvmcpu::cloneBodyOnVectors(b, op, inputs, width, {})[0];
    }
    if (columnMask)
      vector::MaskedStoreOp::create(b, loc, init->get(), at, columnMask,
                                    accumulator);
    else
      vector::StoreOp::create(b, loc, accumulator, init->get(), at);
  }

  /// Erases the trivially dead ops before `end` in `block`, last first.
  static void eraseDeadOpsBefore(Block *block, Block::iterator end) {
    Operation *candidate = end == block->begin() ? nullptr : &*std::prev(end);
    while (candidate) {
      Operation *previous = candidate->getPrevNode();
      if (isOpTriviallyDead(candidate))
        candidate->erase();
      candidate = previous;
    }
  }

  /// The body at the loop values `ivs` (`loopValues`: the position loops'),
  /// its results and where they go appended to `stores`.
  /// Inputs no position loop indexes are loaded once, at the first
  /// position (`shared` holds them, by operand number).
  void
  emitBody(ArrayRef<Value> loopValues,
           SmallVector<std::tuple<Value, Value, SmallVector<Value>>> &stores,
           DenseMap<unsigned, Value> &shared) {
    SmallVector<Value> inputs;
    for (auto [input, read] : llvm::zip(op.getDpsInputOperands(), reads)) {
      Value value = input->get();
      if (!isa<ShapedType>(value.getType())) {
        inputs.push_back(value);
        continue;
      }
      AffineMap map = op.getMatchingIndexingMap(input);
      bool positionFree = llvm::none_of(positionLoops, [&](unsigned loop) {
        return map.isFunctionOfDim(loop);
      });
      if (positionFree) {
        if (Value loaded = shared.lookup(input->getOperandNumber())) {
          inputs.push_back(loaded);
          continue;
        }
      }
      inputs.push_back(load(value, read, indices(map)));
      if (read == llvmcpu::ReadKind::Vector && !columnMask)
        prefetchAhead(value, map);
      if (positionFree)
        shared[input->getOperandNumber()] = inputs.back();
    }
    SmallVector<Value> results =
        llvmcpu::cloneBodyOnVectors(b, op, inputs, width, loopValues);
    for (auto [init, result] : llvm::zip(op.getDpsInitsMutable(), results))
      stores.emplace_back(result, init.get(),
                          indices(op.getMatchingIndexingMap(&init)));
  }

  /// Whether the op's vector reads are prefetched (kMinPrefetchedStreams).
  bool prefetchesInputs() {
    if (prefetching)
      return *prefetching;
    int64_t streams = 0;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (auto [input, read] : llvm::zip(op.getDpsInputOperands(), reads)) {
      if (read != llvmcpu::ReadKind::Vector)
        continue;
      int64_t count = 1;
      AffineMap map = op.getMatchingIndexingMap(input);
      for (unsigned loop : positionLoops)
        if (map.isFunctionOfDim(loop))
          count *= ranges[loop];
      streams += count;
    }
    prefetching = windowLoops.empty() && streams >= kMinPrefetchedStreams;
    return *prefetching;
  }

  /// Prefetches `value` (read through `map` at the current loop values)
  /// where a later iteration of an outer loop reads it: the loop that
  /// indexes `value`'s next-to-innermost dimension, which with the
  /// innermost one whole (its run of columns) continues the same stretch of
  /// memory. Clamped to the loop's last iteration, within the buffer.
  void prefetchAhead(Value value, AffineMap map) {
    if (!prefetchesInputs() || map.getNumResults() < 2)
      return;
    auto type = dyn_cast<MemRefType>(value.getType());
    auto next = dyn_cast<AffineDimExpr>(map.getResult(map.getNumResults() - 2));
    if (!type || !next)
      return;
    unsigned loop = next.getPosition();
    SmallVector<int64_t> strides;
    int64_t offset, rank = type.getRank();
    int64_t run = type.getDimSize(rank - 1);
    int64_t extent = op.getStaticLoopRanges()[loop];
    if (loop == column || llvm::is_contained(positionLoops, loop) ||
        failed(type.getStridesAndOffset(strides, offset)) ||
        ShapedType::isDynamic(run) || strides[rank - 2] != run ||
        ShapedType::isDynamic(extent) || extent < kMinPrefetchedIterations)
      return;
    int64_t runBytes = run * type.getElementTypeBitWidth() / 8;
    int64_t ahead = std::clamp<int64_t>(
        kPrefetchAheadBytes / std::max<int64_t>(runBytes, 1), 1, extent - 1);
    Value current = ivs[loop];
    AffineExpr d0 = getAffineDimExpr(0, b.getContext());
    ivs[loop] = getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineMin(
            b, loc,
            AffineMap::get(1, 0,
                           {d0 + ahead, b.getAffineConstantExpr(extent - 1)},
                           b.getContext()),
            {OpFoldResult(current)}));
    memref::PrefetchOp::create(b, loc, value, indices(map), /*isWrite=*/false,
                               /*localityHint=*/3, /*isDataCache=*/true);
    ivs[loop] = current;
  }

  /// `value`'s element (Broadcast) or vector at `at`, masked to columnMask.
  Value load(Value value, llvmcpu::ReadKind read, ArrayRef<Value> at) {
    if (read == llvmcpu::ReadKind::Broadcast)
      return memref::LoadOp::create(b, loc, value, at);
    return llvmcpu::loadVector(b, loc, value, at, width, columnMask);
  }

  /// The columns past the last full vector, in one masked vector.
  void emitMaskedTail(Value n, Value start) {
    OpBuilder::InsertionGuard guard(b);
    columnMask = llvmcpu::beginColumnTail(b, loc, n, start, width);
    emitVector(start);
    columnMask = Value();
  }

  SmallVector<Value> indices(AffineMap map) {
    return llvmcpu::applyMapAt(b, loc, map, ivs);
  }

  Value roundDown(Value value, int64_t multiple) {
    AffineExpr s0 = getAffineSymbolExpr(0, b.getContext());
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, (s0.floorDiv(multiple)) * multiple, {OpFoldResult(value)}));
  }

  Value add(Value value, int64_t constant) {
    if (constant == 0)
      return value;
    return arith::AddIOp::create(
        b, loc, value, arith::ConstantIndexOp::create(b, loc, constant));
  }

  void buildFor(Value lb, Value ub, int64_t step,
                function_ref<void(Value)> body) {
    Value stepValue = arith::ConstantIndexOp::create(b, loc, step);
    auto loop = scf::ForOp::create(b, loc, lb, ub, stepValue);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(loop.getInductionVar());
  }

  linalg::GenericOp op;
  unsigned column;
  ArrayRef<llvmcpu::ReadKind> reads;
  ArrayRef<unsigned> positionLoops;
  ArrayRef<unsigned> windowLoops;
  int64_t width;
  OpBuilder b;
  Location loc;
  /// prefetchesInputs' answer, once known.
  std::optional<bool> prefetching;
  /// The loops' values at the vector being emitted.
  SmallVector<Value> ivs;
  /// While the masked tail is emitted: its lanes.
  Value columnMask;
  /// A pooling op's padded input read through the pad: the window, the
  /// operand and the source read instead.
  std::optional<llvmcpu::PaddedWindow> padded;
  OpOperand *paddedInput = nullptr;
  Value paddedSource;
};

struct VectorizeElementwisePass
    : public tessera::llvmcpu::impl::VectorizeElementwisePassBase<
          VectorizeElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    int64_t width = llvmcpu::vectorWidthFor(getOperation(), vectorWidth);
    IRRewriter rewriter(&getContext());
    // Pooling ops first, while the fills and the copy that build a padded
    // window they read are still those ops (matchPaddedWindow).
    SmallVector<linalg::LinalgOp> pooling;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp,
              linalg::PoolingNhwcSumOp>(op) &&
          op.hasPureBufferSemantics())
        pooling.push_back(op);
    });
    for (linalg::LinalgOp op : pooling) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generic))
        continue;
      if (auto match = matchElementwise(*generic, width))
        ElementwiseEmitter(*generic, *match, width).emit();
    }
    // Fills, copies, maps and transposes left on buffers (a padded
    // window's zeros and the copy of its interior) as generics: lowered as
    // loops, LLVM made each row of a copy a memcpy call.
    SmallVector<linalg::LinalgOp> named;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::FillOp, linalg::CopyOp, linalg::MapOp,
              linalg::TransposeOp>(op) &&
          op.hasPureBufferSemantics())
        named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    for (linalg::GenericOp op : generics) {
      if (auto match = matchElementwise(op, width))
        ElementwiseEmitter(op, *match, width).emit();
      else
        llvmcpu::vectorizeTransposedElementwise(op, width);
    }
  }
};

} // namespace

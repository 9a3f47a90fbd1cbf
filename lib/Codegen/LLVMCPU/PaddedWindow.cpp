//===- PaddedWindow.cpp ---------------------------------------------------===//

#include "Codegen/LLVMCPU/PaddedWindow.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace mlir::tessera::llvmcpu {

namespace {

/// Whether `value` is available before `op` (not defined inside it).
bool definedOutside(Value value, Operation *op) {
  Operation *owner = value.getParentBlock()->getParentOp();
  return !(op == owner || op->isAncestor(owner));
}

/// The constant a fill or a constant-yielding map writes to all of its
/// output, or null.
Value filledValue(Operation *op) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.getInputs()[0];
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.getInputs().empty())
    return Value();
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  Value yielded = yield.getOperand(0);
  return definedOutside(yielded, map) ? yielded : Value();
}

/// Whether the pad constants `a` and `b` are the same value.
bool samePad(Value a, Value b) {
  if (a == b)
    return true;
  Attribute x, y;
  return matchPattern(a, m_Constant(&x)) && matchPattern(b, m_Constant(&y)) &&
         x == y;
}

/// `value` seen through subviews and casts: the memref it views.
Value rootOfViews(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    value = view.getViewSource();
  }
  return value;
}

/// The window `alloc` is, when every use is a fill of `pad` (directly or
/// through a subview) or the one copy into `interior`, besides `reader`
/// and memref.dim when given; the fills, the copy and their subviews are
/// appended to `writes`.
bool onlyPadAndCopy(memref::AllocaOp alloc, Value &pad,
                    memref::SubViewOp &interior, linalg::CopyOp &copy,
                    Operation *reader = nullptr,
                    SmallVectorImpl<Operation *> *writes = nullptr) {
  auto checkFill = [&](Operation *user) {
    Value value = filledValue(user);
    if (!value)
      return false;
    if (pad && !samePad(pad, value))
      return false;
    pad = value;
    return true;
  };
  auto wrote = [&](Operation *op) {
    if (writes)
      writes->push_back(op);
  };
  for (Operation *user : alloc->getUsers()) {
    if (isa<scf::YieldOp>(user) ||
        (reader && (user == reader || isa<memref::DimOp>(user))))
      continue;
    if (auto subview = dyn_cast<memref::SubViewOp>(user)) {
      if (!subview->hasOneUse())
        return false;
      Operation *writer = *subview->getUsers().begin();
      if (auto c = dyn_cast<linalg::CopyOp>(writer)) {
        if (copy || c.getOutputs()[0] != subview.getResult())
          return false;
        copy = c;
        interior = subview;
      } else if (!checkFill(writer)) {
        return false;
      }
      wrote(writer);
      wrote(subview);
      continue;
    }
    if (!checkFill(user))
      return false;
    wrote(user);
  }
  return true;
}

/// Where the window's interior (`interior`, of the window `alloc`) lies
/// in each dimension, into `window`; false when a bound is defined inside
/// `anchor` or the interior is strided.
bool recordInterior(PaddedWindow &window, memref::AllocaOp alloc,
                    memref::SubViewOp interior, Operation *anchor) {
  auto windowType = cast<MemRefType>(alloc.getType());
  unsigned rank = windowType.getRank();
  if (cast<MemRefType>(window.source.getType()).getRank() != rank ||
      !interior.hasUnitStride())
    return false;
  for (unsigned dim = 0; dim < rank; ++dim) {
    OpFoldResult offset = interior.getMixedOffsets()[dim];
    OpFoldResult size = interior.getMixedSizes()[dim];
    // Whole: from 0, the window's own extent.
    bool whole = isConstantIntValue(offset, 0);
    if (whole) {
      if (windowType.isDynamicDim(dim))
        whole =
            size ==
            OpFoldResult(
                alloc.getDynamicSizes()[windowType.getDynamicDimIndex(dim)]);
      else
        whole = isConstantIntValue(size, windowType.getDimSize(dim));
    }
    if (whole) {
      window.offsets.push_back(OpFoldResult());
      window.sizes.push_back(OpFoldResult());
      continue;
    }
    for (OpFoldResult bound : {offset, size})
      if (auto v = dyn_cast<Value>(bound); v && !definedOutside(v, anchor))
        return false;
    window.offsets.push_back(offset);
    window.sizes.push_back(size);
  }
  return true;
}

/// The plain window: an alloca the reader reads, its border filled and its
/// interior copied just before in the reader's block (a tile that takes
/// the whole padded extent needs no scf.if for an empty slice).
std::optional<PaddedWindow> matchPlainWindow(memref::AllocaOp alloc,
                                             Operation *reader) {
  Value pad;
  memref::SubViewOp interior;
  linalg::CopyOp copy;
  SmallVector<Operation *> writes;
  if (!reader || !onlyPadAndCopy(alloc, pad, interior, copy, reader, &writes) ||
      !copy || !pad)
    return std::nullopt;
  for (Operation *write : writes)
    if (write->getBlock() != reader->getBlock() ||
        !write->isBeforeInBlock(reader))
      return std::nullopt;
  // The reader reads the source where the window held its copy: nothing
  // between the copy and the reader may write the source's memory (the
  // output's init fill may be there).
  Value source = rootOfViews(copy.getInputs()[0]);
  for (Operation *op = copy->getNextNode(); op && op != reader;
       op = op->getNextNode()) {
    if (llvm::is_contained(writes, op) ||
        !mightHaveEffect<MemoryEffects::Write>(op))
      continue;
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return std::nullopt;
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &effect : instances)
      if (isa<MemoryEffects::Write>(effect.getEffect()) &&
          (!effect.getValue() || rootOfViews(effect.getValue()) == source))
        return std::nullopt;
  }
  PaddedWindow window;
  window.window = alloc;
  window.writes = std::move(writes);
  window.padValue = pad;
  window.source = copy.getInputs()[0];
  if (!recordInterior(window, alloc, interior, alloc))
    return std::nullopt;
  return window;
}

} // namespace

std::optional<PaddedWindow> matchPaddedWindow(Value value, Operation *reader) {
  if (auto alloc = value.getDefiningOp<memref::AllocaOp>())
    return matchPlainWindow(alloc, reader);
  auto ifOp = value.getDefiningOp<scf::IfOp>();
  if (!ifOp || ifOp->getNumResults() != 1 || ifOp.getElseRegion().empty())
    return std::nullopt;
  auto thenAlloc =
      ifOp.thenYield().getOperand(0).getDefiningOp<memref::AllocaOp>();
  auto elseAlloc =
      ifOp.elseYield().getOperand(0).getDefiningOp<memref::AllocaOp>();
  if (!thenAlloc || !elseAlloc)
    return std::nullopt;
  Value pad, thenPad;
  memref::SubViewOp interior, none;
  linalg::CopyOp copy, noCopy;
  if (!onlyPadAndCopy(elseAlloc, pad, interior, copy) || !copy ||
      !onlyPadAndCopy(thenAlloc, thenPad, none, noCopy) || noCopy || !thenPad ||
      !pad || !samePad(pad, thenPad) || !definedOutside(pad, ifOp))
    return std::nullopt;

  PaddedWindow window;
  window.window = ifOp;
  window.padValue = pad;
  Value source = copy.getInputs()[0];
  window.source = source;
  if (!definedOutside(source, ifOp)) {
    auto slice = source.getDefiningOp<memref::SubViewOp>();
    if (!slice || slice->getBlock() != elseAlloc->getBlock())
      return std::nullopt;
    for (Value operand : slice->getOperands())
      if (!definedOutside(operand, ifOp))
        return std::nullopt;
    window.sourceSlice = slice;
  }
  if (!recordInterior(window, elseAlloc, interior, ifOp))
    return std::nullopt;
  return window;
}

SmallVector<Value> sourceIndex(OpBuilder &builder, Location loc,
                               const PaddedWindow &window, ValueRange where,
                               Value *inside) {
  SmallVector<Value> at;
  for (auto [index, offset, size] :
       llvm::zip(where, window.offsets, window.sizes)) {
    if (!offset) {
      at.push_back(index);
      continue;
    }
    Value relative = arith::SubIOp::create(
        builder, loc, index,
        getValueOrCreateConstantIndexOp(builder, loc, offset));
    at.push_back(relative);
    if (!inside)
      continue;
    Value ok = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, relative,
        getValueOrCreateConstantIndexOp(builder, loc, size));
    *inside = *inside ? arith::AndIOp::create(builder, loc, *inside, ok) : ok;
  }
  return at;
}

Value loadThroughPad(OpBuilder &builder, Location loc,
                     const PaddedWindow &window, Value source, ValueRange where,
                     int64_t width, Value columnMask, bool check) {
  Value inside;
  SmallVector<Value> at =
      sourceIndex(builder, loc, window, where, check ? &inside : nullptr);
  auto type = VectorType::get(
      {width}, cast<MemRefType>(source.getType()).getElementType());
  if (!inside && !columnMask)
    return vector::LoadOp::create(builder, loc, type, source, at);
  auto maskType = VectorType::get({width}, builder.getI1Type());
  Value mask = inside
                   ? vector::BroadcastOp::create(builder, loc, maskType, inside)
                   : columnMask;
  if (inside && columnMask)
    mask = arith::AndIOp::create(builder, loc, mask, columnMask);
  Value pad = vector::BroadcastOp::create(builder, loc, type, window.padValue);
  return vector::MaskedLoadOp::create(builder, loc, type, source, at, mask,
                                      pad);
}

std::pair<Value, Value> padValueViews(OpBuilder &builder, Location loc,
                                      const PaddedWindow &window, Value source,
                                      int64_t maxPadElements) {
  auto type = dyn_cast<MemRefType>(source.getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
      type.getShape().back() > maxPadElements ||
      (!type.getLayout().isIdentity() &&
       !isa<StridedLayoutAttr>(type.getLayout())))
    return {};
  int64_t rank = type.getRank();
  int64_t inner = type.getShape().back();
  auto bufferType = MemRefType::get({inner}, type.getElementType());
  Value buffer = memref::AllocaOp::create(builder, loc, bufferType,
                                          builder.getI64IntegerAttr(64));
  linalg::FillOp::create(builder, loc, window.padValue, buffer);
  SmallVector<int64_t> strides(rank, 0);
  strides.back() = 1;
  auto padType =
      MemRefType::get(type.getShape(), type.getElementType(),
                      StridedLayoutAttr::get(builder.getContext(), 0, strides));
  Value padView = memref::ReinterpretCastOp::create(
      builder, loc, padType, buffer, 0, type.getShape(), strides);
  auto dynamicType = MemRefType::get(
      type.getShape(), type.getElementType(),
      StridedLayoutAttr::get(builder.getContext(), ShapedType::kDynamic,
                             SmallVector<int64_t>(rank, ShapedType::kDynamic)));
  return {memref::CastOp::create(builder, loc, dynamicType, source),
          memref::CastOp::create(builder, loc, dynamicType, padView)};
}

Value loadElementThroughPad(OpBuilder &builder, Location loc,
                            const PaddedWindow &window, Value sourceView,
                            Value padView, ValueRange where, bool check) {
  Value inside;
  SmallVector<Value> at =
      sourceIndex(builder, loc, window, where, check ? &inside : nullptr);
  if (!inside)
    return memref::LoadOp::create(builder, loc, sourceView, at);
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  for (auto [index, offset] : llvm::zip(at, window.offsets))
    if (offset)
      index = arith::SelectOp::create(builder, loc, inside, index, zero);
  Value view =
      arith::SelectOp::create(builder, loc, inside, sourceView, padView);
  return memref::LoadOp::create(builder, loc, view, at);
}

void dropPaddedWindow(OpBuilder &builder, Location loc,
                      const PaddedWindow &window, Value source) {
  Operation *windowOp = window.window;
  // A plain window's fills and copy (each before its subview) go first.
  for (Operation *write : window.writes)
    write->erase();
  for (Operation *user : llvm::make_early_inc_range(windowOp->getUsers())) {
    auto dim = dyn_cast<memref::DimOp>(user);
    std::optional<int64_t> index =
        dim ? dim.getConstantIndex() : std::optional<int64_t>();
    if (!index)
      continue;
    if (dim->use_empty()) {
      dim->erase();
      continue;
    }
    if (window.offsets[*index])
      continue;
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(dim);
    dim.replaceAllUsesWith(
        memref::DimOp::create(builder, loc, source, *index).getResult());
    dim->erase();
  }
  if (windowOp->use_empty())
    windowOp->erase();
}

} // namespace mlir::tessera::llvmcpu

//===- PaddedWindow.h - A pad fused into a dispatch, on buffers -*- C++ -*-===//
//
// A tensor.pad fused into a convolution's dispatch bufferizes into a
// window: a stack buffer filled with the pad value, the source's slice
// copied into its interior (and, where the slice is empty, a window of pad
// value only, behind an scf.if; no scf.if when the tile takes the whole
// padded extent, as batch 8's 14x14 depthwise tiles do). A kernel can instead
// read the source where an index falls in the interior and take the pad value
// elsewhere, which saves writing and reading the whole window: the copy is most
// of a depthwise convolution's memory traffic.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_PADDEDWINDOW_H
#define TESSERA_CODEGEN_LLVMCPU_PADDEDWINDOW_H

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::tessera::llvmcpu {

struct PaddedWindow {
  /// The scf.if that yields the window, or the window itself (a plain
  /// alloca, when the tile takes the whole padded extent).
  Operation *window = nullptr;
  /// A plain window's fills, copy and their subviews, each before its
  /// subview (erased in this order).
  SmallVector<Operation *> writes;
  /// What is copied into the interior: defined before the scf.if, or a
  /// subview inside its else branch (`sourceSlice`, whose operands are
  /// defined before it) that the reader clones.
  Value source;
  Operation *sourceSlice = nullptr;
  /// Per window dimension: where the interior starts and its extent; null
  /// for a dimension the interior covers whole.
  SmallVector<OpFoldResult> offsets, sizes;
  /// What the window holds outside the interior.
  Value padValue;
};

/// The window `value` is, when it has that form exactly: every other write
/// to it is a fill (or map) with one pad value, and everything the source
/// slice and the interior's bounds depend on is defined before the scf.if.
/// A plain alloca `reader` reads is one too when its fills and copy come
/// just before `reader`, in its block.
std::optional<PaddedWindow> matchPaddedWindow(Value value,
                                              Operation *reader = nullptr);

/// `where` (an index of the window) as an index of the source, relative to
/// the interior's start. With `inside`, also ANDs into *inside whether each
/// dimension with an interior offset falls in the interior (below it, the
/// difference wraps around to a large unsigned value).
SmallVector<Value> sourceIndex(OpBuilder &builder, Location loc,
                               const PaddedWindow &window, ValueRange where,
                               Value *inside);

/// A vector of `width` elements of the window at `where` (running along its
/// innermost dimension, which the interior covers whole) read from
/// `source` (window.source, or its clone): the source's where `where` is
/// in the interior, the pad value elsewhere and outside `columnMask`.
/// Unchecked (`check` false): the caller knows `where` is inside.
Value loadThroughPad(OpBuilder &builder, Location loc,
                     const PaddedWindow &window, Value source, ValueRange where,
                     int64_t width, Value columnMask, bool check = true);

/// Views for reading the window's elements through the pad: `source`,
/// and a view of the pad value of the same shape (a buffer of the source's
/// innermost extent, filled with it, every outer stride 0), both cast to one
/// type with dynamic strides, so that a select picks either per element.
/// Null when the source's shape is not static or its innermost extent
/// exceeds `maxPadElements`.
std::pair<Value, Value> padValueViews(OpBuilder &builder, Location loc,
                                      const PaddedWindow &window, Value source,
                                      int64_t maxPadElements);

/// One element of the window at `where`: from `sourceView` where `where` is
/// in the interior, else from `padView` (padValueViews'), at index 0 of
/// every padded dimension in both. The check and the select of the view
/// depend on the padded dimensions only; a loop over the others (a
/// convolution's channels) reads by address, with no select of its own.
/// Unchecked (`check` false): the caller knows `where` is inside.
Value loadElementThroughPad(OpBuilder &builder, Location loc,
                            const PaddedWindow &window, Value sourceView,
                            Value padView, ValueRange where, bool check = true);

/// Once nothing reads the window but memref.dim: those of dimensions the
/// interior covers whole read `source`'s instead, the unused ones go, and
/// the window goes when nothing uses it.
void dropPaddedWindow(OpBuilder &builder, Location loc,
                      const PaddedWindow &window, Value source);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_PADDEDWINDOW_H

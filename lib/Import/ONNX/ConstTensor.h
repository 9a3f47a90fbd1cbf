//===- ConstTensor.h - Tensor contents known while importing --*- C++ -*-===//
//
// An ONNX initializer, a Constant node or a value folded from them, held on
// the host: weights become module constants from it (permuted first where
// the compiler picks another layout), and shape computations (Shape,
// Gather, Concat, ... on small integer tensors) are evaluated with it
// instead of becoming dispatches.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_IMPORT_ONNX_CONSTTENSOR_H
#define TESSERA_IMPORT_ONNX_CONSTTENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace mlir::tessera::onnx_import {

/// The element types the importer handles, by ONNX's TensorProto code.
enum class ElementKind { F32, F64, F16, I64, I32, I16, I8, U8, Bool };

/// Bytes per element of `kind` (Bool: 1).
unsigned elementBytes(ElementKind kind);
bool isFloat(ElementKind kind);
/// ONNX's TensorProto::DataType code -> kind, if handled.
std::optional<ElementKind> elementKindFromONNX(int32_t dataType);
const char *elementKindName(ElementKind kind);

/// Dense, row-major contents; every dim static.
class ConstTensor {
public:
  ConstTensor(ElementKind kind, llvm::SmallVector<int64_t> shape);

  /// Decodes an initializer or a Constant's tensor. `modelDir` resolves
  /// external data (paths inside that directory only).
  static llvm::Expected<ConstTensor> fromProto(const onnx::TensorProto &proto,
                                               llvm::StringRef modelDir);
  static ConstTensor fromInts(ElementKind kind, llvm::ArrayRef<int64_t> values,
                              llvm::SmallVector<int64_t> shape);
  static ConstTensor fromDoubles(ElementKind kind,
                                 llvm::ArrayRef<double> values,
                                 llvm::SmallVector<int64_t> shape);
  static ConstTensor splat(ElementKind kind, double value,
                           llvm::SmallVector<int64_t> shape);

  ElementKind kind() const { return kind_; }
  llvm::ArrayRef<int64_t> shape() const { return shape_; }
  int64_t rank() const { return shape_.size(); }
  int64_t size() const { return count; }
  llvm::ArrayRef<char> bytes() const { return *data; }
  bool isSplat() const;

  /// Element `i` (row-major) read as an integer (floats truncated) or as a
  /// double.
  int64_t getInt(int64_t i) const;
  double getDouble(int64_t i) const;
  std::vector<int64_t> ints() const;

  /// The same bytes under another shape of equal element count.
  ConstTensor reshaped(llvm::SmallVector<int64_t> shape) const;
  /// result[i...] = this[perm applied]: result dim k is this dim perm[k].
  ConstTensor transposed(llvm::ArrayRef<int64_t> perm) const;
  /// A tensor of `shape` whose element i is this one's element
  /// `sourceIndex(i)` (row-major): slices, gathers, broadcasts.
  ConstTensor select(llvm::SmallVector<int64_t> shape,
                     llvm::function_ref<int64_t(int64_t)> sourceIndex) const;
  /// Converted element by element (ONNX Cast semantics: float -> int
  /// truncates).
  ConstTensor cast(ElementKind to) const;

private:
  void setInt(int64_t i, int64_t value);
  void setDouble(int64_t i, double value);

  ElementKind kind_;
  llvm::SmallVector<int64_t> shape_;
  int64_t count = 1;
  // Shared: reshapes and copies of a 100 MB weight do not copy it.
  std::shared_ptr<std::vector<char>> data;
  friend class ConstTensorBuilder;
};

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);
/// Product of `shape`, or nullopt on overflow past 2^62 / a negative dim.
std::optional<int64_t> elementCount(llvm::ArrayRef<int64_t> shape);

} // namespace mlir::tessera::onnx_import

#endif // TESSERA_IMPORT_ONNX_CONSTTENSOR_H

//===- GraphImporter.h - One ONNX graph as one function -------*- C++ -*-===//
//
// Walks the graph's nodes in order and asks the converter of each op type
// (OpConverters.h) to emit it; the converters share what this class keeps:
// the value of every tensor name, its contents when known (ConstTensor:
// initializers and folded shape computations), and its layout.
//
// Layout: the compiler's kernels want channels last, ONNX speaks NCHW. A
// rank-4 value produced by a convolution or a pooling stays NHWC ("nhwc":
// its MLIR type is the logical shape permuted [0, 2, 3, 1]); element-wise
// ops, concatenation along channels and per-channel normalization keep it
// so, and any other op gets the logical layout back through one transpose
// (a reshape where H = W = 1). The graph's inputs and outputs are NCHW as
// the file says: the conversions sit at the edges.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_IMPORT_ONNX_GRAPHIMPORTER_H
#define TESSERA_IMPORT_ONNX_GRAPHIMPORTER_H

#include "Import/ONNX/ConstTensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <optional>

namespace onnx {
class ModelProto;
class NodeProto;
class AttributeProto;
class TensorProto;
} // namespace onnx

namespace mlir::tessera::onnx_import {

/// A small integer tensor (rank 0 or 1) computed from shapes, some of whose
/// elements are dims only known when the program runs: each element is an
/// IntegerAttr or an `index` value the host computes (tensor.dim and index
/// arithmetic). What Shape -> Gather -> Mul -> Concat -> Reshape chains on a
/// dynamic batch are.
struct SymbolicInts {
  llvm::SmallVector<OpFoldResult> elements;
  bool scalar = false;
};

/// What a tensor name stands for while importing.
struct ImportedValue {
  /// Null while only known as contents and not yet needed as a value.
  Value value;
  std::optional<ConstTensor> constant;
  /// Shape arithmetic on dynamic dims; no value.
  std::optional<SymbolicInts> symbolic;
  /// `value` holds a logical NCHW tensor as NHWC.
  bool nhwc = false;
  /// The value converted to the other layout, once: every consumer that
  /// needs it reads the same conversion.
  Value converted;
};

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const onnx::ModelProto &model,
                int64_t opset, llvm::StringRef path);
  ~GraphImporter();

  /// The graph as `func.func @main`; null after emitting errors.
  OwningOpRef<ModuleOp> run();

  //===--- For the converters: the node being imported ---------------===//
  const onnx::NodeProto &node() const { return *current; }
  /// The tensor names of the node's input and output `i`, and its name.
  const std::string &inputName(unsigned i) const;
  const std::string &outputName(unsigned i) const;
  std::string nodeName() const;
  int64_t opset() const { return opsetVersion; }
  OpBuilder &b() { return builder; }
  Location loc() const { return currentLoc; }
  MLIRContext *context() const { return ctx; }

  /// An error naming the node, its op type and the opset; returns failure.
  LogicalResult fail(const llvm::Twine &message);

  unsigned numInputs() const;
  /// Whether input `i` is given (optional inputs may be "" or absent).
  bool hasInput(unsigned i) const;
  /// The contents of input `i` when known at import time.
  const ConstTensor *constInput(unsigned i);
  /// Input `i` in the logical layout (materialized if a constant).
  Value input(unsigned i);
  /// Input `i` as NHWC (rank 4 only).
  Value nhwcInput(unsigned i);
  bool isNHWC(unsigned i) const;
  /// The logical shape of input `i` (dynamic dims as ShapedType::kDynamic).
  llvm::SmallVector<int64_t> inputShape(unsigned i);
  Type inputElementType(unsigned i);
  unsigned numOutputs() const;
  void setOutput(unsigned i, Value value, bool nhwc = false);
  void setConstOutput(unsigned i, ConstTensor contents);
  /// Input `i` as shape arithmetic: symbolic, or a constant integer tensor
  /// of rank <= 1 (nullopt otherwise).
  std::optional<SymbolicInts> symbolicInput(unsigned i);
  bool isSymbolic(unsigned i) const;
  /// A constant when every element is known.
  void setSymbolicOutput(unsigned i, SymbolicInts ints);

  //===--- Attributes -------------------------------------------------===//
  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t otherwise) const;
  float attrFloat(llvm::StringRef name, float otherwise) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef otherwise) const;
  std::optional<llvm::SmallVector<int64_t>>
  attrInts(llvm::StringRef name) const;
  /// A tensor attribute (Constant's value), decoded.
  llvm::Expected<ConstTensor> attrTensor(const onnx::TensorProto &proto) const;

  //===--- Building ---------------------------------------------------===//
  Type elementType(ElementKind kind);
  std::optional<ElementKind> kindOf(Type elementType);
  /// A constant: splats and small tensors as dense attributes, others as
  /// DenseResourceElementsAttr blobs (never printed element by element).
  Value constant(const ConstTensor &contents, llvm::StringRef name = "");
  Value scalarConstant(Type elementType, double value);
  /// A tensor.empty of `shape` whose dynamic dims come from the same dims
  /// of `like` (right-aligned ranks).
  Value empty(llvm::ArrayRef<int64_t> shape, Type elementType,
              llvm::ArrayRef<Value> like);
  Value dim(Value tensor, int64_t d);
  Value transpose(Value tensor, llvm::ArrayRef<int64_t> perm);
  /// A reshape to `shape` (at most the dims a static product leaves open
  /// dynamic): tosa.reshape when static, collapse/expand when dynamic.
  FailureOr<Value> reshape(Value tensor, llvm::ArrayRef<int64_t> shape);
  /// Reshape's own: `sizes` static (attributes) or known when the program
  /// runs (index values), one of them possibly null (ONNX's -1: what the
  /// others leave). The element count is checked on the host before the
  /// data moves (a host assertion naming `what`).
  FailureOr<Value> reshapeChecked(Value tensor,
                                  llvm::ArrayRef<OpFoldResult> sizes,
                                  llvm::StringRef what);
  Value toNHWC(Value logical);
  Value toLogical(Value nhwc);
  /// An element-wise linalg.generic over `inputs` with numpy broadcasting
  /// (right-aligned; a static 1 broadcasts); `body` maps the scalars.
  using ScalarBody =
      std::function<Value(OpBuilder &, Location, ValueRange scalars)>;
  FailureOr<Value> elementwise(llvm::ArrayRef<Value> inputs, Type resultType,
                               const ScalarBody &body);
  /// The broadcast shape of `shapes`, or failure when incompatible.
  FailureOr<llvm::SmallVector<int64_t>>
  broadcastShape(llvm::ArrayRef<llvm::SmallVector<int64_t>> shapes);
  /// tosa's scalar zero point operands (float or integer zero of `type`).
  Value zeroPoint(Type elementType);

private:
  /// Output `i`'s entry, emptied (no value, contents or shape arithmetic);
  /// null when the node has no such output.
  ImportedValue *freshOutput(unsigned i);
  LogicalResult importNode(const onnx::NodeProto &node, unsigned index);
  FailureOr<Value> materialize(ImportedValue &value, llvm::StringRef name);
  ImportedValue *lookup(unsigned inputIndex);

  MLIRContext *ctx;
  const onnx::ModelProto &model;
  int64_t opsetVersion;
  std::string path, modelDir;
  OpBuilder builder;
  Location currentLoc;
  const onnx::NodeProto *current = nullptr;
  /// The current node has reported its error.
  bool nodeFailed = false;
  /// Its name as messages show it (OpType_index when it has none).
  std::string currentName;
  llvm::StringMap<ImportedValue> values;
};

/// Converts the current node of `importer`; emits the ops and sets the
/// node's outputs.
using Converter = LogicalResult (*)(GraphImporter &importer);

} // namespace mlir::tessera::onnx_import

#endif // TESSERA_IMPORT_ONNX_GRAPHIMPORTER_H

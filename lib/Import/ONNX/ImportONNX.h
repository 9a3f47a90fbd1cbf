//===- ImportONNX.h - ONNX models as MLIR ---------------------*- C++ -*-===//
//
// The importer's face: an .onnx file's bytes in, a module with one
// `func.func @main` out (tosa, linalg, tensor, arith and math on tensors,
// weights as DenseResourceElementsAttr blobs), or errors emitted as
// diagnostics located at the file.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_IMPORT_ONNX_IMPORTONNX_H
#define TESSERA_IMPORT_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::tessera {

/// Whether `path` names an ONNX model (".onnx").
bool isONNXPath(llvm::StringRef path);

/// Imports the model in `bytes` (the content of `path`, which also locates
/// external data). The context needs the tosa, linalg, tensor, arith, math
/// and func dialects. Returns null after emitting errors.
OwningOpRef<ModuleOp> importONNXModel(MLIRContext *context,
                                      llvm::StringRef bytes,
                                      llvm::StringRef path);

} // namespace mlir::tessera

#endif // TESSERA_IMPORT_ONNX_IMPORTONNX_H

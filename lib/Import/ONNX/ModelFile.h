//===- ModelFile.h - Reading and checking an .onnx file -------*- C++ -*-===//
//
// An .onnx file is untrusted: it is parsed by protobuf's generated classes,
// checked by ONNX's own checker, converted to opset 13 when older, and its
// graph checked for what the importer relies on (every input defined
// before use, names unique) before anything reads it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_IMPORT_ONNX_MODELFILE_H
#define TESSERA_IMPORT_ONNX_MODELFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace onnx {
class ModelProto;
}

namespace mlir::tessera::onnx_import {

/// The opsets of the default domain the importer lowers (older models are
/// converted up to the first).
constexpr int64_t kMinOpset = 13, kMaxOpset = 17;

struct ModelFile {
  std::unique_ptr<onnx::ModelProto> model;
  /// The default domain's opset after conversion.
  int64_t opset = 0;
  /// The opset the file declared.
  int64_t fileOpset = 0;
  ~ModelFile();
  ModelFile();
  ModelFile(ModelFile &&);
};

/// Parses and checks `bytes` (the content of `path`).
llvm::Expected<ModelFile> readModelFile(llvm::StringRef bytes,
                                        llvm::StringRef path);

} // namespace mlir::tessera::onnx_import

#endif // TESSERA_IMPORT_ONNX_MODELFILE_H

//===- ImportONNX.cpp -----------------------------------------------------===//

#include "Import/ONNX/ImportONNX.h"

#include "Import/ONNX/GraphImporter.h"
#include "Import/ONNX/ModelFile.h"

#include "mlir/IR/Diagnostics.h"

#include "onnx/onnx_pb.h"

#include <google/protobuf/stubs/logging.h>

namespace mlir::tessera {

bool isONNXPath(llvm::StringRef path) {
  return path.ends_with_insensitive(".onnx");
}

OwningOpRef<ModuleOp> importONNXModel(MLIRContext *context,
                                      llvm::StringRef bytes,
                                      llvm::StringRef path) {
  // protobuf logs parse failures to stderr itself; the diagnostic says it.
  static bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  auto file = onnx_import::readModelFile(bytes, path);
  if (!file) {
    emitError(fileLoc) << llvm::toString(file.takeError());
    return nullptr;
  }
  onnx_import::GraphImporter importer(context, *file->model, file->opset, path);
  return importer.run();
}

} // namespace mlir::tessera

//===- ExecutableObjects.cpp - Extern objects linked into a variant -------===//

#include "Target/LLVMCPU/ExecutableObjects.h"

#include "Target/ExecutableObjectFiles.h"

namespace mlir::tessera::target {

FailureOr<std::vector<LinkInput>>
loadExecutableObjects(hal::ExecutableVariantOp variant,
                      const LinkerTool &linker) {
  auto files = readExecutableObjects(variant);
  if (failed(files))
    return failure();
  std::vector<LinkInput> inputs;
  for (ObjectFile &file : *files) {
    LinkInput input{std::move(file.name), std::move(file.bytes)};
    if (llvm::Error error = linker.checkObject(input))
      return variant.emitOpError() << llvm::toString(std::move(error));
    inputs.push_back(std::move(input));
  }
  return inputs;
}

} // namespace mlir::tessera::target

//===- ExecutableObjects.h - Extern objects linked into a variant -*- C++
//-*-===//
#ifndef TESSERA_TARGET_LLVMCPU_EXECUTABLEOBJECTS_H
#define TESSERA_TARGET_LLVMCPU_EXECUTABLEOBJECTS_H

#include "Dialect/HAL/IR/HALOps.h"
#include "Target/LLVMCPU/LinkerTool.h"

namespace mlir::tessera::target {

/// The object files a variant names in `objects([...])`: inline `data` or a
/// `path`, absolute or relative to the directory of the file the variant
/// comes from, then to the working directory. Each is checked against the
/// linker's format and architecture; a missing or unfit object is an error
/// on the variant naming the path.
FailureOr<std::vector<LinkInput>>
loadExecutableObjects(hal::ExecutableVariantOp variant,
                      const LinkerTool &linker);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_EXECUTABLEOBJECTS_H

//===- LinkerTool.h - In-process lld linking ------------------*- C++ -*-===//
#ifndef TESSERA_TARGET_LLVMCPU_LINKERTOOL_H
#define TESSERA_TARGET_LLVMCPU_LINKERTOOL_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlir::tessera::target {

/// Links object files into a shared library for `triple` with lld's library
/// API, one link at a time (lld keeps global state). Returns the library
/// bytes or an error carrying lld's diagnostics.
llvm::Expected<std::string>
linkSharedLibrary(llvm::StringRef triple,
                  const std::vector<std::string> &objects);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_LINKERTOOL_H

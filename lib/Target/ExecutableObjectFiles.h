//===- ExecutableObjectFiles.h - Files a variant's objects name -*- C++ -*-===//
#ifndef TESSERA_TARGET_EXECUTABLEOBJECTFILES_H
#define TESSERA_TARGET_EXECUTABLEOBJECTFILES_H

#include "Dialect/HAL/IR/HALOps.h"

#include <string>
#include <vector>

namespace mlir::tessera::target {

struct ObjectFile {
  /// The path it was read from, or "<inline object data>".
  std::string name;
  std::string bytes;
};

/// The object files a variant names in `objects([...])`: inline `data` or a
/// `path`, absolute or relative to the directory of the file the variant
/// comes from, then to the working directory. A missing or unreadable file
/// is an error on the variant naming the paths tried. Each target checks
/// the bytes it needs (object format, SPIR-V).
FailureOr<std::vector<ObjectFile>>
readExecutableObjects(hal::ExecutableVariantOp variant);

/// The files the variants of `module` name by path, as
/// readExecutableObjects finds them (missing ones left out), each once, in
/// order of appearance.
std::vector<std::string> listExecutableObjectFiles(ModuleOp module);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_EXECUTABLEOBJECTFILES_H

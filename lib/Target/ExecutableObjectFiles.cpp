//===- ExecutableObjectFiles.cpp - Files a variant's objects name ---------===//

#include "Target/ExecutableObjectFiles.h"

#include "tessera/runtime/FileRead.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace mlir::tessera::target {

namespace {

/// The directory of the source file `loc` points into, if any.
std::string sourceDirectory(Location loc) {
  std::string directory;
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      directory = llvm::sys::path::parent_path(file.getFilename()).str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return directory;
}

/// Where a relative `path` is looked for: beside the variant's source
/// file, then in the working directory.
SmallVector<std::string> candidatePaths(hal::ExecutableVariantOp variant,
                                        StringRef path) {
  SmallVector<std::string> candidates;
  if (llvm::sys::path::is_absolute(path)) {
    candidates.push_back(path.str());
    return candidates;
  }
  std::string directory = sourceDirectory(variant.getLoc());
  if (!directory.empty()) {
    SmallString<256> besideSource(directory);
    llvm::sys::path::append(besideSource, path);
    candidates.push_back(besideSource.str().str());
  }
  candidates.push_back(path.str());
  return candidates;
}

const std::string *findFile(ArrayRef<std::string> candidates) {
  auto found = llvm::find_if(candidates, [](const std::string &candidate) {
    return llvm::sys::fs::is_regular_file(candidate);
  });
  return found == candidates.end() ? nullptr : &*found;
}

} // namespace

std::vector<std::string> listExecutableObjectFiles(ModuleOp module) {
  std::vector<std::string> files;
  module.walk([&](hal::ExecutableVariantOp variant) {
    if (!variant.getObjects())
      return;
    for (Attribute attr : variant.getObjectsAttr()) {
      auto object = dyn_cast<hal::ExecutableObjectAttr>(attr);
      if (!object || object.getData() || !object.getPath())
        continue;
      SmallVector<std::string> candidates =
          candidatePaths(variant, object.getPath().getValue());
      if (const std::string *found = findFile(candidates))
        if (!llvm::is_contained(files, *found))
          files.push_back(*found);
    }
  });
  return files;
}

FailureOr<std::vector<ObjectFile>>
readExecutableObjects(hal::ExecutableVariantOp variant) {
  std::vector<ObjectFile> inputs;
  if (!variant.getObjects())
    return inputs;
  for (Attribute attr : variant.getObjectsAttr()) {
    auto object = dyn_cast<hal::ExecutableObjectAttr>(attr);
    if (!object)
      return variant.emitOpError()
             << "objects must be #hal.executable.object, got " << attr;
    ObjectFile input;
    if (DenseIntElementsAttr data = object.getData()) {
      input.name =
          object.getPath() ? object.getPath().str() : "<inline object data>";
      auto raw = data.getRawData();
      input.bytes.assign(raw.begin(), raw.end());
    } else {
      StringRef path = object.getPath().getValue();
      SmallVector<std::string> candidates = candidatePaths(variant, path);
      const std::string *found = findFile(candidates);
      if (!found) {
        InFlightDiagnostic diag = variant.emitOpError()
                                  << "executable object '" << path
                                  << "' not found (looked for ";
        llvm::interleave(
            candidates, [&](const std::string &c) { diag << "'" << c << "'"; },
            [&] { diag << ", "; });
        return diag << ")";
      }
      auto bytes = ::tessera::rt::readRegularFile(*found);
      if (!bytes)
        return variant.emitOpError()
               << "cannot read executable object: " << bytes.status().message();
      input.name = *found;
      input.bytes = std::move(*bytes);
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

} // namespace mlir::tessera::target

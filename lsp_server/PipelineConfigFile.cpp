//===- PipelineConfigFile.cpp - tessera.json beside a document ------------===//

#include "PipelineConfigFile.h"

#include "Logging.h"

#include "Pipeline/InputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace tessera::lsp {

PipelineConfig refinePipelineConfig(PipelineConfig base,
                                    llvm::StringRef documentFile) {
  llvm::SmallString<256> directory = llvm::sys::path::parent_path(documentFile);
  while (!directory.empty()) {
    llvm::SmallString<256> candidate(directory);
    llvm::sys::path::append(candidate, "tessera.json");
    if (auto buffer = mlir::tessera::readInputFile(candidate)) {
      auto parsed = llvm::json::parse((*buffer)->getBuffer());
      const llvm::json::Object *object =
          parsed ? parsed->getAsObject() : nullptr;
      if (!object) {
        if (!parsed)
          llvm::consumeError(parsed.takeError());
        log(LogLevel::Error, candidate.str().str() + " is not a JSON object");
      } else if (llvm::Error error = applyPipelineConfig(*object, base)) {
        log(LogLevel::Error,
            candidate.str().str() + ": " + llvm::toString(std::move(error)));
      }
      break;
    } else {
      // Most folders have none: not worth a log line.
      llvm::consumeError(buffer.takeError());
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(directory);
    if (parent == directory)
      break;
    // A prefix of `directory` itself: assigning it would copy the buffer
    // onto itself, which SmallVector forbids (its assertions say so).
    directory.truncate(parent.size());
  }
  return base;
}

} // namespace tessera::lsp

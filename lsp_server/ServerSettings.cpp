//===- ServerSettings.cpp - What the client configured --------------------===//

#include "ServerSettings.h"

#include "Logging.h"

#include "Pipeline/InputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

namespace tessera::lsp {

ClientCapabilities
ClientCapabilities::fromInitialize(const llvm::json::Object &params) {
  ClientCapabilities result;
  const llvm::json::Object *capabilities = params.getObject("capabilities");
  const llvm::json::Object *workspace =
      capabilities ? capabilities->getObject("workspace") : nullptr;
  auto refresh = [&](llvm::StringRef feature) {
    const llvm::json::Object *object =
        workspace ? workspace->getObject(feature) : nullptr;
    return object && object->getBoolean("refreshSupport").value_or(false);
  };
  result.inlayHintRefresh = refresh("inlayHint");
  result.codeLensRefresh = refresh("codeLens");
  result.semanticTokensRefresh = refresh("semanticTokens");
  if (const llvm::json::Object *options =
          params.getObject("initializationOptions"))
    result.clientCommands =
        options->getString("codeLensCommands").value_or("") == "client";
  return result;
}

void ServerSettings::update(const llvm::json::Object &settings,
                            llvm::StringRef origin) {
  std::lock_guard<std::mutex> lock(mutex);
  if (llvm::Error error = applyPipelineConfig(settings, config))
    log(LogLevel::Error,
        origin.str() + ": " + llvm::toString(std::move(error)));
}

PipelineConfig ServerSettings::forFile(llvm::StringRef file) const {
  PipelineConfig result;
  {
    std::lock_guard<std::mutex> lock(mutex);
    result = config;
  }
  llvm::SmallString<256> directory = llvm::sys::path::parent_path(file);
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
      } else if (llvm::Error error = applyPipelineConfig(*object, result)) {
        log(LogLevel::Error,
            candidate.str().str() + ": " + llvm::toString(std::move(error)));
      }
      break;
    } else {
      llvm::consumeError(buffer.takeError());
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(directory);
    if (parent == directory)
      break;
    // A prefix of `directory` itself: assigning it would copy the buffer
    // onto itself, which SmallVector forbids.
    directory.truncate(parent.size());
  }
  return result;
}

void ServerSettings::setCapabilities(ClientCapabilities value) {
  std::lock_guard<std::mutex> lock(mutex);
  capabilities = value;
}

ClientCapabilities ServerSettings::getCapabilities() const {
  std::lock_guard<std::mutex> lock(mutex);
  return capabilities;
}

} // namespace tessera::lsp

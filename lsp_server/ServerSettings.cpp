//===- ServerSettings.cpp - What the client configured --------------------===//

#include "ServerSettings.h"

#include "Logging.h"
#include "PipelineConfigFile.h"

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
  PipelineConfig base;
  {
    std::lock_guard<std::mutex> lock(mutex);
    base = config;
  }
  return refinePipelineConfig(std::move(base), file);
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

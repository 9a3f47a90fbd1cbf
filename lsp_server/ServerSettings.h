//===- ServerSettings.h - What the client configured ------------*- C++ -*-===//
//
// The pipeline configuration the client gave (initializationOptions,
// workspace/didChangeConfiguration), refined per document by a tessera.json
// beside it, and what the client can do (its capabilities). Read from every
// thread.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_SERVERSETTINGS_H
#define TESSERA_LSP_SERVERSETTINGS_H

#include "PipelineDiagnostics.h"

#include "llvm/Support/JSON.h"

#include <atomic>
#include <mutex>

namespace tessera::lsp {

/// What the client said it supports, at initialize.
struct ClientCapabilities {
  /// workspace/{inlayHint,codeLens,semanticTokens}/refresh requests.
  bool inlayHintRefresh = false;
  bool codeLensRefresh = false;
  bool semanticTokensRefresh = false;
  /// Code lenses name the client's own commands (the VS Code extension's
  /// richer versions) instead of the server's (workspace/executeCommand).
  bool clientCommands = false;

  static ClientCapabilities fromInitialize(const llvm::json::Object &params);
};

class ServerSettings {
public:
  /// Applies the known keys of `settings`; logs what is wrong in them,
  /// naming `origin`.
  void update(const llvm::json::Object &settings, llvm::StringRef origin);
  /// The configuration for `file`: the client's, refined by the nearest
  /// tessera.json in its folder or above.
  PipelineConfig forFile(llvm::StringRef file) const;

  void setCapabilities(ClientCapabilities capabilities);
  ClientCapabilities getCapabilities() const;

private:
  mutable std::mutex mutex;
  PipelineConfig config;
  ClientCapabilities capabilities;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_SERVERSETTINGS_H

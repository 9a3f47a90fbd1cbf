//===- Server.h - The tessera-lsp protocol server -------------*- C++ -*-===//
//
// The I/O thread reads messages, keeps document texts up to date (edits are
// applied as they arrive) and posts work; one worker analyses documents
// (debounced, a newer edit superseding an older analysis) and answers
// requests from the analysis of the version the request follows.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_SERVER_H
#define TESSERA_LSP_SERVER_H

#include "PassRequests.h"
#include "PipelineDiagnostics.h"
#include "Transport.h"
#include "WorkQueue.h"

#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <chrono>
#include <memory>
#include <mutex>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace tessera::lsp {

class MLIRDocument;

struct ServerOptions {
  /// Bounds of the adaptive delay between an edit and its analysis.
  std::chrono::milliseconds minDebounce{50};
  std::chrono::milliseconds maxDebounce{500};
  /// The program pipeline compiles run in (`PROGRAM --pipeline-worker`),
  /// so that a compiler crash ends that process only; empty: in the server,
  /// under a CrashRecoveryContext.
  std::string pipelineWorker;
};

class Server {
public:
  Server(Transport &transport, ServerOptions options);
  ~Server();

  /// Serves until `exit` or the end of the input; returns the process exit
  /// code (0 after shutdown + exit).
  int run();

private:
  void handle(const std::string &message);
  void handleRequest(llvm::StringRef method, const llvm::json::Value &id,
                     const llvm::json::Value &params);
  void handleNotification(llvm::StringRef method,
                          const llvm::json::Value &params);

  void didOpen(const llvm::json::Value &params);
  void didChange(const llvm::json::Value &params);
  void didClose(const llvm::json::Value &params);

  /// Posts the analysis of `uri`'s current text after the debounce delay.
  void scheduleAnalysis(const std::string &uri, bool immediately);
  /// Worker: analyses one version and publishes its diagnostics.
  void analyze(const std::string &uri, std::string text, int64_t version);

  /// Posts a request on a document: it runs after the document's pending
  /// analysis, unless cancelled first.
  void postDocumentRequest(
      const llvm::json::Value &id, const std::string &uri,
      std::function<llvm::Expected<llvm::json::Value>(MLIRDocument &)> answer);
  /// Posts a request to the worker (its state: the analyses), answered
  /// unless cancelled first. An error answer carries its LSP code when it
  /// is an llvm::lsp::LSPError (InternalError otherwise).
  void
  postWorkerRequest(const llvm::json::Value &id,
                    std::function<llvm::Expected<llvm::json::Value>()> answer,
                    const std::string &expediteURI = "");

  Transport &transport;
  ServerOptions options;
  bool initialized = false;
  bool shutdownRequested = false;
  bool exitRequested = false;
  /// The workspace folder (rootUri / rootPath), for links; may be empty.
  std::string workspaceRoot;

  /// Texts as edited, on the I/O thread (the worker reads snapshots).
  struct DocumentText {
    std::string text;
    int64_t version = 0;
    /// The last analysis time of this document, for the debounce.
    std::chrono::milliseconds lastAnalysis{0};
  };
  std::mutex documentsMutex;
  llvm::StringMap<DocumentText> documents;

  /// Requests not answered yet, and those cancelled among them.
  std::mutex requestsMutex;
  llvm::StringSet<> pendingRequests, cancelledRequests;

  /// The pipeline configuration of the server (initializationOptions,
  /// didChangeConfiguration), before a tessera.json next to a document.
  std::mutex configMutex;
  PipelineConfig config;
  PipelineConfig configFor(llvm::StringRef file);
  /// Worker: starts the background compile of `uri`'s current analysis.
  void submitPipeline(const std::string &uri);
  /// Worker: publishes the analysis diagnostics plus the pipeline's of the
  /// same version.
  void publish(const std::string &uri);

  /// Worker-only state.
  mlir::DialectRegistry registry;
  llvm::StringMap<std::shared_ptr<MLIRDocument>> analyses;
  struct PipelineResult {
    int64_t version = -1;
    std::vector<llvm::lsp::Diagnostic> diagnostics;
    std::vector<mlir::tessera::DispatchInfo> dispatches;
  };
  llvm::StringMap<PipelineResult> pipelineResults;
  /// A context prepared while idle for the next analysis, with the dialects
  /// the last one used.
  std::unique_ptr<mlir::MLIRContext> spareContext;
  void prepareSpareContext(std::vector<std::string> dialects);

  std::unique_ptr<PipelineDiagnostics> pipeline;

  /// tessera/passes and tessera/irAfterPass (their own threads).
  void handlePassRequest(llvm::StringRef method, const llvm::json::Value &id,
                         const llvm::json::Value &params);
  /// tessera/compile: writes the document's module, with $/progress.
  void handleCompileRequest(const llvm::json::Value &id,
                            const llvm::json::Value &params);
  /// Records a request as pending (cancellable); returns its key.
  std::string beginRequest(const llvm::json::Value &id);
  /// What a background request answers when its compile crashed.
  std::function<void()> crashReply(const llvm::json::Value &id,
                                   const std::string &key);
  /// Takes `key` out of the pending requests; true when it was cancelled.
  bool finishRequest(const std::string &key);
  PassRequests passRequests;

  /// Last: destroyed first, so the worker stops before the state it uses.
  WorkQueue queue;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_SERVER_H

//===- Server.h - The tessera-lsp protocol layer ---------------*- C++ -*-===//
//
// Reads messages on the I/O thread and hands each to the handler bound to
// its method, with its params parsed into their type (a bad params object
// is answered InvalidParams before any handler runs). Handlers keep the
// document texts current (DocumentStore), and pass work on: to the
// Scheduler (analyses and what answers from them, on its worker thread) or
// to background compiles (PassRequests). Every request is answered once,
// through its Reply.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_SERVER_H
#define TESSERA_LSP_SERVER_H

#include "DocumentStore.h"
#include "PassRequests.h"
#include "Reply.h"
#include "Scheduler.h"
#include "ServerSettings.h"
#include "Transport.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Protocol.h"

#include <functional>

namespace tessera::lsp {

class MLIRDocument;

using ServerOptions = SchedulerOptions;

class Server {
public:
  Server(Transport &transport, ServerOptions options);
  ~Server();

  /// Serves until `exit` or the end of the input; returns the process exit
  /// code (0 after shutdown + exit).
  int run();

private:
  void handle(const std::string &message);

  // The method table.
  using RequestHandler =
      std::function<void(const llvm::json::Value &params, Reply reply)>;
  using NotificationHandler =
      std::function<void(const llvm::json::Value &params)>;
  template <typename Params>
  void bind(llvm::StringRef method,
            void (Server::*handler)(const Params &, Reply));
  template <typename Params>
  void bind(llvm::StringRef method, void (Server::*handler)(const Params &));
  llvm::StringMap<RequestHandler> requestHandlers;
  llvm::StringMap<NotificationHandler> notificationHandlers;

  // Lifetime.
  void onInitialize(const llvm::json::Value &params, Reply reply);
  void onShutdown(const llvm::json::Value &params, Reply reply);
  void onExit(const llvm::json::Value &params);
  void onCancelRequest(const llvm::json::Value &params);
  void onInitialized(const llvm::json::Value &params);
  void onDidChangeConfiguration(const llvm::json::Value &params);

  // Document sync.
  void onDidOpen(const llvm::lsp::DidOpenTextDocumentParams &params);
  void onDidChange(const llvm::json::Value &params);
  void onDidSave(const llvm::lsp::DocumentSymbolParams &params);
  void onDidClose(const llvm::lsp::DidCloseTextDocumentParams &params);

  // Features answered from a document's analysis.
  /// Answers `reply` with `answer` at the position of `params` (refused
  /// when negative) on the newest analysis of its document.
  void answerAtPosition(const llvm::lsp::TextDocumentPositionParams &params,
                        std::function<llvm::Expected<llvm::json::Value>(
                            MLIRDocument &, const llvm::lsp::Position &)>
                            answer,
                        Reply reply);
  void onHover(const llvm::lsp::TextDocumentPositionParams &params,
               Reply reply);
  void onDefinition(const llvm::lsp::TextDocumentPositionParams &params,
                    Reply reply);
  void onReferences(const llvm::lsp::ReferenceParams &params, Reply reply);
  void onCompletion(const llvm::lsp::TextDocumentPositionParams &params,
                    Reply reply);
  void onSignatureHelp(const llvm::lsp::TextDocumentPositionParams &params,
                       Reply reply);
  void onRename(const llvm::json::Value &params, Reply reply);
  void onDocumentSymbol(const llvm::lsp::DocumentSymbolParams &params,
                        Reply reply);
  void onFoldingRange(const llvm::lsp::DocumentSymbolParams &params,
                      Reply reply);
  void onSemanticTokens(const llvm::lsp::DocumentSymbolParams &params,
                        Reply reply);
  void onFormatting(const llvm::lsp::DocumentSymbolParams &params, Reply reply);
  void onCodeLens(const llvm::lsp::DocumentSymbolParams &params, Reply reply);
  void onDocumentLink(const llvm::lsp::DocumentSymbolParams &params,
                      Reply reply);
  void onCodeAction(const llvm::json::Value &params, Reply reply);
  void onInlayHint(const llvm::lsp::DocumentSymbolParams &params, Reply reply);
  void onWorkspaceSymbol(const llvm::json::Value &params, Reply reply);
  void onToBytecode(const llvm::json::Value &params, Reply reply);
  void onFromBytecode(const llvm::json::Value &params, Reply reply);
  void onMemoryUsage(const llvm::json::Value &params, Reply reply);

  // Compiles (background threads).
  void onCompile(const llvm::json::Value &params, Reply reply);
  void onPassRequest(llvm::StringRef method, const llvm::json::Value &params,
                     Reply reply);
  void onExecuteCommand(const llvm::json::Value &params, Reply reply);
  /// Runs `task` on a background thread; a compiler crash in it answers
  /// `reply` with an InternalError instead.
  void runInBackground(std::function<void()> task, Reply reply);

  Transport &transport;
  RequestTracker requests;
  ServerSettings settings;
  DocumentStore documents;
  bool initialized = false;
  bool shutdownRequested = false;
  bool exitRequested = false;
  /// The workspace folder (rootUri / rootPath), for links; may be empty.
  std::string workspaceRoot;
  PassRequests passRequests;
  /// Last: destroyed first, so its worker stops before what it uses.
  Scheduler scheduler;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_SERVER_H

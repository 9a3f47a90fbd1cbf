//===- DocumentAnalyses.h - The analysis worker's state ---------*- C++ -*-===//
//
// Each open document's latest analysis (MLIRDocument), the pipeline's last
// results and the requests waiting for them. This state belongs to the
// scheduler's worker thread: the Scheduler owns it inside a Worker<>, whose
// tasks are the only code that can reach it, so nothing here locks.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_DOCUMENTANALYSES_H
#define TESSERA_LSP_DOCUMENTANALYSES_H

#include "DocumentStore.h"
#include "PipelineDiagnostics.h"
#include "Reply.h"
#include "ServerSettings.h"
#include "Transport.h"

#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/StringMap.h"

#include <chrono>
#include <memory>
#include <optional>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace tessera::lsp {

class MLIRDocument;

class DocumentAnalyses {
public:
  using Clock = std::chrono::steady_clock;

  DocumentAnalyses(Transport &transport, const ServerSettings &settings,
                   PipelineDiagnostics &pipeline);
  ~DocumentAnalyses();

  /// Analyses `snapshot` in full, publishes its diagnostics and starts the
  /// pipeline compile (trigger "idle"); how long the analysis took, or
  /// nullopt when it crashed (a diagnostic says so) or the URI is bad.
  std::optional<Clock::duration> analyze(const DocumentSnapshot &snapshot);
  /// The fast path: when `snapshot`'s edits since the last analysis lie in
  /// one function, publishes the diagnostics of that function alone (with
  /// the others moved); how long it took, or nullopt when it does not apply.
  std::optional<Clock::duration>
  diagnoseEditedFunction(const DocumentSnapshot &snapshot);
  /// Drops what is known of `uri` (a new open starts afresh).
  void forget(const std::string &uri);
  /// forget, and clears the published diagnostics.
  void close(const std::string &uri);
  /// The document was saved: the pipeline compile (trigger "save").
  void saved(const std::string &uri);
  /// A pipeline compile of `version` finished: publish, answer the waiting
  /// inlay hint requests, ask the client to refresh what depends on it.
  void pipelineDone(const std::string &uri, int64_t version,
                    PipelineDiagnostics::Outcome outcome);

  /// The latest analysis of `uri`, or null.
  MLIRDocument *find(llvm::StringRef uri);
  /// Each analysis (workspace symbols).
  void forEach(llvm::function_ref<void(MLIRDocument &)> visit);

  /// Answers `reply` with the dispatch hints of `uri` when the pipeline's
  /// result for its version is known or none is coming; otherwise parks
  /// it until the compile finishes or `deadline`, and returns true.
  bool inlayHints(const std::string &uri, Reply reply,
                  Clock::time_point deadline);
  /// Answers the parked requests whose deadline has passed (with what is
  /// known: no hints).
  void expireWaits();

  /// Prepares a context with `dialects` for the next analysis.
  void prepareSpareContext(const std::vector<std::string> &dialects);
  /// The dialects of `uri`'s analysis (what the next one will load).
  std::vector<std::string> getLoadedDialects(llvm::StringRef uri);

private:
  void publish(const std::string &uri);
  void submitPipeline(const std::string &uri);
  /// Answers `uri`'s parked inlay hint requests from what is known now.
  void answerWaits(const std::string &uri);

  Transport &transport;
  const ServerSettings &settings;
  PipelineDiagnostics &pipeline;
  mlir::DialectRegistry registry;
  llvm::StringMap<std::shared_ptr<MLIRDocument>> analyses;

  struct PipelineResult {
    int64_t version = -1;
    std::vector<llvm::lsp::Diagnostic> diagnostics;
    std::vector<mlir::tessera::DispatchInfo> dispatches;
  };
  llvm::StringMap<PipelineResult> pipelineResults;
  /// The version of each document whose compile runs or waits (-1: none).
  llvm::StringMap<int64_t> compiling;
  struct WaitingRequest {
    Reply reply;
    Clock::time_point deadline;
  };
  llvm::StringMap<std::vector<WaitingRequest>> waiting;
  /// A context prepared while idle for the next analysis.
  std::unique_ptr<mlir::MLIRContext> spareContext;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_DOCUMENTANALYSES_H

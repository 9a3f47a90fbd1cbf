//===- Scheduler.h - When documents are analysed and asked ------*- C++ -*-===//
//
// Owns the analysis worker (one thread and its state, DocumentAnalyses) and
// the pipeline compiles, and decides when each piece of work runs:
//  - an edit inside one function is diagnosed from that function alone
//    after a delay about as long as that fast path takes, and the full
//    analysis follows after a delay about as long as it takes (a burst of
//    keystrokes coalesces: each edit replaces the pending work of the one
//    before);
//  - a request on a document runs after its pending analysis (made ready
//    at once), on the analysis of the newest version.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_SCHEDULER_H
#define TESSERA_LSP_SCHEDULER_H

#include "DocumentAnalyses.h"
#include "DocumentStore.h"
#include "PipelineDiagnostics.h"
#include "Reply.h"
#include "ServerSettings.h"
#include "Transport.h"
#include "WorkQueue.h"

#include "llvm/ADT/StringMap.h"

#include <chrono>
#include <memory>
#include <mutex>

namespace tessera::lsp {

class MLIRDocument;

struct SchedulerOptions {
  /// Bounds of the adaptive delay between an edit and its full analysis;
  /// the fast path waits at most `minDebounce`.
  std::chrono::milliseconds minDebounce{50};
  std::chrono::milliseconds maxDebounce{500};
  /// How long an inlay hint request waits for the running compile.
  std::chrono::milliseconds hintWait{5000};
  /// The program pipeline compiles run in (`PROGRAM --pipeline-worker`),
  /// so that a compiler crash ends that process only; empty: in the server,
  /// under a CrashRecoveryContext.
  std::string pipelineWorker;
};

class Scheduler {
public:
  using Clock = WorkQueue::Clock;
  using DocumentAnswer =
      std::function<llvm::Expected<llvm::json::Value>(MLIRDocument &)>;
  using WorkerAnswer =
      std::function<llvm::Expected<llvm::json::Value>(DocumentAnalyses &)>;

  Scheduler(Transport &transport, const ServerSettings &settings,
            SchedulerOptions options);
  ~Scheduler();

  /// While the client sets up: a context with the pipeline's dialects for
  /// the first document.
  void warmUp();
  /// A document opened: analysed at once.
  void opened(const DocumentSnapshot &snapshot);
  /// A document edited: fast path and full analysis, each debounced.
  void changed(const DocumentSnapshot &snapshot);
  void saved(const std::string &uri);
  void closed(const std::string &uri);

  /// Answers `reply` with `answer` on the newest analysis of `uri`.
  void runOnDocument(const std::string &uri, DocumentAnswer answer,
                     Reply reply);
  /// Answers `reply` with `answer` on every analysis.
  void runOnAnalyses(WorkerAnswer answer, Reply reply);
  /// textDocument/inlayHint: waits (bounded) for the running compile.
  void inlayHints(const std::string &uri, Reply reply);

  /// Blocks until every task posted so far ran (shutdown).
  void drain();

private:
  static std::string analysisKey(llvm::StringRef uri) {
    return "analyze:" + uri.str();
  }
  static std::string fastPathKey(llvm::StringRef uri) {
    return "fast:" + uri.str();
  }
  /// `afresh`: what is known of the document is dropped first (opened).
  void postAnalysis(const DocumentSnapshot &snapshot,
                    Clock::time_point notBefore, bool afresh);

  SchedulerOptions options;
  /// How long the last full analysis and fast path of each document took
  /// (the next delays); written by the worker, read by the I/O thread.
  struct Timing {
    Clock::duration full{}, fastPath{};
  };
  std::mutex timingMutex;
  llvm::StringMap<Timing> timings;
  void record(const std::string &uri, Clock::duration Timing::*which,
              Clock::duration elapsed);
  Timing timingOf(llvm::StringRef uri);

  /// Compiles on a thread of their own; their results go to the worker.
  std::unique_ptr<PipelineDiagnostics> pipeline;
  Worker<DocumentAnalyses> worker;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_SCHEDULER_H

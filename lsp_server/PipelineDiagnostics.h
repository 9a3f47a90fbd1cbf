//===- PipelineDiagnostics.h - Background compiles for diagnostics -*- C++
//-*-===//
//
// Once a document version parses and verifies, its chunks are compiled
// through CompileSession on a thread of their own, so that errors of any
// phase (a dispatch that cannot be formed, codegen that fails) show at their
// source. A newer request cancels the running compile between phases; a
// crashing pass is caught and reported instead of taking the server down.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_PIPELINEDIAGNOSTICS_H
#define TESSERA_LSP_PIPELINEDIAGNOSTICS_H

#include "Pipeline/DispatchMap.h"

#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/thread.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tessera::lsp {

/// What to compile and when (initializationOptions, didChangeConfiguration
/// or tessera.json).
struct PipelineConfig {
  enum class Trigger { Idle, Save, Off };
  Trigger trigger = Trigger::Idle;
  std::vector<std::string> targets = {"llvm-cpu"};
  std::string compileTo = "loader";
};

/// Reads the keys of `object` it knows ("pipelineDiagnostics": "idle" |
/// "save" | "off", "targets": [...], "compileTo": phase) into `config`;
/// returns an error naming a bad value.
llvm::Error applyPipelineConfig(const llvm::json::Object &object,
                                PipelineConfig &config);

/// The source of one compile: a chunk of a document.
struct PipelineChunk {
  std::string text;
  int lineOffset = 0;
};

struct PipelineJob {
  std::string uri;
  /// The document file the diagnostics point into.
  std::string file;
  int64_t version = 0;
  std::vector<PipelineChunk> chunks;
  PipelineConfig config;
  /// The full document text, to map byte columns to UTF-16.
  std::string documentText;
};

class PipelineDiagnostics {
public:
  /// What a compile found: its diagnostics and its dispatches (positions
  /// in document lines, 1-based like MLIR locations).
  struct Outcome {
    std::vector<llvm::lsp::Diagnostic> diagnostics;
    std::vector<mlir::tessera::DispatchInfo> dispatches;
  };
  using Callback = std::function<void(const PipelineJob &job, Outcome)>;
  /// `worker`: the program that compiles a job in a process of its own
  /// (PipelineWorker.h); empty: compiles here.
  PipelineDiagnostics(std::string workerProgram, Callback onDone);
  ~PipelineDiagnostics();

  /// Replaces the pending job and cancels the running one.
  void submit(PipelineJob job);
  /// Cancels the running and pending jobs of `uri`.
  void cancel(const std::string &uri);

  /// Compiles `job` on the calling thread; `cancel` stops it between
  /// phases. `catchCrashes`: a crash is caught by a CrashRecoveryContext
  /// and reported (in a worker process, the process is what isolates).
  static Outcome compileJob(const PipelineJob &job,
                            const std::atomic<bool> &cancel, bool catchCrashes);

private:
  void work();

  std::string workerProgram;
  Callback onDone;
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<PipelineJob> pending;
  std::string runningURI;
  std::atomic<bool> cancelRunning{false};
  bool stopping = false;
  /// A large stack (LargeStack.h): parsing and compiling run on it.
  llvm::thread worker;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_PIPELINEDIAGNOSTICS_H

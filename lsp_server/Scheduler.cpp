//===- Scheduler.cpp - When documents are analysed and asked --------------===//

#include "Scheduler.h"

#include "MLIRDocument.h"

#include <algorithm>

namespace tessera::lsp {

Scheduler::Scheduler(Transport &transport, const ServerSettings &settings,
                     SchedulerOptions givenOptions)
    : options(std::move(givenOptions)),
      pipeline(std::make_unique<PipelineDiagnostics>(
          options.pipelineWorker,
          [this](const PipelineJob &job, PipelineDiagnostics::Outcome outcome) {
            // Back on the worker, which owns the published state.
            worker.post([uri = job.uri, version = job.version,
                         outcome = std::move(outcome)](
                            DocumentAnalyses &analyses) mutable {
              analyses.pipelineDone(uri, version, std::move(outcome));
            });
          })),
      worker(transport, settings, *pipeline) {}

Scheduler::~Scheduler() {
  // Stop the compiles first: their completions post to the worker.
  pipeline.reset();
}

void Scheduler::record(const std::string &uri, Clock::duration Timing::*which,
                       Clock::duration elapsed) {
  std::lock_guard<std::mutex> lock(timingMutex);
  timings[uri].*which = elapsed;
}

Scheduler::Timing Scheduler::timingOf(llvm::StringRef uri) {
  std::lock_guard<std::mutex> lock(timingMutex);
  return timings.lookup(uri);
}

void Scheduler::warmUp() {
  worker.post([](DocumentAnalyses &analyses) {
    analyses.prepareSpareContext({"builtin", "func", "arith", "tensor",
                                  "linalg", "math", "scf", "memref", "flow",
                                  "hal"});
  });
}

void Scheduler::postAnalysis(const DocumentSnapshot &snapshot,
                             Clock::time_point notBefore, bool afresh) {
  worker.post(
      [this, snapshot, afresh](DocumentAnalyses &analyses) {
        if (afresh)
          analyses.forget(snapshot.uri);
        if (auto elapsed = analyses.analyze(snapshot))
          record(snapshot.uri, &Timing::full, *elapsed);
        // The next version's context, after what is urgent.
        std::vector<std::string> dialects =
            analyses.getLoadedDialects(snapshot.uri);
        if (!dialects.empty())
          worker.post([dialects](DocumentAnalyses &analyses) {
            analyses.prepareSpareContext(dialects);
          });
      },
      analysisKey(snapshot.uri), notBefore);
}

void Scheduler::opened(const DocumentSnapshot &snapshot) {
  // A reopened document starts afresh (its versions may start over).
  postAnalysis(snapshot, Clock::time_point(), /*afresh=*/true);
}

void Scheduler::changed(const DocumentSnapshot &snapshot) {
  Timing timing = timingOf(snapshot.uri);
  auto now = Clock::now();
  // Each path waits about as long as it takes, so that at most about half
  // of the worker's time goes to versions a newer edit replaces: the fast
  // path (a few ms) runs almost at once, the full analysis of a large file
  // only once the typing pauses.
  auto fastDelay =
      std::min<Clock::duration>(timing.fastPath, options.minDebounce);
  worker.post(
      [this, snapshot](DocumentAnalyses &analyses) {
        if (auto elapsed = analyses.diagnoseEditedFunction(snapshot))
          record(snapshot.uri, &Timing::fastPath, *elapsed);
      },
      fastPathKey(snapshot.uri), now + fastDelay);
  auto fullDelay = std::clamp<Clock::duration>(
      timing.full * 2, options.minDebounce, options.maxDebounce);
  postAnalysis(snapshot, now + fullDelay, /*afresh=*/false);
}

void Scheduler::saved(const std::string &uri) {
  worker.expedite(analysisKey(uri));
  worker.post([uri](DocumentAnalyses &analyses) { analyses.saved(uri); });
}

void Scheduler::closed(const std::string &uri) {
  pipeline->cancel(uri);
  {
    std::lock_guard<std::mutex> lock(timingMutex);
    timings.erase(uri);
  }
  // Both replace the pending work of the document.
  worker.post([](DocumentAnalyses &) {}, fastPathKey(uri));
  worker.post([uri](DocumentAnalyses &analyses) { analyses.close(uri); },
              analysisKey(uri));
}

void Scheduler::runOnDocument(const std::string &uri, DocumentAnswer answer,
                              Reply reply) {
  worker.expedite(analysisKey(uri));
  worker.post([uri, answer = std::move(answer),
               reply = std::move(reply)](DocumentAnalyses &analyses) {
    if (reply.isCancelled())
      return reply(llvm::json::Value(nullptr));
    MLIRDocument *document = analyses.find(uri);
    if (!document)
      return reply(
          makeLSPError(InvalidParams, "no open document with the uri " + uri));
    reply(answer(*document));
  });
}

void Scheduler::runOnAnalyses(WorkerAnswer answer, Reply reply) {
  worker.post([answer = std::move(answer),
               reply = std::move(reply)](DocumentAnalyses &analyses) {
    if (reply.isCancelled())
      return reply(llvm::json::Value(nullptr));
    reply(answer(analyses));
  });
}

void Scheduler::inlayHints(const std::string &uri, Reply reply) {
  worker.expedite(analysisKey(uri));
  worker.post([this, uri,
               reply = std::move(reply)](DocumentAnalyses &analyses) {
    if (reply.isCancelled())
      return reply(llvm::json::Value(nullptr));
    auto deadline = Clock::now() + options.hintWait;
    if (analyses.inlayHints(uri, reply, deadline))
      worker.post([](DocumentAnalyses &analyses) { analyses.expireWaits(); },
                  "", deadline);
  });
}

void Scheduler::drain() { worker.drain(); }

} // namespace tessera::lsp

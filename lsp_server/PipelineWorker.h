//===- PipelineWorker.h - Pipeline compiles in a process of their own -*- C++
//-*-===//
//
// A compiler crash must not take the server down: each pipeline compile
// runs in a worker process (`tessera-lsp --pipeline-worker`, started with
// exec, not a bare fork, since the server's other threads may hold locks),
// which reads the job as JSON on stdin and writes the outcome on stdout.
// A worker that dies is that version's diagnostic; a newer version kills
// the running worker.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_PIPELINEWORKER_H
#define TESSERA_LSP_PIPELINEWORKER_H

#include "PipelineDiagnostics.h"

#include <atomic>
#include <string>

namespace tessera::lsp {

/// The worker's side: a job on stdin, the outcome on stdout. Returns the
/// exit code (1: no job could be read).
int runPipelineWorker();

/// The server's side: compiles `job` in `program --pipeline-worker`; kills
/// it when `cancel` is set.
PipelineDiagnostics::Outcome compileInWorker(const std::string &program,
                                             const PipelineJob &job,
                                             const std::atomic<bool> &cancel);

/// The JSON between them (exposed for tests).
llvm::json::Value jobToJSON(const PipelineJob &job);
bool jobFromJSON(const llvm::json::Value &value, PipelineJob &job);
llvm::json::Value outcomeToJSON(const PipelineDiagnostics::Outcome &outcome);
bool outcomeFromJSON(const llvm::json::Value &value,
                     PipelineDiagnostics::Outcome &outcome);

} // namespace tessera::lsp

#endif // TESSERA_LSP_PIPELINEWORKER_H

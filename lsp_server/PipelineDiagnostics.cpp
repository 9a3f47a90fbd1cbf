//===- PipelineDiagnostics.cpp - Background compiles for diagnostics ------===//

#include "PipelineDiagnostics.h"

#include "PipelineWorker.h"

#include "SourceText.h"

#include "Pipeline/CompileSession.h"
#include "Pipeline/CrashReproducer.h"
#include "Pipeline/LargeStack.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CrashRecoveryContext.h"

namespace tessera::lsp {

using mlir::tessera::CompileOptions;
using mlir::tessera::CompileSession;

llvm::Error applyPipelineConfig(const llvm::json::Object &object,
                                PipelineConfig &config) {
  if (auto trigger = object.getString("pipelineDiagnostics")) {
    if (*trigger == "idle")
      config.trigger = PipelineConfig::Trigger::Idle;
    else if (*trigger == "save")
      config.trigger = PipelineConfig::Trigger::Save;
    else if (*trigger == "off")
      config.trigger = PipelineConfig::Trigger::Off;
    else
      return llvm::createStringError("pipelineDiagnostics must be idle, save "
                                     "or off, not '" +
                                     trigger->str() + "'");
  }
  if (const llvm::json::Array *targets = object.getArray("targets")) {
    std::vector<std::string> names;
    for (const llvm::json::Value &target : *targets) {
      auto name = target.getAsString();
      if (!name)
        return llvm::createStringError("targets must be strings");
      names.push_back(name->str());
    }
    config.targets = std::move(names);
  }
  if (auto compileTo = object.getString("compileTo")) {
    if (!mlir::tessera::parsePhase(*compileTo))
      return llvm::createStringError("unknown phase '" + compileTo->str() +
                                     "' in compileTo");
    config.compileTo = compileTo->str();
  }
  return llvm::Error::success();
}

PipelineDiagnostics::PipelineDiagnostics(std::string workerProgram,
                                         Callback onDone)
    : workerProgram(std::move(workerProgram)), onDone(std::move(onDone)),
      worker(mlir::tessera::startLargeStackThread([this] { work(); })) {
  llvm::CrashRecoveryContext::Enable();
}

PipelineDiagnostics::~PipelineDiagnostics() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    pending.reset();
    cancelRunning = true;
  }
  changed.notify_all();
  worker.join();
}

void PipelineDiagnostics::submit(PipelineJob job) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (runningURI == job.uri)
      cancelRunning = true;
    pending = std::move(job);
  }
  changed.notify_all();
}

void PipelineDiagnostics::cancel(const std::string &uri) {
  std::lock_guard<std::mutex> lock(mutex);
  if (pending && pending->uri == uri)
    pending.reset();
  if (runningURI == uri)
    cancelRunning = true;
}

void PipelineDiagnostics::work() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    changed.wait(lock, [&] { return stopping || pending; });
    if (stopping)
      return;
    PipelineJob job = std::move(*pending);
    pending.reset();
    runningURI = job.uri;
    cancelRunning = false;
    lock.unlock();
    Outcome outcome = workerProgram.empty()
                          ? compileJob(job, cancelRunning, true)
                          : compileInWorker(workerProgram, job, cancelRunning);
    bool cancelled = cancelRunning;
    lock.lock();
    runningURI.clear();
    if (!cancelled) {
      lock.unlock();
      onDone(job, std::move(outcome));
      lock.lock();
    }
  }
}

PipelineDiagnostics::Outcome
PipelineDiagnostics::compileJob(const PipelineJob &job,
                                const std::atomic<bool> &cancelRunning,
                                bool catchCrashes) {
  Outcome outcome;
  std::vector<llvm::lsp::Diagnostic> &result = outcome.diagnostics;
  auto toPosition = [&](int line, unsigned column) {
    llvm::StringRef text = getLine(job.documentText, line);
    return llvm::lsp::Position(
        line, byteToUtf16Column(text, column > 0 ? column - 1 : 0));
  };
  for (const PipelineChunk &chunk : job.chunks) {
    if (cancelRunning)
      break;
    CompileOptions options;
    options.targets = job.config.targets;
    options.compileTo = *mlir::tessera::parsePhase(job.config.compileTo);
    options.captureIR = false;
    // What `tessera compile` does after the last phase (the host programs)
    // can fail too; it is refused there, so it is diagnosed here.
    options.buildModule = true;
    options.cancel = &cancelRunning;
    // In a worker process a crash ends the process: its stderr (the
    // server's log) names a reproducer.
    if (!catchCrashes)
      options.crashReproducer =
          mlir::tessera::getDefaultCrashReproducerPath(job.file);
    mlir::tessera::DispatchMap dispatchMap;
    options.afterPhase = [&](mlir::tessera::Phase phase,
                             mlir::ModuleOp module) {
      dispatchMap.update(phase, module);
    };
    // A fresh session (and context) per compile: a crash leaves nothing
    // shared behind. One thread, so that the crash is caught on this one.
    auto session = std::make_unique<CompileSession>();
    session->getContext().disableMultithreading();
    std::string lastPass;
    bool compiled = false;
    auto run = [&] {
      if (mlir::failed(session->loadBuffer(chunk.text, job.file)))
        return;
      (void)session->compile(
          options, [&](const mlir::tessera::PassRecord &record) {
            lastPass = record.phase + "/" + record.passArgument;
          });
      compiled = true;
    };
    bool survived = true;
    if (catchCrashes) {
      llvm::CrashRecoveryContext recovery;
      survived = recovery.RunSafely(run);
    } else {
      run();
    }
    if (!survived) {
      // The session's state is unknown after the crash: leak it.
      (void)session.release();
      llvm::lsp::Diagnostic crash;
      crash.range = llvm::lsp::Range(toPosition(chunk.lineOffset, 1));
      crash.severity = llvm::lsp::DiagnosticSeverity::Error;
      crash.source = "tessera";
      crash.category = "pipeline";
      crash.message =
          "the compiler crashed" +
          (lastPass.empty() ? std::string() : " after pass " + lastPass) +
          "; the server goes on";
      result.push_back(std::move(crash));
      continue;
    }
    if (!compiled || session->wasCancelled())
      continue;
    for (mlir::tessera::DispatchInfo &dispatch : dispatchMap.takeDispatches()) {
      dispatch.site.line += chunk.lineOffset;
      for (auto &op : dispatch.ops)
        op.line += chunk.lineOffset;
      outcome.dispatches.push_back(std::move(dispatch));
    }
    for (const mlir::tessera::Diagnostic &diag : session->getDiagnostics()) {
      llvm::lsp::Diagnostic lspDiag;
      int line = chunk.lineOffset + (diag.line > 0 ? diag.line - 1 : 0);
      llvm::lsp::Position start = toPosition(line, diag.column);
      // The token at the position.
      llvm::StringRef lineText = getLine(job.documentText, line);
      size_t begin = utf16ToByteColumn(lineText, start.character);
      size_t end = begin;
      while (end < lineText.size() &&
             (llvm::isAlnum(lineText[end]) ||
              llvm::StringRef("_.$%#@-").contains(lineText[end])))
        ++end;
      lspDiag.range = llvm::lsp::Range(
          start, llvm::lsp::Position(line, byteToUtf16Column(lineText, end)));
      switch (diag.severity) {
      case mlir::tessera::Diagnostic::Severity::Error:
        lspDiag.severity = llvm::lsp::DiagnosticSeverity::Error;
        break;
      case mlir::tessera::Diagnostic::Severity::Warning:
        lspDiag.severity = llvm::lsp::DiagnosticSeverity::Warning;
        break;
      default:
        lspDiag.severity = llvm::lsp::DiagnosticSeverity::Information;
        break;
      }
      lspDiag.source = "tessera";
      lspDiag.category =
          diag.phase.empty()
              ? std::string("pipeline")
              : diag.phase + (diag.pass.empty() ? "" : ": " + diag.pass);
      lspDiag.message = diag.message;
      result.push_back(std::move(lspDiag));
    }
  }
  return outcome;
}

} // namespace tessera::lsp

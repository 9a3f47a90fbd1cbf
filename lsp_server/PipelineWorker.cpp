//===- PipelineWorker.cpp - Pipeline compiles in a process of their own ---===//

#include "PipelineWorker.h"

#include "Logging.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <thread>

#include <signal.h>

namespace tessera::lsp {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;
using mlir::tessera::DispatchInfo;
using mlir::tessera::SourcePosition;

namespace {

Value toJSON(const SourcePosition &position) {
  return Object{{"file", position.file},
                {"line", position.line},
                {"column", position.column}};
}

bool fromJSON(const Value *value, SourcePosition &position) {
  const Object *object = value ? value->getAsObject() : nullptr;
  if (!object)
    return false;
  auto file = object->getString("file");
  auto line = object->getInteger("line");
  auto column = object->getInteger("column");
  if (!file || !line || !column)
    return false;
  position = {file->str(), unsigned(*line), unsigned(*column)};
  return true;
}

Value toJSON(const DispatchInfo &dispatch) {
  Array ops, computeOps;
  for (const SourcePosition &op : dispatch.ops)
    ops.push_back(toJSON(op));
  for (unsigned index : dispatch.computeOps)
    computeOps.push_back(index);
  Object object{{"name", dispatch.name},
                {"site", toJSON(dispatch.site)},
                {"ops", std::move(ops)},
                {"opNames", dispatch.opNames},
                {"computeOps", std::move(computeOps)},
                {"exportRef", dispatch.exportRef}};
  if (dispatch.workgroups)
    object["workgroups"] =
        Array{(*dispatch.workgroups)[0], (*dispatch.workgroups)[1],
              (*dispatch.workgroups)[2]};
  return object;
}

bool fromJSON(const Value &value, DispatchInfo &dispatch) {
  const Object *object = value.getAsObject();
  if (!object || !fromJSON(object->get("site"), dispatch.site))
    return false;
  auto name = object->getString("name");
  auto exportRef = object->getString("exportRef");
  const Array *ops = object->getArray("ops");
  const Array *opNames = object->getArray("opNames");
  const Array *computeOps = object->getArray("computeOps");
  if (!name || !exportRef || !ops || !opNames || !computeOps)
    return false;
  dispatch.name = name->str();
  dispatch.exportRef = exportRef->str();
  for (const Value &op : *ops)
    if (!fromJSON(&op, dispatch.ops.emplace_back()))
      return false;
  for (const Value &opName : *opNames) {
    auto text = opName.getAsString();
    if (!text)
      return false;
    dispatch.opNames.push_back(text->str());
  }
  for (const Value &index : *computeOps) {
    auto number = index.getAsUINT64();
    if (!number)
      return false;
    dispatch.computeOps.push_back(*number);
  }
  if (const Array *workgroups = object->getArray("workgroups")) {
    if (workgroups->size() != 3)
      return false;
    std::array<int64_t, 3> counts;
    for (int i = 0; i < 3; ++i) {
      auto count = (*workgroups)[i].getAsInteger();
      if (!count)
        return false;
      counts[i] = *count;
    }
    dispatch.workgroups = counts;
  }
  return true;
}

} // namespace

Value jobToJSON(const PipelineJob &job) {
  Array chunks;
  for (const PipelineChunk &chunk : job.chunks)
    chunks.push_back(
        Object{{"text", chunk.text}, {"lineOffset", chunk.lineOffset}});
  return Object{{"uri", job.uri},
                {"file", job.file},
                {"version", job.version},
                {"chunks", std::move(chunks)},
                {"targets", job.config.targets},
                {"compileTo", job.config.compileTo},
                {"documentText", job.documentText}};
}

bool jobFromJSON(const Value &value, PipelineJob &job) {
  const Object *object = value.getAsObject();
  if (!object)
    return false;
  auto uri = object->getString("uri");
  auto file = object->getString("file");
  auto version = object->getInteger("version");
  auto compileTo = object->getString("compileTo");
  auto documentText = object->getString("documentText");
  const Array *chunks = object->getArray("chunks");
  const Array *targets = object->getArray("targets");
  if (!uri || !file || !version || !compileTo || !documentText || !chunks ||
      !targets)
    return false;
  job.uri = uri->str();
  job.file = file->str();
  job.version = *version;
  job.config.compileTo = compileTo->str();
  job.documentText = documentText->str();
  job.config.targets.clear();
  for (const Value &target : *targets) {
    auto name = target.getAsString();
    if (!name)
      return false;
    job.config.targets.push_back(name->str());
  }
  for (const Value &chunk : *chunks) {
    const Object *fields = chunk.getAsObject();
    auto text = fields ? fields->getString("text") : std::nullopt;
    auto lineOffset = fields ? fields->getInteger("lineOffset") : std::nullopt;
    if (!text || !lineOffset)
      return false;
    job.chunks.push_back({text->str(), int(*lineOffset)});
  }
  return true;
}

Value outcomeToJSON(const PipelineDiagnostics::Outcome &outcome) {
  Array diagnostics, dispatches;
  for (const llvm::lsp::Diagnostic &diagnostic : outcome.diagnostics)
    diagnostics.push_back(toJSON(diagnostic));
  for (const DispatchInfo &dispatch : outcome.dispatches)
    dispatches.push_back(toJSON(dispatch));
  return Object{{"diagnostics", std::move(diagnostics)},
                {"dispatches", std::move(dispatches)}};
}

bool outcomeFromJSON(const Value &value,
                     PipelineDiagnostics::Outcome &outcome) {
  const Object *object = value.getAsObject();
  const Array *diagnostics = object ? object->getArray("diagnostics") : nullptr;
  const Array *dispatches = object ? object->getArray("dispatches") : nullptr;
  if (!diagnostics || !dispatches)
    return false;
  for (const Value &diagnostic : *diagnostics) {
    llvm::json::Path::Root root;
    if (!fromJSON(diagnostic, outcome.diagnostics.emplace_back(), root))
      return false;
  }
  for (const Value &dispatch : *dispatches)
    if (!fromJSON(dispatch, outcome.dispatches.emplace_back()))
      return false;
  return true;
}

int runPipelineWorker() {
  auto input = llvm::MemoryBuffer::getSTDIN();
  if (!input)
    return 1;
  auto value = llvm::json::parse((*input)->getBuffer());
  PipelineJob job;
  if (!value || !jobFromJSON(*value, job)) {
    if (!value)
      llvm::consumeError(value.takeError());
    llvm::errs() << "tessera-lsp --pipeline-worker: no job on stdin\n";
    return 1;
  }
  std::atomic<bool> never{false};
  llvm::outs() << outcomeToJSON(
      PipelineDiagnostics::compileJob(job, never,
                                      /*catchCrashes=*/false));
  llvm::outs().flush();
  return 0;
}

PipelineDiagnostics::Outcome compileInWorker(const std::string &program,
                                             const PipelineJob &job,
                                             const std::atomic<bool> &cancel) {
  PipelineDiagnostics::Outcome outcome;
  auto fail = [&](const std::string &message) {
    llvm::lsp::Diagnostic diagnostic;
    int first = job.chunks.empty() ? 0 : job.chunks[0].lineOffset;
    diagnostic.range = llvm::lsp::Range(llvm::lsp::Position(first, 0));
    diagnostic.severity = llvm::lsp::DiagnosticSeverity::Error;
    diagnostic.source = "tessera";
    diagnostic.category = "pipeline";
    diagnostic.message = message;
    outcome.diagnostics.push_back(std::move(diagnostic));
    return std::move(outcome);
  };
  // Files, not pipes: nothing to pump while waiting for the worker.
  llvm::SmallString<128> jobPath, outcomePath;
  if (llvm::sys::fs::createTemporaryFile("tessera-lsp-job", "json", jobPath))
    return fail("cannot create a file for the compile's job");
  if (llvm::sys::fs::createTemporaryFile("tessera-lsp-outcome", "json",
                                         outcomePath)) {
    llvm::sys::fs::remove(jobPath);
    return fail("cannot create a file for the compile's outcome");
  }
  auto cleanup = [&] {
    llvm::sys::fs::remove(jobPath);
    llvm::sys::fs::remove(outcomePath);
  };
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(jobPath, ec);
    os << jobToJSON(job);
    if (ec || os.has_error()) {
      os.clear_error();
      cleanup();
      return fail("cannot write the compile's job");
    }
  }
  std::optional<llvm::StringRef> redirects[] = {
      jobPath.str(), outcomePath.str(), std::nullopt};
  std::string error;
  bool failed = false;
  llvm::sys::ProcessInfo process =
      llvm::sys::ExecuteNoWait(program, {program, "--pipeline-worker"},
                               std::nullopt, redirects, 0, &error, &failed);
  if (failed) {
    cleanup();
    return fail("cannot start the compiler (" + error + ")");
  }
  llvm::sys::ProcessInfo done;
  bool killed = false;
  while (true) {
    done = llvm::sys::Wait(process, /*SecondsToWait=*/0, &error);
    if (done.Pid != 0)
      break;
    if (cancel.load() && !killed) {
      // A newer version is waiting: this outcome is not wanted.
      ::kill(process.Pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto buffer = llvm::MemoryBuffer::getFile(outcomePath);
  cleanup();
  if (done.ReturnCode == 0 && buffer) {
    auto value = llvm::json::parse((*buffer)->getBuffer());
    if (value && outcomeFromJSON(*value, outcome))
      return outcome;
    if (!value)
      llvm::consumeError(value.takeError());
    outcome = {};
  }
  if (cancel.load())
    return outcome;
  log(LogLevel::Error,
      "the pipeline worker for " + job.uri + " version " +
          std::to_string(job.version) + " ended: " +
          (error.empty() ? "exit code " + std::to_string(done.ReturnCode)
                         : error));
  return fail(
      "the compiler crashed (" +
      (error.empty() ? "exit code " + std::to_string(done.ReturnCode) : error) +
      "), a Tessera bug; the server goes on. `tessera compile " + job.file +
      "` reproduces it");
}

} // namespace tessera::lsp

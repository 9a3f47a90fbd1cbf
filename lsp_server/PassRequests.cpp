//===- PassRequests.cpp - tessera/passes and tessera/irAfterPass ----------===//

#include "PassRequests.h"

#include "llvm/Support/CrashRecoveryContext.h"

#include "SourceText.h"

#include "Pipeline/IRDiff.h"

namespace tessera::lsp {

using mlir::tessera::PassRecord;

PassRequests::~PassRequests() {
  std::lock_guard<std::mutex> lock(tasksMutex);
  for (auto &task : tasks)
    task.wait();
}

void PassRequests::runInBackground(std::function<void()> task,
                                   std::function<void()> onCrash) {
  std::lock_guard<std::mutex> lock(tasksMutex);
  tasks.remove_if([](std::future<void> &done) {
    return done.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  });
  tasks.push_back(
      std::async(std::launch::async,
                 [task = std::move(task), onCrash = std::move(onCrash)] {
                   // What the crashed compile held is leaked (its state is
                   // unknown).
                   llvm::CrashRecoveryContext recovery;
                   if (!recovery.RunSafely(task))
                     onCrash();
                 }));
}

std::shared_ptr<const CapturedCompile>
PassRequests::get(const std::string &uri, int64_t version,
                  const std::string &text, const std::string &file,
                  const std::string &compileTo,
                  const std::vector<std::string> &targets) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(uri);
    if (it != cache.end() && it->second->version == version &&
        it->second->compileTo == compileTo && it->second->targets == targets)
      return it->second;
  }
  auto capture = std::make_shared<CapturedCompile>();
  capture->uri = uri;
  capture->version = version;
  capture->compileTo = compileTo;
  capture->targets = targets;
  capture->source = text;
  mlir::tessera::CompileSession session;
  if (mlir::succeeded(session.loadBuffer(text, file))) {
    mlir::tessera::CompileOptions options;
    options.targets = targets;
    options.compileTo = *mlir::tessera::parsePhase(compileTo);
    options.captureIR = true;
    // The same diagnostics as `tessera compile` (building the module can
    // fail after the last pass).
    options.buildModule = true;
    mlir::tessera::DispatchMap dispatchMap;
    options.afterPhase = [&](mlir::tessera::Phase phase,
                             mlir::ModuleOp module) {
      dispatchMap.update(phase, module);
    };
    (void)session.compile(options);
    capture->dispatches = dispatchMap.takeDispatches();
  }
  capture->records = session.getPassRecords();
  capture->diagnostics = session.getDiagnostics();
  std::lock_guard<std::mutex> lock(mutex);
  cache[uri] = capture;
  return capture;
}

void PassRequests::forget(const std::string &uri) {
  std::lock_guard<std::mutex> lock(mutex);
  cache.erase(uri);
}

namespace {

/// What both requests say about a pass.
llvm::json::Object describe(const PassRecord &record) {
  return llvm::json::Object{
      {"index", record.index},           {"name", record.passName},
      {"argument", record.passArgument}, {"phase", record.phase},
      {"anchor", record.anchorOpName},   {"anchorSymbol", record.anchorSymbol},
      {"changed", record.changed}};
}

} // namespace

llvm::json::Value PassRequests::passesToJSON(const CapturedCompile &capture) {
  llvm::json::Array passes;
  for (const PassRecord &record : capture.records) {
    llvm::json::Object pass = describe(record);
    pass["nesting"] = record.nesting;
    pass["depth"] = record.depth;
    pass["ms"] = record.wallMs;
    pass["failed"] = record.failed;
    passes.push_back(std::move(pass));
  }
  llvm::json::Array diagnostics;
  for (const mlir::tessera::Diagnostic &diag : capture.diagnostics)
    diagnostics.push_back(llvm::json::Object{
        {"line", diag.line},
        {"column", diag.column},
        {"severity",
         diag.severity == mlir::tessera::Diagnostic::Severity::Error ? "error"
         : diag.severity == mlir::tessera::Diagnostic::Severity::Warning
             ? "warning"
             : "note"},
        {"message", diag.message},
        {"phase", diag.phase},
        {"pass", diag.pass}});
  return llvm::json::Object{{"version", capture.version},
                            {"compileTo", capture.compileTo},
                            {"passes", std::move(passes)},
                            {"diagnostics", std::move(diagnostics)}};
}

llvm::json::Value
PassRequests::dispatchesToJSON(const CapturedCompile &capture) {
  auto position = [&](const mlir::tessera::SourcePosition &at) {
    int line = at.line > 0 ? at.line - 1 : 0;
    return llvm::json::Object{
        {"line", line},
        {"character", byteToUtf16Column(getLine(capture.source, line),
                                        at.column > 0 ? at.column - 1 : 0)}};
  };
  llvm::json::Array dispatches;
  for (const mlir::tessera::DispatchInfo &dispatch : capture.dispatches) {
    llvm::json::Array ops;
    for (const auto &op : dispatch.ops)
      ops.push_back(position(op));
    llvm::json::Value workgroups = nullptr;
    if (dispatch.workgroups)
      workgroups = llvm::json::Array{(*dispatch.workgroups)[0],
                                     (*dispatch.workgroups)[1],
                                     (*dispatch.workgroups)[2]};
    dispatches.push_back(llvm::json::Object{{"name", dispatch.name},
                                            {"site", position(dispatch.site)},
                                            {"ops", std::move(ops)},
                                            {"export", dispatch.exportRef},
                                            {"workgroups", workgroups}});
  }
  return llvm::json::Object{{"version", capture.version},
                            {"dispatches", std::move(dispatches)}};
}

llvm::Expected<llvm::json::Value>
PassRequests::irAfterPassToJSON(const CapturedCompile &capture, int64_t index,
                                bool diff) {
  if (index < 0 || index >= static_cast<int64_t>(capture.records.size()))
    return llvm::createStringError(
        "no pass " + std::to_string(index) + " (the compile captured " +
        std::to_string(capture.records.size()) + " passes)");
  const PassRecord &record = capture.records[index];
  std::string after = record.irAfter ? record.irAfter->str() : "";
  llvm::json::Object result = describe(record);
  result["ir"] = after;
  if (diff) {
    // The capture keeps the anchor's IR before each pass; previousIndex
    // names the last pass that ran on the same anchor, if any.
    int64_t previousIndex = -1;
    for (int64_t i = index - 1; i >= 0; --i) {
      const PassRecord &previous = capture.records[i];
      if (previous.nesting == record.nesting &&
          previous.anchorSymbol == record.anchorSymbol) {
        previousIndex = i;
        break;
      }
    }
    result["previousIndex"] = previousIndex;
    std::vector<mlir::tessera::DiffLine> lines;
    if (record.irBefore && record.irAfter)
      lines = mlir::tessera::diffSnapshots(*record.irBefore, *record.irAfter);
    result["diff"] = mlir::tessera::formatUnifiedDiff(
        lines,
        previousIndex < 0 ? std::string("input")
                          : "after " + capture.records[previousIndex].passName,
        "after " + record.passName);
  }
  return llvm::json::Value(std::move(result));
}

} // namespace tessera::lsp

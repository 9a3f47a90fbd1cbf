//===- DocumentAnalyses.cpp - The analysis worker's state -----------------===//

#include "DocumentAnalyses.h"

#include "Dialects.h"
#include "InlayHints.h"
#include "Logging.h"
#include "MLIRDocument.h"
#include "OwnedJSON.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CrashRecoveryContext.h"

namespace tessera::lsp {

namespace {

llvm::json::Value diagnosticsMessage(const std::string &uri, int64_t version,
                                     llvm::json::Array diagnostics) {
  return llvm::json::Object{{"uri", uri},
                            {"version", version},
                            {"diagnostics", std::move(diagnostics)}};
}

} // namespace

DocumentAnalyses::DocumentAnalyses(Transport &transport,
                                   const ServerSettings &settings,
                                   PipelineDiagnostics &pipeline)
    : transport(transport), settings(settings), pipeline(pipeline) {
  registerServerDialects(registry);
}

DocumentAnalyses::~DocumentAnalyses() {
  // Every request gets an answer, even at exit.
  for (auto &entry : waiting)
    for (WaitingRequest &request : entry.second)
      request.reply(llvm::json::Array());
}

std::optional<DocumentAnalyses::Clock::duration>
DocumentAnalyses::analyze(const DocumentSnapshot &snapshot) {
  const std::string &uri = snapshot.uri;
  auto parsedURI = llvm::lsp::URIForFile::fromURI(uri);
  if (!parsedURI) {
    log(LogLevel::Error,
        "cannot analyse " + uri + ": " + llvm::toString(parsedURI.takeError()));
    return std::nullopt;
  }
  auto start = Clock::now();
  std::shared_ptr<MLIRDocument> previous = analyses.lookup(uri);
  std::shared_ptr<MLIRDocument> document;
  // A crash in the analysis (a bug; it runs in the server, which must hold
  // what it found) costs this version: what the crashed analysis held is
  // leaked, the last good analysis keeps serving.
  llvm::CrashRecoveryContext recovery;
  bool survived = recovery.RunSafely([&] {
    document = std::make_shared<MLIRDocument>(
        registry, *parsedURI, *snapshot.text, snapshot.version, previous,
        std::move(spareContext));
  });
  if (!survived) {
    log(LogLevel::Error, "the analysis of " + uri + " version " +
                             std::to_string(snapshot.version) + " crashed");
    llvm::lsp::Diagnostic crash;
    crash.severity = llvm::lsp::DiagnosticSeverity::Error;
    crash.source = "tessera";
    crash.category = "analysis";
    crash.message = "the analysis crashed, a Tessera bug; the server goes on "
                    "(`tessera-lsp --check FILE` reproduces it)";
    transport.notify("textDocument/publishDiagnostics",
                     diagnosticsMessage(uri, snapshot.version,
                                        llvm::json::Array{toJSON(crash)}));
    return std::nullopt;
  }
  Clock::duration elapsed = Clock::now() - start;
  analyses[uri] = document;
  publish(uri);
  if (settings.forFile(parsedURI->file()).trigger ==
      PipelineConfig::Trigger::Idle)
    submitPipeline(uri);
  return elapsed;
}

std::optional<DocumentAnalyses::Clock::duration>
DocumentAnalyses::diagnoseEditedFunction(const DocumentSnapshot &snapshot) {
  auto start = Clock::now();
  std::shared_ptr<MLIRDocument> previous = analyses.lookup(snapshot.uri);
  // Nothing to start from, or the full analysis of this version (or a
  // later one) already published.
  if (!previous || previous->getVersion() >= snapshot.version)
    return std::nullopt;
  std::optional<std::vector<llvm::lsp::Diagnostic>> quick;
  llvm::CrashRecoveryContext recovery;
  bool survived = recovery.RunSafely([&] {
    quick = previous->diagnoseEditedFunction(registry, *snapshot.text);
  });
  // A crash here is left to the full analysis, which reports it.
  if (!survived || !quick)
    return std::nullopt;
  llvm::json::Array list;
  for (const llvm::lsp::Diagnostic &diagnostic : *quick)
    list.push_back(own(toJSON(diagnostic)));
  transport.notify(
      "textDocument/publishDiagnostics",
      diagnosticsMessage(snapshot.uri, snapshot.version, std::move(list)));
  return Clock::now() - start;
}

void DocumentAnalyses::forget(const std::string &uri) {
  analyses.erase(uri);
  pipelineResults.erase(uri);
  compiling.erase(uri);
  answerWaits(uri);
}

void DocumentAnalyses::close(const std::string &uri) {
  forget(uri);
  transport.notify(
      "textDocument/publishDiagnostics",
      llvm::json::Object{{"uri", uri}, {"diagnostics", llvm::json::Array()}});
}

void DocumentAnalyses::saved(const std::string &uri) {
  auto it = analyses.find(uri);
  if (it != analyses.end() &&
      settings.forFile(it->second->getURI().file()).trigger ==
          PipelineConfig::Trigger::Save)
    submitPipeline(uri);
}

void DocumentAnalyses::submitPipeline(const std::string &uri) {
  auto it = analyses.find(uri);
  if (it == analyses.end())
    return;
  MLIRDocument &document = *it->second;
  PipelineJob job;
  job.uri = uri;
  job.file = document.getURI().file().str();
  job.version = document.getVersion();
  job.chunks = document.getCleanChunks();
  job.config = settings.forFile(job.file);
  job.documentText = document.getText().str();
  // Requests waiting for an older version's compile: it is superseded.
  answerWaits(uri);
  if (job.chunks.empty() || job.config.trigger == PipelineConfig::Trigger::Off)
    return;
  compiling[uri] = job.version;
  pipeline.submit(std::move(job));
}

void DocumentAnalyses::pipelineDone(const std::string &uri, int64_t version,
                                    PipelineDiagnostics::Outcome outcome) {
  if (!analyses.count(uri))
    return; // Closed meanwhile.
  auto it = compiling.find(uri);
  if (it != compiling.end() && it->second == version)
    compiling.erase(it);
  pipelineResults[uri] = {version, std::move(outcome.diagnostics),
                          std::move(outcome.dispatches)};
  publish(uri);
  answerWaits(uri);
  // What the editor shows from the compile is stale until it asks again.
  ClientCapabilities client = settings.getCapabilities();
  if (client.inlayHintRefresh)
    transport.request("workspace/inlayHint/refresh", nullptr);
  if (client.codeLensRefresh)
    transport.request("workspace/codeLens/refresh", nullptr);
  if (client.semanticTokensRefresh)
    transport.request("workspace/semanticTokens/refresh", nullptr);
}

void DocumentAnalyses::publish(const std::string &uri) {
  auto it = analyses.find(uri);
  if (it == analyses.end())
    return;
  MLIRDocument &document = *it->second;
  llvm::json::Array diagnostics;
  for (const llvm::lsp::Diagnostic &diagnostic : document.getDiagnostics())
    diagnostics.push_back(own(toJSON(diagnostic)));
  auto result = pipelineResults.find(uri);
  if (result != pipelineResults.end() &&
      result->second.version == document.getVersion())
    for (const llvm::lsp::Diagnostic &diagnostic : result->second.diagnostics)
      diagnostics.push_back(own(toJSON(diagnostic)));
  transport.notify(
      "textDocument/publishDiagnostics",
      diagnosticsMessage(uri, document.getVersion(), std::move(diagnostics)));
}

MLIRDocument *DocumentAnalyses::find(llvm::StringRef uri) {
  auto it = analyses.find(uri);
  return it == analyses.end() ? nullptr : it->second.get();
}

void DocumentAnalyses::forEach(llvm::function_ref<void(MLIRDocument &)> visit) {
  for (auto &entry : analyses)
    visit(*entry.second);
}

bool DocumentAnalyses::inlayHints(const std::string &uri, Reply reply,
                                  Clock::time_point deadline) {
  MLIRDocument *document = find(uri);
  if (!document) {
    reply(makeLSPError(InvalidParams, "no open document with the uri " + uri));
    return false;
  }
  auto result = pipelineResults.find(uri);
  if (result != pipelineResults.end() &&
      result->second.version == document->getVersion()) {
    reply(dispatchInlayHints(*document, result->second.dispatches));
    return false;
  }
  auto running = compiling.find(uri);
  if (running == compiling.end() || running->second != document->getVersion()) {
    // No compile of this version is coming (off, on save, or errors).
    reply(llvm::json::Array());
    return false;
  }
  waiting[uri].push_back({std::move(reply), deadline});
  return true;
}

void DocumentAnalyses::answerWaits(const std::string &uri) {
  auto it = waiting.find(uri);
  if (it == waiting.end())
    return;
  std::vector<WaitingRequest> requests = std::move(it->second);
  waiting.erase(it);
  MLIRDocument *document = find(uri);
  auto result = pipelineResults.find(uri);
  for (WaitingRequest &request : requests) {
    if (document && result != pipelineResults.end() &&
        result->second.version == document->getVersion())
      request.reply(dispatchInlayHints(*document, result->second.dispatches));
    else
      request.reply(llvm::json::Array());
  }
}

void DocumentAnalyses::expireWaits() {
  auto now = Clock::now();
  for (auto &entry : waiting) {
    auto &requests = entry.second;
    for (auto it = requests.begin(); it != requests.end();) {
      if (it->deadline <= now) {
        it->reply(llvm::json::Array());
        it = requests.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void DocumentAnalyses::prepareSpareContext(
    const std::vector<std::string> &dialects) {
  if (!spareContext)
    spareContext = MLIRDocument::prepareContext(registry, dialects);
}

std::vector<std::string>
DocumentAnalyses::getLoadedDialects(llvm::StringRef uri) {
  MLIRDocument *document = find(uri);
  // The next version's context, after what is urgent: loading dialects is
  // most of a small file's analysis; a large file's needs no head start
  // and its peak memory no extra context.
  if (!document || document->getText().size() >= (1u << 20))
    return {};
  return document->getLoadedDialects();
}

} // namespace tessera::lsp

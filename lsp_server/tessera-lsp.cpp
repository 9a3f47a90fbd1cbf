//===- tessera-lsp.cpp - The language server's main -----------------------===//
//
// Speaks LSP over stdin/stdout; `--check FILE` prints the diagnostics the
// server would publish for FILE (the pipeline's included, unless
// --no-pipeline) and exits 1 when there are errors.
//
//===----------------------------------------------------------------------===//

#include "Logging.h"
#include "MLIRDocument.h"
#include "PipelineConfigFile.h"
#include "PipelineDiagnostics.h"
#include "PipelineWorker.h"
#include "Server.h"

#include "Dialects.h"
#include "Pipeline/CrashMessage.h"
#include "Pipeline/InputFile.h"
#include "Pipeline/Version.h"
#include "Tool/CommandLine.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cstdio>

using namespace tessera::lsp;
namespace cl = llvm::cl;

namespace {

/// Prints `diag` as `FILE:LINE:COL: SEVERITY: MESSAGE [CATEGORY]`; returns
/// whether it is an error.
bool printDiagnostic(llvm::StringRef path, const llvm::lsp::Diagnostic &diag) {
  const char *severity = "error";
  bool error = false;
  switch (diag.severity) {
  case llvm::lsp::DiagnosticSeverity::Warning:
    severity = "warning";
    break;
  case llvm::lsp::DiagnosticSeverity::Information:
    severity = "note";
    break;
  case llvm::lsp::DiagnosticSeverity::Hint:
    severity = "remark";
    break;
  default:
    error = true;
    break;
  }
  llvm::outs() << path << ":" << diag.range.start.line + 1 << ":"
               << diag.range.start.character + 1 << ": " << severity << ": "
               << diag.message << " [" << diag.category.value_or("") << "]\n";
  return error;
}

/// The diagnostics the server publishes for `path`: parse and verify, then
/// (unless `pipeline` is false) those of compiling its clean chunks, as the
/// server's background compile does.
int check(const std::string &path, bool pipeline) {
  auto buffer = mlir::tessera::readInputFile(path);
  if (!buffer) {
    llvm::errs() << "tessera-lsp: error: " << llvm::toString(buffer.takeError())
                 << "\n";
    return 2;
  }
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  auto uri = llvm::lsp::URIForFile::fromFile(absolute);
  if (!uri) {
    llvm::errs() << "tessera-lsp: " << llvm::toString(uri.takeError()) << "\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  registerServerDialects(registry);
  MLIRDocument document(registry, *uri, (*buffer)->getBuffer(), 0);
  bool errors = false;
  size_t count = 0;
  for (const llvm::lsp::Diagnostic &diag : document.getDiagnostics()) {
    errors |= printDiagnostic(path, diag);
    ++count;
  }
  if (pipeline) {
    // Built as Server::submitPipeline builds it. The trigger is ignored:
    // asking for --check is asking for the compile.
    PipelineJob job;
    job.uri = uri->uri().str();
    job.file = uri->file().str();
    job.version = document.getVersion();
    job.chunks = document.getCleanChunks();
    job.config = refinePipelineConfig(PipelineConfig(), job.file);
    job.documentText = document.getText().str();
    if (!job.chunks.empty()) {
      // Without it, CrashRecoveryContext::RunSafely catches no crash.
      llvm::CrashRecoveryContext::Enable();
      std::atomic<bool> cancel{false};
      PipelineDiagnostics::Outcome outcome =
          PipelineDiagnostics::compileJob(job, cancel, /*catchCrashes=*/true);
      for (const llvm::lsp::Diagnostic &diag : outcome.diagnostics) {
        errors |= printDiagnostic(path, diag);
        ++count;
      }
    }
  }
  llvm::outs() << path << ": " << count << " diagnostics\n";
  return errors ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  // A crash prints a stack trace that says it is a Tessera bug.
  llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  mlir::tessera::setCrashMessage("tessera-lsp", argc, argv);
  mlir::tessera::setVersionPrinter("tessera-lsp");
  cl::OptionCategory serverCategory{"Language server"};
  cl::OptionCategory checkCategory{"Without an editor"};
  cl::opt<std::string> checkFile{
      "check",
      cl::desc("Print the diagnostics the server would publish for FILE "
               "(parse, verify, then compiling it with the targets and "
               "compileTo of the nearest tessera.json) and exit (1 when "
               "there are errors)"),
      cl::value_desc("FILE"), cl::cat(checkCategory)};
  cl::opt<bool> noPipeline{
      "no-pipeline",
      cl::desc("With --check: parse and verify only, no compile"),
      cl::cat(checkCategory)};
  cl::opt<LogLevel> logLevel{
      "log",
      cl::desc("What to log on stderr (default: error)"),
      cl::value_desc("level"),
      cl::init(LogLevel::Error),
      cl::values(clEnumValN(LogLevel::Error, "error", "errors only"),
                 clEnumValN(LogLevel::Info, "info", "what the server does"),
                 clEnumValN(LogLevel::Verbose, "verbose", "every message")),
      cl::cat(serverCategory)};
  cl::opt<unsigned> minDebounce{
      "debounce-min-ms",
      cl::desc("Shortest delay between an edit and its full analysis, and "
               "the longest before an edit inside one function is diagnosed "
               "from that function (default: 50)"),
      cl::value_desc("ms"), cl::init(50), cl::cat(serverCategory)};
  cl::opt<unsigned> maxDebounce{
      "debounce-max-ms",
      cl::desc("Longest delay between an edit and its full analysis "
               "(default: 500)"),
      cl::value_desc("ms"), cl::init(500), cl::cat(serverCategory)};
  cl::opt<bool> pipelineWorker{
      "pipeline-worker",
      cl::desc("Compile one pipeline job (JSON on stdin) and exit: how the "
               "server runs compiles, each in a process of its own"),
      cl::Hidden, cl::cat(serverCategory)};
  mlir::tessera::ToolDescription tool{
      "tessera-lsp",
      "[options]",
      "The MLIR language server of Tessera: speaks the Language Server "
      "Protocol (JSON-RPC) on stdin\nand stdout. Diagnostics through the "
      "whole pipeline, hovers, definitions, completion, the IR\nafter each "
      "pass. Editors start it themselves (VS Code: the Tessera MLIR "
      "extension).",
      {&serverCategory, &checkCategory},
      {"tessera-lsp --log=info                # as an editor starts it, "
       "logging to stderr",
       "tessera-lsp --check examples/mlp.mlir # its diagnostics: parse, "
       "verify, compile",
       "tessera-lsp --check examples/mlp.mlir --no-pipeline  # parse and "
       "verify only"},
      {mlir::tessera::choicesOf(logLevel)}};
  if (std::optional<int> exit =
          mlir::tessera::parseToolCommandLine(argc, argv, tool))
    return *exit;
  setLogLevel(logLevel);
  if (pipelineWorker)
    return tessera::lsp::runPipelineWorker();
  if (!checkFile.empty())
    return check(checkFile, !noPipeline);

  ServerOptions options;
  options.minDebounce = std::chrono::milliseconds(minDebounce);
  options.maxDebounce =
      std::chrono::milliseconds(std::max<unsigned>(minDebounce, maxDebounce));
  options.pipelineWorker =
      llvm::sys::fs::getMainExecutable(argv[0], (void *)&check);
  Transport transport(stdin, llvm::outs());
  Server server(transport, options);
  return server.run();
}

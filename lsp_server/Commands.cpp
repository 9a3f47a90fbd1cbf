//===- Commands.cpp - Compiling a document, and the server's commands -----===//

#include "Commands.h"

#include "Pipeline/CompileSession.h"
#include "Pipeline/OutputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <atomic>

namespace tessera::lsp {

llvm::json::Object
compileDocument(const DocumentRequest &request, llvm::StringRef output,
                const std::function<void(llvm::json::Object)> &progress,
                const std::function<bool()> &cancelled) {
  progress(llvm::json::Object{
      {"kind", "begin"},
      {"title", "Compiling " + llvm::sys::path::filename(request.file).str()},
      {"percentage", 0}});
  std::atomic<bool> cancel{false};
  mlir::tessera::CompileSession session;
  mlir::tessera::CompileOptions options;
  options.targets = request.config.targets;
  options.buildModule = true;
  options.captureIR = false;
  options.cancel = &cancel;
  const auto &phases = mlir::tessera::getAllPhases();
  options.afterPhase = [&](mlir::tessera::Phase phase, mlir::ModuleOp) {
    if (cancelled())
      cancel = true;
    size_t done = llvm::find(phases, phase) - phases.begin() + 1;
    progress(llvm::json::Object{
        {"kind", "report"},
        {"message", mlir::tessera::getPhaseName(phase).str()},
        {"percentage", static_cast<int64_t>(done * 100 / phases.size())}});
  };
  bool ok = mlir::succeeded(
                session.loadBuffer(*request.snapshot.text, request.file)) &&
            mlir::succeeded(session.compile(options));
  llvm::json::Array diagnostics;
  for (const mlir::tessera::Diagnostic &diag : session.getDiagnostics())
    diagnostics.push_back(llvm::json::Object{{"message", diag.format()},
                                             {"phase", diag.phase},
                                             {"pass", diag.pass}});
  if (ok && !cancelled()) {
    if (llvm::Error error = mlir::tessera::writeFileAtomically(
            output, session.getModuleBytes())) {
      ok = false;
      diagnostics.push_back(
          llvm::json::Object{{"message", llvm::toString(std::move(error))}});
    }
  }
  progress(llvm::json::Object{{"kind", "end"},
                              {"message", cancelled() ? std::string("cancelled")
                                          : ok        ? "wrote " + output.str()
                                               : std::string("failed")}});
  llvm::json::Object result{{"ok", ok},
                            {"diagnostics", std::move(diagnostics)}};
  if (ok) {
    result["output"] = output.str();
    result["bytes"] = static_cast<int64_t>(session.getModuleBytes().size());
  }
  return result;
}

std::string defaultModulePath(llvm::StringRef documentFile) {
  llvm::SmallString<256> path(documentFile);
  llvm::sys::path::replace_extension(path, ".tsm");
  return path.str().str();
}

llvm::json::Object compileMessage(const llvm::json::Object &result) {
  if (result.getBoolean("ok").value_or(false))
    return llvm::json::Object{
        {"type", 3}, // Info
        {"message", llvm::formatv("Tessera: wrote {0} ({1} bytes)",
                                  result.getString("output").value_or(""),
                                  result.getInteger("bytes").value_or(0))
                        .str()}};
  std::string reason = "see the diagnostics";
  if (const llvm::json::Array *diagnostics = result.getArray("diagnostics"))
    if (!diagnostics->empty())
      if (const llvm::json::Object *first = diagnostics->front().getAsObject())
        reason = first->getString("message").value_or(reason).str();
  return llvm::json::Object{{"type", 1}, // Error
                            {"message", "Tessera: compile failed: " + reason}};
}

} // namespace tessera::lsp

//===- CodeActions.cpp - Quick fixes for a document's diagnostics ---------===//

#include "CodeActions.h"

#include "MLIRDocument.h"
#include "OwnedJSON.h"
#include "SourceText.h"

namespace tessera::lsp {

std::vector<DiagnosticCheck>
checksForDiagnostics(const llvm::json::Array &diagnostics) {
  std::vector<DiagnosticCheck> checks;
  for (const llvm::json::Value &diagnostic : diagnostics) {
    llvm::lsp::Diagnostic parsed;
    llvm::json::Path::Root root;
    if (!fromJSON(diagnostic, parsed, root))
      continue;
    const char *kind =
        parsed.severity == llvm::lsp::DiagnosticSeverity::Warning ? "warning"
        : parsed.severity == llvm::lsp::DiagnosticSeverity::Information
            ? "remark"
            : "error";
    checks.push_back({parsed.range.start.line, std::string("// expected-") +
                                                   kind + " @below {{" +
                                                   parsed.message + "}}"});
  }
  return checks;
}

llvm::json::Value
expectedDiagnosticsAction(const MLIRDocument &document, const std::string &uri,
                          const std::vector<DiagnosticCheck> &checks) {
  llvm::json::Array edits;
  for (const auto &[line, comment] : checks) {
    llvm::StringRef lineText = getLine(document.getText(), line);
    std::string indent =
        lineText.take_while([](char c) { return c == ' ' || c == '\t'; }).str();
    llvm::lsp::Position at(line, 0);
    edits.push_back(
        llvm::json::Object{{"range", own(toJSON(llvm::lsp::Range(at, at)))},
                           {"newText", indent + comment + "\n"}});
  }
  return llvm::json::Array{llvm::json::Object{
      {"title", "Add expected-* diagnostic checks"},
      {"kind", "quickfix"},
      {"edit", llvm::json::Object{
                   {"changes", llvm::json::Object{{uri, std::move(edits)}}}}}}};
}

} // namespace tessera::lsp

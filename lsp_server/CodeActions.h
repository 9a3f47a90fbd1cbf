//===- CodeActions.h - Quick fixes for a document's diagnostics -*- C++ -*-===//
//
// Upstream mlir-lsp-server's "add expected-* checks" action: a comment per
// diagnostic, above its line, in the form -verify-diagnostics reads, so a
// failing input becomes a test in one step.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_CODEACTIONS_H
#define TESSERA_LSP_CODEACTIONS_H

#include "llvm/Support/JSON.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera::lsp {

class MLIRDocument;

/// One check to insert: the 0-based line it describes and the comment.
using DiagnosticCheck = std::pair<int, std::string>;

/// The checks for the diagnostics of a codeAction request's context (those
/// that do not parse are skipped, as an editor may send its own kinds).
std::vector<DiagnosticCheck>
checksForDiagnostics(const llvm::json::Array &diagnostics);

/// The codeAction answer inserting `checks` into `document`.
llvm::json::Value
expectedDiagnosticsAction(const MLIRDocument &document, const std::string &uri,
                          const std::vector<DiagnosticCheck> &checks);

} // namespace tessera::lsp

#endif // TESSERA_LSP_CODEACTIONS_H

//===- Commands.h - Compiling a document, and the server's commands -*- C++
//-*-===//
//
// tessera/compile (the VS Code extension's request, with $/progress) and
// the commands the server runs itself through workspace/executeCommand, so
// that code lenses work in any editor: `tessera-lsp.compile` writes the
// document's module beside it, `tessera-lsp.showPasses` lists the passes.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_COMMANDS_H
#define TESSERA_LSP_COMMANDS_H

#include "CommandNames.h"
#include "DocumentRequest.h"

#include "llvm/Support/JSON.h"

#include <functional>

namespace tessera::lsp {

/// Compiles `request`'s document and writes the module to `output`
/// (atomically); `progress` gets $/progress values (begin, a report per
/// phase, end), `cancelled` is polled between phases. The answer of
/// tessera/compile: {ok, diagnostics: [{message, phase, pass}], output,
/// bytes}.
llvm::json::Object
compileDocument(const DocumentRequest &request, llvm::StringRef output,
                const std::function<void(llvm::json::Object)> &progress,
                const std::function<bool()> &cancelled);

/// Where `tessera-lsp.compile` writes a document's module: `<stem>.tsm`
/// beside it (as the VS Code extension's Compile does).
std::string defaultModulePath(llvm::StringRef documentFile);

/// The window/showMessage a command's answer deserves: what it wrote, or
/// why it failed.
llvm::json::Object compileMessage(const llvm::json::Object &result);

} // namespace tessera::lsp

#endif // TESSERA_LSP_COMMANDS_H

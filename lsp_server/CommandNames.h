//===- CommandNames.h - The commands the server runs itself ----*- C++ -*-===//
//
// Named by code lenses and executeCommandProvider; run by Commands.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_COMMANDNAMES_H
#define TESSERA_LSP_COMMANDNAMES_H

namespace tessera::lsp {

/// Writes the document's module beside it.
inline constexpr const char *kCompileCommand = "tessera-lsp.compile";
/// Lists the passes of the document's compile.
inline constexpr const char *kShowPassesCommand = "tessera-lsp.showPasses";

} // namespace tessera::lsp

#endif // TESSERA_LSP_COMMANDNAMES_H

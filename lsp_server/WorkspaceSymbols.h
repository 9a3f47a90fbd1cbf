//===- WorkspaceSymbols.h - Symbols of the files of a folder --*- C++ -*-===//
//
// workspace/symbol answers from the open documents' analyses and, for the
// .mlir files of the workspace folder that are not open, from a text scan
// for symbol definitions (`func.func @f`, `hal.executable private @ex`...):
// parsing a whole folder per query would be too slow.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_WORKSPACESYMBOLS_H
#define TESSERA_LSP_WORKSPACESYMBOLS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace tessera::lsp {

struct ScannedSymbol {
  std::string name;
  /// The defining op's name ("func.func").
  std::string opName;
  int line = 0, character = 0;
};

/// The symbol definitions found in `text` by a line scan.
std::vector<ScannedSymbol> scanSymbols(llvm::StringRef text);

/// Whether `name` matches `query`: the query's characters appear in order,
/// ignoring case (as editors filter symbol lists); an empty query matches.
bool fuzzyMatches(llvm::StringRef name, llvm::StringRef query);

/// The .mlir files under `root` (at most `limit`, build folders and hidden
/// ones skipped).
std::vector<std::string> findMLIRFiles(llvm::StringRef root,
                                       size_t limit = 2000);

class DocumentAnalyses;

/// The workspace/symbol answer for `query`: the open documents' symbols
/// (from their analyses) and those the scan finds in the other .mlir files
/// under `root` (may be empty); at most 1000.
llvm::json::Value workspaceSymbols(llvm::StringRef query, llvm::StringRef root,
                                   DocumentAnalyses &analyses);

} // namespace tessera::lsp

#endif // TESSERA_LSP_WORKSPACESYMBOLS_H

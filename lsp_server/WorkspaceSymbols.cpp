//===- WorkspaceSymbols.cpp - Symbols of the files of a folder ------------===//

#include "WorkspaceSymbols.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace tessera::lsp {

std::vector<ScannedSymbol> scanSymbols(llvm::StringRef text) {
  std::vector<ScannedSymbol> symbols;
  int line = 0;
  while (!text.empty()) {
    auto [lineText, rest] = text.split('\n');
    // `  dialect.op [visibility] @name` at the start of a line.
    llvm::StringRef trimmed = lineText.ltrim();
    llvm::StringRef opName = trimmed.take_while(
        [](char c) { return llvm::isAlnum(c) || c == '.' || c == '_'; });
    if (opName.contains('.')) {
      llvm::StringRef after = trimmed.drop_front(opName.size()).ltrim();
      for (llvm::StringRef visibility : {"public", "private", "nested"})
        if (after.consume_front(visibility))
          after = after.ltrim();
      if (after.consume_front("@")) {
        llvm::StringRef name = after.take_while([](char c) {
          return llvm::isAlnum(c) || llvm::StringRef("_$.-").contains(c);
        });
        if (!name.empty())
          symbols.push_back(
              {name.str(), opName.str(), line,
               static_cast<int>(name.data() - lineText.data() - 1)});
      }
    }
    text = rest;
    ++line;
  }
  return symbols;
}

bool fuzzyMatches(llvm::StringRef name, llvm::StringRef query) {
  size_t at = 0;
  for (char c : query) {
    at = name.find_insensitive(llvm::StringRef(&c, 1), at);
    if (at == llvm::StringRef::npos)
      return false;
    ++at;
  }
  return true;
}

std::vector<std::string> findMLIRFiles(llvm::StringRef root, size_t limit) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end;
       it != end && !ec && files.size() < limit; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (it->type() == llvm::sys::fs::file_type::directory_file &&
        (name.starts_with(".") || name == "build" || name == "node_modules")) {
      it.no_push();
      continue;
    }
    if (name.ends_with(".mlir"))
      files.push_back(it->path());
  }
  return files;
}

} // namespace tessera::lsp

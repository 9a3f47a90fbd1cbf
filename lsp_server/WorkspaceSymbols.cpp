//===- WorkspaceSymbols.cpp - Symbols of the files of a folder ------------===//

#include "WorkspaceSymbols.h"

#include "DocumentAnalyses.h"
#include "MLIRDocument.h"
#include "OwnedJSON.h"

#include "Pipeline/InputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <functional>
#include <set>

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

llvm::json::Value workspaceSymbols(llvm::StringRef query, llvm::StringRef root,
                                   DocumentAnalyses &analyses) {
  llvm::json::Array symbols;
  std::set<std::string> openFiles;
  // The names belong to outlines and scans that end before the reply is
  // written: the JSON takes copies (a json::Value made from a StringRef
  // only references it).
  auto add = [&](llvm::StringRef name, int kind, const std::string &uri,
                 const llvm::lsp::Range &range, llvm::StringRef container) {
    if (symbols.size() >= 1000 || !fuzzyMatches(name, query))
      return;
    symbols.push_back(llvm::json::Object{
        {"name", name.str()},
        {"kind", kind},
        {"location",
         llvm::json::Object{{"uri", uri}, {"range", own(toJSON(range))}}},
        {"containerName", container.str()}});
  };
  analyses.forEach([&](MLIRDocument &document) {
    openFiles.insert(document.getURI().file().str());
    std::string uri = document.getURI().uri().str();
    std::function<void(const std::vector<llvm::lsp::DocumentSymbol> &,
                       llvm::StringRef)>
        visit = [&](const std::vector<llvm::lsp::DocumentSymbol> &list,
                    llvm::StringRef container) {
          for (const auto &symbol : list) {
            if (!llvm::StringRef(symbol.name).starts_with("<file-split-"))
              add(symbol.name, static_cast<int>(symbol.kind), uri,
                  symbol.selectionRange, container);
            visit(symbol.children, symbol.name);
          }
        };
    visit(document.documentSymbols(), "");
  });
  if (root.empty())
    return symbols;
  for (const std::string &file : findMLIRFiles(root)) {
    if (openFiles.count(file))
      continue;
    auto buffer = mlir::tessera::readInputFile(file);
    auto uri = llvm::lsp::URIForFile::fromFile(file);
    if (!buffer || !uri) {
      if (!buffer)
        llvm::consumeError(buffer.takeError());
      if (!uri)
        llvm::consumeError(uri.takeError());
      continue;
    }
    for (const ScannedSymbol &symbol : scanSymbols((*buffer)->getBuffer())) {
      llvm::lsp::Position at(symbol.line, symbol.character);
      add(symbol.name,
          symbol.opName == "func.func"
              ? static_cast<int>(llvm::lsp::SymbolKind::Function)
              : static_cast<int>(llvm::lsp::SymbolKind::Module),
          uri->uri().str(),
          llvm::lsp::Range(
              at, llvm::lsp::Position(
                      symbol.line, symbol.character + 1 +
                                       static_cast<int>(symbol.name.size()))),
          symbol.opName);
    }
  }
  return symbols;
}

} // namespace tessera::lsp

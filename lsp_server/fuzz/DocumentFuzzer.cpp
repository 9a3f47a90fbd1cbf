//===- DocumentFuzzer.cpp - Random documents and edits through analysis ---===//
//
// The input is a document followed by edits and queries: the first part
// (up to the first 0xFF byte) is the text; each later record applies a
// range edit (line, column, length, inserted text) and asks every feature
// about a position. Nothing may crash, hang or read out of bounds.
//
//===----------------------------------------------------------------------===//

#include "Dialects.h"
#include "MLIRDocument.h"
#include "SourceText.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/LSP/Protocol.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

using namespace tessera::lsp;

static const mlir::DialectRegistry &registry() {
  static mlir::DialectRegistry *registry = [] {
    auto *created = new mlir::DialectRegistry();
    registerServerDialects(*created);
    return created;
  }();
  return *registry;
}

static void query(MLIRDocument &document, int line, int character) {
  llvm::lsp::Position position(line, character);
  (void)document.hover(position);
  (void)document.definition(position);
  (void)document.references(position, true);
  (void)document.completion(position);
  if (auto edits = document.rename(position, "renamed"); !edits)
    llvm::consumeError(edits.takeError());
  (void)document.foldingRanges();
  (void)document.documentSymbols();
  (void)document.semanticTokens();
  (void)document.codeLenses(/*clientCommands=*/false);
  (void)document.codeLenses(/*clientCommands=*/true);
  (void)document.documentLinks("/fuzz");
  if (auto formatted = document.format(); !formatted)
    llvm::consumeError(formatted.takeError());
  if (auto bytes = document.toBytecode(); !bytes)
    llvm::consumeError(bytes.takeError());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);
  auto [text, edits] = input.split('\xff');
  auto uri = llvm::lsp::URIForFile::fromFile("/fuzz/input.mlir");
  if (!uri) {
    llvm::consumeError(uri.takeError());
    return 0;
  }
  std::string contents = text.str();
  int64_t version = 1;
  auto document =
      std::make_shared<MLIRDocument>(registry(), *uri, contents, version);
  query(*document, 0, 0);
  // Records: 4 bytes (line, column, removed length, inserted length) then
  // the inserted bytes.
  while (edits.size() >= 4) {
    int line = static_cast<uint8_t>(edits[0]) % 64;
    int column = static_cast<uint8_t>(edits[1]) % 128;
    int removed = static_cast<uint8_t>(edits[2]) % 32;
    size_t inserted =
        std::min<size_t>(static_cast<uint8_t>(edits[3]) % 32, edits.size() - 4);
    std::string insertion = edits.substr(4, inserted).str();
    edits = edits.drop_front(4 + inserted);
    // The server's own edit (didChange): it ignores edits that do not fit.
    if (llvm::Error error = applyRangeEdit(contents, line, column, line,
                                           column + removed, insertion)) {
      llvm::consumeError(std::move(error));
      continue;
    }
    // The quick diagnostics of an edit inside one function must be those
    // of the full analysis (a differential check).
    auto quick = document->diagnoseEditedFunction(registry(), contents);
    // Each version knows the one before: broken chunks answer from the
    // last good one.
    document = std::make_shared<MLIRDocument>(registry(), *uri, contents,
                                              ++version, document);
    if (quick) {
      auto key = [](const llvm::lsp::Diagnostic &d) {
        return std::to_string(d.range.start.line) + ":" +
               std::to_string(d.range.start.character) + " " + d.message;
      };
      std::multiset<std::string> quickSet, fullSet;
      for (const auto &d : *quick)
        quickSet.insert(key(d));
      for (const auto &d : document->getDiagnostics())
        fullSet.insert(key(d));
      if (quickSet != fullSet) {
        fprintf(stderr, "quick and full diagnostics differ\n");
        for (const auto &d : quickSet)
          fprintf(stderr, "  quick: %s\n", d.c_str());
        for (const auto &d : fullSet)
          fprintf(stderr, "  full:  %s\n", d.c_str());
        __builtin_trap();
      }
    }
    query(*document, line, column);
    query(*document, line + 1, 0);
  }
  return 0;
}

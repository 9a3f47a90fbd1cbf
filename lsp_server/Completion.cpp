//===- Completion.cpp - Code completion from the MLIR parser --------------===//

#include "Completion.h"

#include "Pipeline/InputLimits.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/AsmParser/CodeComplete.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace tessera::lsp {

namespace {

class Collector : public AsmParserCodeCompleteContext {
public:
  Collector(MLIRContext &context, llvm::SMLoc loc)
      : AsmParserCodeCompleteContext(loc), context(context) {}

  llvm::lsp::CompletionList list;

  void completeDialectName(StringRef prefix) override {
    for (StringRef name : context.getAvailableDialects())
      add(prefix.str() + name.str(), llvm::lsp::CompletionItemKind::Module,
          "dialect", "1");
  }

  void completeOperationName(StringRef dialectName) override {
    if (!context.getOrLoadDialect(dialectName))
      return;
    for (RegisteredOperationName name : context.getRegisteredOperations()) {
      if (name.getDialectNamespace() != dialectName)
        continue;
      StringRef full = name.getStringRef();
      add(full.drop_front(dialectName.size() + 1).str(),
          llvm::lsp::CompletionItemKind::Field, full.str(), "1");
    }
  }

  void appendSSAValueCompletion(StringRef name, std::string type) override {
    // The parser gives names with their sigil: complete what follows it.
    add(name.str(), llvm::lsp::CompletionItemKind::Variable, type, "2");
  }

  void appendBlockCompletion(StringRef name) override {
    add(name.str(), llvm::lsp::CompletionItemKind::Field, "block", "2");
  }

  void completeExpectedTokens(ArrayRef<StringRef> tokens,
                              bool optional) override {
    for (StringRef token : tokens)
      add(token.str(), llvm::lsp::CompletionItemKind::Keyword,
          optional ? "optional" : "", "3");
  }

  void completeAttribute(const llvm::StringMap<Attribute> &aliases) override {
    for (StringRef keyword :
         {"affine_map", "affine_set", "array", "dense", "dense_resource",
          "distinct", "false", "loc", "sparse", "strided", "true", "unit"})
      add(keyword.str(), llvm::lsp::CompletionItemKind::Keyword, "attribute",
          "3");
    addAliasesAndDialects(aliases, "#");
  }

  void completeDialectAttributeOrAlias(
      const llvm::StringMap<Attribute> &aliases) override {
    addAliasesAndDialects(aliases, "");
  }

  void completeType(const llvm::StringMap<Type> &aliases) override {
    // `i<N>` and the like stand for the integer families, as upstream
    // lists them.
    for (StringRef keyword :
         {"bf16",  "complex",  "f16",    "f32",      "f64",   "f80",
          "f128",  "f8E4M3FN", "f8E5M2", "function", "i1",    "i8",
          "i16",   "i32",      "i64",    "i<N>",     "si<N>", "ui<N>",
          "index", "memref",   "none",   "tensor",   "tuple", "vector"})
      add(keyword.str(), llvm::lsp::CompletionItemKind::Keyword, "type", "3");
    addAliasesAndDialects(aliases, "!");
  }

  void
  completeDialectTypeOrAlias(const llvm::StringMap<Type> &aliases) override {
    addAliasesAndDialects(aliases, "");
  }

  /// Aliases, then the dialects that may define attributes or types, with
  /// `sigil` (`#`, `!` or none when it was typed already).
  template <typename T>
  void addAliasesAndDialects(const llvm::StringMap<T> &aliases,
                             StringRef sigil) {
    for (const auto &alias : aliases)
      add((sigil + alias.getKey()).str(),
          llvm::lsp::CompletionItemKind::Constant, print(alias.getValue()),
          "1");
    for (StringRef name : context.getAvailableDialects())
      add((sigil + name).str(), llvm::lsp::CompletionItemKind::Module,
          "dialect", "4");
  }

  void add(std::string label, llvm::lsp::CompletionItemKind kind,
           std::string detail, llvm::StringRef rank) {
    if (!seen.insert(label).second)
      return;
    llvm::lsp::CompletionItem item(label, kind, (rank + label).str());
    item.detail = std::move(detail);
    list.items.push_back(std::move(item));
  }

private:
  template <typename T> static std::string print(T value) {
    std::string text;
    llvm::raw_string_ostream os(text);
    value.print(os);
    return text;
  }

  MLIRContext &context;
  llvm::StringSet<> seen;
};

} // namespace

llvm::lsp::CompletionList complete(MLIRContext &context, StringRef chunkText,
                                   size_t offset,
                                   ArrayRef<std::string> symbols) {
  offset = std::min(offset, chunkText.size());
  // After `@`: the symbols of the document.
  StringRef before = chunkText.take_front(offset);
  size_t start = before.find_last_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$-");
  if (start != StringRef::npos && before[start] == '@') {
    llvm::lsp::CompletionList list;
    for (const std::string &symbol : symbols)
      list.items.emplace_back(symbol, llvm::lsp::CompletionItemKind::Reference,
                              "0" + symbol);
    return list;
  }

  // Text the parser cannot survive has no completions.
  if (mlir::tessera::findInputLimitViolation(chunkText))
    return {};
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(chunkText, "completion"),
      llvm::SMLoc());
  llvm::SMLoc loc = llvm::SMLoc::getFromPointer(
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())->getBufferStart() +
      offset);
  Collector collector(context, loc);
  // The text is incomplete by nature: its errors are not reported.
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  Block block;
  ParserConfig config(&context, /*verifyAfterParse=*/false);
  (void)parseAsmSourceFile(sourceMgr, &block, config, /*asmState=*/nullptr,
                           &collector);
  return std::move(collector.list);
}

} // namespace tessera::lsp

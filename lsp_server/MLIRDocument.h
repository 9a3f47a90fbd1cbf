//===- MLIRDocument.h - One parsed and verified MLIR document -*- C++ -*-===//
//
// A document is split at `// -----` lines into chunks; each chunk is parsed
// (keeping the parser's index of definitions and uses, AsmParserState) and
// verified on its own, so an error in one chunk leaves the others whole.
// Every language feature answers from this index.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_MLIRDOCUMENT_H
#define TESSERA_LSP_MLIRDOCUMENT_H

#include "PipelineDiagnostics.h"
#include "mlir/AsmParser/AsmParserState.h"
#include "mlir/IR/Block.h"

#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <vector>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace tessera::lsp {

namespace lsp = llvm::lsp;

/// What a token of a chunk refers to.
struct ChunkTarget {
  enum Kind { Operation, Value, Block, BlockArgument, Symbol, Alias } kind;
  /// The token under the cursor (set by the lookup).
  llvm::SMRange range;
  /// The definition with its uses (values, blocks, arguments, aliases).
  const mlir::AsmParserState::SMDefinition *definition = nullptr;
  /// Operation: the op; Value: its defining op; Symbol: the symbol op.
  const mlir::AsmParserState::OperationDefinition *op = nullptr;
  /// Symbol: the range of `@name` in the symbol's own definition.
  llvm::SMRange symbolNameRange;
  mlir::Value value;
  mlir::Block *block = nullptr;
  unsigned argument = 0;
  /// Alias: its definition (one of the two).
  const mlir::AsmParserState::AttributeAliasDefinition *attrAlias = nullptr;
  const mlir::AsmParserState::TypeAliasDefinition *typeAlias = nullptr;
};

class MLIRDocument;

/// Where an unparsable chunk answers from: the same chunk of the last
/// version that parsed, with its lines mapped through the edits since
/// (unchanged lines only).
struct ChunkFallback {
  std::shared_ptr<MLIRDocument> document;
  unsigned chunkIndex = 0;
  /// Chunk-local line of this version -> of the good version (-1: edited).
  std::vector<int> toGood;
  /// And back.
  std::vector<int> fromGood;
};

/// One `// -----` chunk: its text, parse index and top-level ops.
struct DocumentChunk {
  /// The chunk's first line in the document.
  int lineOffset = 0;
  llvm::SourceMgr sourceMgr;
  mlir::AsmParserState asmState;
  /// The parsed top-level ops (empty when parsing failed).
  mlir::Block body;
  bool parsed = false;
  /// Whether parsing or verification reported an error.
  bool hasErrors = false;
  /// When parsing failed: the last good version of this chunk, if any.
  std::unique_ptr<ChunkFallback> fallback;

  /// Every token that names something, sorted by position, for lookups in
  /// O(log n); built on the first lookup.
  /// Byte offsets in the chunk's buffer: 12 bytes a token.
  struct IndexEntry {
    uint32_t start, end;
    uint32_t target;
  };
  std::vector<IndexEntry> index;
  std::vector<ChunkTarget> targets;
  bool indexed = false;
};

class MLIRDocument {
public:
  /// Parses into a context of its own, so that the attributes and types of
  /// a version are freed with it (a shared context only ever grows).
  /// `previous` is the analysis of the version before: chunks that do not
  /// parse answer from its last good version of them.
  /// `prepared`, when given, is a context from prepareContext (its
  /// dialects already loaded, which is most of a small file's analysis).
  MLIRDocument(const mlir::DialectRegistry &registry,
               const lsp::URIForFile &uri, llvm::StringRef text,
               int64_t version,
               std::shared_ptr<MLIRDocument> previous = nullptr,
               std::unique_ptr<mlir::MLIRContext> prepared = nullptr);
  ~MLIRDocument();

  /// A context for a later version: the analysis thread pool set and
  /// `dialects` loaded (prepared while the server is idle).
  static std::unique_ptr<mlir::MLIRContext>
  prepareContext(const mlir::DialectRegistry &registry,
                 llvm::ArrayRef<std::string> dialects);
  /// The dialects this version's IR loaded.
  std::vector<std::string> getLoadedDialects() const;

  const lsp::URIForFile &getURI() const { return uri; }
  int64_t getVersion() const { return version; }
  llvm::StringRef getText() const { return text; }
  const std::vector<lsp::Diagnostic> &getDiagnostics() const {
    return diagnostics;
  }

  /// The chunks without parse or verify errors, to compile.
  std::vector<PipelineChunk> getCleanChunks() const;

  std::optional<lsp::Hover> hover(const lsp::Position &position);
  std::vector<lsp::Location> definition(const lsp::Position &position);
  std::vector<lsp::Location> references(const lsp::Position &position,
                                        bool includeDeclaration);
  std::vector<lsp::DocumentSymbol> documentSymbols();
  lsp::CompletionList completion(const lsp::Position &position);

  /// Lines to fold: multi-line ops with regions and `// -----` chunks.
  struct FoldingRange {
    int startLine, endLine;
    std::string kind; // "region" or "" (code)
  };
  std::vector<FoldingRange> foldingRanges();

  /// "Compile" and "Show passes" above each top-level function, naming
  /// the server's commands (workspace/executeCommand); with
  /// `clientCommands`, the VS Code extension's, and "Run" besides.
  struct CodeLens {
    lsp::Range range;
    std::string title, command;
    std::vector<std::string> arguments;
  };
  std::vector<CodeLens> codeLenses(bool clientCommands);

  /// Links for `#hal.executable.object<{path = "..."}>`: the path resolved
  /// against `root` (the workspace folder) when relative, or the document's
  /// folder without one.
  std::vector<std::pair<lsp::Range, std::string>>
  documentLinks(llvm::StringRef root);

  /// The document reprinted by MLIR's printer (aliases hoisted, standard
  /// indentation), or why it cannot be: errors, or comments the printer
  /// would drop.
  llvm::Expected<std::string> format();

  /// The operands of the op being written at `position` (text-based, so it
  /// works while the line does not parse yet).
  std::optional<lsp::SignatureHelp> signatureHelp(const lsp::Position &pos);

  /// The diagnostics of `newText`, a later version of this document, when
  /// the edits since lie inside one top-level function: that function is
  /// parsed and verified alone (after the aliases it may use) and the other
  /// diagnostics are this version's, moved by the lines the edit added.
  /// Sound because each top-level op verifies on its own; nullopt when the
  /// edit is anywhere else (the full analysis then follows as usual).
  std::optional<std::vector<lsp::Diagnostic>>
  diagnoseEditedFunction(const mlir::DialectRegistry &registry,
                         llvm::StringRef newText) const;

  /// The document as bytecode (one chunk that parses), or why not.
  llvm::Expected<std::string> toBytecode();

  /// Semantic token kinds, in the order of `getSemanticTokenTypes()`.
  static const std::vector<std::string> &getSemanticTokenTypes();
  /// LSP's relative encoding: (delta line, delta start, length, type,
  /// modifiers) per token; modifier bit 0 marks a definition.
  std::vector<int> semanticTokens();

  /// The edits renaming what is at `position` (a value, block, block
  /// argument or symbol, with all its uses) to `newName`; an error saying
  /// why when it cannot be renamed.
  llvm::Expected<std::vector<lsp::TextEdit>>
  rename(const lsp::Position &position, llvm::StringRef newName);

private:
  using Target = ChunkTarget;
  void buildIndex(DocumentChunk &chunk);

  void parseChunk(DocumentChunk &chunk, llvm::StringRef chunkText);
  /// Points unparsed chunks at the last good version of them.
  void attachFallbacks(const std::shared_ptr<MLIRDocument> &previous);
  /// The last good version of the chunk at `position`, and the position
  /// there, when that chunk does not parse and the line is unchanged.
  struct FallbackPosition {
    MLIRDocument *document;
    lsp::Position position;
    const DocumentChunk *chunk;
  };
  std::optional<FallbackPosition> fallbackFor(const lsp::Position &position);
  /// A good version's range in this document, if its lines are unchanged.
  std::optional<lsp::Range> mapFromFallback(const DocumentChunk &chunk,
                                            const lsp::Range &range);
  std::vector<lsp::Location>
  mapLocationsFromFallback(const DocumentChunk &chunk,
                           const std::vector<lsp::Location> &locations);
  llvm::StringRef chunkText(const DocumentChunk &chunk) const;
  std::vector<lsp::DocumentSymbol> chunkSymbols(DocumentChunk &chunk);
  /// The chunk and source location of a document position.
  std::pair<DocumentChunk *, llvm::SMLoc> locate(const lsp::Position &pos);
  std::optional<Target> findTarget(DocumentChunk &chunk, llvm::SMLoc loc);
  lsp::Range toRange(const DocumentChunk &chunk, llvm::SMRange range) const;
  lsp::Position toPosition(const DocumentChunk &chunk, llvm::SMLoc loc) const;
  /// Line `line` of the document (0-based, without its newline).
  llvm::StringRef lineText(int line) const;
  std::optional<lsp::Location> toLocation(const DocumentChunk &chunk,
                                          mlir::Location loc) const;

  std::unique_ptr<mlir::MLIRContext> context;
  lsp::URIForFile uri;
  std::string text;
  /// Byte offset of each line's start.
  std::vector<size_t> lineStarts;
  int64_t version;
  std::vector<std::unique_ptr<DocumentChunk>> chunks;
  std::vector<lsp::Diagnostic> diagnostics;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_MLIRDOCUMENT_H

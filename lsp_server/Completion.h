//===- Completion.h - Code completion from the MLIR parser ----*- C++ -*-===//
//
// The parser itself reports what may come at the cursor (a dialect, an op
// of a dialect, an SSA value, a block, a type, an attribute, a keyword);
// symbols (`@...`) come from the document's index.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_COMPLETION_H
#define TESSERA_LSP_COMPLETION_H

#include "llvm/Support/LSP/Protocol.h"

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace tessera::lsp {

/// Completions at byte `offset` of `chunkText` (one `// -----` chunk),
/// parsing it with `context`'s dialects; `symbols` are offered after `@`.
llvm::lsp::CompletionList complete(mlir::MLIRContext &context,
                                   llvm::StringRef chunkText, size_t offset,
                                   llvm::ArrayRef<std::string> symbols);

} // namespace tessera::lsp

#endif // TESSERA_LSP_COMPLETION_H

//===- OpSourceText.h - An op as written in its document ------*- C++ -*-===//
//
// Hovers show an op the way the user wrote it (`%m1 = linalg.matmul ins(%x,
// %w1 …`), not as the printer renumbers it (`%2 = … ins(%arg0, %cst …`).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_OPSOURCETEXT_H
#define TESSERA_LSP_OPSOURCETEXT_H

#include "mlir/AsmParser/AsmParserState.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace tessera::lsp {

/// The source text of `def`, from its first result name to its end, taken
/// from `buffer` (the text `state` was parsed from): region bodies become
/// `{…}`, long `dense<…>` and string literals are elided, continuation lines
/// are dedented to the op's own column. Nullopt when the text cannot be
/// delimited (a range outside `buffer`, unbalanced braces), so the caller
/// prints the op instead.
std::optional<std::string>
opSourceText(const mlir::AsmParserState &state,
             const mlir::AsmParserState::OperationDefinition &def,
             llvm::StringRef buffer);

} // namespace tessera::lsp

#endif // TESSERA_LSP_OPSOURCETEXT_H

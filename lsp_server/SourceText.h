//===- SourceText.h - LSP positions <-> byte offsets ----------*- C++ -*-===//
//
// LSP counts characters in UTF-16 code units; MLIR's SourceMgr counts bytes.
// Invalid UTF-8 counts one unit per byte, so any input maps somewhere.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_SOURCETEXT_H
#define TESSERA_LSP_SOURCETEXT_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>

namespace tessera::lsp {

/// The byte column of UTF-16 column `utf16` in `line` (clamped to its end).
size_t utf16ToByteColumn(llvm::StringRef line, int utf16);
/// The UTF-16 column of byte column `bytes` in `line` (clamped).
int byteToUtf16Column(llvm::StringRef line, size_t bytes);

/// The text of line `line` (0-based, without its newline); empty past the
/// end.
llvm::StringRef getLine(llvm::StringRef text, int line);

} // namespace tessera::lsp

#endif // TESSERA_LSP_SOURCETEXT_H

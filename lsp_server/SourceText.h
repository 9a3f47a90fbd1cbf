//===- SourceText.h - LSP positions <-> byte offsets ----------*- C++ -*-===//
//
// LSP counts characters in UTF-16 code units; MLIR's SourceMgr counts bytes.
// Invalid UTF-8 counts one unit per byte, so any input maps somewhere.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_SOURCETEXT_H
#define TESSERA_LSP_SOURCETEXT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tessera::lsp {

/// The byte column of UTF-16 column `utf16` in `line` (clamped to its end).
size_t utf16ToByteColumn(llvm::StringRef line, int utf16);
/// The UTF-16 column of byte column `bytes` in `line` (clamped).
int byteToUtf16Column(llvm::StringRef line, size_t bytes);

/// The text of line `line` (0-based, without its newline); empty past the
/// end.
llvm::StringRef getLine(llvm::StringRef text, int line);

/// The byte offset of the LSP position (`line`, `character`: UTF-16 units)
/// in `text`, or nullopt when there is no such position: a negative line or
/// character, a line past the last one, a character past the end of its
/// line. The full 64 bits are checked (llvm::lsp::Position's int would
/// wrap 2^40 to 0).
std::optional<size_t> positionToOffset(llvm::StringRef text, int64_t line,
                                       int64_t character);

/// Replaces the range from (`startLine`, `startCharacter`) to (`endLine`,
/// `endCharacter`) of `text` by `newText`; fails, leaving `text` as it was,
/// when a position is not in `text` or the end is before the start.
llvm::Error applyRangeEdit(std::string &text, int64_t startLine,
                           int64_t startCharacter, int64_t endLine,
                           int64_t endCharacter, llvm::StringRef newText);

/// Applies the `contentChanges` of a didChange notification, in order, to
/// `text`: a change with a range replaces it (`applyRangeEdit`), one without
/// replaces the whole text. All or nothing: on an error (a change that is
/// malformed or does not fit, named by its index) `text` is left as it was.
llvm::Error applyContentChanges(std::string &text,
                                const llvm::json::Array &changes);

} // namespace tessera::lsp

#endif // TESSERA_LSP_SOURCETEXT_H

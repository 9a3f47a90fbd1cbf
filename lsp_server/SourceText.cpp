//===- SourceText.cpp - LSP positions <-> byte offsets --------------------===//

#include "SourceText.h"

namespace tessera::lsp {

namespace {

/// Length of the UTF-8 sequence starting at `text[i]` and its UTF-16 width;
/// a malformed sequence is one byte wide and one unit long.
std::pair<size_t, int> decode(llvm::StringRef text, size_t i) {
  unsigned char c = text[i];
  size_t length = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 1;
  if (i + length > text.size())
    return {1, 1};
  for (size_t k = 1; k < length; ++k)
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2)
      return {1, 1};
  return {length, length == 4 ? 2 : 1};
}

} // namespace

size_t utf16ToByteColumn(llvm::StringRef line, int utf16) {
  size_t i = 0;
  int units = 0;
  while (i < line.size() && units < utf16) {
    auto [length, width] = decode(line, i);
    i += length;
    units += width;
  }
  return i;
}

int byteToUtf16Column(llvm::StringRef line, size_t bytes) {
  size_t i = 0;
  int units = 0;
  while (i < line.size() && i < bytes) {
    auto [length, width] = decode(line, i);
    i += length;
    units += width;
  }
  return units;
}

llvm::StringRef getLine(llvm::StringRef text, int line) {
  if (line < 0)
    return {};
  size_t start = 0;
  for (int i = 0; i < line; ++i) {
    size_t newline = text.find('\n', start);
    if (newline == llvm::StringRef::npos)
      return {};
    start = newline + 1;
  }
  llvm::StringRef rest = text.drop_front(start);
  return rest.take_until([](char c) { return c == '\n'; }).rtrim('\r');
}

} // namespace tessera::lsp

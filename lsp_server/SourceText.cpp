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

std::optional<size_t> positionToOffset(llvm::StringRef text, int64_t line,
                                       int64_t character) {
  if (line < 0 || character < 0)
    return std::nullopt;
  size_t start = 0;
  for (int64_t i = 0; i < line; ++i) {
    size_t newline = text.find('\n', start);
    if (newline == llvm::StringRef::npos)
      return std::nullopt;
    start = newline + 1;
  }
  llvm::StringRef lineText =
      text.drop_front(start).take_until([](char c) { return c == '\n'; });
  // A CR before the LF ends the line too.
  if (lineText.ends_with("\r"))
    lineText = lineText.drop_back();
  if (character > byteToUtf16Column(lineText, lineText.size()))
    return std::nullopt;
  return start + utf16ToByteColumn(lineText, static_cast<int>(character));
}

llvm::Error applyRangeEdit(std::string &text, int64_t startLine,
                           int64_t startCharacter, int64_t endLine,
                           int64_t endCharacter, llvm::StringRef newText) {
  auto describe = [](int64_t line, int64_t character) {
    return std::to_string(line) + ":" + std::to_string(character);
  };
  std::optional<size_t> start =
      positionToOffset(text, startLine, startCharacter);
  if (!start)
    return llvm::createStringError("the start " +
                                   describe(startLine, startCharacter) +
                                   " is not in the document");
  std::optional<size_t> end = positionToOffset(text, endLine, endCharacter);
  if (!end)
    return llvm::createStringError("the end " +
                                   describe(endLine, endCharacter) +
                                   " is not in the document");
  if (*end < *start)
    return llvm::createStringError(
        "the end " + describe(endLine, endCharacter) + " is before the start " +
        describe(startLine, startCharacter));
  text.replace(*start, *end - *start, newText.data(), newText.size());
  return llvm::Error::success();
}

llvm::Error applyContentChanges(std::string &text,
                                const llvm::json::Array &changes) {
  std::string result = text;
  for (size_t index = 0; index < changes.size(); ++index) {
    auto fail = [&](const llvm::Twine &why) {
      return llvm::createStringError("change " + std::to_string(index) + ": " +
                                     why);
    };
    const llvm::json::Object *change = changes[index].getAsObject();
    std::optional<llvm::StringRef> newText =
        change ? change->getString("text") : std::nullopt;
    if (!newText)
      return fail("no text");
    const llvm::json::Value *range = change->get("range");
    if (!range || range->kind() == llvm::json::Value::Null) {
      result = newText->str();
      continue;
    }
    // Integers only: a fraction, or a number past int64, is no position.
    auto position =
        [](const llvm::json::Object *range,
           llvm::StringRef key) -> std::optional<std::pair<int64_t, int64_t>> {
      const llvm::json::Object *at = range ? range->getObject(key) : nullptr;
      std::optional<int64_t> line = at ? at->getInteger("line") : std::nullopt;
      std::optional<int64_t> character =
          at ? at->getInteger("character") : std::nullopt;
      if (!line || !character)
        return std::nullopt;
      return std::make_pair(*line, *character);
    };
    auto start = position(range->getAsObject(), "start");
    auto end = position(range->getAsObject(), "end");
    if (!start || !end)
      return fail("a range needs integer start and end positions");
    if (llvm::Error error = applyRangeEdit(result, start->first, start->second,
                                           end->first, end->second, *newText))
      return fail(llvm::toString(std::move(error)));
  }
  text = std::move(result);
  return llvm::Error::success();
}

} // namespace tessera::lsp

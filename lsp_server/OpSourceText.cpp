//===- OpSourceText.cpp - An op as written in its document ----------------===//

#include "OpSourceText.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

using namespace mlir;

namespace tessera::lsp {

namespace {

/// Past this many bytes a literal is elided; a hover is a glance.
constexpr size_t kMaxLiteral = 48;
/// Past this many bytes the whole text is cut.
constexpr size_t kMaxText = 2000;

/// Where the op's text starts: its first result name, else its name.
const char *startOf(const AsmParserState::OperationDefinition &def) {
  const char *start = def.loc.Start.getPointer();
  for (const auto &group : def.resultGroups)
    if (group.definition.loc.isValid() &&
        group.definition.loc.Start.getPointer() < start)
      start = group.definition.loc.Start.getPointer();
  return start;
}

/// The offset just past the string literal starting at `at` (a `"`), or
/// npos when it does not end.
size_t skipString(StringRef text, size_t at) {
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      return i + 1;
    else if (text[i] == '\n')
      return StringRef::npos;
  }
  return StringRef::npos;
}

/// When a string or a `//` comment starts at `at`: the offset just past it
/// (npos when it does not end). Otherwise `at`.
size_t skipStringOrComment(StringRef text, size_t at) {
  if (text[at] == '"')
    return skipString(text, at);
  if (text.substr(at).starts_with("//")) {
    size_t newline = text.find('\n', at);
    return newline == StringRef::npos ? StringRef::npos : newline + 1;
  }
  return at;
}

/// The offset just past the `}` matching the `{` at `open`, skipping
/// strings and comments; npos when it is not closed within `text`.
size_t matchBrace(StringRef text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size();) {
    size_t next = skipStringOrComment(text, i);
    if (next != i) {
      i = next;
      continue;
    }
    if (text[i] == '{')
      ++depth;
    else if (text[i] == '}' && --depth == 0)
      return i + 1;
    ++i;
  }
  return StringRef::npos;
}

/// The innermost `{` of `text[from, to)` left open at `to`, skipping
/// strings and comments; npos when none is.
size_t innermostOpenBrace(StringRef text, size_t from, size_t to) {
  llvm::SmallVector<size_t> open;
  for (size_t i = from; i < to;) {
    size_t next = skipStringOrComment(text, i);
    if (next != i) {
      i = next;
      continue;
    }
    if (text[i] == '{')
      open.push_back(i);
    else if (text[i] == '}' && !open.empty())
      open.pop_back();
    ++i;
  }
  return open.empty() ? StringRef::npos : open.back();
}

/// The offset of the first thing written inside `region` (its entry
/// block's label or first op), or nullopt for a region with nothing in the
/// source.
std::optional<const char *> firstItemOf(const AsmParserState &state,
                                        Region &region) {
  if (region.empty())
    return std::nullopt;
  Block &entry = region.front();
  const char *first = nullptr;
  auto consider = [&](const char *at) {
    if (at && (!first || at < first))
      first = at;
  };
  // Only a written `^label`: an unlabeled entry block's definition may point
  // elsewhere (its arguments in a function's signature).
  if (const auto *block = state.getBlockDef(&entry))
    if (block->definition.loc.isValid() &&
        *block->definition.loc.Start.getPointer() == '^')
      consider(block->definition.loc.Start.getPointer());
  if (!entry.empty())
    if (const auto *op = state.getOpDef(&entry.front()))
      consider(startOf(*op));
  if (!first)
    return std::nullopt;
  return first;
}

/// `text` with `dense<…>` payloads and string literals longer than
/// kMaxLiteral elided.
std::string elideLongLiterals(StringRef text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '"') {
      size_t end = skipString(text, i);
      if (end == StringRef::npos)
        end = text.size();
      out += end - i > kMaxLiteral ? StringRef("\"…\"") : text.slice(i, end);
      i = end;
      continue;
    }
    if (text.substr(i).starts_with("dense<")) {
      size_t open = i + 5, depth = 0, end = open;
      for (; end < text.size(); ++end) {
        if (text[end] == '<')
          ++depth;
        else if (text[end] == '>' && --depth == 0)
          break;
      }
      if (end < text.size() && end - open > kMaxLiteral) {
        out += "dense<…>";
        i = end + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

/// Removes up to `column` leading blanks from every line after the first.
std::string dedent(StringRef text, size_t column) {
  std::string out;
  size_t lineStart = 0;
  while (lineStart <= text.size()) {
    size_t lineEnd = text.find('\n', lineStart);
    StringRef line = text.slice(lineStart, lineEnd);
    if (lineStart != 0) {
      size_t blanks =
          std::min(column, line.find_first_not_of(" \t") == StringRef::npos
                               ? line.size()
                               : line.find_first_not_of(" \t"));
      line = line.drop_front(blanks);
      out += '\n';
    }
    out += line.rtrim();
    if (lineEnd == StringRef::npos)
      break;
    lineStart = lineEnd + 1;
  }
  return out;
}

} // namespace

std::optional<std::string>
opSourceText(const AsmParserState &state,
             const AsmParserState::OperationDefinition &def, StringRef buffer) {
  const char *begin = buffer.begin(), *finish = buffer.end();
  const char *start = startOf(def);
  const char *end = def.scopeLoc.End.getPointer();
  if (!start || !end || start < begin || end > finish || end < start)
    return std::nullopt;
  StringRef whole(start, end - start);

  // Each region's body, `{` to its matching `}`, becomes `{…}`.
  std::string text;
  size_t done = 0;
  for (Region &region : def.op->getRegions()) {
    std::optional<const char *> first = firstItemOf(state, region);
    if (!first)
      continue;
    if (*first < start + done || *first > end)
      return std::nullopt;
    size_t open = innermostOpenBrace(whole, done, *first - start);
    if (open == StringRef::npos)
      return std::nullopt;
    size_t close = matchBrace(whole, open);
    if (close == StringRef::npos)
      return std::nullopt;
    text += elideLongLiterals(whole.slice(done, open));
    text += "{…}";
    done = close;
  }
  text += elideLongLiterals(whole.substr(done));

  size_t lineStart = StringRef(begin, start - begin).rfind('\n');
  size_t column = lineStart == StringRef::npos ? start - begin
                                               : start - begin - lineStart - 1;
  std::string result = dedent(text, column);
  if (result.size() > kMaxText) {
    size_t cut = kMaxText;
    while (cut > 0 && (result[cut] & 0xC0) == 0x80) // Not inside a character.
      --cut;
    result = result.substr(0, cut) + " …";
  }
  return result;
}

} // namespace tessera::lsp

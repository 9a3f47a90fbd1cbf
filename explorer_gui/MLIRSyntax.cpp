//===- MLIRSyntax.cpp - Token classes of one line of MLIR -----------------===//

#include "MLIRSyntax.h"

#include <QSet>

namespace tessera::explorer {

static bool isIdentifierChar(QChar c) {
  return c.isLetterOrNumber() || c == '_' || c == '$' || c == '.';
}

static bool isBuiltinType(const QString &word) {
  static const QSet<QString> types = {
      "tensor", "memref", "vector", "index", "none", "complex",  "tuple", "f16",
      "bf16",   "f32",    "f64",    "f80",   "f128", "i1",       "i8",    "i16",
      "i32",    "i64",    "ui8",    "ui32",  "si32", "!llvm.ptr"};
  if (types.contains(word))
    return true;
  // iN / uiN / siN of any width.
  int digits = word.startsWith("ui") || word.startsWith("si") ? 2
               : word.startsWith('i')                         ? 1
                                                              : -1;
  if (digits < 0 || word.size() <= digits)
    return false;
  for (int i = digits; i < word.size(); ++i)
    if (!word[i].isDigit())
      return false;
  return true;
}

static bool isKeyword(const QString &word) {
  static const QSet<QString> keywords = {
      "func",           "module",     "ins",
      "outs",           "attributes", "to",
      "into",           "step",       "iter_args",
      "dense",          "affine_map", "true",
      "false",          "loc",        "public",
      "private",        "nested",     "ordinal",
      "layout",         "count",      "target",
      "objects",        "workgroups", "return",
      "unit",           "array",      "in",
      "restrict",       "writable",   "shared_outs",
      "dense_resource", "unknown",    "set",
      "binding"};
  return keywords.contains(word);
}

std::vector<SyntaxToken> lexMLIRLine(const QString &line) {
  std::vector<SyntaxToken> tokens;
  const int n = line.size();
  int i = 0;
  auto word = [&](int from) {
    int end = from;
    while (end < n && isIdentifierChar(line[end]))
      ++end;
    return end;
  };
  while (i < n) {
    QChar c = line[i];
    if (c == '/' && i + 1 < n && line[i + 1] == '/') {
      tokens.push_back({i, n - i, TokenClass::Comment});
      break;
    }
    if (c == '"') {
      int end = i + 1;
      while (end < n && line[end] != '"') {
        if (line[end] == '\\')
          ++end;
        ++end;
      }
      end = std::min(end + 1, n);
      tokens.push_back({i, end - i, TokenClass::String});
      i = end;
      continue;
    }
    if (c == '%' || c == '^' || c == '@' || c == '#' || c == '!') {
      int end = word(i + 1);
      if (c == '@' && end == i + 1 && i + 1 < n && line[i + 1] == '"') {
        // @"quoted symbol"
        end = line.indexOf('"', i + 2);
        end = end < 0 ? n : end + 1;
      }
      if (end > i + 1) {
        TokenClass kind = c == '%'   ? TokenClass::Value
                          : c == '^' ? TokenClass::Block
                          : c == '@' ? TokenClass::Symbol
                          : c == '#' ? TokenClass::AttributeAlias
                                     : TokenClass::TypeAlias;
        tokens.push_back({i, end - i, kind});
        i = end;
        continue;
      }
      ++i;
      continue;
    }
    if (c.isDigit() || (c == '-' && i + 1 < n && line[i + 1].isDigit() &&
                        (i == 0 || !isIdentifierChar(line[i - 1])))) {
      int end = i + 1;
      while (end < n && (line[end].isLetterOrNumber() || line[end] == '.' ||
                         ((line[end] == '-' || line[end] == '+') &&
                          (line[end - 1] == 'e' || line[end - 1] == 'E'))))
        ++end;
      // 4x8xf32 reads as a shape: the type rule below colours it.
      QString text = line.mid(i, end - i);
      tokens.push_back({i, end - i,
                        text.contains('x') && !text.startsWith("0x")
                            ? TokenClass::Type
                            : TokenClass::Number});
      i = end;
      continue;
    }
    if (c.isLetter() || c == '_') {
      int end = word(i);
      QString text = line.mid(i, end - i);
      if (text.contains('.') && !text.endsWith('.'))
        tokens.push_back({i, end - i, TokenClass::OpName});
      else if (isBuiltinType(text))
        tokens.push_back({i, end - i, TokenClass::Type});
      else if (isKeyword(text))
        tokens.push_back({i, end - i, TokenClass::Keyword});
      i = end;
      continue;
    }
    ++i;
  }
  return tokens;
}

} // namespace tessera::explorer

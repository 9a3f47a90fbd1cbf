//===- MLIRSyntax.h - Token classes of one line of MLIR --------*- C++ -*-===//
//
// A line-local lexer for highlighting: comments, strings, SSA values, block
// labels, symbols, aliases, op names, types, keywords and numbers. Lines
// are independent (MLIR has no multi-line tokens besides strings, which IR
// printers keep on one line), so any line can be highlighted alone.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_MLIRSYNTAX_H
#define TESSERA_EXPLORER_MLIRSYNTAX_H

#include <QString>

#include <vector>

namespace tessera::explorer {

enum class TokenClass {
  Comment,
  String,
  Value,
  Block,
  Symbol,
  AttributeAlias,
  TypeAlias,
  OpName,
  Type,
  Keyword,
  Number,
};

struct SyntaxToken {
  int start, length;
  TokenClass kind;
};

std::vector<SyntaxToken> lexMLIRLine(const QString &line);

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_MLIRSYNTAX_H

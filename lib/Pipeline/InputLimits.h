//===- InputLimits.h - Refusing input the parser cannot survive -*- C++ -*-===//
//
// MLIR's parser (and verifier, printer, passes) recurse once per level of
// nesting, and the affine parser and AffineExpr's simplification once per
// term of an expression; input deep in either exhausts the stack. Every
// tool checks untrusted text with this before parsing it, and bytecode
// (which the reader takes in without recursion) right after reading it,
// before anything walks it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_INPUTLIMITS_H
#define TESSERA_PIPELINE_INPUTLIMITS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir {
class Operation;
} // namespace mlir

namespace mlir::tessera {

/// Deepest bracket nesting ({, (, [, <) accepted in input text, and deepest
/// op nesting in bytecode.
constexpr unsigned kMaxNestingDepth = 512;

/// Most operators (+, -, *, floordiv, ceildiv, mod; unary minus too) one
/// expression may hold, counting those of the expressions around its
/// brackets: the depth of the expression tree they build.
constexpr unsigned kMaxExpressionOperators = 1024;

/// Where text breaks a limit and which.
struct InputLimitViolation {
  size_t offset;
  /// "nesting deeper than 512 levels", ...; callers add what they do.
  std::string message;
};

/// The first place where `text` nests deeper than kMaxNestingDepth or
/// chains more than kMaxExpressionOperators operators. Strings and
/// comments do not count; `,` `:` `=` and regions end an expression.
std::optional<InputLimitViolation>
findInputLimitViolation(llvm::StringRef text);

/// The byte offset where `text` first nests deeper than `limit` (brackets
/// in strings and comments, `->`, `>=` and `<=` do not count).
std::optional<size_t> findExcessiveNesting(llvm::StringRef text,
                                           unsigned limit = kMaxNestingDepth);

/// Whether `bytes` is MLIR bytecode (starts with "ML\xefR").
bool isBytecode(llvm::StringRef bytes);

/// Bytecode stores attributes without a binary encoding, affine maps and
/// sets among them, as text the reader parses: checks each such text.
/// Offsets are into `bytes`.
std::optional<InputLimitViolation>
findBytecodeLimitViolation(llvm::StringRef bytes);

/// The first op nested more than `limit` ops below `root`, counting the
/// depth of its attributes and types too (an array of arrays...), found
/// without recursion (for IR read from bytecode, before it is walked,
/// verified or printed).
Operation *findExcessiveNesting(Operation *root,
                                unsigned limit = kMaxNestingDepth);

/// Destroys `root` and everything in it innermost first, without recursion
/// (the destructors of deep IR recurse once per level).
void eraseWithoutRecursion(Operation *root);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_INPUTLIMITS_H

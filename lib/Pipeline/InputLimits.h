//===- InputLimits.h - Refusing input the parser cannot survive -*- C++ -*-===//
//
// MLIR's parser (and verifier, printer, passes) recurse once per level of
// nesting; text nested thousands of levels deep exhausts the stack. Every
// tool checks untrusted text with this before parsing it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_INPUTLIMITS_H
#define TESSERA_PIPELINE_INPUTLIMITS_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir::tessera {

/// Deepest bracket nesting ({, (, [, <) accepted in input text.
constexpr unsigned kMaxNestingDepth = 512;

/// The byte offset where `text` first nests deeper than `limit` (brackets
/// in strings and comments, and the `>` of `->`, do not count).
std::optional<size_t> findExcessiveNesting(llvm::StringRef text,
                                           unsigned limit = kMaxNestingDepth);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_INPUTLIMITS_H

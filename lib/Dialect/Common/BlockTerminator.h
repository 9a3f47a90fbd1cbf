//===- BlockTerminator.h - A block's terminator, if it has one --*- C++ -*-===//
//
// An op's verifier runs before the verifier checks that the blocks of its
// regions end in terminators: Block::getTerminator() on an empty block, or
// on one ending in another op, reads past the block in a release build
// (the language server crashed on a fuzzed hal.executable.condition whose
// block was empty). Verifiers ask this instead; the missing terminator is
// then reported by MLIR's own block checks.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_COMMON_BLOCKTERMINATOR_H
#define TESSERA_DIALECT_COMMON_BLOCKTERMINATOR_H

#include "mlir/IR/Block.h"

namespace mlir::tessera {

/// `block`'s terminator, or null when it is empty or ends in another op.
inline Operation *terminatorOrNull(Block &block) {
  return !block.empty() && block.mightHaveTerminator() ? block.getTerminator()
                                                       : nullptr;
}

} // namespace mlir::tessera

#endif // TESSERA_DIALECT_COMMON_BLOCKTERMINATOR_H

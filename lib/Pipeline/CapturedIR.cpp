//===- CapturedIR.cpp - One printed IR snapshot of a pass run -------------===//

#include "Pipeline/CapturedIR.h"

namespace mlir::tessera {

std::string CapturedIR::str() const {
  std::string text;
  text.reserve(size);
  for (const Piece &piece : pieces)
    text += *piece.text;
  return text;
}

const CapturedIR::Piece *CapturedIR::findPiece(llvm::StringRef symbol) const {
  for (const Piece &piece : pieces)
    if (!piece.symbol.empty() && piece.symbol == symbol)
      return &piece;
  return nullptr;
}

bool CapturedIR::pieceChanged(const CapturedIR &before, const CapturedIR &after,
                              llvm::StringRef symbol) {
  const Piece *old = before.findPiece(symbol);
  const Piece *now = after.findPiece(symbol);
  if (!old || !now)
    return old != now;
  // Equal texts are interned to one string by the capture.
  return old->text != now->text && *old->text != *now->text;
}

} // namespace mlir::tessera

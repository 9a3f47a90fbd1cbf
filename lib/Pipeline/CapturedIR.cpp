//===- CapturedIR.cpp - One printed IR snapshot of a pass run -------------===//

#include "Pipeline/CapturedIR.h"

#include <algorithm>

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

bool CapturedIR::sameText(const CapturedIR &a, const CapturedIR &b) {
  if (a.size != b.size)
    return false;
  // Walk both piece lists as one stream each.
  size_t i = 0, j = 0, atA = 0, atB = 0;
  while (i < a.pieces.size() && j < b.pieces.size()) {
    const std::string &x = *a.pieces[i].text, &y = *b.pieces[j].text;
    if (atA == 0 && atB == 0 && &x == &y) {
      ++i, ++j;
      continue;
    }
    size_t length = std::min(x.size() - atA, y.size() - atB);
    if (x.compare(atA, length, y, atB, length) != 0)
      return false;
    atA += length, atB += length;
    if (atA == x.size())
      ++i, atA = 0;
    if (atB == y.size())
      ++j, atB = 0;
  }
  // Equal sizes and one side used up: the rest of the other is empty.
  return true;
}

} // namespace mlir::tessera

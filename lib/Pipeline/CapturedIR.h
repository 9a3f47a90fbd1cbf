//===- CapturedIR.h - One printed IR snapshot of a pass run ----*- C++ -*-===//
//
// The IR of an anchor op as the pass capture printed it, stored as pieces
// (the header, then one per top-level op) that successive snapshots share
// when their text is equal: a 20k-line module captured after every pass
// costs memory for what changed, and "did this pass change function @f" is
// a pointer comparison. Each printed op's line is tied to the source
// positions of its location, for linking IR views to the input file.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_CAPTUREDIR_H
#define TESSERA_PIPELINE_CAPTUREDIR_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::tessera {

/// A printed op's line (0-based) and one source position of its location
/// (1-based line and column in the input file). An op with a fused location
/// has several entries.
struct IRSourceLine {
  uint32_t irLine;
  uint32_t sourceLine;
  uint32_t sourceColumn;
};

struct CapturedIR {
  struct Piece {
    std::shared_ptr<const std::string> text;
    /// The symbol of the top-level op the piece prints ("" for the header
    /// or an op without one).
    std::string symbol;
    /// The piece's first line in the whole text (0-based).
    uint32_t firstLine = 0;
  };
  std::vector<Piece> pieces;
  /// Sorted by irLine.
  std::vector<IRSourceLine> sources;
  size_t size = 0;

  /// The whole text.
  std::string str() const;
  /// The piece that prints top-level op `@symbol`, or null.
  const Piece *findPiece(llvm::StringRef symbol) const;
  /// Whether `symbol`'s piece differs between the two snapshots (also when it
  /// exists in only one).
  static bool pieceChanged(const CapturedIR &before, const CapturedIR &after,
                           llvm::StringRef symbol);
  /// Whether the two snapshots print the same text (also across compiles,
  /// which intern separately), however their pieces split it.
  static bool sameText(const CapturedIR &a, const CapturedIR &b);
};

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_CAPTUREDIR_H

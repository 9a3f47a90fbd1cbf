//===- OpHistory.h - The passes that changed one op -------------*- C++ -*-===//
//
// "Follow one op": an op of the input program is followed through the
// pipeline by its location. Every op made from it (rewritten, fused into a
// dispatch, lowered in an executable) keeps a location that points at its
// source line, so the printed lines that point there, before and after a
// pass, say whether that pass changed it. No Qt here.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_OPHISTORY_H
#define TESSERA_EXPLORER_OPHISTORY_H

#include "Pipeline/PassCapture.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::explorer {

class OpHistory {
public:
  /// The records (indices, in order) of the passes that changed the ops
  /// made from source line `line` (1-based) of `records`' compile.
  std::vector<int>
  passesChanging(const std::vector<mlir::tessera::PassRecord> &records,
                 unsigned line);

  /// The printed lines of `snapshot` whose locations point at source line
  /// `line`, in order, joined by newlines.
  static std::string linesFrom(const mlir::tessera::CapturedIR &snapshot,
                               unsigned line);

private:
  /// linesFrom per snapshot, for the line asked last: snapshots are shared
  /// by many records.
  std::unordered_map<const mlir::tessera::CapturedIR *, std::string> cache;
  unsigned cachedLine = 0;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_OPHISTORY_H

//===- PassAlignment.h - Two compiles' passes side by side -----*- C++ -*-===//
//
// Pairs the pass records of two compiles (other options, another target,
// the file before and after an edit) so that the same pass on the same
// anchor sits on one row, and tells for each pair whether the IR after it
// differs. Nested pipelines run in parallel and record in any order, so
// both lists are first put in a canonical order: by phase, then by the
// top-level op the pass ran in, then as they ran. Variant names are left
// out of the pairing key: another target renames them. No Qt.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_PASSALIGNMENT_H
#define TESSERA_EXPLORER_PASSALIGNMENT_H

#include "Pipeline/PassCapture.h"

#include <string>
#include <vector>

namespace tessera::explorer {

struct AlignedPass {
  /// Record indices; -1 where the pass ran in one compile only.
  int left = -1, right = -1;
  /// Both ran and their IR after differs.
  bool irDiffers = false;
};

/// What pairs a record with the other compile's: phase, top-level anchor,
/// depth and pass argument.
std::string passAlignmentKey(const mlir::tessera::PassRecord &record);

std::vector<AlignedPass>
alignPasses(const std::vector<mlir::tessera::PassRecord> &left,
            const std::vector<mlir::tessera::PassRecord> &right);

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_PASSALIGNMENT_H

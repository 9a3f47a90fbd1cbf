//===- IRDiff.h - Line diffs of IR between passes ---------------*- C++ -*-===//
//
// The "what did this pass change" view of every tool (server, explorer,
// CLI): a line diff of two IR texts, as hunks or as unified-diff text.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_IRDIFF_H
#define TESSERA_PIPELINE_IRDIFF_H

#include "Pipeline/CapturedIR.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mlir::tessera {

/// One line of a diff.
struct DiffLine {
  enum Kind { Same, Removed, Added } kind;
  /// 0-based line numbers in the old and new text (-1 where absent).
  int oldLine, newLine;
  llvm::StringRef text;
};

/// The shortest edit script from `before` to `after`, line by line (Myers'
/// algorithm). The lines refer into the two texts.
std::vector<DiffLine> diffLines(llvm::StringRef before, llvm::StringRef after);

/// The diff of two snapshots of one anchor: pieces of the same top-level op
/// are diffed with each other (equal ones cost nothing), so a pass that
/// changed one function of a large module is diffed in time proportional to
/// that function. The lines refer into the snapshots' pieces.
std::vector<DiffLine> diffSnapshots(const CapturedIR &before,
                                    const CapturedIR &after);

/// `diff -u` style text with `context` lines around each change; empty when
/// the texts are equal.
std::string unifiedDiff(llvm::StringRef before, llvm::StringRef after,
                        llvm::StringRef beforeName, llvm::StringRef afterName,
                        unsigned context = 3);
std::string formatUnifiedDiff(const std::vector<DiffLine> &lines,
                              llvm::StringRef beforeName,
                              llvm::StringRef afterName, unsigned context = 3);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_IRDIFF_H

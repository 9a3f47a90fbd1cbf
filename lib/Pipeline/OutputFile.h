//===- OutputFile.h - Writing output files safely ---------------*- C++ -*-===//
#ifndef TESSERA_PIPELINE_OUTPUTFILE_H
#define TESSERA_PIPELINE_OUTPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace mlir::tessera {

/// Writes `bytes` to `path`, the one way every tool writes an output:
/// - a regular file (or a new one) is written to a temporary file next to it
///   and renamed over it, so readers never see a half-written file, and a
///   failure, a crash or Ctrl-C leaves nothing behind;
/// - a symlink is written through: its final target is replaced that way and
///   the link stays a link;
/// - anything else that exists (/dev/null, a FIFO, a terminal) is opened and
///   written directly, never replaced by a file; "-" is standard output.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_OUTPUTFILE_H

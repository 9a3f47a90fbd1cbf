//===- OutputFile.h - Atomic output files ---------------------*- C++ -*-===//
#ifndef TESSERA_PIPELINE_OUTPUTFILE_H
#define TESSERA_PIPELINE_OUTPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace mlir::tessera {

/// Writes `bytes` to a temporary file next to `path`, then renames it over
/// `path`: readers never see a half-written file, and a failure, a crash or
/// Ctrl-C (the temporary is removed on signals) leaves nothing behind.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_OUTPUTFILE_H

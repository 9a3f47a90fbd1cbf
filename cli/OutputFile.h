//===- OutputFile.h - Atomic output files ---------------------*- C++ -*-===//
#ifndef TESSERA_CLI_OUTPUTFILE_H
#define TESSERA_CLI_OUTPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace tessera::cli {

/// Writes `bytes` to a temporary file next to `path`, then renames it over
/// `path`: readers never see a half-written file, and a failure leaves
/// nothing behind.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes);

} // namespace tessera::cli

#endif // TESSERA_CLI_OUTPUTFILE_H

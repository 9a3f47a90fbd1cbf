//===- InputFile.h - Reading input files with bounds ------------*- C++ -*-===//
//
// The LLVM-side face of tessera::rt::RegularFile: every file the compiler,
// the server and the explorer read goes through readInputFile, so a device,
// a FIFO, a directory or a file over the limit is refused with a message
// instead of hanging or exhausting memory.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_INPUTFILE_H
#define TESSERA_PIPELINE_INPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace mlir::tessera {

/// The content of the regular file `path` (or of standard input for "-"
/// when `allowStdin`), at most tessera::rt::maxInputFileBytes() bytes. The
/// buffer is null-terminated and named `path`. Messages start with `path`.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, bool allowStdin = false);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_INPUTFILE_H

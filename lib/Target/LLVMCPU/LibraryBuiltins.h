//===- LibraryBuiltins.h - What every executable library defines -*- C++
//-*-===//
#ifndef TESSERA_TARGET_LLVMCPU_LIBRARYBUILTINS_H
#define TESSERA_TARGET_LLVMCPU_LIBRARYBUILTINS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace mlir::tessera::target {

/// Emits the executable-library tables (tessera/executable_library.h) for
/// `exports`, in ordinal order, and returns the query function.
llvm::Function *emitLibraryQuery(llvm::Module &module,
                                 llvm::StringRef libraryName,
                                 llvm::ArrayRef<llvm::Function *> exports);

/// Executables link no C library, yet LLVM turns loops into memset/memcpy
/// calls and lowers large copies to them: defines the three (hidden, so
/// they are never exported).
void emitMemoryBuiltins(llvm::Module &module);

/// Without SSE4.1 (or the like) LLVM lowers llvm.floor/llvm.ceil to libm
/// calls; defines them when the code needs them.
void emitRoundingBuiltins(llvm::Module &module);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_LIBRARYBUILTINS_H

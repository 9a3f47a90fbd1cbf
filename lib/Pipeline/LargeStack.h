//===- LargeStack.h - Running the compiler on a large stack ----*- C++ -*-===//
//
// MLIR's parser, verifier, printer and many passes recurse once per level of
// nesting. The input limits keep that depth bounded; a fixed 64 MiB stack
// gives every tool (CLI, server, explorer) the same margin above them,
// whatever thread it calls from and whatever `ulimit -s` says.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_LARGESTACK_H
#define TESSERA_PIPELINE_LARGESTACK_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/thread.h"

#include <cstdint>
#include <functional>

namespace mlir::tessera {

/// The stack every parse, verification and pass run gets.
constexpr unsigned kLargeStackBytes = 64u << 20;

/// The most any thread gets (llvm::thread takes 32 bits).
constexpr uint64_t kMaxStackBytes = 3ull << 30;

/// Whether the calling thread was started by this file (has the large
/// stack).
bool isOnLargeStack();

/// Runs `fn` on a thread with a stack of `stackBytes` (at least
/// kLargeStackBytes, at most kMaxStackBytes) and waits for it; inline when
/// the calling thread already has one as large. A crash under the caller's
/// CrashRecoveryContext is caught there too.
void runOnLargeStack(llvm::function_ref<void()> fn,
                     uint64_t stackBytes = kLargeStackBytes);

/// Starts a long-lived thread with a large stack (a server's worker), on
/// which runOnLargeStack runs inline.
llvm::thread startLargeStackThread(std::function<void()> fn,
                                   uint64_t stackBytes = kLargeStackBytes);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_LARGESTACK_H

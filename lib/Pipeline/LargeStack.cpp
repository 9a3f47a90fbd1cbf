//===- LargeStack.cpp - Running the compiler on a large stack -------------===//

#include "Pipeline/LargeStack.h"

#include "llvm/Support/CrashRecoveryContext.h"

#include <algorithm>

namespace mlir::tessera {

/// The stack size of the calling thread when this file started it, else 0.
static thread_local uint64_t largeStack = 0;

bool isOnLargeStack() { return largeStack != 0; }

llvm::thread startLargeStackThread(std::function<void()> fn,
                                   uint64_t stackBytes) {
  stackBytes =
      std::clamp<uint64_t>(stackBytes, kLargeStackBytes, kMaxStackBytes);
  return llvm::thread(std::optional<unsigned>(stackBytes),
                      [fn = std::move(fn), stackBytes] {
                        largeStack = stackBytes;
                        fn();
                      });
}

void runOnLargeStack(llvm::function_ref<void()> fn, uint64_t stackBytes) {
  if (largeStack >= std::min(stackBytes, kMaxStackBytes)) {
    fn();
    return;
  }
  // A caller recovering from crashes (CrashRecoveryContext) still does: the
  // crash is caught on the large stack and handed to the caller's context.
  llvm::CrashRecoveryContext *callerRecovery =
      llvm::CrashRecoveryContext::GetCurrent();
  bool crashed = false;
  int crashCode = 0;
  startLargeStackThread(
      [&] {
        if (!callerRecovery) {
          fn();
          return;
        }
        llvm::CrashRecoveryContext recovery;
        crashed = !recovery.RunSafely(fn);
        crashCode = recovery.RetCode;
      },
      stackBytes)
      .join();
  if (crashed)
    callerRecovery->HandleExit(crashCode);
}

} // namespace mlir::tessera

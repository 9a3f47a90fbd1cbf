//===- LargeStack.cpp - Running the compiler on a large stack -------------===//

#include "Pipeline/LargeStack.h"

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
  startLargeStackThread([fn] { fn(); }, stackBytes).join();
}

} // namespace mlir::tessera

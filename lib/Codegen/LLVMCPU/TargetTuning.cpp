//===- TargetTuning.cpp - Per-CPU constants of the llvm-cpu kernels -------===//

#include "Codegen/LLVMCPU/TargetTuning.h"

#include "Dialect/HAL/IR/HALOps.h"

#include "llvm/TargetParser/Host.h"

namespace mlir::tessera::llvmcpu {

namespace {
/// Reduction steps per block of a packed panel on AMD Zen 4: a panel of
/// up to 2048 steps (256 KiB) read from the L2 cache keeps up with its
/// FMAs (a 512-bit FMA there takes two 256-bit halves), and fewer blocks
/// reload C fewer times. One worker, random inputs, against blocks of 256
/// steps: 2048^3 104 -> 110 GFLOP/s, 1024^3 105 -> 109, 512^3 112 -> 114.
/// On the Intel Xeon the default was tuned on, blocks of 384 and 512 steps
/// were 1-6 % slower than 256 (bench/RESULTS.md, ninth round).
constexpr int64_t kZen4PanelDepth = 2048;
} // namespace

std::string targetCpuFor(Operation *op) {
  auto variant = op->getParentOfType<hal::ExecutableVariantOp>();
  if (!variant)
    return "";
  StringRef cpu = variant.getTarget().getConfigString("cpu");
  if (cpu == "host")
    return llvm::sys::getHostCPUName().str();
  return cpu.str();
}

int64_t cachedPanelDepthFor(Operation *op, int64_t fallback) {
  if (targetCpuFor(op) == "znver4")
    return kZen4PanelDepth;
  return fallback;
}

} // namespace mlir::tessera::llvmcpu

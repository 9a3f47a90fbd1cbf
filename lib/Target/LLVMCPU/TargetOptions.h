//===- TargetOptions.h - llvm-cpu target selection ------------*- C++ -*-===//
#ifndef TESSERA_TARGET_LLVMCPU_TARGETOPTIONS_H
#define TESSERA_TARGET_LLVMCPU_TARGETOPTIONS_H

#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class TargetMachine;
}

namespace mlir::tessera::target {

/// Resolves "host" in the triple ("" too), cpu and features to what this
/// machine is: the process triple, LLVM's host CPU name and its feature list.
struct LLVMCPUTarget {
  std::string triple;
  std::string cpu;
  std::string features;
};
LLVMCPUTarget resolveLLVMCPUTarget(std::string triple, std::string cpu,
                                   std::string features);

/// What LLVM knows of a triple: its CPU names and feature names, to check
/// --cpu and --cpu-features before compiling (LLVM itself only warns and
/// falls back to a generic CPU).
struct LLVMCPUTargetInfo {
  std::vector<std::string> cpus;
  std::vector<std::string> features;
};
llvm::Expected<LLVMCPUTargetInfo> describeLLVMCPUTarget(llvm::StringRef triple);

/// Whether `cpu` (a name describeLLVMCPUTarget lists) has every feature of
/// `features` ("+64bit,+sse2") on `triple`: an x86-64 triple needs a 64-bit
/// CPU, or LLVM ends the process when it generates code.
llvm::Expected<bool> cpuHasFeatures(llvm::StringRef triple, llvm::StringRef cpu,
                                    llvm::StringRef features);

/// Registers LLVM's targets once per process.
void initializeLLVMTargets();

/// A TargetMachine producing position-independent code for `target`.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const LLVMCPUTarget &target, unsigned optLevel);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_TARGETOPTIONS_H

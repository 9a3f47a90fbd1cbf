//===- TargetOptions.cpp - llvm-cpu target selection ----------------------===//

#include "Target/LLVMCPU/TargetOptions.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

namespace mlir::tessera::target {

LLVMCPUTarget resolveLLVMCPUTarget(std::string triple, std::string cpu,
                                   std::string features) {
  LLVMCPUTarget target;
  bool hostTriple = triple.empty() || triple == "host";
  target.triple = hostTriple ? llvm::sys::getProcessTriple() : triple;
  // "host" CPU and features only make sense for this machine's architecture;
  // another architecture gets its generic CPU.
  bool hostArch = llvm::Triple(target.triple).getArch() ==
                  llvm::Triple(llvm::sys::getProcessTriple()).getArch();
  if (!hostArch) {
    target.cpu = cpu == "host" ? "generic" : cpu;
    target.features = features == "host" ? "" : features;
    return target;
  }
  target.cpu = cpu == "host" ? llvm::sys::getHostCPUName().str() : cpu;
  if (features == "host") {
    std::string list;
    for (auto &feature : llvm::sys::getHostCPUFeatures()) {
      if (!list.empty())
        list += ",";
      list += (feature.second ? "+" : "-") + feature.first().str();
    }
    target.features = list;
  } else {
    target.features = features;
  }
  return target;
}

namespace {
/// The subtarget of `cpu` on `tripleName` ("host": this machine's); null
/// when the target has none.
llvm::Expected<std::unique_ptr<llvm::MCSubtargetInfo>>
createSubtarget(llvm::StringRef tripleName, llvm::StringRef cpu) {
  initializeLLVMTargets();
  llvm::Triple triple(tripleName == "host" ? llvm::sys::getProcessTriple()
                                           : tripleName.str());
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return llvm::createStringError("unknown target triple '" + tripleName +
                                   "': " + error);
  return std::unique_ptr<llvm::MCSubtargetInfo>(
      llvmTarget->createMCSubtargetInfo(triple, cpu, ""));
}
} // namespace

llvm::Expected<LLVMCPUTargetInfo>
describeLLVMCPUTarget(llvm::StringRef tripleName) {
  auto created = createSubtarget(tripleName, "");
  if (!created)
    return created.takeError();
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget = std::move(*created);
  LLVMCPUTargetInfo info;
  if (!subtarget)
    return info;
  for (const llvm::SubtargetSubTypeKV &cpu :
       subtarget->getAllProcessorDescriptions())
    info.cpus.push_back(cpu.Key);
  for (const llvm::SubtargetFeatureKV &feature :
       subtarget->getAllProcessorFeatures())
    info.features.push_back(feature.Key);
  return info;
}

llvm::Expected<bool> cpuHasFeatures(llvm::StringRef tripleName,
                                    llvm::StringRef cpu,
                                    llvm::StringRef features) {
  auto subtarget = createSubtarget(tripleName, cpu);
  if (!subtarget)
    return subtarget.takeError();
  return *subtarget && (*subtarget)->checkFeatures(features);
}

void initializeLLVMTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
  });
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const LLVMCPUTarget &target, unsigned optLevel) {
  initializeLLVMTargets();
  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return llvm::createStringError("unknown target triple '" + target.triple +
                                   "': " + error);
  llvm::TargetOptions options;
  auto level = optLevel == 0   ? llvm::CodeGenOptLevel::None
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                               : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options,
      // wasm-ld links position-dependent modules; elsewhere libraries are
      // position independent.
      triple.isWasm() ? llvm::Reloc::Static : llvm::Reloc::PIC_, std::nullopt,
      level));
  if (!machine)
    return llvm::createStringError("cannot create a target machine for '" +
                                   target.triple + "' cpu '" + target.cpu +
                                   "'");
  return machine;
}

} // namespace mlir::tessera::target

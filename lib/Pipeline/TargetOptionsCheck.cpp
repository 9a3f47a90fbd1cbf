//===- TargetOptionsCheck.cpp - Target options checked up front -----------===//

#include "Pipeline/TargetOptionsCheck.h"

#include "Target/LLVMCPU/TargetOptions.h"
#include "Tool/CommandLine.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir::tessera {
namespace {

std::string suggest(llvm::StringRef value,
                    llvm::ArrayRef<std::string> candidates,
                    llvm::StringRef prefix = "") {
  std::string closest = closestMatch(value, candidates);
  return closest.empty() ? ""
                         : "; did you mean '" + prefix.str() + closest + "'?";
}

std::string badChoice(llvm::StringRef what, llvm::StringRef value,
                      const std::string &option,
                      llvm::ArrayRef<std::string> valid) {
  return "unknown " + what.str() + " '" + value.str() + "' for " + option +
         suggest(value, valid) + " (valid: " + llvm::join(valid, ", ") + ")";
}

/// Why LLVM cannot generate code with `feature` ("+name" or "-name") for
/// `triple`, where it would end the process instead of reporting it.
std::string unusableFeature(llvm::StringRef feature,
                            const llvm::Triple &triple) {
  llvm::StringRef name = feature.drop_front();
  bool adds = feature.starts_with("+");
  if (adds && name == "soft-float")
    return "floating point in software is not supported (the kernels "
           "compute in vector registers)";
  if (!adds && name == "64bit" && triple.isArch64Bit())
    return "a 64-bit triple cannot drop 64bit";
  if (name.ends_with("bit-mode"))
    return "the triple sets the mode; " + name.str() + " cannot change it";
  if (!adds && (name == "sse" || name == "sse2") &&
      triple.getArch() == llvm::Triple::x86_64)
    return "x86-64 passes floats in SSE registers; it cannot drop " +
           name.str();
  return "";
}

} // namespace

std::string checkTargetOptions(const CompileOptions &options,
                               OptionSpelling spell) {
  const std::vector<std::string> &backends = getTargetBackends();
  for (size_t i = 0; i < options.targets.size(); ++i) {
    const std::string &target = options.targets[i];
    if (!llvm::is_contained(backends, target))
      return badChoice("target backend", target, spell("target"), backends);
    if (llvm::is_contained(llvm::ArrayRef(options.targets).take_front(i),
                           target))
      return spell("target") + " names " + target + " twice";
  }
  if (!llvm::is_contained(getVulkanDeviceTypes(), options.vulkanDeviceType))
    return badChoice("device type", options.vulkanDeviceType,
                     spell("vulkan-device-type"), getVulkanDeviceTypes());
  if (!llvm::is_contained(options.targets, "llvm-cpu"))
    return "";
  auto info = target::describeLLVMCPUTarget(options.targetTriple);
  if (!info)
    return spell("target-triple") + ": " + llvm::toString(info.takeError());
  std::string triple = options.targetTriple == "host"
                           ? "this machine"
                           : "'" + options.targetTriple + "'";
  if (options.cpu != "host" && options.cpu != "generic" &&
      !info->cpus.empty() && !llvm::is_contained(info->cpus, options.cpu))
    return "unknown CPU '" + options.cpu + "' for " + triple +
           suggest(options.cpu, info->cpus) + " (" + spell("cpu") + ")";
  llvm::Triple resolved(options.targetTriple == "host"
                            ? llvm::sys::getProcessTriple()
                            : options.targetTriple);
  // A 32-bit CPU on a 64-bit x86 triple: LLVM ends the process.
  if (options.cpu != "host" && options.cpu != "generic" &&
      resolved.getArch() == llvm::Triple::x86_64) {
    auto is64Bit =
        target::cpuHasFeatures(options.targetTriple, options.cpu, "+64bit");
    if (!is64Bit)
      return spell("target-triple") + ": " +
             llvm::toString(is64Bit.takeError());
    if (!*is64Bit)
      return "CPU '" + options.cpu + "' has no 64-bit mode, which " + triple +
             " needs (" + spell("cpu") + ")";
  }
  if (options.cpuFeatures == "host")
    return "";
  llvm::SmallVector<llvm::StringRef> features;
  llvm::StringRef(options.cpuFeatures).split(features, ',', -1, false);
  for (llvm::StringRef feature : features) {
    feature = feature.trim();
    if (!feature.starts_with("+") && !feature.starts_with("-"))
      return spell("cpu-features") + ": '" + feature.str() +
             "' needs a + (has) or - (lacks) in front";
    llvm::StringRef name = feature.drop_front();
    if (!info->features.empty() &&
        !llvm::is_contained(info->features, name.str()))
      return "unknown CPU feature '" + name.str() + "' for " + triple +
             suggest(name, info->features, feature.take_front()) + " (" +
             spell("cpu-features") + ")";
    if (std::string why = unusableFeature(feature, resolved); !why.empty())
      return spell("cpu-features") + ": '" + feature.str() + "': " + why;
  }
  return "";
}

} // namespace mlir::tessera

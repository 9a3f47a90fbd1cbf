//===- Options.cpp - Compilation phases and options -----------------------===//

#include "Pipeline/Options.h"

namespace mlir::tessera {

static const char *const kPhaseNames[] = {"input", "global-opt", "flow",
                                          "hal",   "codegen",    "link",
                                          "host",  "serialize",  "loader"};

llvm::StringRef getPhaseName(Phase phase) {
  return kPhaseNames[static_cast<int>(phase)];
}

std::optional<Phase> parsePhase(llvm::StringRef name) {
  for (Phase phase : getAllPhases())
    if (getPhaseName(phase) == name)
      return phase;
  return std::nullopt;
}

const std::vector<Phase> &getAllPhases() {
  static const std::vector<Phase> phases = {
      Phase::Input, Phase::GlobalOpt, Phase::Flow,
      Phase::HAL,   Phase::Codegen,   Phase::Link,
      Phase::Host,  Phase::Serialize, Phase::Loader};
  return phases;
}

bool isKnownExecutionModel(llvm::StringRef model) {
  return model == "inline-dynamic";
}

const std::vector<std::string> &getTargetBackends() {
  static const std::vector<std::string> backends = {"llvm-cpu", "vulkan-spirv"};
  return backends;
}

const std::vector<std::string> &getVulkanDeviceTypes() {
  static const std::vector<std::string> types = {
      "discrete-gpu", "integrated-gpu", "cpu", "unknown"};
  return types;
}

} // namespace mlir::tessera

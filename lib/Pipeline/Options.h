//===- Options.h - Compilation phases and options -------------*- C++ -*-===//
#ifndef TESSERA_PIPELINE_OPTIONS_H
#define TESSERA_PIPELINE_OPTIONS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tessera {

struct PassRecord;

/// The pipeline's phases, in order. Compilation can stop after any of them.
/// Host and Loader are the inline-dynamic execution model: host functions
/// dispatch through hal_loader on host buffers (host), and serialized
/// executables become globals their initializer loads (loader).
enum class Phase {
  Input,
  GlobalOpt,
  Flow,
  HAL,
  Codegen,
  Link,
  Host,
  Serialize,
  Loader
};

llvm::StringRef getPhaseName(Phase phase);
std::optional<Phase> parsePhase(llvm::StringRef name);
/// All phases in order, for listings.
const std::vector<Phase> &getAllPhases();
/// "inline-dynamic": the host program loads executables when the module is
/// loaded and runs dispatches synchronously on host-local buffers.
bool isKnownExecutionModel(llvm::StringRef model);
/// The target backends (--target) and the kinds of Vulkan device
/// (--vulkan-device-type) the compiler knows: tools check a user's values
/// before compiling.
const std::vector<std::string> &getTargetBackends();
const std::vector<std::string> &getVulkanDeviceTypes();

struct CompileOptions {
  /// Target backends ("llvm-cpu").
  std::vector<std::string> targets = {"llvm-cpu"};
  /// Last phase to run.
  Phase compileTo = Phase::Loader;
  /// How the host runs dispatches (see isKnownExecutionModel).
  std::string executionModel = "inline-dynamic";
  /// llvm-cpu target: "host" resolves to this machine.
  std::string targetTriple = "host";
  std::string cpu = "host";
  std::string cpuFeatures = "host";
  /// vulkan-spirv target: the kind of device code generation tunes for
  /// (discrete-gpu, integrated-gpu, cpu, unknown).
  std::string vulkanDeviceType = "unknown";
  /// LLVM optimization level for serialization (0-3).
  unsigned optLevel = 2;
  /// Record the IR after every pass (the pass capture).
  bool captureIR = true;
  /// Keep the intermediate files of serialization (LLVM IR, objects,
  /// libraries) as artifacts.
  bool keepArtifacts = false;
  /// Also produce debug files where the platform keeps them apart (the PDB
  /// of a Windows DLL). The library then names its debug file, which was
  /// linked in a temporary directory: its bytes are no longer reproducible.
  bool debugInfo = false;
  /// Link the executables of each target into one (the link phase); off,
  /// every dispatch keeps its own binary.
  bool linkExecutables = true;
  /// Build the runnable module file (host programs + binaries); needs
  /// compileTo = loader.
  bool buildModule = false;
  /// Checked before every pass: once true, the remaining passes are
  /// skipped and the compile fails as cancelled (a newer edit supersedes a
  /// background compile; Ctrl-C stops a batch).
  const std::atomic<bool> *cancel = nullptr;
  /// Passes over many functions or executables use the context's threads.
  /// Off when the caller already compiles several inputs at once.
  bool multithreaded = true;
  /// Called with the module after each phase that succeeded, on the
  /// compiling thread (to read what a phase made, e.g. the dispatch map).
  std::function<void(Phase, ModuleOp)> afterPhase;
  /// Called as each pass starts, with its phase and argument (options
  /// left out): progress lines and bars. Runs on the thread running the
  /// pass, pass threads included, so it must be thread-safe and quick.
  std::function<void(Phase, llvm::StringRef pass)> passStarted;
  /// Called as each pass starts with a record of what is known then (its
  /// names, anchor, phase and, with captureIR, the IR before it), on the
  /// same threads as passStarted: the explorer names the pass a crash
  /// stopped in and shows the IR it was given.
  std::function<void(const PassRecord &)> passBegan;
  /// Where a crash in a pass writes its reproducer (CrashReproducer.h);
  /// empty: none.
  std::string crashReproducer;
};

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_OPTIONS_H

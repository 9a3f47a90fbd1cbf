//===- Module.h - A loaded, verified Tessera module -------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_MODULE_H
#define TESSERA_RUNTIME_MODULE_H

#include "tessera/runtime/Accelerator.h"
#include "tessera/runtime/DeviceQuery.h"
#include "tessera/runtime/ModuleSignature.h"
#include "tessera/runtime/Status.h"
#include "tessera/runtime/Tensor.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::schema {
struct Module;
} // namespace tessera::schema

namespace tessera::rt {

/// The module format version this runtime reads (runtime/schemas/module.fbs).
constexpr uint32_t kModuleVersion = 3;

class CpuExecutable;

struct FunctionSignature {
  std::string name;
  std::vector<TensorType> inputs, outputs;
  /// "(tensor<4x16xf32>) -> tensor<4x10xf32>"
  std::string str() const;
};

/// Checks a module's bytes: FlatBuffers structure, then every index, offset,
/// size and ordinal. The message names what is wrong and where.
Status verifyModule(const uint8_t *data, size_t size);

struct LoadOptions {
  /// The device the initializer asks (variant conditions).
  CpuDevice device;
  /// Told what loading does: each executable loaded, and why.
  std::function<void(const std::string &)> log;
  /// A device beside the CPU (Vulkan): its formats load on it, its
  /// queries are answered where the CPU knows no answer.
  std::shared_ptr<Accelerator> accelerator;
  /// When not empty, only modules signed by one of these keys load
  /// (ModuleSignature.h); the others are refused before they are parsed.
  std::vector<PublicKey> trustedKeys;
};

/// Module bytes (64-byte aligned, owned) plus the executables loaded from
/// them. Immutable once loaded; sessions share it.
class Module {
public:
  /// Verifies the module, then runs its initializer, which loads the
  /// executables it picks for `options.device`.
  static StatusOr<std::shared_ptr<Module>>
  loadFile(const std::string &path, const LoadOptions &options = {});
  static StatusOr<std::shared_ptr<Module>>
  loadBytes(const void *data, size_t size, std::string name = "<memory>",
            const LoadOptions &options = {});
  ~Module();
  /// The functions of verified module bytes, without loading anything (a
  /// module whose executables only a device can load still lists them).
  static StatusOr<std::vector<FunctionSignature>>
  readSignatures(const void *data, size_t size);

  const std::string &name() const { return sourceName; }
  const std::vector<FunctionSignature> &functions() const { return signatures; }
  /// Null when there is no such function.
  const FunctionSignature *findFunction(std::string_view name) const;

  // For the interpreter.
  const schema::Module &schema() const;
  /// "executable::variant" of module executable `index`.
  std::string executableName(unsigned index) const;
  /// Null until the initializer loaded it (on the CPU).
  const CpuExecutable *executable(unsigned index) const;
  /// The device beside the CPU, or null.
  Accelerator *accelerator() const { return loadOptions.accelerator.get(); }
  /// Null unless the initializer loaded it on the accelerator.
  AcceleratorExecutable *acceleratorExecutable(unsigned index) const;
  /// Whether the CPU or the accelerator loads `format`.
  bool supportsFormat(const std::string &format) const;
  /// The CPU's answer, else the accelerator's.
  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const;
  /// Loads executables[index] (once); for LoadExecutable.
  Status loadExecutable(unsigned index);
  int64_t global(unsigned index) const { return globals[index]; }
  void setGlobal(unsigned index, int64_t value) { globals[index] = value; }
  const CpuDevice &device() const { return loadOptions.device; }
  void log(const std::string &message) const {
    if (loadOptions.log)
      loadOptions.log(message);
  }
  /// A read-only buffer viewing constant `index`; keeps the module alive.
  std::shared_ptr<Buffer> constant(unsigned index) const;

private:
  Module() = default;
  static StatusOr<std::shared_ptr<Module>>
  loadOwned(std::shared_ptr<Buffer> bytes, std::string name,
            const LoadOptions &options);
  Status initialize();

  std::string sourceName;
  std::shared_ptr<Buffer> bytes;
  std::vector<FunctionSignature> signatures;
  /// Before the executables: destroyed after them (an accelerator's
  /// executables need its device until they are gone).
  LoadOptions loadOptions;
  std::vector<std::unique_ptr<CpuExecutable>> executables;
  std::vector<std::unique_ptr<AcceleratorExecutable>> accelerated;
  std::vector<int64_t> globals;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_MODULE_H

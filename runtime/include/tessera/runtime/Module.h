//===- Module.h - A loaded, verified Tessera module -------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_MODULE_H
#define TESSERA_RUNTIME_MODULE_H

#include "tessera/runtime/Device.h"
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

class ModuleInternals;

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
  /// Where executables load: each on the first device that supports its
  /// format; a query is answered by the first device that knows it. Empty:
  /// the CPU alone, inline (Runtime::createDevice makes the others).
  std::vector<std::shared_ptr<Device>> devices;
  /// Told what loading does: each executable loaded, and why.
  std::function<void(const std::string &)> log;
  /// When not empty, only modules signed by one of these keys load
  /// (ModuleSignature.h); the others are refused before they are parsed.
  std::vector<PublicKey> trustedKeys;
};

/// Module bytes (64-byte aligned, owned) plus the executables loaded from
/// them. Immutable once loaded; sessions share it.
class Module {
public:
  /// Verifies the module, then runs its initializer, which loads the
  /// executables it picks for `options.devices`.
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

  /// "executable::variant" of module executable `index`.
  std::string executableName(unsigned index) const;
  /// The devices executables load on (LoadOptions::devices).
  const std::vector<std::shared_ptr<Device>> &devices() const {
    return loadOptions.devices;
  }

private:
  /// The loader and the interpreter (runtime/src/ModuleInternals.h).
  friend class ModuleInternals;
  Module() = default;
  static StatusOr<std::shared_ptr<Module>>
  loadOwned(std::shared_ptr<Buffer> bytes, std::string name,
            const LoadOptions &options);
  Status initialize();

  std::string sourceName;
  std::shared_ptr<Buffer> bytes;
  std::vector<FunctionSignature> signatures;
  /// Before the executables: destroyed after them (a device's executables
  /// need it until they are gone).
  LoadOptions loadOptions;
  struct Loaded {
    /// Null until the initializer loaded it.
    std::unique_ptr<Executable> executable;
    Device *device = nullptr;
  };
  std::vector<Loaded> executables;
  std::vector<int64_t> globals;
  /// A read-only buffer per constant, made once: a call views them all.
  std::vector<std::shared_ptr<Buffer>> constants;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_MODULE_H

//===- ModuleInternals.h - What the runtime uses of a Module ----*- C++ -*-===//
//
// The loader's and the interpreter's view of a Module, beyond its public
// interface: the module's FlatBuffer, its loaded executables and globals.
// Only the initializer writes (executables, globals): it gets a view of a
// non-const module.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_MODULEINTERNALS_H
#define TESSERA_RUNTIME_MODULEINTERNALS_H

#include "tessera/runtime/Module.h"

#include <cassert>

namespace tessera::rt {

class ModuleInternals {
public:
  explicit ModuleInternals(const Module &module) : module(&module) {}
  explicit ModuleInternals(Module &module)
      : module(&module), writable(&module) {}

  const Module &get() const { return *module; }
  const schema::Module &schema() const;
  /// Executable `index` and the device it loaded on; null until the
  /// initializer loaded it.
  const Executable *executable(unsigned index) const {
    return module->executables[index].executable.get();
  }
  Device *executableDevice(unsigned index) const {
    return module->executables[index].device;
  }
  /// Whether a device of the module loads `format`.
  bool supportsFormat(const std::string &format) const;
  /// The first device's answer that knows one.
  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const;
  int64_t global(unsigned index) const { return module->globals[index]; }
  /// A read-only buffer viewing constant `index`; keeps the module alive.
  const std::shared_ptr<Buffer> &constant(unsigned index) const;
  void log(const std::string &message) const {
    if (module->loadOptions.log)
      module->loadOptions.log(message);
  }

  // The initializer's.
  /// Loads executables[index] (once) on the first device that supports it.
  Status loadExecutable(unsigned index) const;
  void setGlobal(unsigned index, int64_t value) const {
    assert(writable && "only the initializer stores globals");
    writable->globals[index] = value;
  }

private:
  const Module *module;
  Module *writable = nullptr;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_MODULEINTERNALS_H

//===- Accelerator.h - A device beside the CPU ------------------*- C++ -*-===//
//
// What the module loader needs from a device other than the CPU (Vulkan):
// which executable formats it loads, its answers to hal.device.query, and
// dispatching a loaded executable's export on host buffers. The runtime
// core knows only this interface; runtime/vulkan implements it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_ACCELERATOR_H
#define TESSERA_RUNTIME_ACCELERATOR_H

#include "tessera/runtime/DeviceQuery.h"
#include "tessera/runtime/Status.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::rt {

/// One export's interface, from the module.
struct ExportSignature {
  std::string name;
  unsigned pushConstants = 0;
  std::vector<bool> bindingReadOnly;
};

/// A byte range of a host buffer bound to a dispatch.
struct DispatchBinding {
  uint8_t *data = nullptr;
  size_t length = 0;
  bool readOnly = false;
};

class AcceleratorExecutable {
public:
  virtual ~AcceleratorExecutable() = default;
  /// Runs export `ordinal` over `workgroups`, synchronously: writable
  /// bindings hold the results when it returns. `deviceMicroseconds` gets
  /// the device's own time, or -1.
  virtual Status dispatch(unsigned ordinal, std::array<uint32_t, 3> workgroups,
                          const std::vector<uint32_t> &pushConstants,
                          const std::vector<DispatchBinding> &bindings,
                          double &deviceMicroseconds) = 0;
};

class Accelerator {
public:
  virtual ~Accelerator() = default;
  /// "vulkan://0 (llvmpipe ...)"
  virtual std::string describe() const = 0;
  virtual bool supportsFormat(std::string_view format) const = 0;
  virtual DeviceQueryAnswer query(std::string_view category,
                                  std::string_view key) const = 0;
  virtual StatusOr<std::unique_ptr<AcceleratorExecutable>>
  load(const std::string &name, const uint8_t *data, size_t size,
       const std::vector<ExportSignature> &exports) = 0;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_ACCELERATOR_H

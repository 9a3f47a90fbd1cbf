//===- Accelerator.h - A device beside the CPU ------------------*- C++ -*-===//
//
// What the module loader needs from a device other than the CPU (Vulkan):
// which executable formats it loads, its answers to hal.device.query, and
// running loaded executables' exports on host buffers, a call's dispatches
// batched into one submission. The runtime core knows only this interface;
// runtime/vulkan implements it.
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

/// A byte range of a host buffer bound to a dispatch. The whole buffer
/// (`buffer`, `bufferSize`) identifies it: bindings of one buffer in a
/// batch share its device copy.
struct DispatchBinding {
  uint8_t *buffer = nullptr;
  size_t bufferSize = 0;
  size_t offset = 0, length = 0;
  bool readOnly = false;
};

/// A loaded executable; its exports run through an AcceleratorBatch of the
/// accelerator that loaded it.
class AcceleratorExecutable {
public:
  virtual ~AcceleratorExecutable() = default;
};

/// The dispatches of one call, recorded in order and run together: a host
/// buffer goes to the device once and stays there between dispatches, and
/// comes back once, at the flush. The host must not touch a recorded
/// buffer before flushing.
class AcceleratorBatch {
public:
  virtual ~AcceleratorBatch() = default;
  virtual Status record(const AcceleratorExecutable &executable,
                        unsigned ordinal, std::array<uint32_t, 3> workgroups,
                        const std::vector<uint32_t> &pushConstants,
                        const std::vector<DispatchBinding> &bindings) = 0;
  /// Dispatches recorded since the last flush.
  virtual size_t pending() const = 0;
  /// Runs them (one submission) and waits: written host buffers hold the
  /// results. Returns each dispatch's device time in microseconds, or -1
  /// where the device has no timer.
  virtual StatusOr<std::vector<double>> flush() = 0;
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
  virtual std::unique_ptr<AcceleratorBatch> beginBatch() = 0;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_ACCELERATOR_H

//===- Device.h - Where a module's executables load and run -----*- C++ -*-===//
//
// What the module loader and the interpreter need from a device, the CPU
// included: which executable formats it loads, its answers to
// hal.device.query, loading an executable, and running its exports on host
// buffers through a batch. A batch may run a dispatch when it is recorded
// or hold it until the flush (the CPU's waves, Vulkan's one submission);
// the host must not touch a recorded buffer before flushing. Devices are
// made by Runtime::createDevice (Session.h); runtime/src/CpuDevice and
// runtime/vulkan implement this interface.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_DEVICE_H
#define TESSERA_RUNTIME_DEVICE_H

#include "tessera/runtime/DeviceQuery.h"
#include "tessera/runtime/DispatchRecord.h"
#include "tessera/runtime/Status.h"
#include "tessera/runtime/Tensor.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::rt {

class TaskExecutor;

/// One export's interface, from the module.
struct ExportSignature {
  std::string name;
  unsigned pushConstants = 0;
  std::vector<bool> bindingReadOnly;
};

/// A loaded executable; its exports run through a DispatchBatch of the
/// device that loaded it.
class Executable {
public:
  virtual ~Executable() = default;
};

/// A byte range of a host buffer bound to a dispatch. The buffer stays
/// alive until the batch has run the dispatch; bindings of one buffer in a
/// batch share its device copy.
struct DispatchBinding {
  std::shared_ptr<Buffer> buffer;
  size_t offset = 0, length = 0;
  bool readOnly = false;
};

/// One dispatch handed to a batch.
struct DispatchRequest {
  /// Loaded by the batch's device.
  const Executable *executable = nullptr;
  std::vector<uint32_t> pushConstants;
  std::vector<DispatchBinding> bindings;
  /// What the profile says of it (ordinal and workgroup count included);
  /// the batch fills in its times.
  DispatchRecord record;
  /// The caller's name for it, reported back when it fails.
  unsigned tag = 0;
};

/// Why a batch failed: one dispatch (its tag) or the batch as a whole.
struct DispatchFailure {
  std::optional<unsigned> tag;
  std::string message;
};

/// How a batch runs: what the call's profile needs and how the host's
/// threads may be used.
struct BatchOptions {
  /// Told each dispatch that ran, timed from `origin`, in program order;
  /// null: nothing is timed.
  const DispatchObserver *observer = nullptr;
  std::chrono::steady_clock::time_point origin;
  /// Host work splits over these workers instead of the device's own.
  TaskExecutor *executor = nullptr;
  /// Whether dispatches that do not touch each other's buffers may run at
  /// the same time.
  bool concurrent = true;
};

/// The dispatches of one call on one device, recorded in order. A
/// dispatch runs after every dispatch recorded before it whose buffers it
/// touches (read after write, write after read or write).
class DispatchBatch {
public:
  virtual ~DispatchBatch() = default;
  virtual std::optional<DispatchFailure> record(DispatchRequest request) = 0;
  /// Dispatches recorded but not yet run.
  virtual size_t pending() const = 0;
  /// Runs them and waits: written host buffers hold the results.
  virtual std::optional<DispatchFailure> flush() = 0;
};

class Device {
public:
  virtual ~Device() = default;
  /// "cpu", "vulkan://0": where a profile says a dispatch ran.
  virtual std::string name() const = 0;
  /// "vulkan://0 (llvmpipe ...)", "cpu with feature overrides -avx512f"
  virtual std::string describe() const = 0;
  /// The executable formats it loads, most preferred first.
  virtual std::vector<std::string> formats() const = 0;
  bool supportsFormat(std::string_view format) const;
  /// Its answer to hal.device.query; ok = false when it knows no answer.
  virtual DeviceQueryAnswer query(std::string_view category,
                                  std::string_view key) const = 0;
  virtual StatusOr<std::unique_ptr<Executable>>
  load(const std::string &name, std::string_view format, const uint8_t *data,
       size_t size, const std::vector<ExportSignature> &exports) = 0;
  virtual std::unique_ptr<DispatchBatch>
  beginBatch(const BatchOptions &options) = 0;
  /// What the device reported while it ran (Vulkan validation messages).
  virtual std::vector<std::string> diagnostics() const { return {}; }
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_DEVICE_H

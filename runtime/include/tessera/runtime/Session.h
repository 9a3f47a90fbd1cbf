//===- Session.h - Calling a module's functions -----------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_SESSION_H
#define TESSERA_RUNTIME_SESSION_H

#include "tessera/runtime/DeviceRegistry.h"
#include "tessera/runtime/DispatchRecord.h"
#include "tessera/runtime/Module.h"
#include "tessera/runtime/TaskExecutor.h"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::rt {

/// A dispatch with copies of what it was given and what it wrote: enough to
/// run it again alone (replayDispatch) and check it writes the same.
struct DispatchCapture {
  DispatchRecord record;
  std::vector<uint32_t> pushConstants;
  struct Binding {
    /// The binding's bytes before the dispatch, and after it (written
    /// bindings only; empty for read-only ones).
    std::vector<uint8_t> before, after;
    bool readOnly = true;
  };
  std::vector<Binding> bindings;
};
using DispatchCaptureObserver = std::function<void(DispatchCapture &&)>;

/// One dispatch run alone on captured bindings.
struct DispatchReplay {
  /// Every binding after the last repetition.
  std::vector<std::vector<uint8_t>> bindings;
  /// Microseconds per repetition.
  std::vector<double> microseconds;
};

/// Calls the functions of one module: each call's host program runs on the
/// calling thread and records every dispatch on the device its executable
/// was loaded on (the CPU: inline or over its task workers; Vulkan: one
/// submission per call).
class Session {
public:
  explicit Session(std::shared_ptr<Module> module);

  /// Checks `inputs` against the function's signature, runs its host program
  /// and returns its results (which may share memory with the module's
  /// constants or with each other; do not write to them).
  StatusOr<std::vector<Tensor>> call(std::string_view function,
                                     const std::vector<Tensor> &inputs);

  void setDispatchObserver(DispatchObserver newObserver) {
    observer = std::move(newObserver);
  }
  const DispatchObserver &dispatchObserver() const { return observer; }
  /// While set, every dispatch of a call is captured (its bindings copied
  /// before and after it; other devices' dispatches then run one submission
  /// each, so that the host sees their inputs).
  void setDispatchCapture(DispatchCaptureObserver newCapture) {
    capture = std::move(newCapture);
  }
  /// CPU dispatches split their workgroups over `executor`'s workers
  /// (threaded execution) instead of the CPU device's own (cpu?workers=N);
  /// null (the default): the device's.
  void setTaskExecutor(std::shared_ptr<TaskExecutor> newExecutor) {
    executor = std::move(newExecutor);
  }
  /// With a task executor, consecutive CPU dispatches that do not touch
  /// each other's data run at the same time (the default). Off, each
  /// dispatch waits for the one before: for measuring, or to rule out a
  /// race while debugging.
  void setConcurrentDispatches(bool enabled) { concurrent = enabled; }
  /// Runs the captured dispatch alone, `repetitions` times, each on fresh
  /// copies of its captured inputs, on the executable this module loaded.
  StatusOr<DispatchReplay> replayDispatch(const DispatchCapture &dispatch,
                                          int repetitions = 1) const;
  const Module &module() const { return *loadedModule; }

private:
  std::shared_ptr<Module> loadedModule;
  DispatchObserver observer;
  DispatchCaptureObserver capture;
  std::shared_ptr<TaskExecutor> executor;
  bool concurrent = true;
};

/// Entry point of the runtime API: devices and module loading.
class Runtime {
public:
  /// Opens the device `spec` names (DeviceRegistry.h): "cpu" (also
  /// "local-sync"), "cpu?workers=N", "cpu?features=-avx512f",
  /// "vulkan", "vulkan://N". Fails naming what is wrong with `spec`, or why
  /// the device cannot be opened.
  static StatusOr<std::shared_ptr<Device>> createDevice(std::string_view spec);

  /// Modules load on the device `device` names; when it is not the CPU,
  /// the CPU `cpu` names runs beside it (executables without a binary for
  /// the device). The one way every tool sets up its devices.
  static StatusOr<Runtime> create(const std::string &device = "cpu",
                                  const std::string &cpu = "cpu");

  /// With no `options.devices`, the runtime's.
  StatusOr<std::shared_ptr<Module>>
  loadModule(const std::string &path, const LoadOptions &options = {}) const;
  StatusOr<std::shared_ptr<Module>>
  loadModule(const void *data, size_t size, std::string name,
             const LoadOptions &options = {}) const;
  Session createSession(std::shared_ptr<Module> module) const {
    return Session(std::move(module));
  }
  /// The name of the device it was created with ("cpu", "vulkan://0").
  const std::string &device() const { return deviceName; }
  /// The CPU first, then the device asked for.
  const std::vector<std::shared_ptr<Device>> &devices() const {
    return deviceList;
  }

private:
  std::string deviceName;
  std::vector<std::shared_ptr<Device>> deviceList;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_SESSION_H

//===- Session.h - Calling a module's functions -----------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_SESSION_H
#define TESSERA_RUNTIME_SESSION_H

#include "tessera/runtime/Module.h"
#include "tessera/runtime/TaskExecutor.h"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::rt {

/// One dispatch as it ran, for profiles.
struct DispatchRecord {
  unsigned executable = 0;
  unsigned ordinal = 0;
  std::string exportName;
  std::array<uint32_t, 3> workgroupCount = {0, 0, 0};
  /// Where it ran: "cpu", or the accelerator's device name ("vulkan").
  std::string device = "cpu";
  /// When it started, from the start of the call, and how long it took. A
  /// batch's dispatches start one after the other from the submission
  /// (the device times each, not when it began).
  double startMicroseconds = 0;
  double microseconds = 0;
  /// Bytes of its bindings (read and written).
  uint64_t bytes = 0;
  /// With a task executor: each worker's share (start from the call's
  /// start, time, workgroups run); empty when it ran inline.
  struct WorkerShare {
    double startMicroseconds = 0, microseconds = 0;
    uint64_t workgroups = 0;
  };
  std::vector<WorkerShare> workers;
  /// Its place among CPU dispatches that ran at the same time (a wave of
  /// independent dispatches): 0 when it ran alone or first.
  unsigned concurrentSlot = 0;
  /// Floating-point operations of the whole dispatch, when the compiler
  /// knew them (static shapes); 0 otherwise.
  uint64_t flops = 0;
};

using DispatchObserver = std::function<void(const DispatchRecord &)>;

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

/// Runs the functions of one module on the CPU, inline on the calling thread:
/// every dispatch runs its workgroups one after the other.
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
  /// before and after it; accelerator dispatches then run one submission
  /// each, so that the host sees their inputs).
  void setDispatchCapture(DispatchCaptureObserver newCapture) {
    capture = std::move(newCapture);
  }
  /// CPU dispatches split their workgroups over `executor`'s workers
  /// (threaded execution); null (the default): inline on the caller.
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

/// Entry point of the runtime API: device selection and module loading.
class Runtime {
public:
  /// `device`: "cpu" (also "local-sync"). Anything else is refused by name.
  static StatusOr<Runtime> create(const std::string &device = "cpu");

  StatusOr<std::shared_ptr<Module>>
  loadModule(const std::string &path, const LoadOptions &options = {}) const {
    return Module::loadFile(path, options);
  }
  Session createSession(std::shared_ptr<Module> module) const {
    return Session(std::move(module));
  }
  const std::string &device() const { return deviceName; }

private:
  std::string deviceName;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_SESSION_H

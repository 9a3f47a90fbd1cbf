//===- DispatchRecord.h - One dispatch as it ran ----------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_DISPATCHRECORD_H
#define TESSERA_RUNTIME_DISPATCHRECORD_H

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera::rt {

/// One dispatch as it ran, for profiles.
struct DispatchRecord {
  unsigned executable = 0;
  unsigned ordinal = 0;
  std::string exportName;
  std::array<uint32_t, 3> workgroupCount = {0, 0, 0};
  /// Where it ran: its device's name ("cpu", "vulkan://0").
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
  /// Host memory the call had allocated and still held when the dispatch
  /// was issued, its own results included (inputs and the module's
  /// constants not): the call's working set at that point. Set when the
  /// call is observed (profiles).
  uint64_t liveBytes = 0;
};

using DispatchObserver = std::function<void(const DispatchRecord &)>;

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_DISPATCHRECORD_H

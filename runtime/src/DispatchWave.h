//===- DispatchWave.h - CPU dispatches that run together ---------*- C++
//-*-===//
//
// The host program is sequential, but consecutive dispatches often do not
// touch each other's data (a residual block's two branches, the heads of an
// attention layer). The interpreter collects such dispatches into a wave
// and runs the wave's workgroups on the task executor as one job: the
// workers move from one dispatch to the next without a barrier between
// them. A dispatch that reads what a pending one writes, or writes what a
// pending one touches, ends the wave; so does anything the host does to
// buffers (fill, copy, return).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_DISPATCHWAVE_H
#define TESSERA_RUNTIME_DISPATCHWAVE_H

#include "CpuDispatch.h"
#include "tessera/runtime/Tensor.h"

#include <memory>
#include <optional>

namespace tessera::rt {

class DispatchWave {
public:
  struct Entry {
    CpuDispatch dispatch;
    /// Per binding: whether the export writes it.
    std::vector<bool> bindingWritten;
    /// The buffers behind the bindings, alive until the wave has run even
    /// if the program drops them first.
    std::vector<std::shared_ptr<Buffer>> keepAlive;
    DispatchRecord record;
    /// The caller's name for it (DispatchRequest::tag).
    unsigned tag = 0;
  };
  struct Failure {
    unsigned tag = 0;
    std::string exportName, message;
  };

  bool empty() const { return entries.empty(); }
  size_t size() const { return entries.size(); }
  /// Whether `entry` depends on a pending dispatch: it reads memory one
  /// writes, or writes memory one reads or writes.
  bool conflictsWith(const Entry &entry) const;
  void add(Entry entry) { entries.push_back(std::move(entry)); }

  /// Runs every pending dispatch on `executor` and empties the wave. With
  /// `timed`, each record gets its start, duration and worker shares (from
  /// `origin`) and `records` receives them in program order. The failure
  /// reported is the first in program order.
  std::optional<Failure> run(TaskExecutor &executor, bool timed,
                             std::chrono::steady_clock::time_point origin,
                             std::vector<DispatchRecord> &records);

private:
  std::vector<Entry> entries;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_DISPATCHWAVE_H

//===- Profile.h - Timed repetitions of a call ------------------*- C++ -*-===//
//
// The runtime's profiling data as tools use it: a function called N times,
// every dispatch of every call recorded (export, workgroups, device, start,
// duration, bytes). `tessera run --profile` and the explorer's profile view
// both make theirs here, and write the same Chrome trace-event JSON (opens
// in Perfetto / chrome://tracing) and dispatch table CSV.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_PROFILE_H
#define TESSERA_TOOLING_PROFILE_H

#include "tessera/runtime/Session.h"
#include "tessera/runtime/Status.h"

#include <string>
#include <vector>

namespace tessera::rt::tooling {

struct ProfiledCall {
  /// From the start of the first call.
  double startMicroseconds = 0;
  double microseconds = 0;
  std::vector<DispatchRecord> dispatches;
};

struct Profile {
  std::string function;
  std::vector<ProfiledCall> calls;
  /// The last call's results.
  std::vector<Tensor> results;
};

/// Calls `function` `repetitions` times (at least once) on `session`,
/// recording every dispatch (the session's own dispatch observer still
/// sees each).
StatusOr<Profile> profileCalls(Session &session, const std::string &function,
                               const std::vector<Tensor> &inputs,
                               int repetitions);

/// Calls' times without the profile: what a caller of Session::call gets.
struct TimedCalls {
  std::vector<double> microseconds;
  /// The last call's results.
  std::vector<Tensor> results;
};

/// Calls `function` `repetitions` times (at least once) on `session`, timing
/// each call and adding no dispatch observer of its own. Recording every
/// dispatch slows the calls down by more than the records' own work: with
/// profileCalls' observer, MobileNetV3 at batch 1 on two workers ran 5-8 %
/// slower, and about as fast when the observer dropped each record instead
/// of keeping it.
StatusOr<TimedCalls> timeCalls(Session &session, const std::string &function,
                               const std::vector<Tensor> &inputs,
                               int repetitions);

/// One row of the dispatch table: an export's dispatches over all calls.
struct DispatchSummary {
  std::string exportName;
  std::string device;
  int count = 0;
  double totalMicroseconds = 0, meanMicroseconds = 0, minMicroseconds = 0,
         maxMicroseconds = 0;
  /// Of the calls' total time.
  double share = 0;
  uint64_t bytes = 0;
  /// Of one dispatch; 0 when the compiler did not know.
  uint64_t flops = 0;
};

/// By export, in order of first appearance.
std::vector<DispatchSummary> summarizeDispatches(const Profile &profile);

/// The rows by total time, longest first (ties in their given order): the
/// order of the tables printed for people; CSV and JSON keep the order of
/// first appearance.
std::vector<DispatchSummary>
sortByTotalTime(std::vector<DispatchSummary> summaries);

/// Floating-point operations of one call: the known counts of the first
/// call's dispatches (0 when none is known).
uint64_t flopsPerCall(const Profile &profile);

/// The timeline lane of a dispatch: its device, and for CPU dispatches that
/// ran at the same time as earlier ones, a lane of their own beside it
/// ("cpu concurrent 1").
std::string dispatchLane(const DispatchRecord &dispatch);

/// Chrome trace-event JSON: per call an event on the host lane, per
/// dispatch one on its device's lane, named by export, with the
/// repetition, workgroup count and bytes as arguments.
std::string toChromeTrace(const Profile &profile);

/// The dispatch table as CSV (a header row, then one row per export).
std::string toCsv(const std::vector<DispatchSummary> &summaries);

/// The calls' times: min, median, max and mean microseconds.
/// The most host memory the last call held when it issued a dispatch
/// (DispatchRecord::liveBytes) and that dispatch: the call's peak working
/// set. The last call: the first ones warm caches and allocators.
struct MemoryPeak {
  uint64_t bytes = 0;
  /// Its position among the last call's dispatches; -1 when none ran.
  int dispatch = -1;
  std::string exportName;
};
MemoryPeak peakLiveMemory(const Profile &profile);

struct CallStatistics {
  double minMicroseconds = 0, medianMicroseconds = 0, maxMicroseconds = 0,
         meanMicroseconds = 0;
};
CallStatistics callStatistics(const Profile &profile);
CallStatistics callStatistics(std::vector<double> microseconds);

/// `tessera bench`'s report as JSON: what ran (`context`: string fields
/// such as module, function, device), the timed calls' statistics
/// (`timed`, from timeCalls), bytes moved per call (inputs + results) and
/// GB/s at the median, flops per call and GFLOP/s at the median (where
/// known), and the dispatch table of the profiled calls (`profile`).
std::string
toBenchJson(const std::vector<std::pair<std::string, std::string>> &context,
            const TimedCalls &timed, const Profile &profile, int warmup,
            uint64_t bytesPerCall);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_PROFILE_H

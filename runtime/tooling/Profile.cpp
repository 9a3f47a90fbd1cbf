//===- Profile.cpp - Timed repetitions of a call --------------------------===//

#include "Profile.h"
#include "JsonText.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

namespace tessera::rt::tooling {

StatusOr<Profile> profileCalls(Session &session, const std::string &function,
                               const std::vector<Tensor> &inputs,
                               int repetitions) {
  Profile profile;
  profile.function = function;
  std::vector<DispatchRecord> dispatches;
  DispatchObserver previous = session.dispatchObserver();
  session.setDispatchObserver([&](const DispatchRecord &record) {
    dispatches.push_back(record);
    if (previous)
      previous(record);
  });
  auto first = std::chrono::steady_clock::now();
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    dispatches.clear();
    // The previous call's results go first: their memory then serves this
    // call instead of fresh pages faulted in while it is timed.
    profile.results.clear();
    auto start = std::chrono::steady_clock::now();
    auto results = session.call(function, inputs);
    auto end = std::chrono::steady_clock::now();
    if (!results) {
      session.setDispatchObserver(previous);
      return results.status();
    }
    ProfiledCall call;
    call.startMicroseconds =
        std::chrono::duration<double, std::micro>(start - first).count();
    call.microseconds =
        std::chrono::duration<double, std::micro>(end - start).count();
    call.dispatches = std::move(dispatches);
    profile.calls.push_back(std::move(call));
    profile.results = std::move(*results);
  }
  session.setDispatchObserver(previous);
  return profile;
}

StatusOr<TimedCalls> timeCalls(Session &session, const std::string &function,
                               const std::vector<Tensor> &inputs,
                               int repetitions) {
  TimedCalls timed;
  timed.microseconds.reserve(std::max(1, repetitions));
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    // The previous call's results go first, as in profileCalls.
    timed.results.clear();
    auto start = std::chrono::steady_clock::now();
    auto results = session.call(function, inputs);
    auto end = std::chrono::steady_clock::now();
    if (!results)
      return results.status();
    timed.microseconds.push_back(
        std::chrono::duration<double, std::micro>(end - start).count());
    timed.results = std::move(*results);
  }
  return timed;
}

std::vector<DispatchSummary> summarizeDispatches(const Profile &profile) {
  std::vector<DispatchSummary> rows;
  std::map<std::string, size_t> rowOf;
  double callsTotal = 0;
  for (const ProfiledCall &call : profile.calls) {
    callsTotal += call.microseconds;
    for (const DispatchRecord &dispatch : call.dispatches) {
      auto [it, inserted] = rowOf.try_emplace(dispatch.exportName, rows.size());
      if (inserted) {
        rows.push_back({});
        rows.back().exportName = dispatch.exportName;
        rows.back().device = dispatch.device;
        rows.back().minMicroseconds = dispatch.microseconds;
      }
      DispatchSummary &row = rows[it->second];
      row.count += 1;
      row.totalMicroseconds += dispatch.microseconds;
      row.minMicroseconds =
          std::min(row.minMicroseconds, dispatch.microseconds);
      row.maxMicroseconds =
          std::max(row.maxMicroseconds, dispatch.microseconds);
      row.bytes = dispatch.bytes;
      row.flops = dispatch.flops;
    }
  }
  for (DispatchSummary &row : rows) {
    row.meanMicroseconds = row.totalMicroseconds / row.count;
    row.share = callsTotal > 0 ? row.totalMicroseconds / callsTotal : 0;
  }
  return rows;
}

std::vector<DispatchSummary>
sortByTotalTime(std::vector<DispatchSummary> summaries) {
  std::stable_sort(summaries.begin(), summaries.end(),
                   [](const DispatchSummary &a, const DispatchSummary &b) {
                     return a.totalMicroseconds > b.totalMicroseconds;
                   });
  return summaries;
}

uint64_t flopsPerCall(const Profile &profile) {
  uint64_t flops = 0;
  if (!profile.calls.empty())
    for (const DispatchRecord &dispatch : profile.calls.front().dispatches)
      flops += dispatch.flops;
  return flops;
}

std::string dispatchLane(const DispatchRecord &dispatch) {
  if (dispatch.concurrentSlot == 0)
    return dispatch.device;
  return dispatch.device + " concurrent " +
         std::to_string(dispatch.concurrentSlot);
}

std::string toChromeTrace(const Profile &profile) {
  // Lanes: the host (the calls), then one per device dispatches ran on.
  // A threaded CPU's workers get a lane each too ("cpu worker 1").
  auto workerLane = [](const DispatchRecord &dispatch, size_t worker) {
    return dispatch.device + " worker " + std::to_string(worker);
  };
  std::map<std::string, int> lanes;
  for (const ProfiledCall &call : profile.calls)
    for (const DispatchRecord &dispatch : call.dispatches) {
      lanes.try_emplace(dispatchLane(dispatch), 0);
      for (size_t w = 0; w < dispatch.workers.size(); ++w)
        lanes.try_emplace(workerLane(dispatch, w), 0);
    }
  int next = 1;
  for (auto &[device, lane] : lanes)
    lane = next++;

  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  auto metadata = [&](int lane, const std::string &name) {
    out += "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" +
           std::to_string(lane) + ",\"args\":{\"name\":" + jsonQuoted(name) +
           "}},\n";
  };
  metadata(0, "host: @" + profile.function);
  for (const auto &[device, lane] : lanes)
    metadata(lane, device.rfind("cpu", 0) == 0 ? device : device + " queue 0");
  for (size_t r = 0; r < profile.calls.size(); ++r) {
    const ProfiledCall &call = profile.calls[r];
    out += "{\"name\":" + jsonQuoted("@" + profile.function) +
           ",\"cat\":\"call\",\"ph\":\"X\",\"pid\":1,\"tid\":0,\"ts\":" +
           jsonNumber(call.startMicroseconds) +
           ",\"dur\":" + jsonNumber(call.microseconds) +
           ",\"args\":{\"repetition\":" + std::to_string(r) + "}},\n";
    for (const DispatchRecord &dispatch : call.dispatches) {
      out += "{\"name\":" + jsonQuoted(dispatch.exportName) +
             ",\"cat\":\"dispatch\",\"ph\":\"X\",\"pid\":1,\"tid\":" +
             std::to_string(lanes[dispatchLane(dispatch)]) + ",\"ts\":" +
             jsonNumber(call.startMicroseconds + dispatch.startMicroseconds) +
             ",\"dur\":" + jsonNumber(dispatch.microseconds) +
             ",\"args\":{\"repetition\":" + std::to_string(r) +
             ",\"executable\":" + std::to_string(dispatch.executable) +
             ",\"ordinal\":" + std::to_string(dispatch.ordinal) +
             ",\"workgroups\":[" + std::to_string(dispatch.workgroupCount[0]) +
             "," + std::to_string(dispatch.workgroupCount[1]) + "," +
             std::to_string(dispatch.workgroupCount[2]) +
             "],\"bytes\":" + std::to_string(dispatch.bytes) +
             ",\"flops\":" + std::to_string(dispatch.flops) +
             ",\"device\":" + jsonQuoted(dispatch.device) + "}},\n";
      for (size_t w = 0; w < dispatch.workers.size(); ++w) {
        const DispatchRecord::WorkerShare &share = dispatch.workers[w];
        if (share.workgroups == 0)
          continue;
        out += "{\"name\":" + jsonQuoted(dispatch.exportName) +
               ",\"cat\":\"worker\",\"ph\":\"X\",\"pid\":1,\"tid\":" +
               std::to_string(lanes[workerLane(dispatch, w)]) + ",\"ts\":" +
               jsonNumber(call.startMicroseconds + share.startMicroseconds) +
               ",\"dur\":" + jsonNumber(share.microseconds) +
               ",\"args\":{\"repetition\":" + std::to_string(r) +
               ",\"worker\":" + std::to_string(w) +
               ",\"workgroups\":" + std::to_string(share.workgroups) + "}},\n";
      }
    }
  }
  // Trailing commas are not JSON: drop the last one.
  if (out.size() >= 2 && out[out.size() - 2] == ',')
    out.erase(out.size() - 2, 1);
  return out + "]}\n";
}

std::string toCsv(const std::vector<DispatchSummary> &summaries) {
  std::string out = "export,device,count,total_us,mean_us,min_us,max_us,"
                    "share,bytes,flops\n";
  for (const DispatchSummary &row : summaries)
    out += row.exportName + "," + row.device + "," + std::to_string(row.count) +
           "," + jsonNumber(row.totalMicroseconds) + "," +
           jsonNumber(row.meanMicroseconds) + "," +
           jsonNumber(row.minMicroseconds) + "," +
           jsonNumber(row.maxMicroseconds) + "," + jsonNumber(row.share) + "," +
           std::to_string(row.bytes) + "," + std::to_string(row.flops) + "\n";
  return out;
}

MemoryPeak peakLiveMemory(const Profile &profile) {
  MemoryPeak peak;
  if (profile.calls.empty())
    return peak;
  const std::vector<DispatchRecord> &dispatches =
      profile.calls.back().dispatches;
  for (size_t i = 0; i < dispatches.size(); ++i)
    if (peak.dispatch < 0 || dispatches[i].liveBytes > peak.bytes) {
      peak.bytes = dispatches[i].liveBytes;
      peak.dispatch = int(i);
      peak.exportName = dispatches[i].exportName;
    }
  return peak;
}

CallStatistics callStatistics(const Profile &profile) {
  std::vector<double> times;
  for (const ProfiledCall &call : profile.calls)
    times.push_back(call.microseconds);
  return callStatistics(std::move(times));
}

CallStatistics callStatistics(std::vector<double> times) {
  CallStatistics stats;
  if (times.empty())
    return stats;
  std::sort(times.begin(), times.end());
  stats.minMicroseconds = times.front();
  stats.maxMicroseconds = times.back();
  size_t middle = times.size() / 2;
  stats.medianMicroseconds = times.size() % 2
                                 ? times[middle]
                                 : (times[middle - 1] + times[middle]) / 2;
  double sum = 0;
  for (double t : times)
    sum += t;
  stats.meanMicroseconds = sum / times.size();
  return stats;
}

std::string
toBenchJson(const std::vector<std::pair<std::string, std::string>> &context,
            const TimedCalls &timed, const Profile &profile, int warmup,
            uint64_t bytesPerCall) {
  CallStatistics stats = callStatistics(timed.microseconds);
  std::string out = "{\n";
  for (const auto &[key, value] : context)
    out += "  " + jsonQuoted(key) + ": " + jsonQuoted(value) + ",\n";
  out += "  \"warmup\": " + std::to_string(warmup) + ",\n";
  out +=
      "  \"repetitions\": " + std::to_string(timed.microseconds.size()) + ",\n";
  out +=
      "  \"profiled_calls\": " + std::to_string(profile.calls.size()) + ",\n";
  out += "  \"call_us\": {\"min\": " + jsonNumber(stats.minMicroseconds) +
         ", \"median\": " + jsonNumber(stats.medianMicroseconds) +
         ", \"max\": " + jsonNumber(stats.maxMicroseconds) +
         ", \"mean\": " + jsonNumber(stats.meanMicroseconds) + "},\n";
  out += "  \"bytes_per_call\": " + std::to_string(bytesPerCall) + ",\n";
  out += "  \"gb_per_s\": " +
         jsonNumber(stats.medianMicroseconds > 0
                        ? bytesPerCall / stats.medianMicroseconds / 1e3
                        : 0) +
         ",\n";
  uint64_t flops = flopsPerCall(profile);
  out += "  \"flops_per_call\": " + std::to_string(flops) + ",\n";
  out += "  \"gflop_per_s\": " +
         jsonNumber(stats.medianMicroseconds > 0
                        ? flops / stats.medianMicroseconds / 1e3
                        : 0) +
         ",\n";
  out += "  \"dispatches\": [";
  std::vector<DispatchSummary> rows = summarizeDispatches(profile);
  for (size_t i = 0; i < rows.size(); ++i) {
    const DispatchSummary &row = rows[i];
    out += std::string(i ? "," : "") +
           "\n    {\"export\": " + jsonQuoted(row.exportName) +
           ", \"device\": " + jsonQuoted(row.device) +
           ", \"count\": " + std::to_string(row.count) +
           ", \"total_us\": " + jsonNumber(row.totalMicroseconds) +
           ", \"mean_us\": " + jsonNumber(row.meanMicroseconds) +
           ", \"min_us\": " + jsonNumber(row.minMicroseconds) +
           ", \"share\": " + jsonNumber(row.share) +
           ", \"bytes\": " + std::to_string(row.bytes) +
           ", \"flops\": " + std::to_string(row.flops) + ", \"gflop_per_s\": " +
           jsonNumber(row.meanMicroseconds > 0
                          ? row.flops / row.meanMicroseconds / 1e3
                          : 0) +
           "}";
  }
  out += rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

} // namespace tessera::rt::tooling

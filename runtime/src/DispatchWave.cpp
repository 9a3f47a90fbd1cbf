//===- DispatchWave.cpp - CPU dispatches that run together ----------------===//

#include "DispatchWave.h"

#include "tessera/runtime/TaskExecutor.h"

#include <limits>
#include <mutex>

namespace tessera::rt {

namespace {

bool overlaps(const void *a, size_t aLength, const void *b, size_t bLength) {
  auto aBegin = reinterpret_cast<uintptr_t>(a);
  auto bBegin = reinterpret_cast<uintptr_t>(b);
  return aLength && bLength && aBegin < bBegin + bLength &&
         bBegin < aBegin + aLength;
}

} // namespace

bool DispatchWave::conflictsWith(const Entry &entry) const {
  const CpuDispatch &next = entry.dispatch;
  for (const Entry &pending : entries) {
    const CpuDispatch &earlier = pending.dispatch;
    for (size_t a = 0; a < next.bindingPtrs.size(); ++a)
      for (size_t b = 0; b < earlier.bindingPtrs.size(); ++b)
        if ((entry.bindingWritten[a] || pending.bindingWritten[b]) &&
            overlaps(next.bindingPtrs[a], next.bindingLengths[a],
                     earlier.bindingPtrs[b], earlier.bindingLengths[b]))
          return true;
  }
  return false;
}

std::optional<DispatchWave::Failure>
DispatchWave::run(TaskExecutor &executor, bool timed,
                  std::chrono::steady_clock::time_point origin,
                  std::vector<DispatchRecord> &records) {
  using Clock = std::chrono::steady_clock;
  auto since = [&](Clock::time_point time) {
    return std::chrono::duration<double, std::micro>(time - origin).count();
  };
  std::vector<Entry> wave = std::move(entries);
  entries.clear();
  std::optional<Failure> failure;

  // Alone (a chain of dependent dispatches), or too little work together
  // to pay for waking the workers: one after another, no chunk table.
  uint64_t flops = 0, bytes = 0;
  for (const Entry &entry : wave) {
    flops += entry.dispatch.flops;
    bytes += entry.dispatch.bindingBytes();
  }
  if (wave.size() == 1 || !worthSplitting(flops, bytes)) {
    for (Entry &entry : wave) {
      Clock::time_point start = Clock::now();
      if (Status s = runOnCpu(entry.dispatch, &executor,
                              timed ? &entry.record.workers : nullptr, origin);
          !s)
        return Failure{entry.tag, entry.record.exportName, s.message()};
      if (timed) {
        entry.record.startMicroseconds = since(start);
        entry.record.microseconds = since(Clock::now()) - since(start);
        records.push_back(std::move(entry.record));
      }
    }
    return std::nullopt;
  }

  // Each dispatch's workgroups in chunks as runOnCpu splits it (chunkGrain),
  // listed part by part: the executor gives worker w the w-th of equal
  // parts of the list, which then holds about the w-th part of every
  // dispatch (as a dispatch run alone would give it), in program order.
  struct Chunk {
    unsigned entry;
    uint64_t begin, end;
  };
  std::vector<Chunk> chunks;
  std::vector<tessera_dispatch_state_v0_t> states;
  unsigned workers = executor.workerCount();
  for (unsigned e = 0; e < wave.size(); ++e)
    states.push_back(wave[e].dispatch.state());
  for (unsigned part = 0; part < workers; ++part)
    for (unsigned e = 0; e < wave.size(); ++e) {
      uint64_t total = wave[e].dispatch.workgroupTotal();
      uint64_t grain = chunkGrain(total, workers);
      uint64_t count = (total + grain - 1) / grain;
      for (uint64_t c = count * part / workers;
           c < count * (part + 1) / workers; ++c)
        chunks.push_back({e, c * grain, std::min(total, (c + 1) * grain)});
    }

  // Per dispatch and worker: first start, last end, workgroups. A worker
  // writes only its own slots.
  struct Share {
    double start = std::numeric_limits<double>::max(), end = 0;
    uint64_t workgroups = 0;
  };
  std::vector<Share> shares(timed ? wave.size() * workers : 0);
  std::mutex failureMutex;
  unsigned failedEntry = 0;
  executor.parallelFor(
      chunks.size(), 1, [&](uint64_t begin, uint64_t end, unsigned worker) {
        for (uint64_t c = begin; c < end; ++c) {
          const Chunk &chunk = chunks[c];
          Clock::time_point start;
          if (timed)
            start = Clock::now();
          std::string message;
          bool ok = wave[chunk.entry].dispatch.runWorkgroups(
              states[chunk.entry], chunk.begin, chunk.end, worker, message);
          if (timed) {
            Share &share = shares[chunk.entry * workers + worker];
            share.start = std::min(share.start, since(start));
            share.end = since(Clock::now());
            share.workgroups += chunk.end - chunk.begin;
          }
          if (!ok) {
            std::lock_guard<std::mutex> lock(failureMutex);
            const Entry &failed = wave[chunk.entry];
            if (!failure || failedEntry > chunk.entry) {
              failedEntry = chunk.entry;
              failure = Failure{failed.tag, failed.record.exportName,
                                std::move(message)};
            }
            return false;
          }
        }
        return true;
      });
  if (failure || !timed)
    return failure;

  for (unsigned e = 0; e < wave.size(); ++e) {
    DispatchRecord &record = wave[e].record;
    double start = std::numeric_limits<double>::max(), end = 0;
    for (unsigned w = 0; w < workers; ++w) {
      const Share &share = shares[e * workers + w];
      if (share.workgroups == 0) {
        record.workers.push_back({});
        continue;
      }
      start = std::min(start, share.start);
      end = std::max(end, share.end);
      record.workers.push_back(
          {share.start, share.end - share.start, share.workgroups});
    }
    if (end == 0) // No workgroups at all.
      start = end = since(Clock::now());
    record.startMicroseconds = start;
    record.microseconds = end - start;
    record.concurrentSlot = e;
    records.push_back(std::move(record));
  }
  return failure;
}

} // namespace tessera::rt

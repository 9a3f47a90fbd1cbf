//===- CpuDispatch.h - One dispatch of a CPU executable ----------*- C++
//-*-===//
#ifndef TESSERA_RUNTIME_CPUDISPATCH_H
#define TESSERA_RUNTIME_CPUDISPATCH_H

#include "tessera/executable_library.h"
#include "tessera/runtime/DispatchRecord.h"
#include "tessera/runtime/Status.h"

#include <array>
#include <chrono>
#include <vector>

namespace tessera::rt {

class TaskExecutor;

/// A CPU dispatch with its arguments: what the export function receives.
struct CpuDispatch {
  tessera_dispatch_fn_v0_t function = nullptr;
  std::array<uint32_t, 3> workgroupCount = {0, 0, 0};
  std::vector<uint32_t> pushConstants;
  std::vector<void *> bindingPtrs;
  std::vector<size_t> bindingLengths;
  /// The export's flop count (0 when it has none: moves and element-wise
  /// work), for the choice between splitting and running inline.
  uint64_t flops = 0;

  uint64_t workgroupTotal() const {
    return uint64_t(workgroupCount[0]) * workgroupCount[1] * workgroupCount[2];
  }
  /// The state every workgroup of this dispatch reads (points into *this).
  tessera_dispatch_state_v0_t state();
  /// Runs workgroups [begin, end) in row-major order (x fastest) as task
  /// worker `worker` (their processor_id); on a failure, says which
  /// workgroup and why in `failure`.
  bool runWorkgroups(const tessera_dispatch_state_v0_t &state, uint64_t begin,
                     uint64_t end, unsigned worker, std::string &failure) const;
  /// Bytes of all its bindings.
  uint64_t bindingBytes() const;
  /// Whether splitting this dispatch over workers can pay for waking and
  /// joining them: see the free function.
  bool worthSplitting() const;
};

/// Whether work of `flops` and `bytes` split over workers can pay for
/// waking and joining them (a few microseconds): enough that one thread
/// would take longer than that several times over.
bool worthSplitting(uint64_t flops, uint64_t bytes);

/// Workgroups per chunk when `total` of them are split over `workers`:
/// one (the workers end at most part of a workgroup apart) up to
/// kMaxChunksPerWorker chunks per worker, so that a dispatch of very many
/// tiny workgroups does not spend its time on claims (and a wave's chunk
/// table stays small).
uint64_t chunkGrain(uint64_t total, unsigned workers);

/// Runs every workgroup of `dispatch`: split over the executor's workers
/// when it has more than one and the dispatch is worth splitting, inline
/// otherwise. With `workers`, each
/// worker's share is recorded (times from `origin`).
Status runOnCpu(CpuDispatch &dispatch, TaskExecutor *executor = nullptr,
                std::vector<DispatchRecord::WorkerShare> *workers = nullptr,
                std::chrono::steady_clock::time_point origin = {});

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_CPUDISPATCH_H

//===- CpuDispatch.cpp - One dispatch of a CPU executable -----------------===//

#include "CpuDispatch.h"

#include "tessera/runtime/TaskExecutor.h"

#include <memory>
#include <mutex>

namespace tessera::rt {

namespace {

struct alignas(64) LocalMemory {
  uint8_t bytes[TESSERA_WORKGROUP_LOCAL_MEMORY_SIZE];
};

/// The calling thread's local_memory: a thread runs one workgroup at a
/// time, so workgroups on different workers never share one.
void *threadLocalMemory() {
  thread_local std::unique_ptr<LocalMemory> memory =
      std::make_unique<LocalMemory>();
  return memory->bytes;
}

} // namespace

tessera_dispatch_state_v0_t CpuDispatch::state() {
  tessera_dispatch_state_v0_t state = {};
  state.workgroup_size[0] = state.workgroup_size[1] = state.workgroup_size[2] =
      1;
  for (unsigned d = 0; d < 3; ++d)
    state.workgroup_count[d] = workgroupCount[d];
  state.push_constant_count = pushConstants.size();
  state.push_constants = pushConstants.data();
  state.binding_count = bindingPtrs.size();
  state.binding_ptrs = bindingPtrs.data();
  state.binding_lengths = bindingLengths.data();
  return state;
}

bool CpuDispatch::runWorkgroups(const tessera_dispatch_state_v0_t &state,
                                uint64_t begin, uint64_t end, unsigned worker,
                                std::string &failure) const {
  tessera_executable_environment_v0_t environment = {nullptr};
  tessera_workgroup_state_v0_t workgroup = {};
  workgroup.processor_id = worker;
  workgroup.local_memory = threadLocalMemory();
  workgroup.local_memory_size = TESSERA_WORKGROUP_LOCAL_MEMORY_SIZE;
  uint64_t plane = uint64_t(workgroupCount[0]) * workgroupCount[1];
  for (uint64_t i = begin; i < end; ++i) {
    uint32_t x = i % workgroupCount[0];
    uint32_t y = (i / workgroupCount[0]) % workgroupCount[1];
    uint32_t z = i / plane;
    workgroup.workgroup_id[0] = x;
    workgroup.workgroup_id[1] = y;
    workgroup.workgroup_id[2] = z;
    if (int code = function(&environment, &state, &workgroup)) {
      std::string where = "workgroup (" + std::to_string(x) + ", " +
                          std::to_string(y) + ", " + std::to_string(z) + ")";
      if (code == TESSERA_DISPATCH_ERROR_BINDING_TOO_SMALL)
        failure = "refused to run " + where +
                  ": a binding holds fewer bytes than the data the kernel "
                  "indexes (the module's sizes are inconsistent)";
      else if (code == TESSERA_DISPATCH_ERROR_WORKGROUP_OUTSIDE_GRID)
        failure = "refused to run " + where +
                  ": it is outside the kernel's grid (the module's workgroup "
                  "count is too large)";
      else if (code == TESSERA_DISPATCH_ERROR_STACK_TEMPORARIES)
        failure = "refused to run " + where +
                  ": its temporaries would need more stack than a workgroup "
                  "may use (a dimension known only at run time is too "
                  "large for this kernel)";
      else
        failure = "failed with code " + std::to_string(code) + " in " + where;
      return false;
    }
  }
  return true;
}

/// Below both, a dispatch takes about 20 us or less on one thread (~100
/// GFLOP/s, ~25 GB/s... a few us for small bindings), where a threaded
/// dispatch's wake-up and join cost 2-4 us: splitting gains little or
/// slows it down (an encoder's small matmuls ran 1.3x slower on 2 workers
/// than on 1; a wave of eight 128-KFLOP matmuls, 1 MFLOP, 1.13x slower).
constexpr uint64_t kMinSplitFlops = uint64_t(2) << 20;
constexpr uint64_t kMinSplitBytes = uint64_t(256) << 10;

bool worthSplitting(uint64_t flops, uint64_t bytes) {
  return flops >= kMinSplitFlops || bytes >= kMinSplitBytes;
}

/// Each worker runs its share front to back and then takes the others'
/// last chunks one at a time: with a workgroup per chunk the workers end at
/// most part of one workgroup apart. (Chunks of an eighth of the
/// workgroups on 2 workers left a whole chunk to one worker at the end:
/// ResNet-50's Winograd products, 36 workgroups, ended 40 us apart in
/// 250.) A claim is one compare-and-swap, a workgroup microseconds.
constexpr uint64_t kMaxChunksPerWorker = 256;

uint64_t chunkGrain(uint64_t total, unsigned workers) {
  uint64_t chunks = uint64_t(std::max(1u, workers)) * kMaxChunksPerWorker;
  return std::max<uint64_t>(1, (total + chunks - 1) / chunks);
}

uint64_t CpuDispatch::bindingBytes() const {
  uint64_t bytes = 0;
  for (size_t length : bindingLengths)
    bytes += length;
  return bytes;
}

bool CpuDispatch::worthSplitting() const {
  return rt::worthSplitting(flops, bindingBytes());
}

Status runOnCpu(CpuDispatch &dispatch, TaskExecutor *executor,
                std::vector<DispatchRecord::WorkerShare> *workers,
                std::chrono::steady_clock::time_point origin) {
  tessera_dispatch_state_v0_t state = dispatch.state();
  uint64_t total = dispatch.workgroupTotal();
  std::string failure;
  if (!executor || executor->workerCount() <= 1 || total <= 1 ||
      !dispatch.worthSplitting())
    return dispatch.runWorkgroups(state, 0, total, 0, failure)
               ? Status()
               : Status::error(failure);
  uint64_t grain = chunkGrain(total, executor->workerCount());
  std::mutex failureMutex;
  std::vector<TaskExecutor::WorkerSpan> spans;
  bool ok = executor->parallelFor(
      total, grain,
      [&](uint64_t begin, uint64_t end, unsigned worker) {
        std::string message;
        if (dispatch.runWorkgroups(state, begin, end, worker, message))
          return true;
        std::lock_guard<std::mutex> lock(failureMutex);
        if (failure.empty())
          failure = std::move(message);
        return false;
      },
      workers ? &spans : nullptr, origin);
  if (workers)
    for (const TaskExecutor::WorkerSpan &span : spans)
      workers->push_back(
          {span.startMicroseconds, span.microseconds, span.items});
  return ok ? Status() : Status::error(failure);
}

} // namespace tessera::rt

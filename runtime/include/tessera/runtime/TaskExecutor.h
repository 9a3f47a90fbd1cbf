//===- TaskExecutor.h - Workers for a dispatch's workgroups -----*- C++ -*-===//
//
// The CPU's threaded execution: a pool of worker threads over which a
// dispatch's workgroups are split. The calling thread works too (worker 0),
// so N workers are N-1 threads. Each worker owns a contiguous range of the
// chunks (worker w the w-th part), so consecutive dispatches over the same
// tensor give each worker the same part of it, still in its own cache; a
// worker done with its range takes chunks from the end of another's, so
// fast workers take more. Without an executor (or with one worker)
// dispatches run inline on the calling thread.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_TASKEXECUTOR_H
#define TESSERA_RUNTIME_TASKEXECUTOR_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

namespace tessera::rt {

class TaskExecutor {
public:
  /// A worker's share of one parallelFor: when it started and how long it
  /// worked, in microseconds from `origin`, and how many items it ran.
  struct WorkerSpan {
    double startMicroseconds = 0, microseconds = 0;
    uint64_t items = 0;
  };

  /// `workers` >= 1 (the caller included).
  explicit TaskExecutor(unsigned workers);
  ~TaskExecutor();
  TaskExecutor(const TaskExecutor &) = delete;
  TaskExecutor &operator=(const TaskExecutor &) = delete;

  unsigned workerCount() const {
    return static_cast<unsigned>(threads.size()) + 1;
  }
  /// The CPUs this process may run on.
  static unsigned availableCores();

  /// Runs `body(begin, end, worker)` over [0, count) in chunks of `grain`,
  /// on every worker (worker w first takes the chunks of the w-th of
  /// workerCount() equal parts, in order), and returns when all are done. A
  /// body returning false stops further chunks from being handed out. With
  /// `spans`, each worker's share is recorded (times from `origin`).
  bool
  parallelFor(uint64_t count, uint64_t grain,
              const std::function<bool(uint64_t, uint64_t, unsigned)> &body,
              std::vector<WorkerSpan> *spans = nullptr,
              std::chrono::steady_clock::time_point origin = {});

private:
  /// A worker's chunks [front, back) of the current job, packed as
  /// front << 32 | back: the owner takes from the front, others from the
  /// back, each with one compare-and-swap. On a cache line of its own.
  struct alignas(64) ChunkRange {
    std::atomic<uint64_t> bounds{0};
  };

  void workerLoop(unsigned worker);
  void work(unsigned worker);
  /// Claims a chunk of `owner`'s range (its front when `fromFront`).
  bool claim(unsigned owner, bool fromFront, uint64_t &chunk);
  /// Splits the current job's chunks over the first `participants`
  /// workers' ranges.
  void assignRanges(unsigned participants);

  /// The worker threads (POSIX, for their stack size: a workgroup's
  /// temporaries live on its thread's stack, TESSERA_WORKGROUP_STACK_SIZE
  /// of them at most, whatever the process's default).
  std::vector<pthread_t> threads;
  std::mutex mutex;
  std::condition_variable wake, done;
  /// The current job's ticket: its generation (the high 32 bits, bumped
  /// per job), whether workers may still join it (kOpen) and how many have
  /// joined and not yet left (the low bits). The caller waits only for
  /// those: a worker still asleep when the work is done (a wake-up can
  /// take hundreds of microseconds on a busy host) finds the job closed
  /// instead of holding the caller up. Atomic so that workers can spin on
  /// it for a moment before sleeping (a dispatch that follows another then
  /// starts without a wake-up).
  std::atomic<uint64_t> ticket{0};
  static constexpr uint64_t kOpen = uint64_t(1) << 31;
  static constexpr uint64_t kJoined = kOpen - 1;
  std::atomic<bool> stopping{false};

  // The current job.
  const std::function<bool(uint64_t, uint64_t, unsigned)> *body = nullptr;
  uint64_t count = 0, grain = 1;
  std::unique_ptr<ChunkRange[]> ranges;
  std::atomic<bool> failed{false};
  std::vector<WorkerSpan> *spans = nullptr;
  std::chrono::steady_clock::time_point origin;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_TASKEXECUTOR_H

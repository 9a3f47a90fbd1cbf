//===- TaskExecutor.cpp - Workers for a dispatch's workgroups -------------===//

#include "tessera/runtime/TaskExecutor.h"

#include "tessera/executable_library.h"

#include <sched.h>
#include <stdexcept>
#include <string>

namespace tessera::rt {

namespace {
/// A worker thread's stack: twice what a workgroup's temporaries may take
/// (the compiler's limit), for the runtime's frames and the kernel's own.
constexpr size_t kWorkerStackBytes = 2 * size_t(TESSERA_WORKGROUP_STACK_SIZE);
} // namespace

TaskExecutor::TaskExecutor(unsigned workers)
    : ranges(std::make_unique<ChunkRange[]>(std::max(1u, workers))) {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  size_t stack = 0;
  pthread_attr_getstacksize(&attributes, &stack);
  if (stack < kWorkerStackBytes)
    pthread_attr_setstacksize(&attributes, kWorkerStackBytes);
  struct Start {
    TaskExecutor *executor;
    unsigned worker;
  };
  auto run = [](void *argument) -> void * {
    std::unique_ptr<Start> start(static_cast<Start *>(argument));
    start->executor->workerLoop(start->worker);
    return nullptr;
  };
  for (unsigned w = 1; w < std::max(1u, workers); ++w) {
    auto start = std::make_unique<Start>(Start{this, w});
    pthread_t thread;
    if (int error = pthread_create(&thread, &attributes, run, start.get())) {
      pthread_attr_destroy(&attributes);
      // The threads started so far stop with the executor's destructor,
      // which a throwing constructor does not run.
      {
        std::lock_guard<std::mutex> lock(mutex);
        stopping.store(true, std::memory_order_release);
      }
      wake.notify_all();
      for (pthread_t started : threads)
        pthread_join(started, nullptr);
      throw std::runtime_error("cannot start a task worker thread (error " +
                               std::to_string(error) + ")");
    }
    start.release();
    threads.push_back(thread);
  }
  pthread_attr_destroy(&attributes);
}

TaskExecutor::~TaskExecutor() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping.store(true, std::memory_order_release);
  }
  wake.notify_all();
  for (pthread_t thread : threads)
    pthread_join(thread, nullptr);
}

unsigned TaskExecutor::availableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

bool TaskExecutor::claim(unsigned owner, bool fromFront, uint64_t &chunk) {
  std::atomic<uint64_t> &bounds = ranges[owner].bounds;
  uint64_t current = bounds.load(std::memory_order_relaxed);
  while (true) {
    uint64_t front = current >> 32, back = current & 0xffffffffu;
    if (front >= back)
      return false;
    uint64_t desired =
        fromFront ? ((front + 1) << 32) | back : (front << 32) | (back - 1);
    if (bounds.compare_exchange_weak(current, desired,
                                     std::memory_order_relaxed)) {
      chunk = fromFront ? front : back - 1;
      return true;
    }
  }
}

void TaskExecutor::assignRanges(unsigned participants) {
  // Chunk indices are 32-bit: a job of more chunks takes larger ones.
  constexpr uint64_t kMaxChunks = 0xffffffffu;
  if ((count + grain - 1) / grain > kMaxChunks)
    grain = (count + kMaxChunks - 1) / kMaxChunks;
  uint64_t chunks = (count + grain - 1) / grain;
  for (unsigned w = 0; w < workerCount(); ++w) {
    uint64_t front = w < participants ? chunks * w / participants : 0;
    uint64_t back = w < participants ? chunks * (w + 1) / participants : 0;
    ranges[w].bounds.store(front << 32 | back, std::memory_order_relaxed);
  }
}

void TaskExecutor::work(unsigned worker) {
  auto start = std::chrono::steady_clock::now();
  uint64_t items = 0;
  unsigned workers = workerCount();
  // Its own range front to back, then the others' from their backs (the
  // chunks their owners would reach last), nearest worker first.
  unsigned owner = worker;
  uint64_t chunk;
  while (!failed.load(std::memory_order_relaxed)) {
    if (!claim(owner, owner == worker, chunk)) {
      owner = (owner + 1) % workers;
      if (owner == worker)
        break;
      continue;
    }
    uint64_t begin = chunk * grain, end = std::min(count, begin + grain);
    if (!(*body)(begin, end, worker))
      failed.store(true, std::memory_order_relaxed);
    items += end - begin;
  }
  if (spans) {
    auto stop = std::chrono::steady_clock::now();
    (*spans)[worker] = {
        std::chrono::duration<double, std::micro>(start - origin).count(),
        std::chrono::duration<double, std::micro>(stop - start).count(), items};
  }
}

namespace {
/// How long a waiting side spins before it blocks: about a dispatch's
/// worth, so that back-to-back dispatches skip the sleep and wake-up.
constexpr auto kSpin = std::chrono::microseconds(200);

/// Spins until `ready()` or kSpin passes; whether it became ready.
template <typename Ready> bool spinUntil(Ready ready) {
  auto until = std::chrono::steady_clock::now() + kSpin;
  do {
    for (int i = 0; i < 64; ++i) {
      if (ready())
        return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  } while (std::chrono::steady_clock::now() < until);
  return ready();
}
} // namespace

void TaskExecutor::workerLoop(unsigned worker) {
  uint64_t seen = 0;
  auto generationOf = [](uint64_t ticket) { return ticket >> 32; };
  while (true) {
    auto jobOrStop = [&] {
      return stopping.load(std::memory_order_acquire) ||
             generationOf(ticket.load(std::memory_order_acquire)) != seen;
    };
    if (!spinUntil(jobOrStop)) {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, jobOrStop);
    }
    if (stopping.load(std::memory_order_acquire))
      return;
    // Join the job unless the caller has closed it (done without us).
    uint64_t current = ticket.load(std::memory_order_acquire);
    seen = generationOf(current);
    bool joined = false;
    while (!joined && generationOf(current) == seen && (current & kOpen))
      joined = ticket.compare_exchange_weak(current, current + 1,
                                            std::memory_order_acq_rel,
                                            std::memory_order_acquire);
    if (!joined)
      continue;
    work(worker);
    if ((ticket.fetch_sub(1, std::memory_order_acq_rel) & kJoined) == 1) {
      std::lock_guard<std::mutex> lock(mutex);
      done.notify_one();
    }
  }
}

bool TaskExecutor::parallelFor(
    uint64_t itemCount, uint64_t chunk,
    const std::function<bool(uint64_t, uint64_t, unsigned)> &fn,
    std::vector<WorkerSpan> *workerSpans,
    std::chrono::steady_clock::time_point start) {
  if (workerSpans)
    workerSpans->assign(workerCount(), {});
  auto setJob = [&] {
    body = &fn;
    count = itemCount;
    grain = std::max<uint64_t>(1, chunk);
    failed.store(false);
    spans = workerSpans;
    origin = start;
  };
  // Too little to share: the caller alone, no wake-ups.
  if (threads.empty() || itemCount <= chunk) {
    setJob();
    assignRanges(1);
    work(0);
    return !failed.load();
  }
  {
    // Under the lock: a worker about to sleep sees the new generation.
    std::lock_guard<std::mutex> lock(mutex);
    setJob();
    assignRanges(workerCount());
    uint64_t generation = (ticket.load(std::memory_order_relaxed) >> 32) + 1;
    ticket.store((generation << 32) | kOpen, std::memory_order_release);
  }
  wake.notify_all();
  work(0);
  // Every chunk is handed out; close the job once no joined worker is
  // still running one (a worker that joins later finds it closed).
  auto closed = [&] {
    uint64_t current = ticket.load(std::memory_order_acquire);
    return (current & kJoined) == 0 &&
           ticket.compare_exchange_strong(current, current & ~kOpen,
                                          std::memory_order_acq_rel);
  };
  if (!spinUntil(closed)) {
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, closed);
  }
  return !failed.load();
}

} // namespace tessera::rt

//===- TaskExecutorTest.cpp - The CPU's worker pool -----------------------===//

#include "tessera/runtime/TaskExecutor.h"

#include "tessera/executable_library.h"

#include <gtest/gtest.h>

#include <pthread.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

namespace rt = tessera::rt;

namespace {

// A workgroup's temporaries live on its thread's stack: the pool's threads
// have twice the compiler's limit, even where the process's default thread
// stack is smaller (here 1 MiB).
TEST(TaskExecutor, WorkersHaveStackForTemporaries) {
  pthread_attr_t defaults, small;
  ASSERT_EQ(pthread_getattr_default_np(&defaults), 0);
  pthread_attr_init(&small);
  pthread_attr_setstacksize(&small, size_t(1) << 20);
  ASSERT_EQ(pthread_setattr_default_np(&small), 0);
  pthread_attr_destroy(&small);
  std::vector<size_t> stacks;
  {
    rt::TaskExecutor executor(3);
    std::mutex mutex;
    // Items that take long enough for the workers to join.
    ASSERT_TRUE(executor.parallelFor(
        64, 1,
        [&](uint64_t, uint64_t, unsigned worker) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          if (worker == 0)
            return true;
          pthread_attr_t attributes;
          size_t size = 0;
          if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
            pthread_attr_getstacksize(&attributes, &size);
            pthread_attr_destroy(&attributes);
          }
          std::lock_guard<std::mutex> lock(mutex);
          stacks.push_back(size);
          return true;
        },
        nullptr, std::chrono::steady_clock::now()));
  }
  ASSERT_EQ(pthread_setattr_default_np(&defaults), 0);
  pthread_attr_destroy(&defaults);
  ASSERT_FALSE(stacks.empty());
  for (size_t size : stacks)
    EXPECT_GE(size, 2 * size_t(TESSERA_WORKGROUP_STACK_SIZE));
}

// Every item runs exactly once, whatever the count and chunk size, job
// after job on the same pool.
TEST(TaskExecutor, RunsEveryItemOnce) {
  rt::TaskExecutor executor(4);
  EXPECT_EQ(executor.workerCount(), 4u);
  std::mt19937 random(7);
  for (int job = 0; job < 500; ++job) {
    uint64_t count = random() % 300, grain = 1 + random() % 17;
    std::vector<std::atomic<int>> runs(count);
    std::vector<rt::TaskExecutor::WorkerSpan> spans;
    std::set<unsigned> workers;
    std::mutex mutex;
    ASSERT_TRUE(executor.parallelFor(
        count, grain,
        [&](uint64_t begin, uint64_t end, unsigned worker) {
          EXPECT_LE(end - begin, grain);
          for (uint64_t i = begin; i < end; ++i)
            runs[i].fetch_add(1);
          std::lock_guard<std::mutex> lock(mutex);
          workers.insert(worker);
          return true;
        },
        &spans, std::chrono::steady_clock::now()));
    uint64_t items = 0;
    for (const auto &span : spans)
      items += span.items;
    ASSERT_EQ(items, count);
    for (uint64_t i = 0; i < count; ++i)
      ASSERT_EQ(runs[i].load(), 1) << "item " << i << " of " << count;
    for (unsigned worker : workers)
      EXPECT_LT(worker, 4u);
  }
}

// Each worker starts at the front of its own part of the items (worker w
// the w-th of workerCount() parts): consecutive jobs over the same data
// give a worker the same part. The first chunk of each waits until every
// worker has one, so all take part.
TEST(TaskExecutor, WorkersStartWithTheirOwnPart) {
  rt::TaskExecutor executor(3);
  for (int job = 0; job < 20; ++job) {
    std::atomic<unsigned> started{0};
    std::vector<std::atomic<int64_t>> first(3);
    for (auto &item : first)
      item = -1;
    ASSERT_TRUE(executor.parallelFor(
        12, 2, [&](uint64_t begin, uint64_t, unsigned worker) {
          int64_t none = -1;
          if (first[worker].compare_exchange_strong(none, begin)) {
            started.fetch_add(1);
            while (started.load() < 3)
              std::this_thread::yield();
          }
          return true;
        }));
    EXPECT_EQ(first[0].load(), 0);
    EXPECT_EQ(first[1].load(), 4);
    EXPECT_EQ(first[2].load(), 8);
  }
}

// A body that fails stops further chunks and the call says so.
TEST(TaskExecutor, StopsAfterAFailure) {
  rt::TaskExecutor executor(3);
  std::atomic<uint64_t> chunks{0};
  bool ok =
      executor.parallelFor(100000, 1, [&](uint64_t begin, uint64_t, unsigned) {
        chunks.fetch_add(1);
        return begin != 10;
      });
  EXPECT_FALSE(ok);
  EXPECT_LT(chunks.load(), 100000u);
  // The pool is still usable.
  std::atomic<uint64_t> sum{0};
  EXPECT_TRUE(
      executor.parallelFor(1000, 8, [&](uint64_t b, uint64_t e, unsigned) {
        for (uint64_t i = b; i < e; ++i)
          sum += i;
        return true;
      }));
  EXPECT_EQ(sum.load(), 999u * 1000 / 2);
}

// One worker is the caller alone.
TEST(TaskExecutor, OneWorkerIsTheCaller) {
  rt::TaskExecutor executor(1);
  EXPECT_EQ(executor.workerCount(), 1u);
  std::thread::id caller = std::this_thread::get_id();
  EXPECT_TRUE(executor.parallelFor(10, 2, [&](uint64_t, uint64_t, unsigned w) {
    EXPECT_EQ(w, 0u);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    return true;
  }));
  EXPECT_GE(rt::TaskExecutor::availableCores(), 1u);
}

} // namespace

//===- GroupLocalThreadPoolTest.cpp - A waiting worker runs its group only ===//
//
// The pool's differences from llvm::StdThreadPool: a worker waiting for a
// task group never runs a task queued before that group's (the rest of a
// parallel loop the worker itself is part of), and a thread outside the
// pool runs its group's tasks while it waits. Also: nested groups from
// every worker, a whole pool's wait, and an MLIR parallel loop on a
// context that uses the pool.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/GroupLocalThreadPool.h"
#include "Pipeline/LargeStack.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Threading.h"
#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace mlir;
using namespace mlir::tessera;

namespace {

class EventLog {
public:
  void add(std::string event) {
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back(std::move(event));
  }
  std::vector<std::string> take() {
    std::lock_guard<std::mutex> lock(mutex);
    return events;
  }

private:
  std::mutex mutex;
  std::vector<std::string> events;
};

TEST(GroupLocalThreadPool, WaitingWorkerRunsOnlyItsGroup) {
  // One worker. The outer task waits until the second outer task is
  // queued, then queues an inner task and waits for it: the queue is
  // [outer 2, inner]. StdThreadPool's worker would run outer 2 inside that
  // wait, before outer 1 ends.
  GroupLocalThreadPool pool(1);
  llvm::ThreadPoolTaskGroup outer(pool);
  EventLog log;
  std::atomic<bool> secondQueued{false};
  outer.async([&] {
    log.add("outer 1 starts");
    while (!secondQueued.load())
      std::this_thread::yield();
    llvm::ThreadPoolTaskGroup inner(pool);
    inner.async([&] { log.add("inner"); });
    inner.wait();
    log.add("outer 1 ends");
  });
  outer.async([&] { log.add("outer 2"); });
  secondQueued.store(true);
  // The pool's wait: this thread runs no task (a group's wait would run
  // outer 2 here).
  pool.wait();
  std::vector<std::string> expected = {"outer 1 starts", "inner",
                                       "outer 1 ends", "outer 2"};
  EXPECT_EQ(log.take(), expected);
}

TEST(GroupLocalThreadPool, ThreadOutsideThePoolRunsItsOwnGroup) {
  // The only worker is busy: its task waits for an inner group whose task
  // blocks until a thread outside the pool has finished a parallel loop of
  // its own (as a task that starts a thread with runOnLargeStack and joins
  // it). That thread's loop finishes only if its wait runs the loop's
  // tasks itself.
  GroupLocalThreadPool pool(1);
  std::atomic<bool> blocked{false}, released{false}, loopDone{false};
  llvm::ThreadPoolTaskGroup outer(pool);
  outer.async([&] {
    llvm::ThreadPoolTaskGroup inner(pool);
    inner.async([&] {
      blocked.store(true);
      while (!released.load())
        std::this_thread::yield();
    });
    inner.wait();
  });
  while (!blocked.load())
    std::this_thread::yield();
  std::thread outside([&] {
    llvm::ThreadPoolTaskGroup loop(pool);
    std::atomic<int> ran{0};
    for (int i = 0; i < 3; ++i)
      loop.async([&] { ++ran; });
    loop.wait();
    EXPECT_EQ(ran.load(), 3);
    loopDone.store(true);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!loopDone.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  EXPECT_TRUE(loopDone.load()) << "the outside thread's loop never ran";
  // Unblock the worker either way, so that a failure does not hang.
  released.store(true);
  outside.join();
  outer.wait();
}

TEST(GroupLocalThreadPool, NestedGroupsOnEveryWorker) {
  GroupLocalThreadPool pool(4);
  EXPECT_EQ(pool.getMaxConcurrency(), 4u);
  std::atomic<int> sum{0};
  llvm::ThreadPoolTaskGroup outer(pool);
  std::thread::id waiter = std::this_thread::get_id();
  for (int i = 0; i < 64; ++i)
    outer.async([&, i] {
      // On a worker, with the large stack; or on this thread, waiting.
      if (std::this_thread::get_id() != waiter) {
        EXPECT_TRUE(pool.isWorkerThread());
        EXPECT_TRUE(isOnLargeStack());
      }
      llvm::ThreadPoolTaskGroup inner(pool);
      for (int j = 0; j < 16; ++j)
        inner.async([&, i, j] { sum += i * 16 + j; });
      inner.wait();
    });
  outer.wait();
  EXPECT_FALSE(pool.isWorkerThread());
  EXPECT_EQ(sum.load(), 1024 * 1023 / 2);
  // Ungrouped tasks, then the pool's own wait.
  for (int i = 0; i < 100; ++i)
    pool.async([&] { sum += 1; });
  pool.wait();
  EXPECT_EQ(sum.load(), 1024 * 1023 / 2 + 100);
}

TEST(GroupLocalThreadPool, ServesAnMLIRContext) {
  GroupLocalThreadPool pool(2);
  MLIRContext context(MLIRContext::Threading::DISABLED);
  context.setThreadPool(pool);
  ASSERT_TRUE(context.isMultithreadingEnabled());
  EXPECT_EQ(&context.getThreadPool(), &pool);
  // A parallel loop inside a parallel loop, as a verifier inside a pass.
  std::vector<std::atomic<int>> hits(32);
  parallelFor(&context, 0, 8, [&](size_t i) {
    parallelFor(&context, 0, 4, [&](size_t j) { hits[i * 4 + j] += 1; });
  });
  for (std::atomic<int> &hit : hits)
    EXPECT_EQ(hit.load(), 1);
}

} // namespace

//===- GroupLocalThreadPool.cpp - Threads for a compile's passes ----------===//

#include "Pipeline/GroupLocalThreadPool.h"

#include "Pipeline/LargeStack.h"

#include <algorithm>
#include <cassert>

namespace mlir::tessera {

/// The pool whose worker the calling thread is, if any.
static thread_local const GroupLocalThreadPool *workerOf = nullptr;

GroupLocalThreadPool::GroupLocalThreadPool(unsigned threads)
    : threadCount(std::max(threads, 1u)) {}

GroupLocalThreadPool::~GroupLocalThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  queued.notify_all();
  for (llvm::thread &worker : workers)
    worker.join();
}

bool GroupLocalThreadPool::isWorkerThread() const { return workerOf == this; }

void GroupLocalThreadPool::asyncEnqueue(llvm::unique_function<void()> task,
                                        llvm::ThreadPoolTaskGroup *group) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    tasks.push_back({std::move(task), group});
    ++unfinished[group];
    ++unfinishedTotal;
    if (workers.empty())
      for (unsigned i = 0; i < threadCount; ++i)
        workers.push_back(startLargeStackThread([this] { work(); }));
  }
  queued.notify_one();
  // A worker waiting for this task's group runs it.
  if (group)
    changed.notify_all();
}

void GroupLocalThreadPool::runUnlocked(Task task,
                                       std::unique_lock<std::mutex> &lock) {
  lock.unlock();
  task.run();
  // Whatever the task captured goes before the waiters learn it is done.
  task.run = nullptr;
  lock.lock();
  auto it = unfinished.find(task.group);
  if (--it->second == 0)
    unfinished.erase(it);
  --unfinishedTotal;
  changed.notify_all();
}

void GroupLocalThreadPool::work() {
  workerOf = this;
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    queued.wait(lock, [&] { return stopping || !tasks.empty(); });
    if (tasks.empty())
      return;
    Task task = std::move(tasks.front());
    tasks.pop_front();
    runUnlocked(std::move(task), lock);
  }
}

void GroupLocalThreadPool::wait() {
  assert(!isWorkerThread() && "a worker would wait for itself");
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait(lock, [&] { return unfinishedTotal == 0; });
}

void GroupLocalThreadPool::wait(llvm::ThreadPoolTaskGroup &group) {
  std::unique_lock<std::mutex> lock(mutex);
  while (unfinished.count(&group)) {
    auto it = llvm::find_if(
        tasks, [&](const Task &task) { return task.group == &group; });
    if (it == tasks.end()) {
      changed.wait(lock);
      continue;
    }
    Task task = std::move(*it);
    tasks.erase(it);
    runUnlocked(std::move(task), lock);
  }
}

} // namespace mlir::tessera

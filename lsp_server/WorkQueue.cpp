//===- WorkQueue.cpp - The server's analysis thread -----------------------===//

#include "WorkQueue.h"

#include "Pipeline/LargeStack.h"

namespace tessera::lsp {

WorkQueue::WorkQueue()
    : worker(mlir::tessera::startLargeStackThread([this] { work(); })) {}

WorkQueue::~WorkQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  changed.notify_all();
  worker.join();
}

void WorkQueue::post(std::function<void()> task, std::string key,
                     Clock::time_point notBefore) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!key.empty())
      for (auto it = tasks.begin(); it != tasks.end(); ++it)
        if (it->key == key) {
          tasks.erase(it);
          break;
        }
    tasks.push_back({std::move(task), std::move(key), notBefore});
  }
  changed.notify_all();
}

void WorkQueue::expedite(const std::string &key) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (Task &task : tasks)
      if (task.key == key)
        task.notBefore = Clock::time_point();
  }
  changed.notify_all();
}

void WorkQueue::drain() {
  std::unique_lock<std::mutex> lock(mutex);
  for (Task &task : tasks)
    task.notBefore = Clock::time_point();
  changed.notify_all();
  changed.wait(lock, [&] { return tasks.empty() && running == 0; });
}

void WorkQueue::work() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    if (stopping)
      return;
    // The first task in order that is ready; wait for the earliest deadline
    // otherwise.
    auto now = Clock::now();
    auto ready = tasks.end();
    Clock::time_point earliest = Clock::time_point::max();
    for (auto it = tasks.begin(); it != tasks.end(); ++it) {
      if (it->notBefore <= now) {
        ready = it;
        break;
      }
      earliest = std::min(earliest, it->notBefore);
    }
    if (ready == tasks.end()) {
      if (tasks.empty())
        changed.wait(lock);
      else
        changed.wait_until(lock, earliest);
      continue;
    }
    Task task = std::move(*ready);
    tasks.erase(ready);
    ++running;
    lock.unlock();
    task.run();
    lock.lock();
    --running;
    changed.notify_all();
  }
}

} // namespace tessera::lsp

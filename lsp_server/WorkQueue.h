//===- WorkQueue.h - The server's analysis thread --------------*- C++ -*-===//
//
// One worker runs tasks in order; a task may wait until a deadline
// (debounced analysis). A task with a key replaces the pending task of the
// same key (a newer edit supersedes the analysis of an older one), and
// `expedite` makes a pending keyed task ready now (a request needs it).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_WORKQUEUE_H
#define TESSERA_LSP_WORKQUEUE_H

#include "llvm/Support/thread.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace tessera::lsp {

class WorkQueue {
public:
  using Clock = std::chrono::steady_clock;

  WorkQueue();
  /// Runs what is ready, drops the rest, joins the worker.
  ~WorkQueue();

  void post(std::function<void()> task, std::string key = "",
            Clock::time_point notBefore = Clock::time_point());
  void expedite(const std::string &key);
  /// Blocks until every task posted so far has run (tests, --check).
  void drain();

private:
  struct Task {
    std::function<void()> run;
    std::string key;
    Clock::time_point notBefore;
  };
  void work();

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Task> tasks;
  bool stopping = false;
  unsigned running = 0;
  /// A large stack (LargeStack.h): parsing and compiling run on it.
  llvm::thread worker;
};

/// A state that one thread owns: the only way to reach it is a task posted
/// here, which runs on that thread with the state as its argument.
template <typename State> class Worker {
public:
  using Clock = WorkQueue::Clock;
  using Task = std::function<void(State &)>;

  template <typename... Args>
  explicit Worker(Args &&...args) : state(std::forward<Args>(args)...) {}

  /// As WorkQueue::post.
  void post(Task task, std::string key = "",
            Clock::time_point notBefore = Clock::time_point()) {
    queue.post([this, task = std::move(task)] { task(state); }, std::move(key),
               notBefore);
  }
  void expedite(const std::string &key) { queue.expedite(key); }
  void drain() { queue.drain(); }

private:
  State state;
  /// Last: destroyed first, so the thread stops before the state goes.
  WorkQueue queue;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_WORKQUEUE_H

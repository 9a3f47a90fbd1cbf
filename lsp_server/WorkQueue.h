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

} // namespace tessera::lsp

#endif // TESSERA_LSP_WORKQUEUE_H

//===- ChildProcess.cpp - Running work in a forked child process ----------===//

#include "Pipeline/ChildProcess.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mlir::tessera {

std::string ChildOutcome::describe() const {
  if (!error.empty())
    return error;
  if (signal)
    return "signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exitCode);
}

using SharedValue = std::atomic<unsigned>;
static_assert(SharedValue::is_always_lock_free,
              "a counter shared between processes must be lock-free");

SharedCounter::SharedCounter() {
  void *mapped = mmap(nullptr, sizeof(SharedValue), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mapped != MAP_FAILED)
    memory = new (mapped) SharedValue(0);
}

SharedCounter::~SharedCounter() {
  if (memory)
    munmap(memory, sizeof(SharedValue));
}

void SharedCounter::store(unsigned value) {
  if (memory)
    static_cast<SharedValue *>(memory)->store(value, std::memory_order_relaxed);
  else
    __atomic_store_n(&fallback, value, __ATOMIC_RELAXED);
}

unsigned SharedCounter::load() const {
  if (memory)
    return static_cast<const SharedValue *>(memory)->load(
        std::memory_order_relaxed);
  return __atomic_load_n(&fallback, __ATOMIC_RELAXED);
}

/// An unnamed file both processes see: the child's result goes there (a
/// pipe would need every other child to close its end before EOF).
static int createResultFile() {
#if defined(__linux__)
  return memfd_create("tessera-child-result", MFD_CLOEXEC);
#else
  char name[] = "/tmp/tessera-child-XXXXXX";
  int fd = mkstemp(name);
  if (fd >= 0)
    unlink(name);
  return fd;
#endif
}

ChildOutcome runInChildProcess(llvm::function_ref<std::string()> work) {
  ChildOutcome outcome;
  int fd = createResultFile();
  if (fd < 0) {
    outcome.error =
        std::string("cannot create a result file: ") + strerror(errno);
    return outcome;
  }
  pid_t pid = fork();
  if (pid < 0) {
    outcome.error = std::string("cannot fork: ") + strerror(errno);
    close(fd);
    return outcome;
  }
  if (pid == 0) {
    std::string bytes = work();
    for (size_t done = 0; done < bytes.size();) {
      ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit(125);
      done += n;
    }
    // Not exit(): the parent's static destructors and unflushed streams
    // are not the child's to run.
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  } else {
    outcome.exitCode = WEXITSTATUS(status);
    struct stat info;
    if (outcome.exitCode == 0 && fstat(fd, &info) == 0) {
      std::string bytes(info.st_size, '\0');
      size_t done = 0;
      while (done < bytes.size()) {
        ssize_t n = pread(fd, bytes.data() + done, bytes.size() - done, done);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        done += n;
      }
      if (done == bytes.size())
        outcome.output = std::move(bytes);
    }
  }
  close(fd);
  return outcome;
}

} // namespace mlir::tessera

//===- ChildProcess.cpp - Running work in a forked child process ----------===//

#include "Pipeline/ChildProcess.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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

bool writeAll(int fd, llvm::StringRef bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += n;
  }
  return true;
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
    if (!writeAll(fd, work()))
      _exit(125);
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

/// Reads the whole of file `fd` from its start.
static std::string readWholeFile(int fd) {
  std::string bytes;
  char buffer[1 << 16];
  for (off_t at = 0;;) {
    ssize_t n = pread(fd, buffer, sizeof(buffer), at);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    bytes.append(buffer, n);
    at += n;
  }
  return bytes;
}

ChildOutcome
streamFromProgram(const std::vector<std::string> &argv,
                  llvm::function_ref<void(llvm::StringRef)> onOutput,
                  std::atomic<int> *childPid, bool captureErrors) {
  ChildOutcome outcome;
  if (argv.empty()) {
    outcome.error = "no program to start";
    return outcome;
  }
  int pipeEnds[2];
  if (pipe2(pipeEnds, O_CLOEXEC) != 0) {
    outcome.error = std::string("cannot create a pipe: ") + strerror(errno);
    return outcome;
  }
  int errorFile = captureErrors ? createResultFile() : -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Onto fds that exec keeps (dup2 clears close-on-exec); every other fd
  // of this process is close-on-exec or closed here.
  posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], kProgramOutputFd);
  if (errorFile >= 0)
    posix_spawn_file_actions_adddup2(&actions, errorFile, STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, kProgramOutputFd + 1);
  std::vector<char *> args;
  for (const std::string &arg : argv)
    args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipeEnds[1]);
  if (spawned != 0) {
    outcome.error = "cannot start '" + argv[0] + "': " + strerror(spawned);
    close(pipeEnds[0]);
    if (errorFile >= 0)
      close(errorFile);
    return outcome;
  }
  if (childPid)
    childPid->store(pid);
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(pipeEnds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    onOutput(llvm::StringRef(buffer, n));
  }
  close(pipeEnds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (childPid)
    childPid->store(0);
  if (WIFSIGNALED(status))
    outcome.signal = WTERMSIG(status);
  else
    outcome.exitCode = WEXITSTATUS(status);
  if (errorFile >= 0) {
    outcome.errorOutput = readWholeFile(errorFile);
    close(errorFile);
  }
  return outcome;
}

} // namespace mlir::tessera

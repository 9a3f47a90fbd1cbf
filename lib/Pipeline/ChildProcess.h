//===- ChildProcess.h - Running work in a forked child process --*- C++ -*-===//
//
// A compiler crash (a bug in a pass, an input no limit foresaw) must end
// only the compile of that input: the batch driver runs each input in a
// forked child and gets back what it made as bytes. The child shares
// nothing writable with the parent, so neither a crash nor memory it leaves
// corrupted reaches the other inputs.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_CHILDPROCESS_H
#define TESSERA_PIPELINE_CHILDPROCESS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tessera {

struct ChildOutcome {
  /// What the work returned; none when the child did not finish it.
  std::optional<std::string> output;
  /// The signal that ended the child (0: none) or its exit code.
  int signal = 0;
  int exitCode = 0;
  /// "signal 11 (Segmentation fault)", "exit code 3", or why no child ran.
  std::string describe() const;
  std::string error;
  /// What the child wrote to stderr (a crash's stack trace), when the
  /// caller asked for it.
  std::string errorOutput;
};

/// A number in memory shared with the child processes forked after it was
/// made: how far a child got (its phase), read by the parent while it
/// waits. Without shared memory it is the process's own (still usable).
class SharedCounter {
public:
  SharedCounter();
  ~SharedCounter();
  SharedCounter(const SharedCounter &) = delete;
  SharedCounter &operator=(const SharedCounter &) = delete;
  void store(unsigned value);
  unsigned load() const;

private:
  void *memory = nullptr;
  unsigned fallback = 0;
};

/// Runs `work` in a forked child process and returns its result; the
/// parent waits for the child. Call it from a process whose other threads
/// hold no locks the work needs (the child has only the calling thread).
ChildOutcome runInChildProcess(llvm::function_ref<std::string()> work);

/// Writes all of `bytes` to `fd` (retrying short writes and interrupts);
/// false when it cannot (the reader is gone, the disk is full).
bool writeAll(int fd, llvm::StringRef bytes);

/// The file descriptor a program started by streamFromProgram writes its
/// output to.
constexpr int kProgramOutputFd = 3;

/// Starts program `argv` (a fresh process: exec, not a fork of this one,
/// whose threads and the locks they hold a fork would copy) and gives
/// what it writes to file descriptor kProgramOutputFd to `onOutput` as it
/// is written, on the calling thread, until the program ends: what it made
/// before it crashed is not lost with it (a compile's pass records).
/// `childPid` holds its process id while it runs, for a caller that kills
/// it (a cancel); `captureErrors` keeps its stderr in the outcome instead
/// of this process's stderr. It inherits no other file descriptor but
/// stdin and stdout.
ChildOutcome
streamFromProgram(const std::vector<std::string> &argv,
                  llvm::function_ref<void(llvm::StringRef)> onOutput,
                  std::atomic<int> *childPid = nullptr,
                  bool captureErrors = false);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_CHILDPROCESS_H

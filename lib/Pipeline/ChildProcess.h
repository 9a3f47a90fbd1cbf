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

#include <atomic>
#include <optional>
#include <string>

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

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_CHILDPROCESS_H

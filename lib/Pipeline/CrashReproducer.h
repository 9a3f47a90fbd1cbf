//===- CrashReproducer.h - A reproducer for a crashing compile --*- C++ -*-===//
//
// When a compile crashes in a pass, the process writes a file that replays
// the crash: the module as it was before the crashing phase and the
// phase's pass pipeline, in the format of MLIR's crash reproducers (an
// `mlir_reproducer` resource with `pipeline`, `disable_threading` and
// `verify_each`), so `tessera-opt --run-reproducer FILE` (or mlir-opt's)
// replays it. The end of the crash output names the file and the pass that
// was running on the crashing thread.
//
// Not MLIR's PassManager::enableCrashReproducerGeneration: that runs the
// passes under a CrashRecoveryContext on a thread of its own with the
// default stack (not the 64 MiB of LargeStack.h), writes a reproducer on
// every ordinary failure too, and pins to the failing pass only with the
// context's threads off (cloning the whole module before every pass).
// Here a copy is made once per phase, and the file is written from LLVM's
// signal handler, as MLIR does for crashes it cannot recover (on a pass
// thread): the process still ends by the signal, so no tool mistakes a
// crash for a compile error and no output is written.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_CRASHREPRODUCER_H
#define TESSERA_PIPELINE_CRASHREPRODUCER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mlir {
class OpPassManager;
class PassInstrumentation;
namespace tessera {

/// Where a compile of `input` writes its reproducer by default:
/// TMPDIR/tessera-crash-STEM-XXXXXX.mlir (a fresh name; not created).
std::string getDefaultCrashReproducerPath(llvm::StringRef input);

class CrashReproducer {
public:
  explicit CrashReproducer(std::string path);
  ~CrashReproducer();
  CrashReproducer(const CrashReproducer &) = delete;
  CrashReproducer &operator=(const CrashReproducer &) = delete;

  /// Before a phase runs `pm` on `module`: until endPhase, a crash writes
  /// a copy of `module` as it is now and `pm`'s pipeline.
  void beginPhase(llvm::StringRef phase, ModuleOp module,
                  const OpPassManager &pm, bool multithreaded);
  void endPhase();

  /// Records the pass running on each thread, to name the one that
  /// crashed; added once to the pass manager.
  std::unique_ptr<PassInstrumentation> createInstrumentation();

  const std::string &getPath() const { return path; }

  /// Writes the reproducer (the signal handler's work; for tests).
  bool write(std::string &error) const;
  /// The textual pipeline of the current phase.
  const std::string &getPipeline() const { return pipeline; }

private:
  static void onCrash(void *);

  std::string path, phase, pipeline;
  OwningOpRef<ModuleOp> before;
  bool multithreaded = true;
};

} // namespace tessera
} // namespace mlir

#endif // TESSERA_PIPELINE_CRASHREPRODUCER_H

//===- CompileProgress.h - The progress line of one compile -----*- C++ -*-===//
//
// A single `tessera compile` on a terminal shows the phase and pass that
// run on one stderr line, redrawn in place and erased at the end:
//   [codegen 5/9] tessera-llvmcpu-lower-to-llvm  3.2 s
// Fed by CompileOptions::passStarted (the pass capture's start hook), on
// whatever thread runs the pass.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CLI_COMPILEPROGRESS_H
#define TESSERA_CLI_COMPILEPROGRESS_H

#include "Pipeline/Options.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tessera::cli {

/// "[codegen 5/9] tessera-llvmcpu-lower-to-llvm  3.2 s", cut to `columns`
/// (the last phase is `last`; `pass` without its options).
std::string formatProgressLine(mlir::tessera::Phase phase,
                               mlir::tessera::Phase last, llvm::StringRef pass,
                               double seconds, unsigned columns);

/// Draws on stderr (call only when it is a terminal); the line moves with
/// each phase, at most every 100 ms with each pass, and every 250 ms with
/// the clock.
class ProgressLine {
public:
  explicit ProgressLine(mlir::tessera::Phase last);
  ~ProgressLine();

  /// CompileOptions::passStarted.
  void passStarted(mlir::tessera::Phase phase, llvm::StringRef pass);
  /// Erases the line and stops redrawing (before anything else is
  /// printed).
  void close();

private:
  using Clock = std::chrono::steady_clock;
  void draw();

  mlir::tessera::Phase last, phase = mlir::tessera::Phase::Input;
  std::string pass;
  bool started = false, drawn = false, stopping = false;
  Clock::time_point start = Clock::now(), lastDraw;
  std::mutex mutex;
  std::condition_variable wake;
  std::thread ticker;
};

} // namespace tessera::cli

#endif // TESSERA_CLI_COMPILEPROGRESS_H

//===- BatchCompile.h - tessera compile over many inputs --------*- C++ -*-===//
//
// `tessera compile a.mlir models/ 'tests/*.mlir' --output-dir=out -j4`:
// every input is compiled by its own CompileSession on one of N worker
// threads; a failing input never stops the others. Progress goes to the
// terminal (a bar) or one line per input; a JSON or JUnit report and a
// Makefile depfile record what happened.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CLI_BATCHCOMPILE_H
#define TESSERA_CLI_BATCHCOMPILE_H

#include "Pipeline/Options.h"

#include <string>
#include <vector>

namespace tessera::cli {

struct BatchRequest {
  /// Files, directories (their .mlir files, recursively) and glob patterns.
  std::vector<std::string> inputs;
  /// Where outputs go, keeping paths below a directory or glob argument;
  /// empty: beside each input.
  std::string outputDir;
  unsigned jobs = 1;
  /// The IR after the last phase (NAME.out.mlir) instead of a module
  /// (NAME.tsm).
  bool emitIR = false;
  bool quiet = false, verbose = false;
  /// Progress as a redrawn bar (a terminal) or one line per input.
  bool progressBar = false;
  std::string report;
  /// "json" or "junit".
  std::string reportFormat = "json";
  std::string depfile;
  /// Signs every module with this secret key (ModuleSignature.h).
  std::string signKey;
  /// The command's arguments after `compile`, for the reproducer of an
  /// input that crashes the compiler.
  std::vector<std::string> arguments;
  /// A crash in a pass writes a reproducer (CrashReproducer.h) to the
  /// temporary directory, named in the report and the crash line.
  bool crashReproducers = true;
};

/// Compiles every input with `options` (cancel and multithreading are set
/// per input); with several inputs each in a child process, so that one
/// crashing the compiler is reported (with a command reproducing it) and
/// the others go on. Exit code: 0, 1 when any input failed or crashed, 130
/// when interrupted.
int runBatchCompile(const BatchRequest &request,
                    const mlir::tessera::CompileOptions &options);

/// One Makefile rule: `target: dependencies...` (made absolute), spaces
/// and `$` escaped.
std::string depfileRule(const std::string &target,
                        const std::vector<std::string> &dependencies);

} // namespace tessera::cli

#endif // TESSERA_CLI_BATCHCOMPILE_H

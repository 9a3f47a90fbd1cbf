//===- ExplorerCompile.h - One compile as the explorer shows it -*- C++ -*-===//
//
// What the explorer asks of a compile and everything it keeps of one: the
// pass records with their IR snapshots, diagnostics, the dispatch map, the
// executables with their binaries and kept LLVM IR. Made by CompileSession
// with the pass capture, like every other tool; no Qt here, so the
// benchmark and tests can run it alone.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_EXPLORERCOMPILE_H
#define TESSERA_EXPLORER_EXPLORERCOMPILE_H

#include "Inspect/ExecutableSummary.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/DispatchGraph.h"
#include "Pipeline/DispatchMap.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace tessera::explorer {

struct CompileRequest {
  std::string file;
  std::vector<std::string> targets = {"llvm-cpu"};
  std::string compileTo = "loader";
  std::string targetTriple = "host";
  unsigned optLevel = 2;
  bool linkExecutables = true;
};

/// The LLVM IR serialization produced for one variant (kept as an artifact).
struct KeptLLVMIR {
  std::string executable, variant, text;
};

struct CompileOutcome {
  CompileRequest request;
  /// The file's text when it was read (an ONNX model's or bytecode's
  /// program printed); `sourceRead` says whether the compile got so far.
  std::string source;
  bool sourceRead = false;
  bool succeeded = false;
  bool cancelled = false;
  /// A compile still running, shown as its passes come (no dispatches,
  /// executables or module yet).
  bool inProgress = false;
  double wallMs = 0;
  std::vector<mlir::tessera::PassRecord> records;
  std::vector<mlir::tessera::Diagnostic> diagnostics;
  std::vector<mlir::tessera::DispatchInfo> dispatches;
  /// How the dispatches pass data to each other (after the flow phase).
  mlir::tessera::DispatchGraph graph;
  std::vector<mlir::tessera::ExecutableSummary> executables;
  std::vector<KeptLLVMIR> llvmIR;
  /// The runnable module (a complete compile only; empty otherwise).
  std::string moduleBytes;

  /// The compile crashed (its child process died): `records` hold the
  /// passes that ended before, `crashedRecord` the one it died in (a record
  /// with only its IR before), when known.
  bool crashed = false;
  int crashedRecord = -1;
  /// How it ended ("signal 11 (Segmentation fault)"), what it wrote on
  /// stderr (the stack trace), and its reproducer when one was written.
  std::string crashDescription, crashOutput, reproducerPath;
};

/// What a compile tells as it goes, each on the thread it happens on (a
/// pass thread too), one call at a time per hook.
struct CompileHooks {
  /// Each pass record as it is made.
  std::function<void(const mlir::tessera::PassRecord &)> passEnded;
  /// Each pass as it starts (CompileOptions::passBegan).
  std::function<void(const mlir::tessera::PassRecord &)> passBegan;
  /// Once, before any pass: the text shown as the source and where a crash
  /// would write its reproducer.
  std::function<void(const std::string &source, const std::string &reproducer)>
      sourceRead;
};

/// Compiles `request.file` with the pass capture on, in this process.
/// Setting `cancel` stops the compile at the next pass.
CompileOutcome compileForExplorer(const CompileRequest &request,
                                  const std::atomic<bool> *cancel = nullptr,
                                  const CompileHooks &hooks = {});

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_EXPLORERCOMPILE_H

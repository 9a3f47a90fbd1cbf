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
  /// The file's text when it was read.
  std::string source;
  bool succeeded = false;
  bool cancelled = false;
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
};

/// Compiles `request.file` with the pass capture on. `progress` sees each
/// pass record as it is made (on the compiling thread); setting `cancel`
/// stops the compile at the next phase boundary.
CompileOutcome compileForExplorer(
    const CompileRequest &request, const std::atomic<bool> *cancel = nullptr,
    std::function<void(const mlir::tessera::PassRecord &)> progress = nullptr);

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_EXPLORERCOMPILE_H

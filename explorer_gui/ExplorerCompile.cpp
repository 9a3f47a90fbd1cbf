//===- ExplorerCompile.cpp - One compile as the explorer shows it ---------===//

#include "ExplorerCompile.h"
#include "Import/ONNX/ImportONNX.h"
#include "Pipeline/CrashReproducer.h"
#include "Pipeline/InputFile.h"

#include "llvm/Support/MemoryBuffer.h"

#include <chrono>

using namespace mlir::tessera;

namespace tessera::explorer {

CompileOutcome compileForExplorer(const CompileRequest &request,
                                  const std::atomic<bool> *cancel,
                                  const CompileHooks &hooks) {
  auto start = std::chrono::steady_clock::now();
  CompileOutcome outcome;
  outcome.request = request;
  CompileSession session;
  DispatchMap dispatchMap;
  bool loaded = false;
  if (auto buffer = readInputFile(request.file)) {
    outcome.source = (*buffer)->getBuffer().str();
    loaded = mlir::succeeded(session.loadBuffer(outcome.source, request.file));
  } else {
    llvm::consumeError(buffer.takeError());
    // Reports why the file cannot be read.
    loaded = mlir::succeeded(session.loadFile(request.file));
  }
  bool bytecode = llvm::StringRef(outcome.source).starts_with("ML\xefR");
  if (bytecode && !loaded)
    outcome.source.clear();
  if (loaded && (isONNXPath(request.file) || bytecode)) {
    // A model's or bytecode's bytes are no source to show: its program
    // printed is, with the weights elided.
    outcome.source.clear();
    llvm::raw_string_ostream os(outcome.source);
    session.getModule()->print(
        os, mlir::OpPrintingFlags().elideLargeResourceString(64));
  }
  outcome.sourceRead = true;
  std::string reproducer = getDefaultCrashReproducerPath(request.file);
  if (hooks.sourceRead)
    hooks.sourceRead(outcome.source, reproducer);
  if (loaded) {
    CompileOptions options;
    options.targets = request.targets;
    if (auto phase = parsePhase(request.compileTo))
      options.compileTo = *phase;
    options.targetTriple = request.targetTriple;
    options.optLevel = request.optLevel;
    options.linkExecutables = request.linkExecutables;
    options.captureIR = true;
    options.keepArtifacts = true;
    options.cancel = cancel;
    // A crash in a pass writes a reproducer and names it on stderr.
    options.crashReproducer = reproducer;
    options.passBegan = hooks.passBegan;
    // A complete compile is also a runnable module (the run view's).
    options.buildModule = options.compileTo == Phase::Loader;
    // Exports and layouts are read before serialization replaces the
    // variants with binaries.
    options.afterPhase = [&](Phase phase, mlir::ModuleOp module) {
      dispatchMap.update(phase, module);
      if (phase == Phase::Flow)
        outcome.graph = buildDispatchGraph(module);
      if (phase == Phase::HAL || phase == Phase::Codegen ||
          phase == Phase::Link)
        outcome.executables = summarizeExecutables(module);
      if (phase == Phase::Serialize)
        addBinaries(module, outcome.executables);
    };
    outcome.succeeded =
        mlir::succeeded(session.compile(options, hooks.passEnded));
    outcome.cancelled = session.wasCancelled();
  }
  if (outcome.succeeded)
    outcome.moduleBytes = session.getModuleBytes();
  outcome.dispatches = dispatchMap.takeDispatches();
  outcome.records = session.getPassRecords();
  outcome.diagnostics = session.getDiagnostics();
  for (const Artifact &artifact : session.getArtifacts())
    if (artifact.kind == "ll")
      outcome.llvmIR.push_back(
          {artifact.executable, artifact.variant, artifact.bytes});
  outcome.wallMs = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  return outcome;
}

} // namespace tessera::explorer

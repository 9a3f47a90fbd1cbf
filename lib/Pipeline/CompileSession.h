//===- CompileSession.h - The compilation API of every tool ---*- C++ -*-===//
//
// The CLI, the language server and the explorer compile through this class
// only: load a file or buffer, compile up to a phase, then read diagnostics,
// pass records, artifacts and the resulting module.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_COMPILESESSION_H
#define TESSERA_PIPELINE_COMPILESESSION_H

#include "Pipeline/Options.h"
#include "Pipeline/PassCapture.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
}

namespace mlir::tessera {

class GroupLocalThreadPool;

struct Diagnostic {
  enum class Severity { Error, Warning, Note, Remark };
  Severity severity = Severity::Error;
  /// Location of the first file position found in the diagnostic's location
  /// (empty file when none).
  std::string file;
  unsigned line = 0, column = 0;
  std::string message;
  /// The phase and pass that were running, when the diagnostic came from
  /// the pipeline.
  std::string phase;
  std::string pass;
  std::vector<Diagnostic> notes;

  /// `file:line:col: error: message`, the format every tool prints.
  std::string format() const;
  /// "error", "warning", "note" or "remark".
  static const char *severityName(Severity severity);
};

/// An intermediate or final file of serialization.
struct Artifact {
  std::string executable, variant;
  /// "ll", "o" or "so".
  std::string kind;
  std::string bytes;
};

class CompileSession {
public:
  CompileSession();
  ~CompileSession();

  MLIRContext &getContext() { return *context; }

  /// Parses and verifies the input (text or bytecode), refusing input beyond
  /// InputLimits.h; a `.onnx` name is a model, imported (ImportONNX.h).
  /// Failures are reported as diagnostics. Parsing and compiling run on a
  /// thread with a large stack (LargeStack.h).
  LogicalResult loadFile(llvm::StringRef path);
  LogicalResult loadBuffer(llvm::StringRef text, llvm::StringRef name);

  /// Runs the phases up to `options.compileTo` on the loaded module.
  /// `observer`, when set, sees each pass record as it is made.
  LogicalResult compile(const CompileOptions &options,
                        PassCapture::Observer observer = nullptr);

  /// The module (after compile: as far as it got).
  ModuleOp getModule() { return module.get(); }
  const std::vector<Diagnostic> &getDiagnostics() const { return diagnostics; }
  const std::vector<PassRecord> &getPassRecords() const { return records; }
  const std::vector<Artifact> &getArtifacts() const { return artifacts; }
  /// The module file's bytes, when compiled with `buildModule`.
  const std::string &getModuleBytes() const { return moduleBytes; }
  /// Wall time per phase run, in order.
  const std::vector<std::pair<Phase, double>> &getPhaseTimes() const {
    return phaseTimes;
  }
  bool hasErrors() const;
  /// Whether the last compile stopped because `CompileOptions::cancel` was
  /// set.
  bool wasCancelled() const { return cancelled; }
  /// The executable object files the program links (extern dispatches'
  /// `objects`), as found on disk; known once the flow phase ran. With the
  /// source, what the output depends on (depfiles).
  const std::vector<std::string> &getObjectFiles() const { return objectFiles; }

private:
  LogicalResult parse(std::unique_ptr<llvm::SourceMgr> sourceMgr);
  LogicalResult importModel(llvm::StringRef bytes, llvm::StringRef name);
  /// parse and compile, on the large stack (LargeStack.h).
  LogicalResult parseOnLargeStack(std::unique_ptr<llvm::SourceMgr> sourceMgr);
  LogicalResult compileOnLargeStack(const CompileOptions &options,
                                    PassCapture::Observer observer);
  void report(mlir::Diagnostic &diag);

  /// The context's threads: they outlive it.
  std::unique_ptr<GroupLocalThreadPool> threadPool;
  std::unique_ptr<MLIRContext> context;
  std::shared_ptr<llvm::SourceMgr> sourceMgr;
  OwningOpRef<ModuleOp> module;
  std::vector<Diagnostic> diagnostics;
  std::vector<PassRecord> records;
  std::vector<Artifact> artifacts;
  std::string moduleBytes;
  bool cancelled = false;
  std::vector<std::string> objectFiles;
  std::vector<std::pair<Phase, double>> phaseTimes;
  /// The capture of the running compile, to attribute diagnostics.
  PassCapture *activeCapture = nullptr;
};

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_COMPILESESSION_H

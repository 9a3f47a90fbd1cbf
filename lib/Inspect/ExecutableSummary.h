//===- ExecutableSummary.h - The executables of a compiled module -*- C++
//-*-===//
//
// Executables, their variants and exports as the pipeline leaves them after
// linking, and the binaries serialization makes of them; read through
// CompileOptions::afterPhase by the explorer's executables view.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_INSPECT_EXECUTABLESUMMARY_H
#define TESSERA_INSPECT_EXECUTABLESUMMARY_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::tessera {

struct ExportSummary {
  std::string name;
  int64_t ordinal = 0;
  /// The pipeline layout, printed.
  std::string layout;
  unsigned pushConstants = 0;
  /// One entry per binding: "set 0 binding 1 storage_buffer".
  std::vector<std::string> bindings;
  /// The export op with its workgroup-count region, printed.
  std::string text;
};

struct VariantSummary {
  std::string name;
  std::string backend, format;
  /// The target attribute, printed.
  std::string target;
  /// The printed condition region; empty when the variant is unconditional.
  std::string condition;
  std::vector<ExportSummary> exports;
  /// After serialization: the binary's format and bytes.
  std::string binaryFormat, binary;
};

struct ExecutableSummary {
  std::string name;
  std::vector<VariantSummary> variants;
};

/// The executables of `module` with their variants and exports (call after
/// the hal, codegen or link phase).
std::vector<ExecutableSummary> summarizeExecutables(ModuleOp module);

/// Attaches the `hal.executable.binary` ops of `module` (after serialize) to
/// the variants of the same executable and name.
void addBinaries(ModuleOp module, std::vector<ExecutableSummary> &executables);

} // namespace mlir::tessera

#endif // TESSERA_INSPECT_EXECUTABLESUMMARY_H

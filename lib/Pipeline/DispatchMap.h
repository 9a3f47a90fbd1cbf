//===- DispatchMap.h - Which source ops became which dispatch --*- C++ -*-===//
//
// Read from the module as the pipeline goes: after the flow phase, each
// dispatch site and the source ops outlined into its executable; after
// codegen, the export each site calls and, where the workload is constant,
// the workgroup count. The server (inlay hints, tessera/dispatches) and the
// explorer show the same map.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_DISPATCHMAP_H
#define TESSERA_PIPELINE_DISPATCHMAP_H

#include "Pipeline/Options.h"

#include "mlir/IR/BuiltinOps.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tessera {

struct SourcePosition {
  std::string file;
  unsigned line = 0, column = 0;
  bool operator<(const SourcePosition &other) const {
    return std::tie(file, line, column) <
           std::tie(other.file, other.line, other.column);
  }
  bool operator==(const SourcePosition &other) const {
    return file == other.file && line == other.line && column == other.column;
  }
};

struct DispatchInfo {
  /// The flow executable the dispatch was outlined to (its name stays the
  /// dispatch's name through the pipeline: predict_dispatch_0).
  std::string name;
  /// Where the dispatch site is (the root op's location).
  SourcePosition site;
  /// The source ops outlined into it, in order.
  std::vector<SourcePosition> ops;
  /// `@executable::@variant::@export` after codegen (first target).
  std::string exportRef;
  /// The workgroup count for a constant workload, after codegen.
  std::optional<std::array<int64_t, 3>> workgroups;
};

/// Reads the module after `phase`: collects the dispatches after flow,
/// their exports after codegen and again after link (the final names).
/// Meant for CompileOptions::afterPhase.
void updateDispatchMap(Phase phase, ModuleOp module,
                       std::vector<DispatchInfo> &dispatches);

/// Fills `dispatches` from the module after the flow phase.
void collectDispatches(ModuleOp module, std::vector<DispatchInfo> &dispatches);
/// Adds exports and workgroup counts from the module after codegen.
void addExports(ModuleOp module, std::vector<DispatchInfo> &dispatches);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_DISPATCHMAP_H

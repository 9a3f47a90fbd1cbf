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
#include <map>
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
  /// The input program's ops outlined (or fused) into it, in source order,
  /// and their names (`linalg.matmul`) in the same order.
  std::vector<SourcePosition> ops;
  std::vector<std::string> opNames;
  /// Which of `ops` carry the computation (read a tensor), as opposed to
  /// the constants and empty tensors feeding them.
  std::vector<unsigned> computeOps;
  /// `@executable::@variant::@export` after codegen (first target).
  std::string exportRef;
  /// The workgroup count for a constant workload, after codegen.
  std::optional<std::array<int64_t, 3>> workgroups;
};

/// Reads the dispatch map as the pipeline goes (meant for
/// CompileOptions::afterPhase): the source ops after the input phase, the
/// dispatches after flow, their exports after codegen and again after link
/// (the final names).
class DispatchMap {
public:
  void update(Phase phase, ModuleOp module);

  const std::vector<DispatchInfo> &getDispatches() const { return dispatches; }
  std::vector<DispatchInfo> takeDispatches() { return std::move(dispatches); }

private:
  /// An op of the input program as the user wrote it: a direct child of a
  /// function body. Fusion keeps only the consumer's location on a fused
  /// op, but the producers' body ops keep theirs, so every position inside
  /// a dispatch leads back to the source op it came from.
  struct SourceOp {
    SourcePosition position;
    std::string name;
    /// Reads a tensor (the computation) rather than making one from
    /// nothing (constants, empty tensors).
    bool compute = false;
  };
  void indexSourceOps(ModuleOp module);
  void collectDispatches(ModuleOp module);
  void addExports(ModuleOp module);

  /// Every position of an input op (or an op in its body) -> its source op.
  std::map<SourcePosition, SourceOp> sourceOps;
  std::vector<DispatchInfo> dispatches;
};

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_DISPATCHMAP_H

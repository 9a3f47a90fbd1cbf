//===- DispatchGraph.h - The program as a graph of dispatches --*- C++ -*-===//
//
// Read from the module after the flow phase: every host function becomes
// its inputs, its dispatches and its results, joined by the tensors that
// flow between them (with their types and sizes). Host ops that only
// reshape or view a tensor are looked through, so an edge always joins the
// dispatch that produced the data to the one that reads it; constants are
// counted on the dispatch that reads them instead of drawn as nodes. The
// explorer draws it, the CLI writes it as Graphviz DOT.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_DISPATCHGRAPH_H
#define TESSERA_PIPELINE_DISPATCHGRAPH_H

#include "Pipeline/DispatchMap.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace mlir::tessera {

struct DispatchGraph {
  struct Node {
    enum class Kind { Input, Dispatch, Output };
    Kind kind = Kind::Dispatch;
    /// The host function the node belongs to.
    std::string function;
    /// Inputs and outputs: their position in the function's signature.
    unsigned position = 0;
    /// Dispatch nodes: the index into the dispatch map (DispatchInfo).
    int dispatch = -1;
    /// Constants the dispatch reads (weights, splats) and their size.
    unsigned constants = 0;
    int64_t constantBytes = 0;
  };
  struct Edge {
    unsigned from = 0, to = 0;
    /// The tensor's type as the consumer sees it.
    std::string type;
    /// Its size in bytes; none for dynamically shaped tensors.
    std::optional<int64_t> bytes;
    /// The host ops looked through between producer and consumer.
    std::vector<std::string> via;
  };
  std::vector<Node> nodes;
  std::vector<Edge> edges;

  /// The node of dispatch `dispatch`, or -1.
  int nodeOfDispatch(int dispatch) const;
};

/// Builds the graph of the module after the flow phase. Dispatch nodes
/// number the dispatches in the order collectDispatches does, so
/// Node::dispatch indexes the same DispatchInfo list.
DispatchGraph buildDispatchGraph(ModuleOp module);

/// "512 B", "3.0 KiB", "12.3 MiB".
std::string formatByteSize(int64_t bytes);

/// Writes the graph as Graphviz DOT: dispatch nodes list their source ops
/// (from `dispatches`), edges carry the tensor type and size.
void printDispatchGraphDot(const DispatchGraph &graph,
                           const std::vector<DispatchInfo> &dispatches,
                           llvm::raw_ostream &os);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_DISPATCHGRAPH_H

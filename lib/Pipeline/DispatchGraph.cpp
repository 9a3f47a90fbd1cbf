//===- DispatchGraph.cpp - The program as a graph of dispatches -----------===//

#include "Pipeline/DispatchGraph.h"

#include "Dialect/Flow/IR/FlowOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tessera {

namespace {

std::optional<int64_t> byteSizeOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape() ||
      !shaped.getElementType().isIntOrIndexOrFloat())
    return std::nullopt;
  unsigned bits = shaped.getElementType().isIndex()
                      ? 64
                      : shaped.getElementType().getIntOrFloatBitWidth();
  return (shaped.getNumElements() * int64_t(bits) + 7) / 8;
}

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// Where the data of a host value comes from: graph nodes, or constants.
struct Origin {
  std::vector<std::pair<unsigned, std::vector<std::string>>> nodes;
  unsigned constants = 0;
  int64_t constantBytes = 0;
};

class GraphBuilder {
public:
  explicit GraphBuilder(DispatchGraph &graph) : graph(graph) {}

  void addFunction(FunctionOpInterface function) {
    if (function.isExternal())
      return;
    std::string name = function.getName().str();
    producers.clear();
    for (BlockArgument argument : function.getArguments()) {
      if (!isa<ShapedType>(argument.getType()))
        continue;
      producers[argument] = addNode(DispatchGraph::Node::Kind::Input, name,
                                    argument.getArgNumber());
    }
    function->walk([&](Operation *op) {
      if (auto dispatch = dyn_cast<flow::DispatchOp>(op)) {
        if (dispatch.getEntryPointRefs().empty())
          return;
        unsigned node = addNode(DispatchGraph::Node::Kind::Dispatch, name, 0);
        graph.nodes[node].dispatch = nextDispatch++;
        connectOperands(dispatch.getArguments(), node);
        for (Value result : dispatch.getResults())
          producers[result] = node;
      } else if (op->hasTrait<OpTrait::ReturnLike>() &&
                 op->getParentOp() == function.getOperation()) {
        for (auto [position, value] : llvm::enumerate(op->getOperands())) {
          if (!isa<ShapedType>(value.getType()))
            continue;
          unsigned node =
              addNode(DispatchGraph::Node::Kind::Output, name, position);
          connectOperands(ValueRange(value), node);
        }
      }
    });
  }

private:
  unsigned addNode(DispatchGraph::Node::Kind kind, const std::string &function,
                   unsigned position) {
    DispatchGraph::Node node;
    node.kind = kind;
    node.function = function;
    node.position = position;
    graph.nodes.push_back(std::move(node));
    return graph.nodes.size() - 1;
  }

  void connectOperands(ValueRange operands, unsigned node) {
    for (Value operand : operands) {
      if (!isa<ShapedType>(operand.getType()))
        continue;
      const Origin &origin = originOf(operand);
      graph.nodes[node].constants += origin.constants;
      graph.nodes[node].constantBytes += origin.constantBytes;
      for (const auto &[from, via] : origin.nodes) {
        DispatchGraph::Edge edge;
        edge.from = from;
        edge.to = node;
        edge.type = typeString(operand.getType());
        edge.bytes = byteSizeOf(operand.getType());
        edge.via = via;
        graph.edges.push_back(std::move(edge));
      }
    }
  }

  /// Looks through host ops that are not dispatches (reshapes, views) to
  /// the nodes and constants they are made of.
  const Origin &originOf(Value value) {
    auto cached = origins.find(value);
    if (cached != origins.end())
      return cached->second;
    Origin origin;
    auto produced = producers.find(value);
    if (produced != producers.end()) {
      origin.nodes.push_back({produced->second, {}});
    } else if (Operation *op = value.getDefiningOp()) {
      bool viewsOthers = false;
      for (Value operand : op->getOperands()) {
        if (!isa<ShapedType>(operand.getType()))
          continue;
        viewsOthers = true;
        Origin inner = originOf(operand);
        for (auto &[from, via] : inner.nodes) {
          via.insert(via.begin(), op->getName().getStringRef().str());
          origin.nodes.push_back({from, std::move(via)});
        }
        origin.constants += inner.constants;
        origin.constantBytes += inner.constantBytes;
      }
      // Constants, splats and empty tensors are made on the host.
      if (!viewsOthers) {
        origin.constants = 1;
        origin.constantBytes = byteSizeOf(value.getType()).value_or(0);
      }
    }
    return origins.try_emplace(value, std::move(origin)).first->second;
  }

  DispatchGraph &graph;
  int nextDispatch = 0;
  DenseMap<Value, unsigned> producers;
  DenseMap<Value, Origin> origins;
};

std::string dotEscape(llvm::StringRef text) {
  std::string result;
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '<' || c == '>' ||
        c == '|')
      result += '\\';
    result += c;
  }
  return result;
}

} // namespace

int DispatchGraph::nodeOfDispatch(int dispatch) const {
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (nodes[i].dispatch == dispatch)
      return i;
  return -1;
}

DispatchGraph buildDispatchGraph(ModuleOp module) {
  DispatchGraph graph;
  GraphBuilder builder(graph);
  for (auto function : module.getOps<FunctionOpInterface>())
    builder.addFunction(function);
  return graph;
}

std::string formatByteSize(int64_t bytes) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (bytes < 1024)
    os << bytes << " B";
  else if (bytes < 1024 * 1024)
    os << llvm::format("%.1f KiB", bytes / 1024.0);
  else if (bytes < int64_t(1) << 30)
    os << llvm::format("%.1f MiB", bytes / (1024.0 * 1024.0));
  else
    os << llvm::format("%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return text;
}

void printDispatchGraphDot(const DispatchGraph &graph,
                           const std::vector<DispatchInfo> &dispatches,
                           llvm::raw_ostream &os) {
  os << "digraph dispatches {\n"
     << "  rankdir=TB;\n"
     << "  node [shape=record, fontname=\"monospace\", fontsize=10];\n"
     << "  edge [fontname=\"monospace\", fontsize=9];\n";
  for (auto [index, node] : llvm::enumerate(graph.nodes)) {
    os << "  n" << index << " [";
    switch (node.kind) {
    case DispatchGraph::Node::Kind::Input:
      os << "shape=oval, label=\"@" << dotEscape(node.function) << " input "
         << node.position << "\"";
      break;
    case DispatchGraph::Node::Kind::Output:
      os << "shape=oval, label=\"@" << dotEscape(node.function) << " result "
         << node.position << "\"";
      break;
    case DispatchGraph::Node::Kind::Dispatch: {
      os << "label=\"{";
      if (node.dispatch >= 0 && node.dispatch < int(dispatches.size())) {
        const DispatchInfo &info = dispatches[node.dispatch];
        os << dotEscape(info.name);
        for (unsigned i : info.computeOps) {
          const SourcePosition &op = info.ops[i];
          os << "|" << dotEscape(info.opNames[i]) << " "
             << dotEscape(llvm::sys::path::filename(op.file)) << ":" << op.line
             << "\\l";
        }
        if (info.workgroups)
          os << "|workgroups " << (*info.workgroups)[0] << "x"
             << (*info.workgroups)[1] << "x" << (*info.workgroups)[2];
      } else {
        os << "dispatch " << node.dispatch;
      }
      if (node.constants)
        os << "|" << node.constants << " constant"
           << (node.constants == 1 ? "" : "s") << ", "
           << formatByteSize(node.constantBytes);
      os << "}\"";
      break;
    }
    }
    os << "];\n";
  }
  for (const DispatchGraph::Edge &edge : graph.edges) {
    os << "  n" << edge.from << " -> n" << edge.to << " [label=\""
       << dotEscape(edge.type);
    if (edge.bytes)
      os << "\\n" << formatByteSize(*edge.bytes);
    for (const std::string &via : edge.via)
      os << "\\nvia " << dotEscape(via);
    os << "\"];\n";
  }
  os << "}\n";
}

} // namespace mlir::tessera

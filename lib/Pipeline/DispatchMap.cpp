//===- DispatchMap.cpp - Which source ops became which dispatch -----------===//

#include "Pipeline/DispatchMap.h"

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <set>

namespace mlir::tessera {

namespace {

std::optional<SourcePosition> positionOf(Location loc) {
  std::optional<SourcePosition> result;
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      result = SourcePosition{file.getFilename().str(), file.getLine(),
                              file.getColumn()};
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result;
}

/// Evaluates a count region whose body is index arithmetic on constants.
std::optional<std::array<int64_t, 3>>
evaluateCount(hal::ExecutableExportOp exportOp, ArrayRef<int64_t> workload) {
  Region &region = exportOp.getWorkgroupCount();
  if (region.empty())
    return std::nullopt;
  Block &block = region.front();
  if (block.getNumArguments() != workload.size() + 1)
    return std::nullopt;
  DenseMap<Value, int64_t> values;
  for (auto [argument, value] :
       llvm::zip(block.getArguments().drop_front(), workload))
    values[argument] = value;
  for (Operation &op : block) {
    auto get = [&](Value v) -> std::optional<int64_t> {
      auto it = values.find(v);
      if (it == values.end())
        return std::nullopt;
      return it->second;
    };
    if (auto constant = dyn_cast<arith::ConstantIndexOp>(op)) {
      values[constant] = constant.value();
    } else if (op.getNumOperands() == 2 && op.getNumResults() == 1) {
      auto a = get(op.getOperand(0)), b = get(op.getOperand(1));
      if (!a || !b)
        return std::nullopt;
      if (isa<arith::CeilDivUIOp, arith::CeilDivSIOp>(op) && *b != 0)
        values[op.getResult(0)] = (*a + *b - 1) / *b;
      else if (isa<arith::DivUIOp, arith::DivSIOp>(op) && *b != 0)
        values[op.getResult(0)] = *a / *b;
      else if (isa<arith::MulIOp>(op))
        values[op.getResult(0)] = *a * *b;
      else if (isa<arith::AddIOp>(op))
        values[op.getResult(0)] = *a + *b;
      else if (isa<arith::SubIOp>(op))
        values[op.getResult(0)] = *a - *b;
      else if (isa<arith::MaxUIOp, arith::MaxSIOp>(op))
        values[op.getResult(0)] = std::max(*a, *b);
      else if (isa<arith::MinUIOp, arith::MinSIOp>(op))
        values[op.getResult(0)] = std::min(*a, *b);
      else
        return std::nullopt;
    } else if (op.hasTrait<OpTrait::IsTerminator>()) {
      if (op.getNumOperands() != 3)
        return std::nullopt;
      std::array<int64_t, 3> count;
      for (unsigned i = 0; i < 3; ++i) {
        auto v = get(op.getOperand(i));
        if (!v)
          return std::nullopt;
        count[i] = *v;
      }
      return count;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

} // namespace

void collectDispatches(ModuleOp module, std::vector<DispatchInfo> &dispatches) {
  dispatches.clear();
  SymbolTable symbols(module);
  module.walk([&](flow::DispatchOp dispatch) {
    SmallVector<SymbolRefAttr> refs = dispatch.getEntryPointRefs();
    if (refs.empty())
      return;
    DispatchInfo info;
    info.name = refs.front().getRootReference().str();
    if (auto site = positionOf(dispatch.getLoc()))
      info.site = *site;
    if (Operation *executable = symbols.lookup(info.name)) {
      std::set<SourcePosition> seen;
      executable->walk([&](Operation *op) {
        // The ops of the computation, not the outlining scaffolding.
        if (isa<FunctionOpInterface, ModuleOp, flow::ExecutableOp>(op) ||
            op->hasTrait<OpTrait::IsTerminator>() ||
            op->getName().getStringRef() == "flow.executable.export")
          return;
        if (auto position = positionOf(op->getLoc()))
          if (seen.insert(*position).second)
            info.ops.push_back(*position);
      });
      llvm::sort(info.ops);
    }
    dispatches.push_back(std::move(info));
  });
}

void updateDispatchMap(Phase phase, ModuleOp module,
                       std::vector<DispatchInfo> &dispatches) {
  if (phase == Phase::Flow)
    collectDispatches(module, dispatches);
  else if (phase == Phase::Codegen || phase == Phase::Link)
    addExports(module, dispatches);
}

void addExports(ModuleOp module, std::vector<DispatchInfo> &dispatches) {
  SymbolTableCollection symbols;
  unsigned index = 0;
  module.walk([&](flow::DispatchOp dispatch) {
    if (index >= dispatches.size())
      return;
    DispatchInfo &info = dispatches[index++];
    SmallVector<SymbolRefAttr> refs = dispatch.getEntryPointRefs();
    if (refs.empty())
      return;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << refs.front();
    info.exportRef = text;
    auto exportOp = dyn_cast_or_null<hal::ExecutableExportOp>(
        symbols.lookupNearestSymbolFrom(dispatch, refs.front()));
    if (!exportOp)
      return;
    SmallVector<int64_t> workload;
    for (Value value : dispatch.getWorkload()) {
      APInt constant;
      if (!matchPattern(value, m_ConstantInt(&constant)))
        return;
      workload.push_back(constant.getSExtValue());
    }
    info.workgroups = evaluateCount(exportOp, workload);
  });
}

} // namespace mlir::tessera

//===- DispatchMap.cpp - Which source ops became which dispatch -----------===//

#include "Pipeline/DispatchMap.h"

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <map>

namespace mlir::tessera {

namespace {

std::optional<SourcePosition> toPosition(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return SourcePosition{file.getFilename().str(), file.getLine(),
                          file.getColumn()};
  return std::nullopt;
}

std::optional<SourcePosition> positionOf(Location loc) {
  std::optional<SourcePosition> result;
  loc->walk([&](Location inner) {
    result = toPosition(inner);
    return result ? WalkResult::interrupt() : WalkResult::advance();
  });
  return result;
}

/// Every file position in `loc` (a fused location has several).
void forEachPosition(Location loc,
                     llvm::function_ref<void(const SourcePosition &)> fn) {
  loc->walk([&](Location inner) {
    if (auto position = toPosition(inner))
      fn(*position);
    return WalkResult::advance();
  });
}

bool readsTensor(Operation *op) {
  return llvm::any_of(op->getOperandTypes(),
                      [](Type type) { return isa<ShapedType>(type); });
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

void DispatchMap::update(Phase phase, ModuleOp module) {
  if (phase == Phase::Input)
    indexSourceOps(module);
  else if (phase == Phase::Flow)
    collectDispatches(module);
  else if (phase == Phase::Codegen || phase == Phase::Link)
    addExports(module);
}

void DispatchMap::indexSourceOps(ModuleOp module) {
  sourceOps.clear();
  module.walk([&](FunctionOpInterface function) {
    if (function.isExternal())
      return;
    for (Operation &op : function.getFunctionBody().getOps()) {
      if (op.hasTrait<OpTrait::IsTerminator>())
        continue;
      std::optional<SourcePosition> position = positionOf(op.getLoc());
      if (!position)
        continue;
      SourceOp source{*position, op.getName().getStringRef().str(),
                      readsTensor(&op)};
      op.walk([&](Operation *inner) {
        forEachPosition(inner->getLoc(), [&](const SourcePosition &at) {
          sourceOps.emplace(at, source);
        });
      });
    }
  });
}

void DispatchMap::collectDispatches(ModuleOp module) {
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
      // Each op leads to the source op it came from by its location's
      // first position: a fused op names the op it replaced first, then
      // ops merged into it by folding and deduplication, which may lie
      // anywhere in the program. Fused producers are found by the ops of
      // their bodies, which keep their own locations. Positions that are
      // not of an input op are left out; without an index of the input,
      // ops stand for themselves.
      std::map<SourcePosition, SourceOp> found;
      executable->walk([&](Operation *op) {
        // The ops of the computation, not the outlining scaffolding.
        if (isa<FunctionOpInterface, ModuleOp, flow::ExecutableOp>(op) ||
            op->hasTrait<OpTrait::IsTerminator>() ||
            op->getName().getStringRef() == "flow.executable.export")
          return;
        std::optional<SourcePosition> at = positionOf(op->getLoc());
        if (!at)
          return;
        auto source = sourceOps.find(*at);
        if (source != sourceOps.end())
          found.emplace(source->second.position, source->second);
        else if (sourceOps.empty())
          found.emplace(*at,
                        SourceOp{*at, op->getName().getStringRef().str(),
                                 isa<FunctionOpInterface>(op->getParentOp()) &&
                                     readsTensor(op)});
      });
      for (auto &[position, source] : found) {
        if (source.compute)
          info.computeOps.push_back(info.ops.size());
        info.ops.push_back(position);
        info.opNames.push_back(std::move(source.name));
      }
    }
    dispatches.push_back(std::move(info));
  });
}

void DispatchMap::addExports(ModuleOp module) {
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

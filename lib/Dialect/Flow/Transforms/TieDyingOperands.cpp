//===- TieDyingOperands.cpp - Results written over operands that die ------===//
//
// A dispatch ending in an elementwise op that reads an operand at the very
// element it writes (a residual add after a convolution) can write its
// result over that operand once nothing else reads the operand: the result
// is tied to it, and the host then reuses the operand's buffer instead of
// allocating a new one: one activation-sized block fewer alive (25 MB per
// residual add of a ResNet-50 block at batch 8), and the lines written are
// those the add has just read rather than a block's that may be cold.
// Measured on its own it was even (its time went to the prefetches of the
// residual, VectorizeContractions), so it is a saving of memory first.
//
// The executable's own code reads each element of the tied operand just
// before it writes the same element (the elementwise op is the only reader
// of the operand and the only writer of the result), so sharing the binding
// changes no value.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_TIEDYINGOPERANDSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Whether `value`, a result of an earlier dispatch in `dispatch`'s block,
/// is read by nothing after `dispatch` (and only by dispatches before it):
/// its buffer is then free once `dispatch` has read it.
bool diesAt(Value value, flow::DispatchOp dispatch) {
  auto producer = value.getDefiningOp<flow::DispatchOp>();
  if (!producer || producer->getBlock() != dispatch->getBlock())
    return false;
  unsigned usesByDispatch = 0;
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (user == dispatch.getOperation()) {
      ++usesByDispatch;
      continue;
    }
    if (!isa<flow::DispatchOp>(user) ||
        user->getBlock() != dispatch->getBlock() ||
        !user->isBeforeInBlock(dispatch))
      return false;
  }
  return usesByDispatch == 1;
}

/// The argument of `func` that the elementwise op producing its result
/// `index` reads at the element it writes, and that nothing else reads;
/// -1 when there is none.
int64_t inPlaceArgument(func::FuncOp func, unsigned index) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  auto generic = ret.getOperand(index).getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInits() != 1 ||
      !generic->getResult(0).hasOneUse() ||
      generic.getNumLoops() != generic.getNumParallelLoops() ||
      !generic.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>())
    return -1;
  AffineMap outputMap =
      generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
  if (!outputMap.isPermutation())
    return -1;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    auto argument = dyn_cast<BlockArgument>(input->get());
    if (!argument || argument.getOwner() != &func.getBody().front() ||
        !argument.hasOneUse() ||
        generic.getMatchingIndexingMap(input) != outputMap ||
        argument.getType() != generic->getResult(0).getType())
      continue;
    return argument.getArgNumber();
  }
  return -1;
}

/// The ties of `dispatch` (its own and the new ones) when `func`, its
/// executable's function, may write result r over operand ties[r].
SmallVector<int64_t> proposeTies(flow::DispatchOp dispatch, func::FuncOp func) {
  SmallVector<int64_t> ties(dispatch.getNumResults(), -1);
  if (auto existing = dispatch.getTiedOperandsAttr())
    ties.assign(existing.asArrayRef().begin(), existing.asArrayRef().end());
  for (unsigned r = 0; r < dispatch.getNumResults(); ++r) {
    if (ties[r] >= 0)
      continue;
    int64_t argument = inPlaceArgument(func, r);
    if (argument < 0 || llvm::is_contained(ties, argument))
      continue;
    Value operand = dispatch.getArguments()[argument];
    if (operand.getType() != dispatch.getResult(r).getType() ||
        !llvm::equal(dispatch.getArgumentDynamicDims(argument),
                     dispatch.getResultDynamicDims(r)) ||
        !diesAt(operand, dispatch))
      continue;
    ties[r] = argument;
  }
  return ties;
}

struct TieDyingOperandsPass
    : public flow::impl::TieDyingOperandsPassBase<TieDyingOperandsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The calls of each executable (a batch run image by image calls one
    // export once per image).
    llvm::MapVector<StringAttr, SmallVector<flow::DispatchOp>> calls;
    llvm::DenseSet<StringAttr> unsupported;
    module.walk([&](flow::DispatchOp dispatch) {
      SmallVector<SymbolRefAttr> refs = dispatch.getEntryPointRefs();
      for (SymbolRefAttr ref : refs) {
        calls[ref.getRootReference()].push_back(dispatch);
        if (refs.size() != 1 || ref.getNestedReferences().size() != 1)
          unsupported.insert(ref.getRootReference());
      }
    });
    SymbolTable table(module);
    for (auto &[name, dispatches] : calls) {
      if (unsupported.contains(name))
        continue;
      auto executable = table.lookup<flow::ExecutableOp>(name);
      SymbolRefAttr ref = dispatches.front().getEntryPointRefs()[0];
      if (!executable || llvm::any_of(dispatches, [&](flow::DispatchOp d) {
            return d.getEntryPointRefs()[0] != ref ||
                   d.getTiedOperandsAttr() !=
                       dispatches.front().getTiedOperandsAttr();
          }))
        continue;
      auto func = executable.getInnerModule().lookupSymbol<func::FuncOp>(
          ref.getLeafReference());
      if (!func || func.isExternal() || !func.getBody().hasOneBlock())
        continue;
      // The executable's interface is one for all its calls: a result is
      // tied where its operand dies at every call.
      SmallVector<int64_t> ties = proposeTies(dispatches.front(), func);
      for (flow::DispatchOp dispatch : ArrayRef(dispatches).drop_front()) {
        SmallVector<int64_t> other = proposeTies(dispatch, func);
        for (auto [tie, otherTie] : llvm::zip(ties, other))
          if (tie != otherTie)
            tie = -1;
      }
      if (auto existing = dispatches.front().getTiedOperandsAttr())
        for (auto [tie, old] : llvm::zip(ties, existing.asArrayRef()))
          if (old >= 0)
            tie = old;
      if (llvm::all_of(ties, [](int64_t tie) { return tie < 0; }))
        continue;
      for (flow::DispatchOp dispatch : dispatches)
        dispatch.setTiedOperandsAttr(
            DenseI64ArrayAttr::get(&getContext(), ties));
    }
  }
};

} // namespace

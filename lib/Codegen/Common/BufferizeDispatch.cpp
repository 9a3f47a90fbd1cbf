//===- BufferizeDispatch.cpp - Bufferize dispatch functions onto stacks ---===//

#include "Codegen/Common/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::tessera::codegen {
#define GEN_PASS_DEF_BUFFERIZEDISPATCHPASS
#include "Codegen/Common/Passes.h.inc"
} // namespace mlir::tessera::codegen

using namespace mlir;

namespace {

/// The buffer `value` is a view of: through subviews and casts to the
/// binding (or allocation) underneath.
Value rootBuffer(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def)) {
      value = view.getViewSource();
      continue;
    }
    break;
  }
  return value;
}

/// Whether `op` may write any view of `buffer`: its declared writes, or
/// anything at all when it declares none and has regions (unknown).
bool mayWrite(Operation *op, Value buffer) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return op->getNumRegions() != 0 || !isMemoryEffectFree(op);
  SmallVector<MemoryEffects::EffectInstance> instances;
  effects.getEffects(instances);
  for (const MemoryEffects::EffectInstance &effect : instances) {
    if (!isa<MemoryEffects::Write>(effect.getEffect()))
      continue;
    Value written = effect.getValue();
    if (!written || rootBuffer(written) == buffer)
      return true;
  }
  return false;
}

/// A result tied to an operand (TieDyingOperands: a residual added over
/// the residual) is written into the operand's binding. One-Shot
/// Bufferize cannot see that the elementwise op reads each element of
/// the operand's tile just before writing the same element, so it copies
/// the tile to the stack first: 28 KiB per workgroup of a 16-channel
/// convolution at 112x112, batch 8, read and written once more, and the
/// residual read up front instead of alongside the tile's FMAs. Where
/// the copy's only reader is an all-parallel generic that writes that
/// very tile (an equivalent subview of the same binding) and reads the
/// copy with its output's map, and nothing in between writes the binding,
/// the generic reads the binding instead.
void readTiedTilesInPlace(ModuleOp module) {
  SmallVector<linalg::CopyOp> copies;
  module.walk([&](linalg::CopyOp copy) { copies.push_back(copy); });
  for (linalg::CopyOp copy : copies) {
    auto stack = copy.getOutputs()[0].getDefiningOp<memref::AllocaOp>();
    auto source = copy.getInputs()[0].getDefiningOp<memref::SubViewOp>();
    if (!stack || !source)
      continue;
    linalg::GenericOp reader;
    bool otherUsers = false;
    for (Operation *user : stack->getUsers()) {
      if (user == copy.getOperation())
        continue;
      auto generic = dyn_cast<linalg::GenericOp>(user);
      if (!generic || reader)
        otherUsers = true;
      reader = generic;
    }
    if (otherUsers || !reader || reader->getBlock() != copy->getBlock() ||
        !copy->isBeforeInBlock(reader) || reader.getNumDpsInits() != 1 ||
        reader.getNumParallelLoops() != reader.getNumLoops())
      continue;
    OpOperand *output = reader.getDpsInitOperand(0);
    auto target = output->get().getDefiningOp<memref::SubViewOp>();
    if (!target ||
        !OperationEquivalence::isEquivalentTo(
            source, target, OperationEquivalence::Flags::IgnoreLocations))
      continue;
    OpOperand *tile = nullptr;
    bool readTwice = false;
    Value binding = rootBuffer(source);
    bool aliasedInput = false;
    for (OpOperand *input : reader.getDpsInputOperands()) {
      if (input->get() == stack.getResult()) {
        readTwice |= tile != nullptr;
        tile = input;
      } else if (isa<MemRefType>(input->get().getType()) &&
                 rootBuffer(input->get()) == binding) {
        aliasedInput = true;
      }
    }
    if (!tile || readTwice || aliasedInput ||
        reader.getMatchingIndexingMap(tile) !=
            reader.getMatchingIndexingMap(output))
      continue;
    bool written = false;
    for (Operation *op = copy->getNextNode(); op != reader.getOperation();
         op = op->getNextNode())
      written |= mayWrite(op, binding);
    if (written)
      continue;
    tile->set(source.getResult());
    copy.erase();
    if (stack->use_empty())
      stack.erase();
  }
}

struct BufferizeDispatchPass
    : public tessera::codegen::impl::BufferizeDispatchPassBase<
          BufferizeDispatchPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    if (failed(bufferization::eliminateEmptyTensors(rewriter, module)))
      return signalPassFailure();

    bufferization::OneShotBufferizationOptions options;
    options.bufferizeFunctionBoundaries = false;
    options.allowReturnAllocsFromLoops = true;
    options.setFunctionBoundaryTypeConversion(
        bufferization::LayoutMapOption::IdentityLayoutMap);
    // No C library in an executable: temporaries live on the stack and
    // copies are plain loops.
    options.allocationFn = [](OpBuilder &b, Location loc, MemRefType type,
                              ValueRange dynamicSizes,
                              unsigned alignment) -> FailureOr<Value> {
      IntegerAttr align =
          alignment ? b.getI64IntegerAttr(alignment) : IntegerAttr();
      return memref::AllocaOp::create(b, loc, type, dynamicSizes, align)
          .getResult();
    };
    options.memCpyFn = [](OpBuilder &b, Location loc, Value from,
                          Value to) -> LogicalResult {
      linalg::CopyOp::create(b, loc, from, to);
      return success();
    };
    bufferization::BufferizationState state;
    if (failed(bufferization::runOneShotBufferize(module, options, state)))
      return signalPassFailure();

    // A result already computed in its binding is stored onto itself; every
    // workgroup would copy the whole binding (and race with the others).
    module.walk([&](linalg::CopyOp copy) {
      if (copy.getInputs().front() == copy.getOutputs().front())
        copy.erase();
    });

    // A tile computed in its binding is then "copied" onto itself: the same
    // subview of the same buffer on both sides. Nothing to copy.
    module.walk([&](linalg::CopyOp copy) {
      auto source = copy.getInputs()[0].getDefiningOp<memref::SubViewOp>();
      auto target = copy.getOutputs()[0].getDefiningOp<memref::SubViewOp>();
      if (source && target &&
          OperationEquivalence::isEquivalentTo(
              source, target, OperationEquivalence::Flags::IgnoreLocations))
        copy.erase();
    });

    readTiedTilesInPlace(module);

    // A stack allocation inside a loop would grow the stack per iteration.
    WalkResult result = module.walk([&](memref::AllocaOp alloca) {
      if (!alloca->getParentOfType<LoopLikeOpInterface>())
        return WalkResult::advance();
      alloca.emitOpError()
          << "needs a temporary buffer inside a loop, which the CPU backend "
             "cannot place on the stack";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

//===- BufferizeDispatch.cpp - Bufferize dispatch functions onto stacks ---===//

#include "Codegen/Common/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::tessera::codegen {
#define GEN_PASS_DEF_BUFFERIZEDISPATCHPASS
#include "Codegen/Common/Passes.h.inc"
} // namespace mlir::tessera::codegen

using namespace mlir;

namespace {

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

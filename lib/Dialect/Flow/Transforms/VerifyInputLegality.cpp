//===- VerifyInputLegality.cpp - Reject unsupported input ops -------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_VERIFYINPUTLEGALITYPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

/// Memrefs are buffers: linalg on them is legal MLIR, but Tessera compiles
/// linalg on tensors (it forms dispatches from tensor dataflow).
bool isBufferType(Type type) { return isa<BaseMemRefType>(type); }

bool isInDialect(Operation *op, ArrayRef<StringRef> dialects) {
  StringRef ns = op->getName().getDialectNamespace();
  return llvm::is_contained(dialects, ns);
}

struct VerifyInputLegalityPass
    : public tessera::flow::impl::VerifyInputLegalityPassBase<
          VerifyInputLegalityPass> {
  /// Why `resource`'s blob cannot hold its type's elements; empty if it can.
  static std::string checkResource(DenseResourceElementsAttr resource) {
    std::string problem;
    llvm::raw_string_ostream os(problem);
    StringRef key = resource.getRawHandle().getKey();
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      os << "constant resource '" << key << "' has no data";
      return problem;
    }
    Type element = resource.getType().getElementType();
    if (!element.isIntOrIndexOrFloat())
      return problem;
    uint64_t width =
        element.isIndex() ? 8 : (element.getIntOrFloatBitWidth() + 7) / 8;
    uint64_t needed = width * resource.getType().getNumElements();
    if (blob->getData().size() != needed)
      os << "constant resource '" << key << "' holds " << blob->getData().size()
         << " bytes; its type " << resource.getType() << " needs " << needed;
    return problem;
  }

  void runOnOperation() override {
    bool failed = false;
    auto reject = [&](Operation *op, StringRef where) {
      op->emitError() << "'" << op->getName()
                      << "' is not supported by tessera " << where
                      << " (accepted: func, arith, math, tensor, linalg and "
                         "tosa ops, cf.assert, hal.dispatch.extern)";
      failed = true;
    };
    for (Operation &top : getOperation().getBody()->getOperations()) {
      if (!isa<func::FuncOp>(top)) {
        reject(&top, "at module level");
        continue;
      }
      auto func = cast<func::FuncOp>(top);
      for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
        if (isBufferType(type)) {
          Location loc = func.isExternal() ? func.getLoc()
                                           : func.getArgument(index).getLoc();
          emitError(loc) << "argument #" << index << " of @" << func.getName()
                         << " is a memref (" << type
                         << "); tessera compiles functions on tensors: pass a "
                            "tensor instead";
          failed = true;
        }
      for (auto [index, type] : llvm::enumerate(func.getResultTypes()))
        if (isBufferType(type)) {
          func.emitError() << "result #" << index << " of @" << func.getName()
                           << " is a memref (" << type
                           << "); tessera compiles functions on tensors: "
                              "return a tensor instead";
          failed = true;
        }
      top.walk<WalkOrder::PreOrder>([&](Operation *op) -> WalkResult {
        if (op == &top)
          return WalkResult::advance();
        // Ops on buffers (linalg on memrefs, memref values anywhere); a
        // return of one is reported at the function.
        if (!isa<func::ReturnOp>(op) &&
            isInDialect(op, {"func", "arith", "math", "tensor", "linalg"}) &&
            (llvm::any_of(op->getOperandTypes(), isBufferType) ||
             llvm::any_of(op->getResultTypes(), isBufferType))) {
          op->emitError() << "'" << op->getName()
                          << "' operates on memrefs; tessera compiles linalg "
                             "on tensors: use tensor operands (linalg ops "
                             "return their results as tensors)";
          failed = true;
          return WalkResult::skip();
        }
        // A static dim of size 0: nothing to compute, and tiling such a
        // loop divides by its extent.
        for (Type type :
             llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
          if (auto tensor = dyn_cast<RankedTensorType>(type))
            if (llvm::is_contained(tensor.getShape(), 0)) {
              op->emitError() << "'" << op->getName() << "' on " << tensor
                              << ": tensors with a zero-sized dim are not "
                                 "supported";
              failed = true;
              return WalkResult::skip();
            }
        // Weights as resource blobs: the parser takes a blob of any length,
        // and a short one would be read past (by the constant's dispatches,
        // or by a pass folding it). Checked here, at the constant.
        for (NamedAttribute attr : op->getAttrs())
          if (auto resource =
                  dyn_cast<DenseResourceElementsAttr>(attr.getValue()))
            if (std::string problem = checkResource(resource);
                !problem.empty()) {
              op->emitError() << problem;
              failed = true;
              return WalkResult::skip();
            }
        // Linalg payloads: scalar arith/math, and reads of a tensor at a
        // computed index (gathers; tessera-flow-bound-gather-indices clamps
        // them).
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
          for (Operation &inner : linalgOp.getBlock()->getOperations())
            if (!isInDialect(&inner, {"arith", "math"}) &&
                !isa<linalg::YieldOp, linalg::IndexOp, tensor::ExtractOp>(
                    inner))
              reject(&inner, "inside a linalg region");
          return WalkResult::skip();
        }
        // Hand-written kernels: their regions run on the host at load
        // (conditions, counts), and the op's own verifier checks them.
        if (isa<tessera::hal::DispatchExternOp>(op))
          return WalkResult::skip();
        if (isa<tensor::PadOp, tensor::GenerateOp>(op)) {
          op->getRegion(0).walk([&](Operation *inner) {
            if (!isInDialect(inner, {"arith", "math", "tensor"}))
              reject(inner, "inside a tensor region");
          });
          return WalkResult::skip();
        }
        // TOSA: lowered by tessera-flow-lower-tosa, next.
        if (isInDialect(op, {"tosa"}))
          return WalkResult::skip();
        // Host checks (an imported Reshape's element count).
        if (isa<cf::AssertOp>(op))
          return WalkResult::advance();
        if (!isInDialect(op, {"func", "arith", "math", "tensor", "linalg"})) {
          reject(op, "in a function");
          return WalkResult::skip();
        }
        return WalkResult::advance();
      });
    }
    if (failed)
      signalPassFailure();
  }
};

} // namespace

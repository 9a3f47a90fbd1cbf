//===- CheckStackTemporaries.cpp - Stack temporaries within bounds --------===//
//
// A workgroup's temporaries live on the stack of the thread running it (an
// executable has no allocator). A padded window of a convolution over many
// channels (8192 channels at 30x30: 7.6 MB) overran an 8 MiB thread stack:
// a segmentation fault at run time. Each dispatch function's temporaries
// are summed here, a dynamic size by its upper bound; too many is an error
// at compile time, and a size with no known bound is checked when the
// kernel runs.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "tessera/executable_library.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_CHECKSTACKTEMPORARIESPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;

namespace {

/// Saturates at this, far past any limit, so that products cannot wrap.
constexpr int64_t kHuge = int64_t(1) << 50;

int64_t elementBytes(MemRefType type) {
  Type element = type.getElementType();
  if (element.isIndex())
    return 8;
  return std::max<int64_t>(
      1, llvm::divideCeil(element.getIntOrFloatBitWidth(), 8));
}

std::string mebibytes(int64_t bytes) {
  char text[32];
  snprintf(text, sizeof(text), "%.1f MiB", double(bytes) / (1 << 20));
  return text;
}

struct CheckStackTemporariesPass
    : public tessera::llvmcpu::impl::CheckStackTemporariesPassBase<
          CheckStackTemporariesPass> {
  using Base::Base;

  void runOnOperation() override {
    static_assert(TESSERA_WORKGROUP_STACK_SIZE == (6u << 20),
                  "the pass option's default is the runtime's limit");
    WalkResult result = getOperation().walk([&](func::FuncOp func) {
      return failed(check(func)) ? WalkResult::interrupt()
                                 : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult check(func::FuncOp func) {
    int64_t bounded = 0, largest = 0;
    memref::AllocaOp largestOp;
    SmallVector<memref::AllocaOp> unbounded;
    func.walk([&](memref::AllocaOp alloca) {
      MemRefType type = alloca.getType();
      int64_t bytes = elementBytes(type);
      unsigned dynamic = 0;
      for (int64_t extent : type.getShape()) {
        if (ShapedType::isDynamic(extent)) {
          FailureOr<int64_t> bound =
              ValueBoundsConstraintSet::computeConstantBound(
                  presburger::BoundType::UB,
                  ValueBoundsConstraintSet::Variable(
                      alloca.getDynamicSizes()[dynamic++]),
                  /*stopCondition=*/nullptr, /*closedUB=*/true);
          if (failed(bound)) {
            unbounded.push_back(alloca);
            return;
          }
          extent = std::max<int64_t>(*bound, 0);
        }
        bytes = std::min(bytes * std::min(extent, kHuge), kHuge);
      }
      bounded = std::min(bounded + bytes, kHuge);
      if (bytes > largest) {
        largest = bytes;
        largestOp = alloca;
      }
    });
    if (bounded > maxBytes) {
      largestOp.emitError()
          << "a workgroup of '" << func.getName() << "' needs "
          << mebibytes(bounded) << " of temporaries (this one "
          << mebibytes(largest) << ", " << largestOp.getType()
          << "), more than the " << mebibytes(maxBytes)
          << " of stack the llvm-cpu backend allows a workgroup";
      return failure();
    }
    // Sizes known only when the kernel runs: checked before each such
    // temporary, against what the bounded ones leave.
    for (memref::AllocaOp alloca : unbounded) {
      OpBuilder b(alloca);
      Location loc = alloca.getLoc();
      MemRefType type = alloca.getType();
      Value bytes = arith::ConstantIndexOp::create(b, loc, elementBytes(type));
      Value ok = arith::ConstantIntOp::create(b, loc, 1, 1);
      Value limit = arith::ConstantIndexOp::create(b, loc, maxBytes - bounded);
      unsigned dynamic = 0;
      for (int64_t extent : type.getShape()) {
        Value size =
            ShapedType::isDynamic(extent)
                ? alloca.getDynamicSizes()[dynamic++]
                : arith::ConstantIndexOp::create(b, loc, extent).getResult();
        // bytes * size <= limit, without overflow: size <= limit / bytes.
        Value most = arith::DivUIOp::create(b, loc, limit, bytes);
        ok = arith::AndIOp::create(
            b, loc, ok,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, size,
                                  most));
        bytes = arith::MulIOp::create(
            b, loc, bytes, arith::MinUIOp::create(b, loc, size, most));
      }
      cf::AssertOp::create(b, loc, ok,
                           tessera::llvmcpu::kStackTemporariesMessage);
    }
    return success();
  }
};

} // namespace

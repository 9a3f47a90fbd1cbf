//===- LowerToLLVM.cpp - Dispatch functions to the LLVM dialect -----------===//
//
// Two steps: the hal.interface ops are first expanded into loads from the
// ABI structs (tessera/executable_library.h) with memref descriptors built in
// place, then everything else goes through upstream's *-to-LLVM patterns.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "tessera/executable_library.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/TargetParser/Triple.h"

#include <cstddef>

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_LOWERTOLLVMPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Loads a value of `type` at byte `offset` from `base`.
Value loadAt(OpBuilder &b, Location loc, Type type, Value base,
             int64_t offset) {
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  Value address =
      LLVM::GEPOp::create(b, loc, ptrType, b.getI8Type(), base,
                          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset)},
                          LLVM::GEPNoWrapFlags::inbounds);
  return LLVM::LoadOp::create(b, loc, type, address);
}

/// The ABI arguments of the entry function enclosing `op`.
struct ABIArgs {
  Value dispatchState, workgroupState;
};

/// Offsets of the dispatch-state pointers for the target's pointer size:
/// the 32-bit fields come first, so only the pointers move (the header's
/// offsets are the 64-bit ones).
struct ABILayout {
  int64_t pointerBytes = 8;
  int64_t pushConstantsOffset() const { return 32; }
  int64_t bindingPointersOffset() const { return 32 + pointerBytes; }
};
static_assert(offsetof(tessera_dispatch_state_v0_t, push_constants) == 32,
              "dispatch state layout");
static_assert(sizeof(void *) != 8 ||
                  offsetof(tessera_dispatch_state_v0_t, binding_ptrs) == 40,
              "dispatch state layout");

LogicalResult expandInterfaceOps(func::FuncOp func,
                                 const LLVMTypeConverter &converter,
                                 const ABILayout &layout) {
  MLIRContext *ctx = func.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  ABIArgs abi{func.getArgument(1), func.getArgument(2)};
  auto i32 = IntegerType::get(ctx, 32);
  auto i64 = IntegerType::get(ctx, 64);

  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<hal::InterfaceConstantLoadOp, hal::InterfaceWorkgroupIDOp,
            hal::InterfaceWorkgroupCountOp, hal::InterfaceBindingSubspanOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value replacement;
    if (auto load = dyn_cast<hal::InterfaceConstantLoadOp>(op)) {
      Value constants = loadAt(b, loc, ptrType, abi.dispatchState,
                               layout.pushConstantsOffset());
      replacement =
          loadAt(b, loc, i32, constants, 4 * load.getOrdinal().getSExtValue());
    } else if (auto id = dyn_cast<hal::InterfaceWorkgroupIDOp>(op)) {
      Value value =
          loadAt(b, loc, i32, abi.workgroupState,
                 offsetof(tessera_workgroup_state_v0_t, workgroup_id) +
                     4 * id.getDimension().getSExtValue());
      value = LLVM::ZExtOp::create(b, loc, i64, value);
      replacement = arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
    } else if (auto count = dyn_cast<hal::InterfaceWorkgroupCountOp>(op)) {
      Value value =
          loadAt(b, loc, i32, abi.dispatchState,
                 offsetof(tessera_dispatch_state_v0_t, workgroup_count) +
                     4 * count.getDimension().getSExtValue());
      value = LLVM::ZExtOp::create(b, loc, i64, value);
      replacement = arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
    } else {
      auto subspan = cast<hal::InterfaceBindingSubspanOp>(op);
      if (subspan.getSet().getSExtValue() != 0)
        return subspan.emitOpError() << "only descriptor set 0 is supported";
      auto memrefType = cast<MemRefType>(subspan.getType());
      Value bindings = loadAt(b, loc, ptrType, abi.dispatchState,
                              layout.bindingPointersOffset());
      Value base =
          loadAt(b, loc, ptrType, bindings,
                 layout.pointerBytes * subspan.getBinding().getSExtValue());
      Type descriptorType = converter.convertType(memrefType);
      auto desc = MemRefDescriptor::poison(b, loc, descriptorType);
      desc.setAllocatedPtr(b, loc, base);
      desc.setAlignedPtr(b, loc, base);
      desc.setConstantOffset(b, loc, 0);
      // Row-major sizes and strides; dynamic ones from the push constants.
      auto dynamicDims = subspan.getDynamicDims();
      SmallVector<Value> sizes;
      unsigned dynamicIndex = 0;
      for (int64_t size : memrefType.getShape()) {
        if (ShapedType::isDynamic(size))
          sizes.push_back(arith::IndexCastOp::create(
              b, loc, i64, dynamicDims[dynamicIndex++]));
        else
          sizes.push_back(LLVM::ConstantOp::create(b, loc, i64, size));
      }
      Value stride = LLVM::ConstantOp::create(b, loc, i64, 1);
      for (int64_t dim = memrefType.getRank() - 1; dim >= 0; --dim) {
        desc.setSize(b, loc, dim, sizes[dim]);
        desc.setStride(b, loc, dim, stride);
        stride = LLVM::MulOp::create(b, loc, stride, sizes[dim]);
      }
      replacement = UnrealizedConversionCastOp::create(b, loc, memrefType,
                                                       ValueRange{Value(desc)})
                        .getResult(0);
    }
    op->getResult(0).replaceAllUsesWith(replacement);
    op->erase();
  }
  return success();
}

/// `func @name()` -> `func @name(ptr env, ptr dispatch, ptr workgroup) -> i32`
/// returning 0.
void rewriteToABISignature(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i32 = IntegerType::get(ctx, 32);
  func.setType(FunctionType::get(ctx, {ptrType, ptrType, ptrType}, {i32}));
  Block &entry = func.getBody().front();
  for (int i = 0; i < 3; ++i)
    entry.addArgument(ptrType, func.getLoc());
  func.walk([&](func::ReturnOp ret) {
    OpBuilder b(ret);
    Value zero = arith::ConstantIntOp::create(b, ret.getLoc(), i32, 0);
    ret->setOperands(zero);
  });
}

struct LowerToLLVMPass
    : public tessera::llvmcpu::impl::LowerToLLVMPassBase<LowerToLLVMPass> {
  void runOnOperation() override {
    hal::ExecutableVariantOp variant = getOperation();
    ModuleOp module = variant.getInnerModule();
    if (!module)
      return;
    MLIRContext *ctx = &getContext();

    // No libm in an executable: approximate math functions in place.
    {
      RewritePatternSet patterns(ctx);
      populateMathPolynomialApproximationPatterns(patterns);
      math::populateExpansionPatterns(patterns);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }

    LowerToLLVMOptions options(ctx);
    LLVMTypeConverter converter(ctx, options);
    ABILayout layout;
    llvm::Triple triple(variant.getTarget().getConfigString("target_triple"));
    if (triple.isArch32Bit())
      layout.pointerBytes = 4;
    for (auto exportOp : variant.getBlock().getOps<hal::ExecutableExportOp>()) {
      auto func = module.lookupSymbol<func::FuncOp>(exportOp.getSymNameAttr());
      if (!func || func.getNumArguments() != 0 || func.getNumResults() != 0) {
        exportOp.emitOpError() << "needs an argument-less implementation "
                                  "function in the variant's module";
        return signalPassFailure();
      }
      rewriteToABISignature(func);
      if (failed(expandInterfaceOps(func, converter, layout)))
        return signalPassFailure();
    }

    RewritePatternSet patterns(ctx);
    populateFuncToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    populateMathToLLVMConversionPatterns(converter, patterns);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);
    populateVectorToLLVMConversionPatterns(converter, patterns);
    LLVMConversionTarget target(*ctx);
    target.addLegalOp<ModuleOp>();
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

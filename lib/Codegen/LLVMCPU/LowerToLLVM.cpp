//===- LowerToLLVM.cpp - Dispatch functions to the LLVM dialect -----------===//
//
// Two steps: the hal.interface ops are first expanded into loads from the
// ABI structs (tessera/executable_library.h) with memref descriptors built in
// place, then everything else goes through upstream's *-to-LLVM patterns.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/ExpOnAVX512.h"
#include "Codegen/LLVMCPU/GuardIntegerDivision.h"
#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/LLVMCPU/VectorBody.h"

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
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/TypeUtilities.h"
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
  int64_t bindingLengthsOffset() const { return 32 + 2 * pointerBytes; }
};
static_assert(offsetof(tessera_dispatch_state_v0_t, push_constants) == 32,
              "dispatch state layout");
static_assert(sizeof(void *) != 8 ||
                  (offsetof(tessera_dispatch_state_v0_t, binding_ptrs) == 40 &&
                   offsetof(tessera_dispatch_state_v0_t, binding_lengths) ==
                       48),
              "dispatch state layout");

/// Bytes of one element of a binding's memref; 0 when not known here.
int64_t elementBytes(Type type) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.getNumElements() * elementBytes(vector.getElementType());
  if (type.isIntOrFloat())
    return std::max<int64_t>(1, (type.getIntOrFloatBitWidth() + 7) / 8);
  return 0;
}

/// Asserts that the binding behind `subspan` holds all of `sizes` (row-major
/// i64 dims): the kernel indexes that much, whatever the host program (an
/// untrusted module) bound.
void assertBindingHoldsView(OpBuilder &b, Location loc,
                            hal::InterfaceBindingSubspanOp subspan,
                            ArrayRef<Value> sizes, Value dispatchState,
                            const ABILayout &layout) {
  MLIRContext *ctx = b.getContext();
  int64_t bytes = elementBytes(subspan.getType().getElementType());
  if (bytes == 0)
    return;
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i1 = b.getI1Type();
  auto i64 = b.getI64Type();
  Value lengths =
      loadAt(b, loc, ptrType, dispatchState, layout.bindingLengthsOffset());
  Value length;
  if (layout.pointerBytes == 8) {
    length =
        loadAt(b, loc, i64, lengths, 8 * subspan.getBinding().getSExtValue());
  } else {
    length =
        LLVM::ZExtOp::create(b, loc, i64,
                             loadAt(b, loc, b.getI32Type(), lengths,
                                    4 * subspan.getBinding().getSExtValue()));
  }
  auto productType = LLVM::LLVMStructType::getLiteral(ctx, {i64, i1});
  Value required = LLVM::ConstantOp::create(b, loc, i64, bytes);
  Value overflow = LLVM::ConstantOp::create(b, loc, i1, 0);
  for (Value size : sizes) {
    Value product =
        LLVM::UMulWithOverflowOp::create(b, loc, productType, required, size);
    required = LLVM::ExtractValueOp::create(b, loc, product, 0);
    overflow = LLVM::OrOp::create(
        b, loc, overflow, LLVM::ExtractValueOp::create(b, loc, product, 1));
  }
  Value fits =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ule, required, length);
  Value noOverflow = LLVM::XOrOp::create(
      b, loc, overflow, LLVM::ConstantOp::create(b, loc, i1, 1));
  Value ok = LLVM::AndOp::create(b, loc, fits, noOverflow);
  cf::AssertOp::create(b, loc, ok, llvmcpu::kBindingTooSmallMessage);
}

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
      assertBindingHoldsView(b, loc, subspan, sizes, abi.dispatchState, layout);
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

/// The kernel's own checks (`cf.assert`) become early returns of the
/// matching TESSERA_DISPATCH_ERROR_* code: an executable has no abort().
LogicalResult lowerKernelChecks(func::FuncOp func) {
  SmallVector<cf::AssertOp> asserts;
  func.walk([&](cf::AssertOp op) { asserts.push_back(op); });
  llvm::SmallDenseMap<int, Block *> failBlocks;
  for (cf::AssertOp check : asserts) {
    if (check->getParentRegion() != &func.getBody())
      return check.emitOpError()
             << "a kernel check must be in the function's own blocks";
    int code = 1;
    if (check.getMsg() == llvmcpu::kBindingTooSmallMessage)
      code = TESSERA_DISPATCH_ERROR_BINDING_TOO_SMALL;
    else if (check.getMsg() == codegen::kWorkgroupOutsideGridMessage)
      code = TESSERA_DISPATCH_ERROR_WORKGROUP_OUTSIDE_GRID;
    else if (check.getMsg() == llvmcpu::kStackTemporariesMessage)
      code = TESSERA_DISPATCH_ERROR_STACK_TEMPORARIES;
    Block *&fail = failBlocks[code];
    if (!fail) {
      fail = new Block();
      func.getBody().push_back(fail);
      OpBuilder b = OpBuilder::atBlockEnd(fail);
      Value value =
          arith::ConstantIntOp::create(b, check.getLoc(), b.getI32Type(), code);
      func::ReturnOp::create(b, check.getLoc(), value);
    }
    Block *rest = check->getBlock()->splitBlock(check->getNextNode());
    OpBuilder b(check);
    cf::CondBranchOp::create(b, check.getLoc(), check.getArg(), rest, fail);
    check.erase();
  }
  return success();
}

/// The math ops expanded into arith before LLVM: all of upstream's but
/// math.fma, which contractibleFma lowers.
const StringRef kExpandedMathOps[] = {
    "ctlz", "sinh", "cosh", "tan",   "tanh",  "asinh",     "acosh", "atanh",
    "ceil", "exp2", "powf", "fpowi", "round", "roundeven", "rsqrt", "clampf"};

/// Math ops LLVM lowers to instructions at any element type; the others
/// are approximated in place for f32 and f16 only.
const StringRef kNativeMathOps[] = {
    "math.absf",     "math.absi",     "math.sqrt",  "math.fma",
    "math.floor",    "math.ceil",     "math.trunc", "math.roundeven",
    "math.round",    "math.copysign", "math.isnan", "math.isinf",
    "math.isfinite", "math.isnormal", "math.ctlz",  "math.cttz",
    "math.ctpop"};

/// A math function left after the approximations would become a libm call,
/// which an executable cannot link (it links no C library): refused by
/// name, with the op's location, instead of lld's "undefined symbol: exp".
LogicalResult refuseLibmCalls(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    if (op->getDialect()->getNamespace() != "math" ||
        llvm::is_contained(kNativeMathOps, op->getName().getStringRef()))
      return WalkResult::advance();
    Type element = getElementTypeOrSelf(op->getResult(0).getType());
    op->emitError() << "'" << op->getName() << "' on " << element
                    << " is not supported by the llvm-cpu backend (its "
                       "executables link no math library; f32 and f16 are "
                       "approximated in place)";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

/// math.fma (the polynomial approximations of exp, tanh, erf, ... are
/// chains of them) as a multiply and an add that LLVM may contract: one
/// vfmadd where the CPU has FMA (upstream's expansion gave a separate
/// vmulps and vaddps: a SiLU took 1.6x as long), no libm fmaf call where
/// it has not.
LogicalResult contractibleFma(math::FmaOp op, PatternRewriter &rewriter) {
  auto contract = arith::FastMathFlagsAttr::get(
      op.getContext(), op.getFastmath() | arith::FastMathFlags::contract);
  Value product = arith::MulFOp::create(rewriter, op.getLoc(), op.getA(),
                                        op.getB(), contract);
  rewriter.replaceOpWithNewOp<arith::AddFOp>(op, product, op.getC(), contract);
  return success();
}

/// math.rsqrt on a type narrower than f32 (f16, bf16) computed in f32:
/// upstream's expansion, 1 / sqrt(x) in the narrow type, rounds twice. In
/// f16, sqrt(1 + 2^-10) = 1 + 2^-11 rounds to 1 (the tie to even), so
/// rsqrt gave 1 where 1 - 2^-11 is the rounded result, and a floor after
/// it 1 instead of 0 (conformance seed 48, program 26).
struct RsqrtInF32 : OpRewritePattern<math::RsqrtOp> {
  RsqrtInF32(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(math::RsqrtOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto element = dyn_cast<FloatType>(getElementTypeOrSelf(type));
    if (!element || element.getWidth() >= 32)
      return failure();
    Type f32 = rewriter.getF32Type();
    Type wide = f32;
    if (auto shaped = dyn_cast<ShapedType>(type))
      wide = shaped.clone(f32);
    Location loc = op.getLoc();
    Value extended =
        arith::ExtFOp::create(rewriter, loc, wide, op.getOperand());
    Value result =
        math::RsqrtOp::create(rewriter, loc, extended, op.getFastmathAttr());
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, type, result);
    return success();
  }
};

/// Whether `mask` is a constant mask of the first lane alone.
bool firstLaneOnly(Value mask) {
  auto constant = mask.getDefiningOp<vector::ConstantMaskOp>();
  return constant && constant.getMaskDimSizes().size() == 1 &&
         constant.getMaskDimSizes()[0] == 1;
}

/// A masked store of the first lane alone (a column tail of one element: 17
/// or 33 channels) as a scalar store. LLVM fully unrolls static loops
/// around such tails, and its DAG combiner's store merging took 15 s to
/// over a minute on the resulting blocks of one-lane masked stores (a
/// dynamic-batch 1x2 sum pooling over 7x25x17: 15 s -> 0.2 s).
LogicalResult oneLaneMaskedStore(vector::MaskedStoreOp op,
                                 PatternRewriter &rewriter) {
  if (!firstLaneOnly(op.getMask()) || op.getVectorType().getRank() != 1)
    return failure();
  Value lane = vector::ExtractOp::create(rewriter, op.getLoc(),
                                         op.getValueToStore(), int64_t(0));
  rewriter.replaceOpWithNewOp<memref::StoreOp>(op, lane, op.getBase(),
                                               op.getIndices());
  return success();
}

/// A masked load of the first lane alone, likewise as a scalar load.
LogicalResult oneLaneMaskedLoad(vector::MaskedLoadOp op,
                                PatternRewriter &rewriter) {
  if (!firstLaneOnly(op.getMask()) || op.getVectorType().getRank() != 1)
    return failure();
  Value lane = memref::LoadOp::create(rewriter, op.getLoc(), op.getBase(),
                                      op.getIndices());
  rewriter.replaceOpWithNewOp<vector::InsertOp>(op, lane, op.getPassThru(),
                                                int64_t(0));
  return success();
}

struct LowerToLLVMPass
    : public tessera::llvmcpu::impl::LowerToLLVMPassBase<LowerToLLVMPass> {
  void runOnOperation() override {
    hal::ExecutableVariantOp variant = getOperation();
    ModuleOp module = variant.getInnerModule();
    if (!module)
      return;
    MLIRContext *ctx = &getContext();

    // No libm in an executable: approximate math functions in place. Masks
    // (a contraction's column tail) become lane comparisons.
    {
      RewritePatternSet patterns(ctx);
      if (llvmcpu::vectorWidthFor(module, /*fallback=*/0) == 16)
        llvmcpu::populateExpOnAVX512Patterns(patterns);
      populateMathPolynomialApproximationPatterns(patterns);
      math::populateExpansionPatterns(patterns, kExpandedMathOps);
      patterns.add(contractibleFma);
      patterns.add(oneLaneMaskedStore);
      patterns.add(oneLaneMaskedLoad);
      patterns.add<RsqrtInF32>(ctx);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorMaskMaterializationPatterns(
          patterns, /*force32BitVectorIndices=*/true);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }
    if (failed(refuseLibmCalls(module)))
      return signalPassFailure();
    // No x86 division trap (GuardIntegerDivision.h).
    if (failed(llvmcpu::guardIntegerDivisions(module)))
      return signalPassFailure();

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
      if (failed(expandInterfaceOps(func, converter, layout)) ||
          failed(lowerKernelChecks(func)))
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

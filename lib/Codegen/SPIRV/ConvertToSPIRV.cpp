//===- ConvertToSPIRV.cpp - A variant's module to SPIR-V ------------------===//
//
// The dispatch functions (loops over 1-D bindings, per-invocation allocas)
// move into a spirv.module and convert with upstream's patterns plus ours
// for the hal interface: a binding is a StorageBuffer global at (set,
// binding), push constants one PushConstant block of i32, workgroup ids
// and counts and the invocation id the builtins. Entry points (named like
// the exports, 64x1x1 invocations) and the module's version, capabilities
// and extensions are then derived by upstream's SPIR-V passes.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Conversion/ArithToSPIRV/ArithToSPIRV.h"
#include "mlir/Conversion/ControlFlowToSPIRV/ControlFlowToSPIRV.h"
#include "mlir/Conversion/FuncToSPIRV/FuncToSPIRV.h"
#include "mlir/Conversion/IndexToSPIRV/IndexToSPIRV.h"
#include "mlir/Conversion/MathToSPIRV/MathToSPIRV.h"
#include "mlir/Conversion/MemRefToSPIRV/MemRefToSPIRV.h"
#include "mlir/Conversion/SCFToSPIRV/SCFToSPIRV.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/Transforms/SPIRVConversion.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_CONVERTTOSPIRVPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

struct BindingToGlobal
    : public OpConversionPattern<hal::InterfaceBindingSubspanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(hal::InterfaceBindingSubspanOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type pointer = getTypeConverter()->convertType(op.getType());
    if (!pointer)
      return rewriter.notifyMatchFailure(op, "memref type not convertible");
    auto module = op->getParentOfType<spirv::ModuleOp>();
    unsigned set = op.getSet().getZExtValue();
    unsigned binding = op.getBinding().getZExtValue();
    std::string name = "__resource_var_" + std::to_string(set) + "_" +
                       std::to_string(binding) + "__";
    auto global = module.lookupSymbol<spirv::GlobalVariableOp>(name);
    if (!global) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(module.getBody());
      global = spirv::GlobalVariableOp::create(rewriter, op.getLoc(), pointer,
                                               name, set, binding);
    }
    rewriter.replaceOpWithNewOp<spirv::AddressOfOp>(op, global);
    return success();
  }
};

struct ConstantLoadToPushConstant
    : public OpConversionPattern<hal::InterfaceConstantLoadOp> {
  ConstantLoadToPushConstant(const TypeConverter &converter, MLIRContext *ctx,
                             const llvm::StringMap<unsigned> &counts)
      : OpConversionPattern(converter, ctx), counts(counts) {}
  LogicalResult
  matchAndRewrite(hal::InterfaceConstantLoadOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto function = op->getParentOfType<FunctionOpInterface>();
    unsigned count = counts.lookup(function.getName());
    unsigned ordinal = op.getOrdinal().getZExtValue();
    if (ordinal >= count)
      return op.emitOpError("push constant ")
             << ordinal << " is beyond the layout's " << count;
    Value value = spirv::getPushConstantValue(op, count, ordinal,
                                              rewriter.getI32Type(), rewriter);
    if (!value)
      return failure();
    rewriter.replaceOp(op, value);
    return success();
  }
  const llvm::StringMap<unsigned> &counts;
};

template <typename Op, spirv::BuiltIn builtin>
struct BuiltinComponent : public OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int32_t component;
    if constexpr (std::is_same_v<Op, gpu::ThreadIdOp>)
      component = static_cast<int32_t>(op.getDimension());
    else
      component = static_cast<int32_t>(op.getDimension().getZExtValue());
    Value vector = spirv::getBuiltinVariableValue(
        op, builtin, rewriter.getI32Type(), rewriter);
    rewriter.replaceOpWithNewOp<spirv::CompositeExtractOp>(
        op, rewriter.getI32Type(), vector,
        rewriter.getI32ArrayAttr({component}));
    return success();
  }
};

/// A barrier between the ops of a tile: every invocation's writes to
/// workgroup memory and to the bindings (an output tile read back by the
/// next op) are visible to the workgroup after it. Upstream's lowering
/// orders workgroup memory only.
struct BarrierToControlBarrier : public OpConversionPattern<gpu::BarrierOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(gpu::BarrierOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<spirv::ControlBarrierOp>(
        op, spirv::Scope::Workgroup, spirv::Scope::Workgroup,
        spirv::MemorySemantics::AcquireRelease |
            spirv::MemorySemantics::WorkgroupMemory |
            spirv::MemorySemantics::UniformMemory);
    return success();
  }
};

struct ConvertToSPIRVPass
    : public impl::ConvertToSPIRVPassBase<ConvertToSPIRVPass> {
  void runOnOperation() override {
    hal::ExecutableVariantOp variant = getOperation();
    ModuleOp inner = variant.getInnerModule();
    if (!inner)
      return;
    MLIRContext *ctx = &getContext();
    auto functions = llvm::to_vector(inner.getOps<func::FuncOp>());
    if (functions.empty())
      return;

    // Temporaries are per invocation (allocas) or shared by the workgroup
    // (allocs in workgroup memory): they must be static and fit the
    // device's guaranteed minimums. Larger ones need a tiling that shares
    // them, which this backend does not do yet: refused rather than run
    // out of memory on the device.
    int64_t privateBytes = 0, sharedBytes = 0;
    WalkResult sized = inner.walk([&](Operation *op) {
      if (!isa<memref::AllocaOp, memref::AllocOp>(op))
        return WalkResult::advance();
      bool shared = isa<memref::AllocOp>(op);
      auto type = cast<MemRefType>(op->getResult(0).getType());
      if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat()) {
        // At the source op that needs it, in the user's terms.
        op->emitError("this op needs a ")
            << (shared ? "workgroup" : "per-invocation")
            << " temporary of type " << type
            << ", which vulkan-spirv code generation cannot place; compile "
               "it for llvm-cpu";
        return WalkResult::interrupt();
      }
      int64_t &bytes = shared ? sharedBytes : privateBytes;
      int64_t limit = shared ? kSharedBytesLimit : kPrivateBytesLimit;
      bytes += type.getNumElements() *
               std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
      if (bytes > limit) {
        op->emitError("the dispatch of this op needs ")
            << bytes << " bytes of "
            << (shared ? "workgroup" : "per-invocation")
            << " temporaries (limit " << limit
            << "): vulkan-spirv code generation does not tile it small "
               "enough yet; compile it for llvm-cpu";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (sized.wasInterrupted())
      return signalPassFailure();

    // Allocas are per invocation; allocs are in workgroup memory already;
    // everything else is a binding.
    auto privateSpace =
        spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Function);
    inner.walk([&](memref::AllocaOp alloca) {
      MemRefType type = alloca.getType();
      alloca.getResult().setType(
          MemRefType::get(type.getShape(), type.getElementType(),
                          type.getLayout(), privateSpace));
    });
    spirv::MemorySpaceToStorageClassMap memorySpaceMap =
        [](Attribute space) -> std::optional<spirv::StorageClass> {
      auto gpuSpace = dyn_cast_or_null<gpu::AddressSpaceAttr>(space);
      if (gpuSpace && gpuSpace.getValue() == gpu::AddressSpace::Workgroup)
        return spirv::StorageClass::Workgroup;
      return spirv::mapMemorySpaceToVulkanStorageClass(space);
    };
    spirv::MemorySpaceToStorageClassConverter storageConverter(memorySpaceMap);
    spirv::convertMemRefTypesAndAttrs(inner, storageConverter);

    llvm::StringMap<unsigned> pushConstantCounts;
    for (auto exportOp : variant.getOps<hal::ExecutableExportOp>())
      pushConstantCounts[exportOp.getSymName()] =
          exportOp.getLayout().getPushConstants();

    OpBuilder builder = OpBuilder::atBlockEnd(inner.getBody());
    auto spirvModule = spirv::ModuleOp::create(builder, inner.getLoc(),
                                               spirv::AddressingModel::Logical,
                                               spirv::MemoryModel::GLSL450);
    spirv::TargetEnvAttr targetEnv = getTargetEnvironment(variant);
    spirvModule->setAttr(spirv::getTargetEnvAttrName(), targetEnv);
    Block *body = spirvModule.getBody();
    for (func::FuncOp function : functions) {
      function->moveBefore(body, body->end());
      function->setAttr(
          spirv::getEntryPointABIAttrName(),
          spirv::getEntryPointABIAttr(ctx, {int32_t(kWorkgroupSize), 1, 1}));
    }

    // Math functions as the CPU computes them (the same polynomials in the
    // same IEEE operations), not as the driver's GLSL.std.450 built-ins
    // approximate them: a program prints the same results on both devices.
    {
      RewritePatternSet approximations(ctx);
      populateMathPolynomialApproximationPatterns(approximations);
      math::populateExpansionPatterns(approximations);
      if (failed(applyPatternsGreedily(spirvModule, std::move(approximations))))
        return signalPassFailure();
    }

    std::unique_ptr<ConversionTarget> target =
        SPIRVConversionTarget::get(targetEnv);
    SPIRVConversionOptions options;
    SPIRVTypeConverter typeConverter(targetEnv, options);
    RewritePatternSet patterns(ctx);
    ScfToSPIRVContext scfContext;
    arith::populateArithToSPIRVPatterns(typeConverter, patterns);
    populateMathToSPIRVPatterns(typeConverter, patterns);
    populateMemRefToSPIRVPatterns(typeConverter, patterns);
    populateSCFToSPIRVPatterns(typeConverter, scfContext, patterns);
    populateFuncToSPIRVPatterns(typeConverter, patterns);
    populateBuiltinFuncToSPIRVPatterns(typeConverter, patterns);
    index::populateIndexToSPIRVPatterns(typeConverter, patterns);
    cf::populateControlFlowToSPIRVPatterns(typeConverter, patterns);
    patterns.add<BindingToGlobal, BarrierToControlBarrier>(typeConverter, ctx);
    patterns.add<ConstantLoadToPushConstant>(typeConverter, ctx,
                                             pushConstantCounts);
    patterns.add<
        BuiltinComponent<hal::InterfaceWorkgroupIDOp,
                         spirv::BuiltIn::WorkgroupId>,
        BuiltinComponent<hal::InterfaceWorkgroupCountOp,
                         spirv::BuiltIn::NumWorkgroups>,
        BuiltinComponent<gpu::ThreadIdOp, spirv::BuiltIn::LocalInvocationId>>(
        typeConverter, ctx);
    if (failed(applyFullConversion(spirvModule, *target, std::move(patterns))))
      return signalPassFailure();

    // The CPU rounds every multiply and add (no fp-contract); a driver may
    // fuse them into fma unless told not to.
    spirvModule.walk([&](Operation *op) {
      if (isa<spirv::FMulOp, spirv::FAddOp, spirv::FSubOp>(op))
        op->setAttr("no_contraction", UnitAttr::get(ctx));
    });

    OpPassManager pm(spirv::ModuleOp::getOperationName());
    pm.addPass(spirv::createSPIRVLowerABIAttributesPass());
    pm.addPass(spirv::createSPIRVUpdateVCEPass());
    if (failed(runPipeline(pm, spirvModule)))
      return signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen

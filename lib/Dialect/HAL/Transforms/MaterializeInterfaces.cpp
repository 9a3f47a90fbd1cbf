//===- MaterializeInterfaces.cpp - flow executables to hal executables ----===//

#include "Dialect/HAL/Transforms/Passes.h"

#include "Dialect/HAL/Transforms/FlopCount.h"
#include "Dialect/HAL/Transforms/InterfacePlan.h"

#include "Dialect/Common/CustomSyntax.h"
#include "Dialect/Flow/IR/FlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir::tessera::hal {
#define GEN_PASS_DEF_MATERIALIZEINTERFACESPASS
#include "Dialect/HAL/Transforms/Passes.h.inc"

std::string getLLVMCPUFormat(StringRef tripleName) {
  llvm::Triple triple(tripleName);
  if (triple.getArch() == llvm::Triple::wasm32)
    return triple.isOSBinFormatWasm() ? "wasm-wasm32" : "";
  std::string arch;
  switch (triple.getArch()) {
  case llvm::Triple::x86_64:
    arch = "x86_64";
    break;
  case llvm::Triple::aarch64:
    arch = "arm_64";
    break;
  default:
    return "";
  }
  if (triple.isOSBinFormatELF())
    return "embedded-elf-" + arch;
  if (triple.isOSBinFormatCOFF())
    return "system-dll-" + arch;
  if (triple.isOSBinFormatMachO())
    return "system-dylib-" + arch;
  return "";
}
} // namespace mlir::tessera::hal

using namespace mlir;
using namespace mlir::tessera;

namespace {

hal::PipelineLayoutAttr buildLayout(MLIRContext *ctx,
                                    const hal::InterfacePlan &plan) {
  SmallVector<hal::DescriptorSetBindingAttr> bindings;
  for (auto [index, readOnly] : llvm::enumerate(plan.bindingReadOnly))
    bindings.push_back(hal::DescriptorSetBindingAttr::get(
        ctx, index, StringAttr::get(ctx, "storage_buffer"), readOnly));
  auto set = hal::DescriptorSetLayoutAttr::get(ctx, 0, bindings);
  return hal::PipelineLayoutAttr::get(ctx, plan.pushConstants, {set});
}

/// Default grid: one workgroup per workload element, x innermost. Codegen
/// replaces it once it has chosen tile sizes.
void buildDefaultCountRegion(OpBuilder &builder, Location loc, Region &region,
                             unsigned workloadCount) {
  MLIRContext *ctx = builder.getContext();
  SmallVector<Type> argTypes = {hal::DeviceType::get(ctx)};
  argTypes.append(workloadCount, builder.getIndexType());
  SmallVector<Location> locs(argTypes.size(), loc);
  Block *block = builder.createBlock(&region, {}, argTypes, locs);
  auto workload = block->getArguments().drop_front();
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  Value xyz[3] = {one, one, one};
  for (unsigned i = 0; i < workload.size(); ++i) {
    Value dim = workload[workload.size() - 1 - i];
    unsigned axis = std::min(i, 2u);
    xyz[axis] = axis == 2 && xyz[2] != one
                    ? arith::MulIOp::create(builder, loc, xyz[2], dim)
                    : dim;
  }
  hal::ReturnOp::create(builder, loc, ValueRange(xyz));
}

FailureOr<Value> loadScalar(OpBuilder &builder, Location loc, Type type,
                            int64_t ordinal, hal::IndexEncoding encoding) {
  Value raw = hal::InterfaceConstantLoadOp::create(
      builder, loc, builder.getI32Type(), builder.getIndexAttr(ordinal));
  return hal::unpackPushConstant(builder, loc, type, raw, encoding);
}

/// Replaces `func` (tensor arguments and results) by an argument-less
/// function that reads and writes the dispatch's bindings.
LogicalResult rewriteToInterface(func::FuncOp func,
                                 const hal::InterfacePlan &plan) {
  Location loc = func.getLoc();
  OpBuilder builder(func);
  MLIRContext *ctx = func.getContext();
  auto newFunc = func::FuncOp::create(builder, loc, func.getSymName(),
                                      FunctionType::get(ctx, {}, {}));
  Block *entry = newFunc.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  FunctionType type = func.getFunctionType();

  auto loadDims = [&](ArrayRef<int64_t> ordinals) {
    SmallVector<Value> dims;
    for (int64_t ordinal : ordinals)
      dims.push_back(*loadScalar(builder, loc, builder.getIndexType(), ordinal,
                                 hal::IndexEncoding::Unsigned));
    return dims;
  };
  auto subspan = [&](RankedTensorType tensorType, int64_t binding,
                     ValueRange dims) {
    auto memrefType =
        MemRefType::get(tensorType.getShape(), tensorType.getElementType());
    return hal::InterfaceBindingSubspanOp::create(
        builder, loc, memrefType, builder.getIndexAttr(0),
        builder.getIndexAttr(binding), dims);
  };

  IRMapping mapping;
  DenseMap<int64_t, Value> bindingMemrefs;
  for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
    BlockArgument arg = func.getArgument(index);
    if (auto tensorType = dyn_cast<RankedTensorType>(argType)) {
      int64_t binding = plan.argumentBinding[index];
      auto memref = subspan(tensorType, binding,
                            loadDims(plan.argumentDimConstants[index]));
      bindingMemrefs[binding] = memref;
      bool writable = !plan.bindingReadOnly[binding];
      Value tensor = bufferization::ToTensorOp::create(
          builder, loc, tensorType, memref, /*restrict=*/true, writable);
      mapping.map(arg, tensor);
      continue;
    }
    FailureOr<Value> scalar =
        loadScalar(builder, loc, argType, plan.argumentConstant[index],
                   hal::IndexEncoding::Signed);
    if (failed(scalar))
      return func.emitError() << "unsupported scalar dispatch operand type "
                              << argType << " (supported: i1-i32, index, f32)";
    mapping.map(arg, *scalar);
  }

  // Result bindings are declared up front so that codegen can write tiles
  // into them anywhere in the body.
  SmallVector<Value> resultMemrefs;
  for (auto [index, resultType] : llvm::enumerate(type.getResults())) {
    int64_t binding = plan.resultBinding[index];
    Value memref = bindingMemrefs.lookup(binding);
    if (!memref)
      memref = subspan(cast<RankedTensorType>(resultType), binding,
                       loadDims(plan.resultDimConstants[index]));
    resultMemrefs.push_back(memref);
  }

  Block &body = func.getBody().front();
  for (Operation &op : body.without_terminator())
    builder.clone(op, mapping);
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
    Value memref = resultMemrefs[index];
    bufferization::MaterializeInDestinationOp::create(
        builder, loc, TypeRange(), mapping.lookup(value), memref,
        /*restrict=*/true, /*writable=*/true);
  }
  func::ReturnOp::create(builder, loc);
  func.erase();
  return success();
}

struct MaterializeInterfacesPass
    : public tessera::hal::impl::MaterializeInterfacesPassBase<
          MaterializeInterfacesPass> {
  using Base::Base;

  FailureOr<DictionaryAttr> buildVulkanConfiguration() {
    Builder b(&getContext());
    if (vulkanDeviceType == "unknown")
      return b.getDictionaryAttr({});
    if (!llvm::is_contained({"discrete-gpu", "integrated-gpu", "cpu"},
                            vulkanDeviceType)) {
      getOperation().emitError()
          << "unknown Vulkan device type '" << vulkanDeviceType
          << "' (available: discrete-gpu, integrated-gpu, cpu, unknown)";
      return failure();
    }
    return b.getDictionaryAttr(
        b.getNamedAttr("device_type", b.getStringAttr(vulkanDeviceType)));
  }

  FailureOr<SmallVector<hal::ExecutableTargetAttr>> buildTargets() {
    MLIRContext *ctx = &getContext();
    SmallVector<hal::ExecutableTargetAttr> result;
    SmallVector<std::string> names(targets.begin(), targets.end());
    if (names.empty())
      names.push_back("llvm-cpu");
    for (const std::string &name : names) {
      Builder b(ctx);
      if (name == "vulkan-spirv") {
        // The SPIR-V target environment defaults at conversion; a named
        // kind of device is recorded (code generation tunes for it).
        FailureOr<DictionaryAttr> config = buildVulkanConfiguration();
        if (failed(config))
          return failure();
        result.push_back(hal::ExecutableTargetAttr::get(
            ctx, b.getStringAttr(name), b.getStringAttr("vulkan-spirv-fb"),
            *config));
        continue;
      }
      if (name != "llvm-cpu") {
        getOperation().emitError() << "unknown target backend '" << name
                                   << "' (available: llvm-cpu, vulkan-spirv)";
        return failure();
      }
      std::string format = hal::getLLVMCPUFormat(targetTriple);
      if (format.empty()) {
        getOperation().emitError()
            << "unsupported llvm-cpu target triple '" << targetTriple
            << "' (supported: x86_64 and aarch64 Linux, Android, Windows, "
               "macOS, iOS; wasm32)";
        return failure();
      }
      auto config = b.getDictionaryAttr({
          b.getNamedAttr("target_triple", b.getStringAttr(targetTriple)),
          b.getNamedAttr("cpu", b.getStringAttr(targetCpu)),
          b.getNamedAttr("cpu_features", b.getStringAttr(targetCpuFeatures)),
      });
      result.push_back(hal::ExecutableTargetAttr::get(
          ctx, b.getStringAttr(name), b.getStringAttr(format), config));
    }
    // Variants are tried in order at load: a device beside the CPU (Vulkan)
    // runs a dispatch when the runtime has one, the CPU otherwise.
    std::stable_partition(result.begin(), result.end(), [](auto target) {
      return target.getBackend().getValue() != "llvm-cpu";
    });
    return result;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto targetAttrs = buildTargets();
    if (failed(targetAttrs))
      return signalPassFailure();

    // Dispatches by the executable they call.
    llvm::StringMap<SmallVector<flow::DispatchOp>> dispatchesByExecutable;
    module.walk([&](flow::DispatchOp dispatch) {
      for (SymbolRefAttr ref : dispatch.getEntryPointRefs())
        dispatchesByExecutable[ref.getRootReference().getValue()].push_back(
            dispatch);
    });

    SmallVector<flow::ExecutableOp> executables(
        module.getOps<flow::ExecutableOp>());
    for (flow::ExecutableOp flowExecutable : executables) {
      auto &dispatches = dispatchesByExecutable[flowExecutable.getSymName()];
      if (failed(materialize(flowExecutable, *targetAttrs, dispatches)))
        return signalPassFailure();
    }
    (void)ctx;
  }

  LogicalResult materialize(flow::ExecutableOp flowExecutable,
                            ArrayRef<hal::ExecutableTargetAttr> targetAttrs,
                            ArrayRef<flow::DispatchOp> dispatches) {
    MLIRContext *ctx = &getContext();
    Location loc = flowExecutable.getLoc();
    OpBuilder builder(flowExecutable);
    auto halExecutable =
        hal::ExecutableOp::create(builder, loc, flowExecutable.getSymName());
    halExecutable.setVisibility(flowExecutable.getVisibility());
    ModuleOp flowModule = flowExecutable.getInnerModule();

    llvm::StringMap<SmallVector<Attribute>> newRefs;
    for (hal::ExecutableTargetAttr target : targetAttrs) {
      std::string variantName = target.getFormat().getValue().str();
      std::replace(variantName.begin(), variantName.end(), '-', '_');
      OpBuilder exeBuilder = OpBuilder::atBlockEnd(&halExecutable.getBlock());
      auto variant = hal::ExecutableVariantOp::create(exeBuilder, loc,
                                                      variantName, target);
      OpBuilder variantBuilder = OpBuilder::atBlockEnd(&variant.getBlock());
      auto innerModule = cast<ModuleOp>(variantBuilder.clone(*flowModule));

      int64_t ordinal = 0;
      for (auto exportOp :
           flowExecutable.getBlock().getOps<flow::ExecutableExportOp>()) {
        auto func =
            innerModule.lookupSymbol<func::FuncOp>(exportOp.getSymNameAttr());
        // Ties and workload size come from the dispatches of this export.
        SmallVector<int64_t> ties;
        unsigned workloadCount = 0;
        for (flow::DispatchOp dispatch : dispatches) {
          workloadCount = dispatch.getWorkload().size();
          if (auto tied = dispatch.getTiedOperandsAttr())
            ties.assign(tied.asArrayRef().begin(), tied.asArrayRef().end());
        }
        hal::InterfacePlan plan =
            hal::planInterface(func.getFunctionType(), ties);
        OpBuilder exportBuilder(innerModule);
        auto halExport = hal::ExecutableExportOp::create(
            exportBuilder, exportOp.getLoc(), StringAttr(),
            exportOp.getSymNameAttr(), exportBuilder.getIndexAttr(ordinal++),
            buildLayout(ctx, plan), /*flop_count=*/IntegerAttr());
        {
          OpBuilder::InsertionGuard guard(exportBuilder);
          buildDefaultCountRegion(exportBuilder, exportOp.getLoc(),
                                  halExport.getWorkgroupCount(), workloadCount);
        }
        if (std::optional<uint64_t> flops = hal::countFlops(func))
          halExport.setFlopCountAttr(exportBuilder.getI64IntegerAttr(
              static_cast<int64_t>(std::min<uint64_t>(
                  *flops, std::numeric_limits<int64_t>::max()))));
        if (failed(rewriteToInterface(func, plan)))
          return failure();
        newRefs[exportOp.getSymName()].push_back(SymbolRefAttr::get(
            ctx, flowExecutable.getSymName(),
            {FlatSymbolRefAttr::get(ctx, variantName),
             FlatSymbolRefAttr::get(exportOp.getSymNameAttr())}));
      }
    }

    for (flow::DispatchOp dispatch : dispatches) {
      SmallVector<Attribute> refs;
      for (SymbolRefAttr ref : dispatch.getEntryPointRefs()) {
        if (ref.getRootReference() != flowExecutable.getSymNameAttr()) {
          refs.push_back(ref);
          continue;
        }
        auto &replacement = newRefs[ref.getLeafReference().getValue()];
        refs.append(replacement.begin(), replacement.end());
      }
      dispatch.setEntryPointsAttr(ArrayAttr::get(ctx, refs));
    }
    flowExecutable.erase();
    return success();
  }
};

} // namespace

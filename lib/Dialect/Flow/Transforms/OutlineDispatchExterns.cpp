//===- OutlineDispatchExterns.cpp - Extern dispatches as executables ------===//

#include "Dialect/Flow/Transforms/DispatchNames.h"
#include "Dialect/Flow/Transforms/Passes.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <map>

namespace mlir::tessera::flow {

#define GEN_PASS_DEF_OUTLINEDISPATCHEXTERNSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"

namespace {

/// "embedded-elf-x86_64" -> "embedded_elf_x86_64".
std::string variantNameFor(hal::ExecutableTargetAttr target) {
  std::string name = target.getFormat().str();
  for (char &c : name)
    if (!isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return name.empty() ? std::string("variant") : name;
}

/// One binding per tensor operand, then per untied tensor result, in set 0.
ArrayAttr defaultBindings(hal::DispatchExternOp op) {
  MLIRContext *ctx = op.getContext();
  SmallVector<Attribute> bindings;
  int64_t next = 0;
  for (Type type : op.getArguments().getTypes())
    if (isa<ShapedType>(type))
      bindings.push_back(hal::InterfaceBindingAttr::get(ctx, 0, next++));
  for (auto [index, type] : llvm::enumerate(op.getResultTypes()))
    if (isa<ShapedType>(type) && !op.getTiedOperandIndex(index))
      bindings.push_back(hal::InterfaceBindingAttr::get(ctx, 0, next++));
  return ArrayAttr::get(ctx, bindings);
}

struct OutlineDispatchExternsPass
    : public impl::OutlineDispatchExternsPassBase<OutlineDispatchExternsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<hal::DispatchExternOp> externs;
    module.walk([&](hal::DispatchExternOp op) { externs.push_back(op); });
    std::map<std::string, unsigned> perFunction;
    for (hal::DispatchExternOp op : externs) {
      auto function = op->getParentOfType<FunctionOpInterface>();
      std::string prefix =
          function ? dispatchNamePrefix(function.getName()) : "module";
      std::string name =
          prefix + "_extern_dispatch_" + std::to_string(perFunction[prefix]++);
      outline(op, name, symbols, function ? function.getOperation() : nullptr);
    }
  }

  void outline(hal::DispatchExternOp op, StringRef name, SymbolTable &symbols,
               Operation *insertBefore) {
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    OpBuilder builder(ctx);
    if (insertBefore)
      builder.setInsertionPoint(insertBefore);
    else
      builder.setInsertionPointToEnd(getOperation().getBody());
    auto executable = hal::ExecutableOp::create(builder, loc, name);
    executable.setPrivate();
    symbols.insert(executable);

    std::map<std::string, unsigned> seenFormats;
    SmallVector<Attribute> entryPoints;
    for (unsigned i = 0; i < op.getTargets().size(); ++i) {
      auto target = cast<hal::ExecutableTargetAttr>(op.getTargets()[i]);
      std::string variantName = variantNameFor(target);
      unsigned repeat = seenFormats[variantName]++;
      if (repeat)
        variantName += "_" + std::to_string(repeat);

      OpBuilder variantBuilder =
          OpBuilder::atBlockEnd(&executable.getBody().front());
      auto variant = hal::ExecutableVariantOp::create(variantBuilder, loc,
                                                      variantName, target);
      variant.setObjectsAttr(cast<ArrayAttr>(op.getTargetObjects()[i]));
      OpBuilder body = OpBuilder::atBlockEnd(&variant.getBody().front());
      Region &condition = op.getTargetRegions()[i];
      if (!condition.empty()) {
        auto conditionOp = hal::ExecutableConditionOp::create(body, loc);
        conditionOp.getBody().takeBody(condition);
      }
      auto exportOp = hal::ExecutableExportOp::create(
          body, loc, /*sym_visibility=*/StringAttr(),
          builder.getStringAttr(op.getExportName()),
          cast<IntegerAttr>(op.getTargetOrdinals()[i]), op.getLayout(),
          /*flop_count=*/IntegerAttr());
      IRMapping mapping;
      op.getWorkgroupCount().cloneInto(&exportOp.getWorkgroupCount(), mapping);
      entryPoints.push_back(SymbolRefAttr::get(
          ctx, name,
          {FlatSymbolRefAttr::get(ctx, variantName),
           FlatSymbolRefAttr::get(ctx, op.getExportName())}));
    }

    OpBuilder replace(op);
    auto dispatch = flow::DispatchOp::create(
        replace, loc, op.getResultTypes(), replace.getArrayAttr(entryPoints),
        op.getWorkload(), op.getArguments(), op.getArgumentDims(),
        op.getResultDims(), op.getTiedOperandsAttr());
    dispatch->setAttr("hal.interface.bindings", op.getBindingsAttr()
                                                    ? op.getBindingsAttr()
                                                    : defaultBindings(op));
    op.replaceAllUsesWith(dispatch.getResults());
    op.erase();
  }
};

} // namespace

} // namespace mlir::tessera::flow

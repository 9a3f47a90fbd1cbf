//===- LinkSPIRVModules.cpp - One spirv.module per linked variant ---------===//
//
// Linking moves the spirv.modules of several dispatches into one variant;
// a "vulkan-spirv-fb" binary is one SPIR-V module with an entry point per
// export. The modules are merged as the linker merges inner modules:
// equivalent symbols (the builtin and binding variables most dispatches
// declare alike) are shared, different ones of the same name are renamed,
// and the version, capabilities and extensions are recomputed.
//
//===----------------------------------------------------------------------===//

#include "Target/VulkanSPIRV/Passes.h"

#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::tessera::target {

#define GEN_PASS_DEF_LINKSPIRVMODULESPASS
#include "Target/VulkanSPIRV/Passes.h.inc"

namespace {

bool isEquivalent(Operation *a, Operation *b) {
  return OperationEquivalence::isEquivalentTo(
      a, b, OperationEquivalence::IgnoreLocations);
}

/// The function an entry point or execution mode is about.
StringRef entryFunction(Operation *op) {
  if (auto entry = dyn_cast<spirv::EntryPointOp>(op))
    return entry.getFn();
  if (auto mode = dyn_cast<spirv::ExecutionModeOp>(op))
    return mode.getFn();
  return {};
}

LogicalResult merge(spirv::ModuleOp into, spirv::ModuleOp from) {
  SymbolTable intoSymbols(into), fromSymbols(from);
  auto uniqueName = [&](StringRef base) {
    for (unsigned n = 1;; ++n) {
      std::string candidate = (base + "_" + Twine(n)).str();
      if (!intoSymbols.lookup(candidate) && !fromSymbols.lookup(candidate))
        return candidate;
    }
  };
  // Rename clashes in the source until none is left (a rename changes the
  // users, which may then differ from their namesakes).
  for (bool changed = true; changed;) {
    changed = false;
    for (auto symbol : from.getOps<SymbolOpInterface>()) {
      Operation *existing = intoSymbols.lookup(symbol.getName());
      if (!existing || isEquivalent(existing, symbol))
        continue;
      if (failed(fromSymbols.rename(symbol, uniqueName(symbol.getName()))))
        return symbol.emitError()
               << "cannot rename @" << symbol.getName() << " to link it";
      changed = true;
      break;
    }
  }
  // Entry points and execution modes already declared for a shared function
  // are not repeated.
  llvm::StringSet<> declared;
  for (Operation &op : into.getBody()->getOperations())
    if (StringRef fn = entryFunction(&op); !fn.empty())
      declared.insert((op.getName().getStringRef() + ":" + fn).str());
  for (Operation &op :
       llvm::make_early_inc_range(from.getBody()->getOperations())) {
    if (auto symbol = dyn_cast<SymbolOpInterface>(&op);
        symbol && intoSymbols.lookup(symbol.getName())) {
      op.erase();
      continue;
    }
    if (StringRef fn = entryFunction(&op);
        !fn.empty() &&
        !declared.insert((op.getName().getStringRef() + ":" + fn).str())
             .second) {
      op.erase();
      continue;
    }
    op.moveBefore(into.getBody(), into.getBody()->end());
    if (isa<SymbolOpInterface>(&op))
      intoSymbols.insert(&op);
  }
  from.erase();
  return success();
}

struct LinkSPIRVModulesPass
    : public impl::LinkSPIRVModulesPassBase<LinkSPIRVModulesPass> {
  void runOnOperation() override {
    SmallVector<spirv::ModuleOp> merged;
    WalkResult result =
        getOperation().walk([&](hal::ExecutableVariantOp variant) {
          ModuleOp inner = variant.getInnerModule();
          if (variant.getTarget().getBackend().getValue() != "vulkan-spirv" ||
              !inner)
            return WalkResult::skip();
          auto modules = llvm::to_vector(inner.getOps<spirv::ModuleOp>());
          if (modules.size() < 2)
            return WalkResult::skip();
          for (spirv::ModuleOp from : ArrayRef(modules).drop_front())
            if (failed(merge(modules.front(), from)))
              return WalkResult::interrupt();
          merged.push_back(modules.front());
          return WalkResult::skip();
        });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (spirv::ModuleOp module : merged) {
      OpPassManager pm(spirv::ModuleOp::getOperationName());
      pm.addPass(spirv::createSPIRVUpdateVCEPass());
      if (failed(runPipeline(pm, module)))
        return signalPassFailure();
    }
  }
};

} // namespace

} // namespace mlir::tessera::target

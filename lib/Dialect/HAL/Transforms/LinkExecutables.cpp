//===- LinkExecutables.cpp - One executable per target configuration -----===//
//
// Dispatches start out in one executable each. Linking moves every variant
// of one target configuration into a single `hal.executable @linked_<backend>`
// so that serialization produces one library per target: exports are
// renumbered densely, inner modules merged (identical symbols shared,
// different ones renamed), dispatch sites rewritten. Pipeline layouts are
// attributes, so equivalent layouts are one and the same after linking.
//
//===----------------------------------------------------------------------===//

#include "Dialect/HAL/Transforms/Passes.h"

#include "Dialect/Flow/IR/FlowOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tessera::hal {
#define GEN_PASS_DEF_LINKEXECUTABLESPASS
#include "Dialect/HAL/Transforms/Passes.h.inc"
} // namespace mlir::tessera::hal

using namespace mlir;
using namespace mlir::tessera;

namespace {

bool isEquivalent(Operation *a, Operation *b) {
  return OperationEquivalence::isEquivalentTo(
      a, b, OperationEquivalence::IgnoreLocations);
}

/// A name not used in any of `tables`: `base`, then `base_1`, `base_2`...
std::string uniqueName(StringRef base, ArrayRef<SymbolTable *> tables) {
  auto taken = [&](StringRef name) {
    return llvm::any_of(tables, [&](SymbolTable *table) {
      return table->lookup(name) != nullptr;
    });
  };
  if (!taken(base))
    return base.str();
  for (unsigned n = 1;; ++n) {
    std::string candidate = (base + "_" + Twine(n)).str();
    if (!taken(candidate))
      return candidate;
  }
}

/// The function implementing `name` in a variant's module: a function of
/// the module, or one nested in a symbol table of it (spirv.module).
Operation *lookupExportFunction(ModuleOp module, StringRef name) {
  if (Operation *function = SymbolTable::lookupSymbolIn(module, name))
    return function;
  for (Operation &op : module.getBody()->getOperations())
    if (op.hasTrait<OpTrait::SymbolTable>())
      if (Operation *function = SymbolTable::lookupSymbolIn(&op, name))
        return function;
  return nullptr;
}

/// A symbol op with a name (spirv.module's is optional).
bool isNamedSymbol(Operation *op) {
  return isa<SymbolOpInterface>(op) &&
         op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
}

struct LinkExecutablesPass
    : public hal::impl::LinkExecutablesPassBase<LinkExecutablesPass> {
  using LinkExecutablesPassBase::LinkExecutablesPassBase;
  void runOnOperation() override;

  /// Links `variants` (one target configuration) into a new variant of
  /// `linked`; records the new reference of each old
  /// `@ex::@variant::@export`.
  LogicalResult link(ArrayRef<hal::ExecutableVariantOp> variants,
                     hal::ExecutableOp linked,
                     DenseMap<Attribute, Attribute> &refMap);
};

LogicalResult
LinkExecutablesPass::link(ArrayRef<hal::ExecutableVariantOp> variants,
                          hal::ExecutableOp linked,
                          DenseMap<Attribute, Attribute> &refMap) {
  MLIRContext *ctx = &getContext();
  hal::ExecutableVariantOp first = variants.front();
  Location loc = first.getLoc();
  OpBuilder builder(linked);
  SymbolTable executableSymbols(linked);
  OpBuilder exeBuilder = OpBuilder::atBlockEnd(&linked.getBlock());
  auto variant = hal::ExecutableVariantOp::create(
      exeBuilder, loc, uniqueName(first.getSymName(), {&executableSymbols}),
      first.getTarget());
  if (first.getObjects())
    variant.setObjectsAttr(first.getObjectsAttr());
  OpBuilder variantBuilder = OpBuilder::atBlockEnd(&variant.getBlock());
  auto linkedModule = ModuleOp::create(variantBuilder, loc);
  if (ModuleOp firstModule = first.getInnerModule())
    linkedModule->setDiscardableAttrs(
        firstModule->getDiscardableAttrDictionary());
  SymbolTable linkedSymbols(linkedModule);
  SymbolTable variantSymbols(variant);

  int64_t ordinal = 0;
  SetVector<Attribute> objects;
  for (hal::ExecutableVariantOp source : variants) {
    auto sourceExecutable = source->getParentOfType<hal::ExecutableOp>();
    ModuleOp sourceModule = source.getInnerModule();
    if (!sourceModule)
      return source.emitError() << "variant has no module to link";
    if (source.getObjects())
      objects.insert_range(source.getObjectsAttr().getValue());
    SymbolTable sourceSymbols(sourceModule);

    // Each export is implemented by the function of the same name; track the
    // function itself since renaming may change its name.
    SmallVector<std::pair<hal::ExecutableExportOp, Operation *>> exports;
    for (auto exportOp : source.getBlock().getOps<hal::ExecutableExportOp>()) {
      Operation *function =
          lookupExportFunction(sourceModule, exportOp.getSymName());
      if (!function)
        return exportOp.emitError()
               << "export @" << exportOp.getSymName()
               << " has no function of that name in the variant's module";
      // An export of the same name that differs (layout, count) needs a
      // function of another name even when the functions are identical.
      auto existing =
          variantSymbols.lookup<hal::ExecutableExportOp>(exportOp.getSymName());
      if (existing && !isEquivalent(existing, exportOp) &&
          failed(
              SymbolTable(function->getParentOp())
                  .rename(function, uniqueName(exportOp.getSymName(),
                                               {&linkedSymbols, &sourceSymbols,
                                                &variantSymbols}))))
        return exportOp.emitError() << "cannot rename the export to link it";
      exports.push_back({exportOp, function});
    }

    // Merge the inner module: share identical definitions, rename clashes.
    // Renaming happens in the source first, until no clash is left (a
    // rename changes the callers, which may then differ from their
    // namesakes), then the ops move.
    for (bool changed = true; changed;) {
      changed = false;
      for (auto symbol : sourceModule.getOps<SymbolOpInterface>()) {
        if (!isNamedSymbol(symbol))
          continue;
        Operation *existing = linkedSymbols.lookup(symbol.getName());
        if (!existing || isEquivalent(existing, symbol))
          continue;
        std::string newName =
            uniqueName(symbol.getName(),
                       {&linkedSymbols, &sourceSymbols, &variantSymbols});
        if (failed(sourceSymbols.rename(symbol, newName)))
          return symbol.emitError()
                 << "cannot rename @" << symbol.getName() << " to link it";
        changed = true;
        break; // The symbol table changed: iterate afresh.
      }
    }

    // Exports, renumbered densely; identical ones are shared.
    DenseSet<Operation *> sharedFunctions;
    for (auto [exportOp, function] : exports) {
      StringAttr name = SymbolTable::getSymbolName(function);
      auto oldRef = SymbolRefAttr::get(
          ctx, sourceExecutable.getSymName(),
          {FlatSymbolRefAttr::get(source.getSymNameAttr()),
           FlatSymbolRefAttr::get(exportOp.getSymNameAttr())});
      refMap[oldRef] =
          SymbolRefAttr::get(ctx, linked.getSymName(),
                             {FlatSymbolRefAttr::get(variant.getSymNameAttr()),
                              FlatSymbolRefAttr::get(name)});
      exportOp.setSymNameAttr(name);
      if (variantSymbols.lookup(name))
        continue; // Same export, same function: shared.
      exportOp->moveBefore(&variant.getBlock(), Block::iterator(linkedModule));
      exportOp.setOrdinalAttr(builder.getIndexAttr(ordinal++));
      variantSymbols.insert(exportOp);
    }

    for (Operation &op :
         llvm::make_early_inc_range(sourceModule.getBody()->getOperations())) {
      auto symbol = isNamedSymbol(&op) ? cast<SymbolOpInterface>(&op) : nullptr;
      if (symbol && linkedSymbols.lookup(symbol.getName())) {
        op.erase(); // Identical to the linked definition.
        continue;
      }
      op.moveBefore(linkedModule.getBody(), linkedModule.getBody()->end());
      if (symbol)
        linkedSymbols.insert(&op);
    }

    source.erase();
    if (sourceExecutable.getBlock().empty())
      sourceExecutable.erase();
  }
  if (!objects.empty())
    variant.setObjectsAttr(ArrayAttr::get(ctx, objects.getArrayRef()));
  return success();
}

void LinkExecutablesPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  SmallVector<std::string> linkedBackends(backends.begin(), backends.end());
  if (linkedBackends.empty())
    linkedBackends.push_back("llvm-cpu");
  // Executables grouped by the configurations they are compiled for (most
  // have all; one whose Vulkan variant was excluded has the CPU's only),
  // then their variants by configuration, in order of appearance: each set
  // links into one executable, whose variants agree on export ordinals.
  using Groups =
      llvm::MapVector<Attribute, SmallVector<hal::ExecutableVariantOp>>;
  llvm::MapVector<Attribute, Groups> sets;
  for (auto executable : module.getOps<hal::ExecutableOp>()) {
    SmallVector<hal::ExecutableVariantOp> eligible;
    SmallVector<Attribute> targets;
    for (auto variant : executable.getOps<hal::ExecutableVariantOp>()) {
      StringRef backend = variant.getTarget().getBackend().getValue();
      if (!llvm::is_contained(linkedBackends, backend))
        continue;
      // Hand-written (object-only) variants and conditional ones stay in
      // their executable: the runtime chooses among them at load.
      if (!variant.getInnerModule() ||
          !variant.getBlock().getOps<hal::ExecutableConditionOp>().empty())
        continue;
      eligible.push_back(variant);
      targets.push_back(variant.getTarget());
    }
    if (eligible.empty())
      continue;
    Groups &groups = sets[ArrayAttr::get(ctx, targets)];
    for (auto variant : eligible)
      groups[variant.getTarget()].push_back(variant);
  }

  DenseMap<Attribute, Attribute> refMap;
  for (auto &[key, groups] : sets) {
    llvm::SetVector<StringRef> groupBackends;
    for (auto &[target, variants] : groups)
      groupBackends.insert(
          cast<hal::ExecutableTargetAttr>(target).getBackend().getValue());
    // One executable holds every configuration's variant, so that a
    // dispatch compiled for several targets names one executable and the
    // runtime picks the variant it can load: @linked_llvm_cpu, or @linked
    // for several backends.
    std::string name = groupBackends.size() == 1
                           ? "linked_" + groupBackends.front().str()
                           : std::string("linked");
    std::replace_if(
        name.begin(), name.end(), [](char c) { return !isalnum(c); }, '_');
    // Already linked: nothing to merge (keeps the pass idempotent).
    auto firstExecutable =
        groups.front().second.front()->getParentOfType<hal::ExecutableOp>();
    bool alreadyLinked =
        firstExecutable.getSymName().starts_with(name) &&
        llvm::all_of(groups,
                     [&](auto &group) {
                       return group.second.size() == 1 &&
                              group.second.front()->getParentOp() ==
                                  firstExecutable;
                     }) &&
        llvm::range_size(firstExecutable.getOps<hal::ExecutableVariantOp>()) ==
            groups.size();
    if (alreadyLinked)
      continue;

    SymbolTable moduleSymbols(module);
    OpBuilder builder(firstExecutable);
    auto linked = hal::ExecutableOp::create(builder, firstExecutable.getLoc(),
                                            uniqueName(name, {&moduleSymbols}));
    linked.setPrivate();
    for (auto &[attr, variants] : groups)
      if (failed(link(variants, linked, refMap)))
        return signalPassFailure();
  }
  if (refMap.empty())
    return;

  WalkResult result = module.walk([&](flow::DispatchOp dispatch) {
    SmallVector<Attribute> refs;
    for (Attribute ref : dispatch.getEntryPoints()) {
      Attribute replacement = refMap.lookup(ref);
      refs.push_back(replacement ? replacement : ref);
    }
    dispatch.setEntryPointsAttr(ArrayAttr::get(ctx, refs));
    return WalkResult::advance();
  });
  (void)result;
}

} // namespace

//===- FlowOps.cpp - flow dialect operations ------------------------------===//

#include "Dialect/Flow/IR/FlowOps.h"

#include "Dialect/Common/BlockTerminator.h"
#include "Dialect/Common/CustomSyntax.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::flow;

#include "Dialect/Flow/IR/FlowOpsDialect.cpp.inc"

void FlowDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Dialect/Flow/IR/FlowOps.cpp.inc"
      >();
}

static ParseResult parseFlowWorkgroupsRegion(OpAsmParser &parser,
                                             Region &region) {
  return parseWorkgroupCountRegion(parser, region, "workgroups");
}
static void printFlowWorkgroupsRegion(OpAsmPrinter &p, Operation *op,
                                      Region &region) {
  printWorkgroupCountRegion(p, op, region, "workgroups");
}

/// `@ex::@entry` or `{@ex::@a::@entry, @ex::@b::@entry}`.
static ParseResult parseDispatchEntryPoints(OpAsmParser &parser,
                                            ArrayAttr &entryPoints) {
  SmallVector<Attribute> refs;
  auto parseOne = [&]() -> ParseResult {
    SymbolRefAttr ref;
    if (parser.parseAttribute(ref))
      return failure();
    refs.push_back(ref);
    return success();
  };
  if (succeeded(parser.parseOptionalLBrace())) {
    if (parser.parseCommaSeparatedList(parseOne) || parser.parseRBrace())
      return failure();
  } else if (parseOne()) {
    return failure();
  }
  entryPoints = parser.getBuilder().getArrayAttr(refs);
  return success();
}

static void printDispatchEntryPoints(OpAsmPrinter &p, Operation *op,
                                     ArrayAttr entryPoints) {
  if (entryPoints.size() == 1) {
    p.printAttribute(entryPoints[0]);
    return;
  }
  p << "{";
  llvm::interleaveComma(entryPoints, p,
                        [&](Attribute ref) { p.printAttribute(ref); });
  p << "}";
}

//===----------------------------------------------------------------------===//
// flow.executable
//===----------------------------------------------------------------------===//

void ExecutableOp::build(OpBuilder &builder, OperationState &state,
                         StringRef name) {
  state.addAttribute(mlir::SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addRegion()->emplaceBlock();
}

ModuleOp ExecutableOp::getInnerModule() {
  auto modules = getBlock().getOps<ModuleOp>();
  return modules.empty() ? ModuleOp() : *modules.begin();
}

LogicalResult ExecutableOp::verify() {
  unsigned moduleCount = 0;
  for (Operation &op : getBlock()) {
    if (isa<ModuleOp>(op)) {
      ++moduleCount;
      continue;
    }
    if (!isa<ExecutableExportOp>(op))
      return op.emitOpError()
             << "is not allowed in a flow.executable (only "
                "flow.executable.export and one builtin.module)";
  }
  if (moduleCount > 1)
    return emitOpError() << "expects at most one builtin.module but has "
                         << moduleCount;
  ModuleOp module = getInnerModule();
  for (auto exportOp : getBlock().getOps<ExecutableExportOp>()) {
    auto func =
        module ? module.lookupSymbol<func::FuncOp>(exportOp.getSymNameAttr())
               : func::FuncOp();
    if (!func)
      return exportOp.emitOpError()
             << "refers to function @" << exportOp.getSymName()
             << " which is not defined in the executable's module";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// flow.executable.export
//===----------------------------------------------------------------------===//

LogicalResult ExecutableExportOp::verify() {
  Region &region = getWorkgroupCount();
  if (region.empty())
    return success();
  for (BlockArgument arg : region.getArguments())
    if (!arg.getType().isIndex())
      return emitOpError() << "workgroups region arguments must be index "
                              "(the workload) but got "
                           << arg.getType();
  auto ret = dyn_cast_or_null<ReturnOp>(terminatorOrNull(region.front()));
  if (!ret || ret.getOperands().size() != 3 ||
      !llvm::all_of(ret.getOperandTypes(), [](Type t) { return t.isIndex(); }))
    return emitOpError()
           << "workgroups region must end in flow.return of 3 index values";
  return success();
}

//===----------------------------------------------------------------------===//
// flow.dispatch
//===----------------------------------------------------------------------===//

SmallVector<SymbolRefAttr> DispatchOp::getEntryPointRefs() {
  SmallVector<SymbolRefAttr> refs;
  for (Attribute attr : getEntryPoints())
    refs.push_back(cast<SymbolRefAttr>(attr));
  return refs;
}

std::optional<unsigned> DispatchOp::getTiedOperandIndex(unsigned index) {
  return tessera::getTiedOperandIndex(getTiedOperandsAttr(), index);
}

static ValueRange dynamicDimsOf(TypeRange types, ValueRange dims,
                                unsigned index) {
  unsigned offset = 0;
  for (unsigned i = 0; i < index; ++i)
    offset += getDynamicDimCount(types[i]);
  return dims.slice(offset, getDynamicDimCount(types[index]));
}

ValueRange DispatchOp::getArgumentDynamicDims(unsigned index) {
  return dynamicDimsOf(getArguments().getTypes(), getArgumentDims(), index);
}

ValueRange DispatchOp::getResultDynamicDims(unsigned index) {
  return dynamicDimsOf(getResultTypes(), getResultDims(), index);
}

LogicalResult DispatchOp::verify() {
  if (getEntryPoints().empty())
    return emitOpError() << "requires at least one entry point";
  for (Attribute attr : getEntryPoints())
    if (!isa<SymbolRefAttr>(attr))
      return emitOpError() << "entry points must be symbol references";
  return verifyShapedCall(*this, getArguments(), getArgumentDims(),
                          getResultTypes(), getResultDims(),
                          getTiedOperandsAttr());
}

LogicalResult DispatchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  for (SymbolRefAttr ref : getEntryPointRefs()) {
    Operation *target = symbolTable.lookupNearestSymbolFrom(*this, ref);
    if (!target && ref.getNestedReferences().size() == 2) {
      // @executable::@variant::@export after serialization: the variant has
      // become a binary that holds the export.
      auto variantRef = SymbolRefAttr::get(ref.getRootReference(),
                                           ref.getNestedReferences().front());
      Operation *binary =
          symbolTable.lookupNearestSymbolFrom(*this, variantRef);
      if (binary && binary->getName().getStringRef() == "hal.executable.binary")
        continue;
    }
    if (!target)
      return emitOpError() << "entry point " << ref << " not found";
    StringRef name = target->getName().getStringRef();
    bool isHal = name == "hal.executable.export";
    if (name != "flow.executable.export" && !isHal)
      return emitOpError() << "entry point " << ref
                           << " does not name an executable export";
    Region &count = target->getRegion(0);
    if (count.empty())
      continue;
    unsigned expected = count.getNumArguments() - (isHal ? 1 : 0);
    if (expected != getWorkload().size())
      return emitOpError() << "workload has " << getWorkload().size()
                           << " values but entry point " << ref << " expects "
                           << expected;
  }
  return success();
}

#define GET_OP_CLASSES
#include "Dialect/Flow/IR/FlowOps.cpp.inc"

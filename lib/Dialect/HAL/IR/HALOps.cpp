//===- HALOps.cpp - hal dialect operations --------------------------------===//

#include "Dialect/HAL/IR/HALOps.h"

#include "Dialect/Common/CustomSyntax.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::tessera;
using namespace mlir::tessera::hal;

static ParseResult parseHALCountRegion(OpAsmParser &parser, Region &region) {
  return parseWorkgroupCountRegion(parser, region, "count");
}
static void printHALCountRegion(OpAsmPrinter &p, Operation *op,
                                Region &region) {
  printWorkgroupCountRegion(p, op, region, "count");
}

//===----------------------------------------------------------------------===//
// hal.executable
//===----------------------------------------------------------------------===//

void ExecutableOp::build(OpBuilder &builder, OperationState &state,
                         StringRef name) {
  state.addAttribute(mlir::SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addRegion()->emplaceBlock();
}

LogicalResult ExecutableOp::verify() {
  for (Operation &op : getBlock())
    if (!isa<ExecutableVariantOp, ExecutableBinaryOp>(op))
      return op.emitOpError() << "is not allowed in a hal.executable (only "
                                 "variants and binaries)";
  return success();
}

//===----------------------------------------------------------------------===//
// hal.executable.variant
//===----------------------------------------------------------------------===//

void ExecutableVariantOp::build(OpBuilder &builder, OperationState &state,
                                StringRef name, ExecutableTargetAttr target) {
  state.addAttribute(mlir::SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addAttribute("target", target);
  state.addRegion()->emplaceBlock();
}

ModuleOp ExecutableVariantOp::getInnerModule() {
  auto modules = getBlock().getOps<ModuleOp>();
  return modules.empty() ? ModuleOp() : *modules.begin();
}

LogicalResult ExecutableVariantOp::verify() {
  unsigned moduleCount = 0;
  llvm::DenseMap<int64_t, ExecutableExportOp> ordinals;
  for (Operation &op : getBlock()) {
    if (isa<ModuleOp>(op)) {
      ++moduleCount;
      continue;
    }
    auto exportOp = dyn_cast<ExecutableExportOp>(op);
    if (!exportOp)
      return op.emitOpError() << "is not allowed in a hal.executable.variant";
    int64_t ordinal = exportOp.getOrdinal().getSExtValue();
    auto [it, inserted] = ordinals.try_emplace(ordinal, exportOp);
    if (!inserted)
      return exportOp.emitOpError()
             << "ordinal " << ordinal << " is already used by @"
             << it->second.getSymName();
  }
  if (moduleCount > 1)
    return emitOpError() << "expects at most one builtin.module but has "
                         << moduleCount;
  // Exports are implemented by the inner module unless objects provide them.
  ModuleOp module = getInnerModule();
  if (!module)
    return success();
  for (auto exportOp : getBlock().getOps<ExecutableExportOp>()) {
    if (getObjects())
      continue;
    Operation *impl = module.lookupSymbol(exportOp.getSymNameAttr());
    if (!impl)
      return exportOp.emitOpError()
             << "has no implementation @" << exportOp.getSymName()
             << " in the variant's module";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// hal.executable.export
//===----------------------------------------------------------------------===//

LogicalResult ExecutableExportOp::verify() {
  if (getOrdinal().isNegative())
    return emitOpError() << "ordinal must be non-negative";
  Region &region = getWorkgroupCount();
  if (region.empty())
    return success();
  auto args = region.getArguments();
  if (args.empty() || !isa<DeviceType>(args.front().getType()))
    return emitOpError()
           << "count region must take !hal.device as its first argument";
  for (BlockArgument arg : args.drop_front())
    if (!arg.getType().isIndex())
      return emitOpError() << "count region workload arguments must be "
                              "index but got "
                           << arg.getType();
  auto ret = dyn_cast<ReturnOp>(region.front().getTerminator());
  if (!ret || ret.getOperands().size() != 3 ||
      !llvm::all_of(ret.getOperandTypes(), [](Type t) { return t.isIndex(); }))
    return emitOpError()
           << "count region must end in hal.return of 3 index values";
  return success();
}

//===----------------------------------------------------------------------===//
// hal.executable.binary
//===----------------------------------------------------------------------===//

LogicalResult ExecutableBinaryOp::verify() {
  auto type = dyn_cast<ShapedType>(getData().getType());
  if (!type || !type.getElementType().isInteger(8) || type.getRank() != 1)
    return emitOpError() << "data must be a 1-D i8 elements attribute";
  if (type.getNumElements() == 0)
    return emitOpError() << "data must not be empty";
  if (getFormat().empty())
    return emitOpError() << "format must not be empty";
  return success();
}

//===----------------------------------------------------------------------===//
// Interface ops
//===----------------------------------------------------------------------===//

LogicalResult InterfaceBindingSubspanOp::verify() {
  auto type = cast<MemRefType>(getResult().getType());
  if (static_cast<int64_t>(getDynamicDims().size()) !=
      static_cast<int64_t>(type.getNumDynamicDims()))
    return emitOpError() << "expects " << type.getNumDynamicDims()
                         << " dynamic dimension values for " << type
                         << " but got " << getDynamicDims().size();
  return success();
}

static LogicalResult verifyDimension(Operation *op, APInt dimension) {
  if (dimension.getZExtValue() > 2)
    return op->emitOpError() << "dimension must be 0, 1 or 2 but got "
                             << dimension.getZExtValue();
  return success();
}

LogicalResult InterfaceWorkgroupIDOp::verify() {
  return verifyDimension(*this, getDimension());
}

LogicalResult InterfaceWorkgroupCountOp::verify() {
  return verifyDimension(*this, getDimension());
}

OpFoldResult BufferLengthOp::fold(FoldAdaptor) {
  // The length of a subspan is the length it was made with.
  if (auto subspan = getBuffer().getDefiningOp<BufferSubspanOp>())
    return subspan.getLength();
  return {};
}

#define GET_OP_CLASSES
#include "Dialect/HAL/IR/HALOps.cpp.inc"

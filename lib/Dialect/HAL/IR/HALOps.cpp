//===- HALOps.cpp - hal dialect operations --------------------------------===//

#include "Dialect/HAL/IR/HALOps.h"

#include "Dialect/Common/BlockTerminator.h"
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
  unsigned moduleCount = 0, conditionCount = 0;
  llvm::DenseMap<int64_t, ExecutableExportOp> ordinals;
  for (Operation &op : getBlock()) {
    if (isa<ModuleOp>(op)) {
      ++moduleCount;
      continue;
    }
    if (isa<ExecutableConditionOp>(op)) {
      if (++conditionCount > 1)
        return op.emitOpError() << "is the second condition of the variant";
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
    // Targets that wrap their code in a module of their own (spirv.module)
    // implement exports one level down.
    for (Operation &nested : module.getBody()->getOperations())
      if (!impl && nested.hasTrait<OpTrait::SymbolTable>())
        impl = mlir::SymbolTable::lookupSymbolIn(&nested,
                                                 exportOp.getSymNameAttr());
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
  auto ret = dyn_cast_or_null<ReturnOp>(terminatorOrNull(region.front()));
  if (!ret || ret.getOperands().size() != 3 ||
      !llvm::all_of(ret.getOperandTypes(), [](Type t) { return t.isIndex(); }))
    return emitOpError()
           << "count region must end in hal.return of 3 index values";
  return success();
}

//===----------------------------------------------------------------------===//
// hal.executable.binary
//===----------------------------------------------------------------------===//

static LogicalResult verifyConditionRegion(Operation *op, Region &region);

LogicalResult ExecutableBinaryOp::verify() {
  if (!getCondition().empty() &&
      failed(verifyConditionRegion(*this, getCondition())))
    return failure();
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

//===----------------------------------------------------------------------===//
// hal.executable.condition
//===----------------------------------------------------------------------===//

/// `(%device: !hal.device) -> i1 { ... }`: a region taking the device and
/// returning one i1 (conditions of variants and of extern objects).
static ParseResult parseConditionRegion(OpAsmParser &parser, Region &region) {
  SmallVector<OpAsmParser::Argument> arguments;
  Type resultType;
  if (parser.parseArgumentList(arguments, AsmParser::Delimiter::Paren,
                               /*allowType=*/true) ||
      parser.parseArrow() || parser.parseType(resultType) ||
      parser.parseRegion(region, arguments))
    return failure();
  return success();
}

static void printConditionRegion(OpAsmPrinter &p, Region &region) {
  p << "(";
  llvm::interleaveComma(region.getArguments(), p, [&](BlockArgument argument) {
    p.printRegionArgument(argument);
  });
  p << ") -> i1 ";
  p.printRegion(region, /*printEntryBlockArgs=*/false);
}

/// One !hal.device argument, hal.return of one i1.
static LogicalResult verifyConditionRegion(Operation *op, Region &region) {
  if (region.empty())
    return op->emitOpError() << "needs a condition region";
  Block &entry = region.front();
  if (entry.getNumArguments() != 1 ||
      !isa<DeviceType>(entry.getArgument(0).getType()))
    return op->emitOpError() << "condition must take one !hal.device argument";
  for (Block &block : region)
    if (auto ret = dyn_cast_or_null<ReturnOp>(terminatorOrNull(block)))
      if (ret.getNumOperands() != 1 ||
          !ret.getOperand(0).getType().isInteger(1))
        return ret.emitOpError() << "of a condition must return one i1";
  return success();
}

/// custom<OptionalCondition>: nothing, or `if` and a condition region.
static ParseResult parseOptionalCondition(OpAsmParser &parser, Region &region) {
  if (failed(parser.parseOptionalKeyword("if")))
    return success();
  return parseConditionRegion(parser, region);
}

static void printOptionalCondition(OpAsmPrinter &p, Operation *,
                                   Region &region) {
  if (region.empty())
    return;
  p << " if";
  printConditionRegion(p, region);
}

ParseResult ExecutableConditionOp::parse(OpAsmParser &parser,
                                         OperationState &state) {
  Region *body = state.addRegion();
  if (parseConditionRegion(parser, *body) ||
      parser.parseOptionalAttrDict(state.attributes))
    return failure();
  return success();
}

void ExecutableConditionOp::print(OpAsmPrinter &p) {
  printConditionRegion(p, getBody());
  p.printOptionalAttrDict((*this)->getAttrs());
}

LogicalResult ExecutableConditionOp::verify() {
  return verifyConditionRegion(*this, getBody());
}

//===----------------------------------------------------------------------===//
// hal.device.query
//===----------------------------------------------------------------------===//

/// `"category" :: "key"`.
static ParseResult parseQueryKey(OpAsmParser &parser, StringAttr &category,
                                 StringAttr &key) {
  // Strings, not attributes: `"category" : ...` would read as a typed one.
  std::string categoryText, keyText;
  if (parser.parseString(&categoryText) || parser.parseColon() ||
      parser.parseColon() || parser.parseString(&keyText))
    return failure();
  category = parser.getBuilder().getStringAttr(categoryText);
  key = parser.getBuilder().getStringAttr(keyText);
  return success();
}

static void printQueryKey(OpAsmPrinter &p, Operation *, StringAttr category,
                          StringAttr key) {
  p.printAttribute(category);
  p << " :: ";
  p.printAttribute(key);
}

LogicalResult DeviceQueryOp::verify() {
  if (getCategory().empty() || getKey().empty())
    return emitOpError() << "needs a category and a key";
  if (auto value = getDefaultValueAttr())
    if (value.getType() != getValue().getType())
      return emitOpError() << "default value of type " << value.getType()
                           << " for a result of type " << getValue().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// hal.dispatch.extern
//===----------------------------------------------------------------------===//

/// `{ #target (if(...) -> i1 {...})? ordinal(N) = [objects], ... }`.
static ParseResult
parseTargetConditionObjects(OpAsmParser &parser, ArrayAttr &targets,
                            ArrayAttr &ordinals, ArrayAttr &objects,
                            SmallVectorImpl<std::unique_ptr<Region>> &regions) {
  SmallVector<Attribute> targetList, ordinalList, objectList;
  auto parseOne = [&]() -> ParseResult {
    ExecutableTargetAttr target;
    if (parser.parseAttribute(target))
      return failure();
    auto region = std::make_unique<Region>();
    if (succeeded(parser.parseOptionalKeyword("if")) &&
        parseConditionRegion(parser, *region))
      return failure();
    int64_t ordinal = 0;
    ArrayAttr targetObjects;
    if (parser.parseKeyword("ordinal") || parser.parseLParen() ||
        parser.parseInteger(ordinal) || parser.parseRParen() ||
        parser.parseEqual() || parser.parseAttribute(targetObjects))
      return failure();
    targetList.push_back(target);
    ordinalList.push_back(parser.getBuilder().getIndexAttr(ordinal));
    objectList.push_back(targetObjects);
    regions.push_back(std::move(region));
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Braces, parseOne))
    return failure();
  Builder &builder = parser.getBuilder();
  targets = builder.getArrayAttr(targetList);
  ordinals = builder.getArrayAttr(ordinalList);
  objects = builder.getArrayAttr(objectList);
  return success();
}

static void printTargetConditionObjects(OpAsmPrinter &p, Operation *,
                                        ArrayAttr targets, ArrayAttr ordinals,
                                        ArrayAttr objects,
                                        MutableArrayRef<Region> regions) {
  p << "{";
  p.increaseIndent();
  for (unsigned i = 0; i < targets.size(); ++i) {
    p.printNewline();
    p.printAttribute(targets[i]);
    if (i < regions.size() && !regions[i].empty()) {
      p << " if";
      printConditionRegion(p, regions[i]);
    }
    p << " ordinal(" << cast<IntegerAttr>(ordinals[i]).getInt() << ") = ";
    p.printAttribute(objects[i]);
    if (i + 1 < targets.size())
      p << ",";
  }
  p.decreaseIndent();
  p.printNewline();
  p << "}";
}

std::optional<unsigned> DispatchExternOp::getTiedOperandIndex(unsigned index) {
  return tessera::getTiedOperandIndex(getTiedOperandsAttr(), index);
}

LogicalResult DispatchExternOp::verify() {
  if (getExportName().empty())
    return emitOpError() << "needs the name of the external export";
  if (failed(verifyShapedCall(*this, getArguments(), getArgumentDims(),
                              getResultTypes(), getResultDims(),
                              getTiedOperandsAttr())))
    return failure();
  if (getTargets().empty())
    return emitOpError() << "needs objects for at least one target";
  if (getTargetOrdinals().size() != getTargets().size() ||
      getTargetObjects().size() != getTargets().size() ||
      getTargetRegions().size() != getTargets().size())
    return emitOpError() << "needs an ordinal, objects and a (possibly "
                            "empty) condition per target";
  for (auto [index, objects] : llvm::enumerate(getTargetObjects())) {
    auto list = dyn_cast<ArrayAttr>(objects);
    if (!list || list.empty() ||
        !llvm::all_of(list, llvm::IsaPred<ExecutableObjectAttr>))
      return emitOpError() << "target " << index
                           << " needs a non-empty list of "
                              "#hal.executable.object";
  }
  for (Region &region : getTargetRegions())
    if (!region.empty() && failed(verifyConditionRegion(*this, region)))
      return failure();
  // The count region maps the workload to a grid.
  Region &count = getWorkgroupCount();
  if (count.empty())
    return emitOpError() << "needs a count region";
  Block &entry = count.front();
  if (entry.getNumArguments() != getWorkload().size() + 1 ||
      !isa<DeviceType>(entry.getArgument(0).getType()))
    return emitOpError() << "count region must take the device and the "
                         << getWorkload().size() << " workload values";
  // Bindings: at most one per binding of the layout.
  if (auto bindings = getBindingsAttr()) {
    if (bindings.size() > getLayout().getBindingCount())
      return emitOpError() << "has " << bindings.size()
                           << " bindings but the layout declares "
                           << getLayout().getBindingCount();
  }
  return success();
}

OpFoldResult BufferLengthOp::fold(FoldAdaptor) {
  // The length of a subspan or an allocation is the length it was made with.
  if (auto subspan = getBuffer().getDefiningOp<BufferSubspanOp>())
    return subspan.getLength();
  if (auto allocation = getBuffer().getDefiningOp<BufferAllocateOp>())
    return allocation.getSize();
  return {};
}

//===----------------------------------------------------------------------===//
// hal.tensor.export / hal.tensor.import
//===----------------------------------------------------------------------===//

static LogicalResult verifyTensorDims(Operation *op, Type type,
                                      ValueRange dims) {
  auto tensorType = cast<RankedTensorType>(type);
  if (dims.size() != static_cast<size_t>(tensorType.getNumDynamicDims()))
    return op->emitOpError() << "expects " << tensorType.getNumDynamicDims()
                             << " dynamic dimension values for " << type
                             << " but got " << dims.size();
  return success();
}

LogicalResult TensorExportOp::verify() {
  return verifyTensorDims(*this, getSource().getType(), getSourceDims());
}

OpFoldResult TensorExportOp::fold(FoldAdaptor) {
  // A tensor made from a buffer is stored in that buffer.
  if (auto imported = getSource().getDefiningOp<TensorImportOp>())
    return imported.getSource();
  return {};
}

LogicalResult TensorImportOp::verify() {
  return verifyTensorDims(*this, getResult().getType(), getResultDims());
}

#define GET_OP_CLASSES
#include "Dialect/HAL/IR/HALOps.cpp.inc"

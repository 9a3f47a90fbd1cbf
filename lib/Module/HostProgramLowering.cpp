//===- HostProgramLowering.cpp - Host functions to host programs ----------===//
//
// The host function after the hal phase is straight-line code over tensors:
// constants, index arithmetic, tensor.empty/dim, reshapes and flow.dispatch
// of hal exports. Each tensor becomes a buffer register plus one scalar
// register per dimension; each dispatch computes its workgroup count by
// running the export's count region on the host, and passes push constants
// and bindings in the order hal::planInterface fixed for the export.
//
//===----------------------------------------------------------------------===//

#include "Module/HostProgramLowering.h"

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/IR/HALOps.h"
#include "Dialect/HAL/Transforms/InterfacePlan.h"
#include "tessera/schema/module_generated.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>

namespace mlir::tessera::module {

namespace schema = ::tessera::schema;

namespace {

using flatbuffers::Offset;
using Kind = schema::ArithKind;

std::optional<schema::ElementType> toElementType(Type type) {
  if (type.isF32())
    return schema::ElementType::F32;
  if (type.isF16())
    return schema::ElementType::F16;
  if (type.isF64())
    return schema::ElementType::F64;
  if (type.isBF16())
    return schema::ElementType::BF16;
  if (type.isIndex() || type.isSignlessInteger(64))
    return schema::ElementType::I64;
  if (type.isSignlessInteger(32))
    return schema::ElementType::I32;
  if (type.isSignlessInteger(16))
    return schema::ElementType::I16;
  if (type.isSignlessInteger(8))
    return schema::ElementType::I8;
  if (type.isSignlessInteger(1))
    return schema::ElementType::I1;
  return std::nullopt;
}

/// Bytes per element in buffers (i1 takes a byte, index 8).
int64_t storageBytes(Type type) {
  if (type.isIndex())
    return 8;
  return std::max<int64_t>(1, type.getIntOrFloatBitWidth() / 8);
}

std::string locationText(Location loc) {
  std::string text;
  loc->walk([&](Location nested) {
    if (auto file = dyn_cast<FileLineColLoc>(nested)) {
      text = (file.getFilename().getValue() + ":" + Twine(file.getLine()) +
              ":" + Twine(file.getColumn()))
                 .str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return text;
}

struct TensorValue {
  uint32_t buffer = 0;
  SmallVector<uint32_t> dims;
  std::optional<uint32_t> byteSize;
};

class HostLowering {
public:
  HostLowering(func::FuncOp func, ModuleBuilder &module,
               flatbuffers::FlatBufferBuilder &fbb)
      : func(func), module(module), fbb(fbb) {}

  FailureOr<uint32_t> run();

private:
  // --- Emission ------------------------------------------------------------
  template <typename T> void emit(Offset<T> op, schema::Op type) {
    int32_t location = -1;
    std::string text = locationText(currentLoc);
    if (!text.empty()) {
      auto [it, inserted] = locationIndex.try_emplace(text, locations.size());
      if (inserted)
        locations.push_back(text);
      location = it->second;
    }
    instructions.push_back(
        schema::CreateInstruction(fbb, type, op.Union(), location));
  }
  uint32_t newScalar() { return scalarCount++; }
  uint32_t newBuffer() { return bufferCount++; }
  uint32_t constant(int64_t value) {
    auto it = constants.find(value);
    if (it != constants.end())
      return it->second;
    uint32_t reg = newScalar();
    emit(schema::CreateConstantScalar(fbb, reg, value),
         schema::Op::ConstantScalar);
    constants[value] = reg;
    return reg;
  }
  uint32_t arith(Kind kind, uint32_t lhs, uint32_t rhs) {
    uint32_t reg = newScalar();
    emit(schema::CreateArith(fbb, kind, reg, lhs, rhs), schema::Op::Arith);
    return reg;
  }
  /// Keeps a register holding a value of `type` in canonical form: i1 as
  /// 0/1, narrower integers sign-extended.
  uint32_t normalize(uint32_t reg, Type type) {
    if (!type.isSignlessInteger() || type.getIntOrFloatBitWidth() >= 64)
      return reg;
    unsigned width = type.getIntOrFloatBitWidth();
    if (width == 1)
      return arith(Kind::And, reg, constant(1));
    uint32_t shift = constant(64 - width);
    return arith(Kind::ShrS, arith(Kind::Shl, reg, shift), shift);
  }
  uint32_t zeroExtend(uint32_t reg, Type from) {
    unsigned width = from.isIndex() ? 64 : from.getIntOrFloatBitWidth();
    if (width >= 64)
      return reg;
    return arith(Kind::And, reg, constant((int64_t(1) << width) - 1));
  }
  uint32_t byteSize(TensorValue &tensor, RankedTensorType type) {
    if (tensor.byteSize)
      return *tensor.byteSize;
    uint32_t size = constant(storageBytes(type.getElementType()));
    for (uint32_t dim : tensor.dims)
      size = arith(Kind::Mul, size, dim);
    tensor.byteSize = size;
    return size;
  }
  uint32_t alloc(uint32_t size) {
    uint32_t reg = newBuffer();
    emit(schema::CreateAlloc(fbb, reg, size), schema::Op::Alloc);
    return reg;
  }

  // --- Values --------------------------------------------------------------
  FailureOr<uint32_t> scalar(Value value) {
    auto it = scalars.find(value);
    if (it != scalars.end())
      return it->second;
    Operation *def = value.getDefiningOp();
    return emitError(def ? def->getLoc() : value.getLoc())
           << "host value is not a scalar the host program can compute";
  }
  FailureOr<TensorValue *> tensor(Value value) {
    auto it = tensors.find(value);
    if (it != tensors.end())
      return &it->second;
    return emitError(value.getLoc()) << "tensor value has no buffer";
  }
  /// Dims of a new tensor of `type`: static ones as constants, dynamic ones
  /// from `dynamic` in order.
  FailureOr<SmallVector<uint32_t>> dimsOf(RankedTensorType type,
                                          ValueRange dynamic) {
    SmallVector<uint32_t> dims;
    unsigned next = 0;
    for (int64_t dim : type.getShape()) {
      if (!ShapedType::isDynamic(dim)) {
        dims.push_back(constant(dim));
        continue;
      }
      FailureOr<uint32_t> reg = scalar(dynamic[next++]);
      if (failed(reg))
        return failure();
      dims.push_back(*reg);
    }
    return dims;
  }

  // --- Ops -----------------------------------------------------------------
  LogicalResult lower(Operation *op);
  LogicalResult lowerScalarOp(Operation *op);
  LogicalResult lowerConstant(arith::ConstantOp op);
  LogicalResult lowerReshape(Operation *op, Value source, Value result,
                             SmallVector<uint32_t> dims);
  LogicalResult lowerFill(linalg::FillOp op);
  LogicalResult lowerDispatch(flow::DispatchOp op);
  LogicalResult lowerReturn(func::ReturnOp op);
  FailureOr<Offset<schema::TensorType>> typeOf(Type type, Location loc);

  func::FuncOp func;
  ModuleBuilder &module;
  flatbuffers::FlatBufferBuilder &fbb;
  Location currentLoc = UnknownLoc();
  std::vector<Offset<schema::Instruction>> instructions;
  std::vector<std::string> locations;
  std::map<std::string, int32_t> locationIndex;
  uint32_t scalarCount = 0, bufferCount = 0;
  std::map<int64_t, uint32_t> constants;
  DenseMap<Value, uint32_t> scalars;
  DenseMap<Value, TensorValue> tensors;
};

FailureOr<Offset<schema::TensorType>> HostLowering::typeOf(Type type,
                                                           Location loc) {
  Type elementType = type;
  std::vector<int64_t> shape;
  bool isScalar = true;
  if (auto tensorType = dyn_cast<RankedTensorType>(type)) {
    elementType = tensorType.getElementType();
    for (int64_t dim : tensorType.getShape())
      shape.push_back(ShapedType::isDynamic(dim) ? -1 : dim);
    isScalar = false;
  } else if (isa<TensorType>(type)) {
    return emitError(loc) << "unranked tensors are not supported";
  }
  std::optional<schema::ElementType> element = toElementType(elementType);
  if (!element)
    return emitError(loc) << "element type " << elementType
                          << " is not supported by the runtime (supported: "
                             "f32 f16 f64 bf16 i1 i8 i16 i32 i64 index)";
  return schema::CreateTensorType(fbb, *element, fbb.CreateVector(shape),
                                  isScalar);
}

FailureOr<uint32_t> HostLowering::run() {
  currentLoc = func.getLoc();
  std::vector<Offset<schema::TensorType>> inputTypes, outputTypes;
  for (auto [index, arg] : llvm::enumerate(func.getArguments())) {
    auto type = typeOf(arg.getType(), func.getLoc());
    if (failed(type))
      return failure();
    inputTypes.push_back(*type);
    if (auto tensorType = dyn_cast<RankedTensorType>(arg.getType())) {
      TensorValue value;
      value.buffer = newBuffer();
      emit(schema::CreateInputBuffer(fbb, value.buffer, index),
           schema::Op::InputBuffer);
      for (auto [d, dim] : llvm::enumerate(tensorType.getShape())) {
        if (!ShapedType::isDynamic(dim)) {
          value.dims.push_back(constant(dim));
          continue;
        }
        uint32_t reg = newScalar();
        emit(schema::CreateInputDim(fbb, reg, index, d), schema::Op::InputDim);
        value.dims.push_back(reg);
      }
      tensors[arg] = std::move(value);
    } else {
      uint32_t reg = newScalar();
      emit(schema::CreateInputScalar(fbb, reg, index), schema::Op::InputScalar);
      scalars[arg] = reg;
    }
  }
  for (Type type : func.getResultTypes()) {
    auto converted = typeOf(type, func.getLoc());
    if (failed(converted))
      return failure();
    outputTypes.push_back(*converted);
  }
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "host functions must be straight-line code";
  for (Operation &op : func.getBody().front()) {
    currentLoc = op.getLoc();
    if (failed(lower(&op)))
      return failure();
  }
  std::vector<Offset<flatbuffers::String>> locationStrings;
  for (const std::string &text : locations)
    locationStrings.push_back(fbb.CreateString(text));
  auto fn = schema::CreateFunction(
      fbb, fbb.CreateString(func.getSymName().str()),
      fbb.CreateVector(inputTypes), fbb.CreateVector(outputTypes), scalarCount,
      bufferCount, fbb.CreateVector(instructions),
      fbb.CreateVector(locationStrings));
  return fn.o;
}

LogicalResult HostLowering::lower(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::ConstantOp constantOp) {
        return lowerConstant(constantOp);
      })
      .Case([&](tensor::EmptyOp empty) -> LogicalResult {
        auto dims = dimsOf(empty.getType(), empty.getDynamicSizes());
        if (failed(dims))
          return failure();
        TensorValue value;
        value.dims = *dims;
        value.buffer = alloc(byteSize(value, empty.getType()));
        tensors[empty.getResult()] = std::move(value);
        return success();
      })
      .Case([&](tensor::DimOp dimOp) -> LogicalResult {
        std::optional<int64_t> index = dimOp.getConstantIndex();
        auto source = tensor(dimOp.getSource());
        if (failed(source))
          return failure();
        if (!index || *index < 0 ||
            *index >= static_cast<int64_t>((*source)->dims.size()))
          return dimOp.emitError()
                 << "needs a constant, in-range dimension index on the host";
        scalars[dimOp.getResult()] = (*source)->dims[*index];
        return success();
      })
      .Case([&](tensor::CollapseShapeOp collapse) -> LogicalResult {
        auto source = tensor(collapse.getSrc());
        if (failed(source))
          return failure();
        SmallVector<uint32_t> dims;
        for (auto [group, dim] :
             llvm::zip(collapse.getReassociationIndices(),
                       collapse.getResultType().getShape())) {
          if (!ShapedType::isDynamic(dim)) {
            dims.push_back(constant(dim));
            continue;
          }
          uint32_t product = constant(1);
          for (int64_t index : group)
            product = arith(Kind::Mul, product, (*source)->dims[index]);
          dims.push_back(product);
        }
        return lowerReshape(op, collapse.getSrc(), collapse.getResult(), dims);
      })
      .Case([&](tensor::ExpandShapeOp expand) -> LogicalResult {
        SmallVector<uint32_t> dims;
        for (OpFoldResult size : expand.getMixedOutputShape()) {
          if (auto attr = dyn_cast<Attribute>(size)) {
            dims.push_back(constant(cast<IntegerAttr>(attr).getInt()));
            continue;
          }
          auto reg = scalar(cast<Value>(size));
          if (failed(reg))
            return failure();
          dims.push_back(*reg);
        }
        return lowerReshape(op, expand.getSrc(), expand.getResult(), dims);
      })
      .Case([&](tensor::CastOp cast) -> LogicalResult {
        auto source = tensor(cast.getSource());
        auto resultType = dyn_cast<RankedTensorType>(cast.getType());
        if (failed(source) || !resultType)
          return cast.emitError() << "only ranked tensor casts run on the host";
        SmallVector<uint32_t> dims;
        for (auto [d, dim] : llvm::enumerate(resultType.getShape()))
          dims.push_back(ShapedType::isDynamic(dim) ? (*source)->dims[d]
                                                    : constant(dim));
        return lowerReshape(op, cast.getSource(), cast.getResult(), dims);
      })
      .Case([&](linalg::FillOp fill) { return lowerFill(fill); })
      .Case([&](flow::DispatchOp dispatch) { return lowerDispatch(dispatch); })
      .Case([&](func::ReturnOp ret) { return lowerReturn(ret); })
      .Case([&](hal::DeviceQueryOp query) -> LogicalResult {
        // Asked of the device the program runs on (conditions and count
        // regions of extern dispatches).
        uint32_t ok = newScalar(), value = newScalar();
        int64_t fallback = 0;
        if (auto attr =
                dyn_cast_or_null<IntegerAttr>(query.getDefaultValueAttr()))
          fallback = attr.getValue().getSExtValue();
        else if (query.getDefaultValueAttr())
          return query.emitError()
                 << "only integer defaults are supported on the host";
        emit(schema::CreateDeviceQuery(
                 fbb, ok, value, fbb.CreateString(query.getCategory().str()),
                 fbb.CreateString(query.getKey().str()), fallback),
             schema::Op::DeviceQuery);
        scalars[query.getOk()] = ok;
        scalars[query.getValue()] = value;
        return success();
      })
      .Case([&](cf::AssertOp assertOp) -> LogicalResult {
        auto condition = scalar(assertOp.getArg());
        if (failed(condition))
          return failure();
        emit(schema::CreateAssert(fbb, *condition,
                                  fbb.CreateString(assertOp.getMsg().str())),
             schema::Op::Assert);
        return success();
      })
      .Default([&](Operation *other) -> LogicalResult {
        if (other->getDialect() &&
            other->getDialect()->getNamespace() == "arith")
          return lowerScalarOp(other);
        return other->emitError()
               << "'" << other->getName()
               << "' cannot run on the host: it was not placed in a dispatch";
      });
}

LogicalResult HostLowering::lowerReshape(Operation *op, Value source,
                                         Value result,
                                         SmallVector<uint32_t> dims) {
  auto input = tensor(source);
  if (failed(input))
    return failure();
  // Dense row-major buffers: a reshape is the same bytes.
  TensorValue value;
  value.buffer = (*input)->buffer;
  value.dims = std::move(dims);
  value.byteSize = (*input)->byteSize;
  tensors[result] = std::move(value);
  return success();
}

LogicalResult HostLowering::lowerConstant(arith::ConstantOp op) {
  Type type = op.getType();
  if (auto tensorType = dyn_cast<RankedTensorType>(type)) {
    auto elements = dyn_cast<ElementsAttr>(op.getValue());
    if (!elements || !toElementType(tensorType.getElementType()))
      return op.emitError() << "unsupported tensor constant";
    TensorValue value;
    auto dims = dimsOf(tensorType, {});
    if (failed(dims))
      return failure();
    value.dims = *dims;
    auto dense = dyn_cast<DenseIntOrFPElementsAttr>(elements);
    if (dense && dense.isSplat()) {
      // A splat is a fill, not megabytes of identical bytes in the module.
      APInt bits = dense.getElementType().isIntOrIndex()
                       ? dense.getSplatValue<APInt>()
                       : dense.getSplatValue<APFloat>().bitcastToAPInt();
      int64_t width = storageBytes(tensorType.getElementType());
      value.buffer = alloc(byteSize(value, tensorType));
      emit(schema::CreateFill(fbb, value.buffer, constant(0),
                              byteSize(value, tensorType),
                              bits.zextOrTrunc(64).getZExtValue(), width),
           schema::Op::Fill);
    } else {
      FailureOr<uint32_t> index = module.getOrAddConstant(elements, op);
      if (failed(index))
        return failure();
      value.buffer = newBuffer();
      emit(schema::CreateConstantView(fbb, value.buffer, *index),
           schema::Op::ConstantView);
    }
    tensors[op.getResult()] = std::move(value);
    return success();
  }
  if (auto integer = dyn_cast<IntegerAttr>(op.getValue())) {
    scalars[op.getResult()] =
        type.isIndex()
            ? constant(integer.getInt())
            : constant(type.isInteger(1) ? integer.getValue().getZExtValue()
                                         : integer.getValue().getSExtValue());
    return success();
  }
  if (auto floating = dyn_cast<FloatAttr>(op.getValue())) {
    // Scalars travel to dispatches as push constants: keep the bits.
    scalars[op.getResult()] = constant(
        floating.getValue().bitcastToAPInt().zextOrTrunc(64).getZExtValue());
    return success();
  }
  return op.emitError() << "unsupported constant on the host";
}

LogicalResult HostLowering::lowerScalarOp(Operation *op) {
  for (Type type : op->getResultTypes())
    if (!type.isSignlessIntOrIndex())
      return op->emitError()
             << "'" << op->getName()
             << "' on non-integer values cannot run on the host";
  SmallVector<uint32_t> operands;
  for (Value operand : op->getOperands()) {
    auto reg = scalar(operand);
    if (failed(reg))
      return failure();
    operands.push_back(*reg);
  }
  Type resultType = op->getResult(0).getType();
  auto binary = [&](Kind kind) {
    scalars[op->getResult(0)] =
        normalize(arith(kind, operands[0], operands[1]), resultType);
    return success();
  };
  auto unsignedBinary = [&](Kind kind) {
    Type operandType = op->getOperand(0).getType();
    scalars[op->getResult(0)] =
        normalize(arith(kind, zeroExtend(operands[0], operandType),
                        zeroExtend(operands[1], operandType)),
                  resultType);
    return success();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::AddIOp) { return binary(Kind::Add); })
      .Case([&](arith::SubIOp) { return binary(Kind::Sub); })
      .Case([&](arith::MulIOp) { return binary(Kind::Mul); })
      .Case([&](arith::DivSIOp) { return binary(Kind::DivS); })
      .Case([&](arith::DivUIOp) { return unsignedBinary(Kind::DivU); })
      .Case([&](arith::RemSIOp) { return binary(Kind::RemS); })
      .Case([&](arith::RemUIOp) { return unsignedBinary(Kind::RemU); })
      .Case([&](arith::CeilDivSIOp) { return binary(Kind::CeilDivS); })
      .Case([&](arith::CeilDivUIOp) { return unsignedBinary(Kind::CeilDivU); })
      .Case([&](arith::FloorDivSIOp) { return binary(Kind::FloorDivS); })
      .Case([&](arith::MinSIOp) { return binary(Kind::MinS); })
      .Case([&](arith::MaxSIOp) { return binary(Kind::MaxS); })
      .Case([&](arith::MinUIOp) { return unsignedBinary(Kind::MinU); })
      .Case([&](arith::MaxUIOp) { return unsignedBinary(Kind::MaxU); })
      .Case([&](arith::AndIOp) { return binary(Kind::And); })
      .Case([&](arith::OrIOp) { return binary(Kind::Or); })
      .Case([&](arith::XOrIOp) { return binary(Kind::Xor); })
      .Case([&](arith::ShLIOp) { return binary(Kind::Shl); })
      .Case([&](arith::ShRSIOp) { return binary(Kind::ShrS); })
      .Case([&](arith::ShRUIOp) { return unsignedBinary(Kind::ShrU); })
      .Case([&](arith::CmpIOp cmp) {
        using P = arith::CmpIPredicate;
        static const std::pair<P, Kind> kinds[] = {
            {P::eq, Kind::CmpEq},   {P::ne, Kind::CmpNe},
            {P::slt, Kind::CmpSlt}, {P::sle, Kind::CmpSle},
            {P::sgt, Kind::CmpSgt}, {P::sge, Kind::CmpSge},
            {P::ult, Kind::CmpUlt}, {P::ule, Kind::CmpUle},
            {P::ugt, Kind::CmpUgt}, {P::uge, Kind::CmpUge}};
        for (auto [predicate, kind] : kinds)
          if (predicate == cmp.getPredicate()) {
            bool isUnsigned = kind >= Kind::CmpUlt;
            return isUnsigned ? unsignedBinary(kind) : binary(kind);
          }
        return failure();
      })
      .Case([&](arith::SelectOp) {
        uint32_t reg = newScalar();
        emit(schema::CreateSelect(fbb, reg, operands[0], operands[1],
                                  operands[2]),
             schema::Op::Select);
        scalars[op->getResult(0)] = reg;
        return success();
      })
      .Case<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(
          [&](Operation *) {
            // Registers hold sign-extended values: narrowing re-normalizes.
            scalars[op->getResult(0)] = normalize(operands[0], resultType);
            return success();
          })
      .Case<arith::IndexCastUIOp, arith::ExtUIOp>([&](Operation *) {
        Type from = op->getOperand(0).getType();
        scalars[op->getResult(0)] =
            normalize(zeroExtend(operands[0], from), resultType);
        return success();
      })
      .Default([&](Operation *) {
        return op->emitError()
               << "'" << op->getName() << "' cannot run on the host";
      });
}

LogicalResult HostLowering::lowerFill(linalg::FillOp op) {
  auto value = op.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(op.getResultTypes()[0]);
  auto output = tensor(op.getOutputs()[0]);
  if (!value || !type || failed(output))
    return op.emitError() << "only fills of tensors with constants run on "
                             "the host";
  APInt bits;
  if (auto integer = dyn_cast<IntegerAttr>(value.getValue()))
    bits = integer.getValue();
  else if (auto floating = dyn_cast<FloatAttr>(value.getValue()))
    bits = floating.getValue().bitcastToAPInt();
  else
    return op.emitError() << "unsupported fill value";
  TensorValue result;
  result.dims = (*output)->dims;
  result.buffer = alloc(byteSize(result, type));
  emit(schema::CreateFill(fbb, result.buffer, constant(0),
                          byteSize(result, type),
                          bits.zextOrTrunc(64).getZExtValue(),
                          storageBytes(type.getElementType())),
       schema::Op::Fill);
  tensors[op.getResult(0)] = std::move(result);
  return success();
}

LogicalResult HostLowering::lowerDispatch(flow::DispatchOp op) {
  // One entry point per variant. Without conditions the CPU runtime runs
  // the first; with them, the first whose condition holds on the device.
  SmallVector<hal::ExecutableExportOp> exports;
  for (SymbolRefAttr ref : op.getEntryPointRefs())
    if (auto found =
            SymbolTable::lookupNearestSymbolFrom<hal::ExecutableExportOp>(op,
                                                                          ref))
      exports.push_back(found);
  if (exports.empty())
    return op.emitError() << "dispatch does not refer to a hal export (run "
                             "the hal phase before building a module)";
  auto conditionOf = [](hal::ExecutableExportOp exportOp) {
    auto variant = exportOp->getParentOfType<hal::ExecutableVariantOp>();
    auto conditions = variant.getBlock().getOps<hal::ExecutableConditionOp>();
    return conditions.empty() ? hal::ExecutableConditionOp()
                              : *conditions.begin();
  };
  if (!conditionOf(exports.front()))
    exports.resize(1);
  hal::ExecutableExportOp exportOp = exports.front();
  auto indexOf = [&](hal::ExecutableExportOp candidate) {
    auto variant = candidate->getParentOfType<hal::ExecutableVariantOp>();
    auto executable = variant->getParentOfType<hal::ExecutableOp>();
    return module.getExecutableIndex(executable.getSymName(),
                                     variant.getSymName());
  };
  uint32_t executableIndex = indexOf(exportOp);
  // candidate = the first variant whose condition holds, else none.
  std::vector<uint32_t> candidates;
  std::optional<uint32_t> candidateRegister;
  if (exports.size() > 1 || conditionOf(exportOp)) {
    currentLoc = op.getLoc();
    SmallVector<uint32_t> holds;
    std::string names;
    for (hal::ExecutableExportOp candidate : exports) {
      candidates.push_back(indexOf(candidate));
      auto variant = candidate->getParentOfType<hal::ExecutableVariantOp>();
      names += (names.empty() ? "@" : ", @") + variant.getSymName().str();
      hal::ExecutableConditionOp condition = conditionOf(candidate);
      if (!condition) {
        holds.push_back(constant(1));
        continue;
      }
      if (!llvm::hasSingleElement(condition.getBody()))
        return condition.emitError()
               << "conditions with control flow cannot run on the host";
      for (Operation &conditionOp : condition.getBody().front()) {
        if (auto ret = dyn_cast<hal::ReturnOp>(conditionOp)) {
          auto reg = scalar(ret.getOperand(0));
          if (failed(reg))
            return failure();
          holds.push_back(*reg);
          continue;
        }
        if (failed(lower(&conditionOp)))
          return failure();
      }
    }
    uint32_t none = constant(candidates.size());
    uint32_t chosen = none;
    for (unsigned i = candidates.size(); i-- > 0;) {
      uint32_t reg = newScalar();
      emit(schema::CreateSelect(fbb, reg, holds[i], constant(i), chosen),
           schema::Op::Select);
      chosen = reg;
    }
    uint32_t found = newScalar();
    emit(
        schema::CreateArith(fbb, schema::ArithKind::CmpNe, found, chosen, none),
        schema::Op::Arith);
    auto executable = exportOp->getParentOfType<hal::ExecutableOp>();
    emit(
        schema::CreateAssert(
            fbb, found,
            fbb.CreateString("no variant of @" + executable.getSymName().str() +
                             " can run on this device: the conditions of " +
                             names + " do not hold")),
        schema::Op::Assert);
    candidateRegister = chosen;
  }

  // Workgroup count: the export's count region, run on the host.
  Block &countBlock = exportOp.getWorkgroupCount().front();
  if (countBlock.getNumArguments() != op.getWorkload().size() + 1)
    return op.emitError() << "dispatch passes " << op.getWorkload().size()
                          << " workload values, the export's count region "
                             "takes "
                          << countBlock.getNumArguments() - 1;
  for (auto [arg, workload] :
       llvm::zip(countBlock.getArguments().drop_front(), op.getWorkload())) {
    auto reg = scalar(workload);
    if (failed(reg))
      return failure();
    scalars[arg] = *reg;
  }
  SmallVector<uint32_t> workgroupCount;
  for (Operation &countOp : countBlock) {
    if (auto ret = dyn_cast<hal::ReturnOp>(countOp)) {
      for (Value v : ret.getOperands()) {
        auto reg = scalar(v);
        if (failed(reg))
          return failure();
        workgroupCount.push_back(*reg);
      }
      continue;
    }
    if (failed(lower(&countOp)))
      return failure();
  }
  if (workgroupCount.size() != 3)
    return exportOp.emitError() << "count region must return 3 values";

  // Operands, in the order MaterializeInterfaces laid them out.
  SmallVector<int64_t> ties(op.getNumResults(), -1);
  for (unsigned r = 0; r < op.getNumResults(); ++r)
    if (auto tie = op.getTiedOperandIndex(r))
      ties[r] = *tie;
  auto functionType = FunctionType::get(
      op.getContext(), op.getArguments().getTypes(), op.getResultTypes());
  hal::InterfacePlan plan = hal::planInterface(functionType, ties);
  hal::PipelineLayoutAttr layout = exportOp.getLayout();
  if (plan.pushConstants != layout.getPushConstants() ||
      plan.bindingReadOnly.size() != layout.getBindingCount())
    return op.emitError() << "dispatch operands do not match the layout of "
                          << exportOp.getSymName();

  SmallVector<uint32_t> pushConstants(plan.pushConstants, 0);
  SmallVector<schema::BindingRef> bindings(plan.bindingReadOnly.size());
  unsigned argumentDim = 0;
  for (auto [index, argument] : llvm::enumerate(op.getArguments())) {
    if (plan.argumentConstant[index] >= 0) {
      auto reg = scalar(argument);
      if (failed(reg))
        return failure();
      pushConstants[plan.argumentConstant[index]] = *reg;
      continue;
    }
    auto value = tensor(argument);
    if (failed(value))
      return failure();
    auto type = cast<RankedTensorType>(argument.getType());
    bindings[plan.argumentBinding[index]] = schema::BindingRef(
        (*value)->buffer, constant(0), byteSize(**value, type));
    for (int64_t ordinal : plan.argumentDimConstants[index]) {
      auto reg = scalar(op.getArgumentDims()[argumentDim++]);
      if (failed(reg))
        return failure();
      pushConstants[ordinal] = *reg;
    }
  }
  unsigned resultDim = 0;
  for (auto [index, result] : llvm::enumerate(op.getResults())) {
    auto type = cast<RankedTensorType>(result.getType());
    unsigned dynamicCount = type.getNumDynamicDims();
    auto dims = dimsOf(type, op.getResultDims().slice(resultDim, dynamicCount));
    if (failed(dims))
      return failure();
    for (unsigned k = 0; k < dynamicCount; ++k) {
      auto reg = scalar(op.getResultDims()[resultDim + k]);
      pushConstants[plan.resultDimConstants[index][k]] = *reg;
    }
    resultDim += dynamicCount;
    TensorValue value;
    value.dims = *dims;
    uint32_t size = byteSize(value, type);
    value.buffer = alloc(size);
    if (ties[index] >= 0) {
      // In place on a copy: the operand may be read again later, or be a
      // constant or an input.
      auto operand = tensor(op.getArguments()[ties[index]]);
      if (failed(operand))
        return failure();
      uint32_t zero = constant(0);
      emit(schema::CreateCopy(fbb, (*operand)->buffer, zero, value.buffer, zero,
                              size),
           schema::Op::Copy);
    }
    bindings[plan.resultBinding[index]] =
        schema::BindingRef(value.buffer, constant(0), size);
    tensors[result] = std::move(value);
  }

  currentLoc = op.getLoc();
  emit(schema::CreateDispatch(
           fbb, executableIndex, exportOp.getOrdinal().getZExtValue(),
           fbb.CreateVector(std::vector<uint32_t>(workgroupCount.begin(),
                                                  workgroupCount.end())),
           fbb.CreateVector(std::vector<uint32_t>(pushConstants.begin(),
                                                  pushConstants.end())),
           fbb.CreateVectorOfStructs(bindings.data(), bindings.size()),
           candidates.empty() ? 0 : fbb.CreateVector(candidates),
           candidateRegister.value_or(0)),
       schema::Op::Dispatch);
  return success();
}

LogicalResult HostLowering::lowerReturn(func::ReturnOp op) {
  std::vector<Offset<schema::ResultRef>> results;
  for (Value operand : op.getOperands()) {
    if (!isa<RankedTensorType>(operand.getType()))
      return op.emitError() << "only tensors can be returned";
    auto value = tensor(operand);
    if (failed(value))
      return failure();
    std::vector<uint32_t> dims((*value)->dims.begin(), (*value)->dims.end());
    results.push_back(
        schema::CreateResultRef(fbb, (*value)->buffer, fbb.CreateVector(dims)));
  }
  emit(schema::CreateReturn(fbb, fbb.CreateVector(results)),
       schema::Op::Return);
  return success();
}

} // namespace

FailureOr<uint32_t> lowerHostFunction(func::FuncOp func, ModuleBuilder &module,
                                      flatbuffers::FlatBufferBuilder &fbb) {
  return HostLowering(func, module, fbb).run();
}

} // namespace mlir::tessera::module

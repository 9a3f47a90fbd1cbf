//===- HostProgramLowering.cpp - Host functions to host programs ----------===//
//
// The host function after the loader phase is straight-line code over
// tensors and host buffers: constants, index arithmetic, tensor.empty/dim,
// reshapes, hal.tensor.export/import, buffer allocations and copies, and
// hal_loader dispatches of the executable a global holds. Each tensor
// becomes a buffer register plus one scalar register per dimension; a
// !hal.executable value is a scalar register holding the index of the
// loaded executable.
//
// Global initializers may branch (one try per binary). The host program has
// no branches: blocks are visited in topological order, each with a
// predicate register (whether control reaches it), block arguments become
// selects over the incoming edges, and the ops with effects (loads, fails,
// asserts) run under their block's predicate.
//
//===----------------------------------------------------------------------===//

#include "Module/HostProgramLowering.h"
#include "Module/ModuleText.h"

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/IR/HALOps.h"
#include "Dialect/HAL/Transforms/InterfacePlan.h"
#include "Dialect/HALLoader/IR/HALLoaderOps.h"
#include "tessera/schema/module_generated.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/RegionGraphTraits.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/PostOrderIterator.h"
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
  HostLowering(ModuleBuilder &module, flatbuffers::FlatBufferBuilder &fbb)
      : module(module), fbb(fbb) {}

  FailureOr<uint32_t> run(func::FuncOp func);
  FailureOr<uint32_t>
  runInitializer(ArrayRef<hal_loader::ExecutableGlobalOp> globals);

private:
  // --- Emission ------------------------------------------------------------
  template <typename T> void emit(Offset<T> op, schema::Op type) {
    int32_t location = -1;
    std::string text = currentLoc ? locationText(currentLoc) : "";
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
    uint32_t size = constant(hal::getStorageBytes(type.getElementType()));
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

  /// Whether control reaches the op being lowered (1 outside initializers).
  uint32_t reached() { return predicate.value_or(constant(1)); }
  uint32_t isZero(uint32_t reg) { return arith(Kind::CmpEq, reg, constant(0)); }
  uint32_t select(uint32_t condition, uint32_t a, uint32_t b) {
    uint32_t reg = newScalar();
    emit(schema::CreateSelect(fbb, reg, condition, a, b), schema::Op::Select);
    return reg;
  }

  // --- Values --------------------------------------------------------------
  FailureOr<uint32_t> buffer(Value value) {
    auto it = buffers.find(value);
    if (it != buffers.end())
      return it->second;
    Operation *def = value.getDefiningOp();
    return emitError(def ? def->getLoc() : value.getLoc())
           << "host buffer has no register (subspans must fold into the "
              "dispatch that binds them)";
  }
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
  LogicalResult lowerDispatch(hal_loader::ExecutableDispatchOp op);
  LogicalResult lowerReturn(func::ReturnOp op);
  LogicalResult lowerGlobal(hal_loader::ExecutableGlobalOp global,
                            uint32_t index);
  LogicalResult branchTo(Block *target, uint32_t edge, ValueRange operands,
                         Location loc);
  FailureOr<Offset<schema::TensorType>> typeOf(Type type, Location loc);
  uint32_t finish(StringRef name,
                  const std::vector<Offset<schema::TensorType>> &inputTypes,
                  const std::vector<Offset<schema::TensorType>> &outputTypes);

  ModuleBuilder &module;
  flatbuffers::FlatBufferBuilder &fbb;
  /// The op being lowered; null before the first (`UnknownLoc()` without a
  /// context would be a null Location, which MLIR asserts against).
  LocationAttr currentLoc;
  std::vector<Offset<schema::Instruction>> instructions;
  std::vector<std::string> locations;
  std::map<std::string, int32_t> locationIndex;
  uint32_t scalarCount = 0, bufferCount = 0;
  std::map<int64_t, uint32_t> constants;
  DenseMap<Value, uint32_t> scalars;
  DenseMap<Value, TensorValue> tensors;
  DenseMap<Value, uint32_t> buffers;
  /// Module executables a !hal.executable value may hold.
  DenseMap<Value, std::vector<uint32_t>> executables;
  /// Binary constants of an initializer: the module executable they are.
  DenseMap<Value, uint32_t> binaries;
  // Initializer lowering: the reaching predicate of each block, of the op
  // being lowered, and the global's executable so far.
  DenseMap<Block *, uint32_t> blockPredicates;
  std::optional<uint32_t> predicate;
  std::optional<uint32_t> loadedExecutable;
  StringRef globalName;
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

FailureOr<uint32_t> HostLowering::run(func::FuncOp func) {
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
  return finish(func.getSymName(), inputTypes, outputTypes);
}

uint32_t HostLowering::finish(
    StringRef name, const std::vector<Offset<schema::TensorType>> &inputTypes,
    const std::vector<Offset<schema::TensorType>> &outputTypes) {
  std::vector<Offset<flatbuffers::String>> locationStrings;
  for (const std::string &text : locations)
    locationStrings.push_back(createText(fbb, text));
  auto fn = schema::CreateFunction(
      fbb, createText(fbb, name.str()), fbb.CreateVector(inputTypes),
      fbb.CreateVector(outputTypes), scalarCount, bufferCount,
      fbb.CreateVector(instructions), fbb.CreateVector(locationStrings));
  return fn.o;
}

FailureOr<uint32_t>
HostLowering::runInitializer(ArrayRef<hal_loader::ExecutableGlobalOp> globals) {
  for (auto [index, global] : llvm::enumerate(globals))
    if (failed(lowerGlobal(global, index)))
      return failure();
  predicate.reset();
  emit(schema::CreateReturn(
           fbb, fbb.CreateVector(std::vector<Offset<schema::ResultRef>>())),
       schema::Op::Return);
  return finish("<initializer>", {}, {});
}

LogicalResult HostLowering::lowerGlobal(hal_loader::ExecutableGlobalOp global,
                                        uint32_t index) {
  globalName = global.getSymName();
  currentLoc = global.getLoc();
  Region &region = global.getInitializer();
  blockPredicates.clear();
  blockPredicates[&region.front()] = constant(1);
  loadedExecutable.reset();
  // Reverse post-order: every predecessor before its successors (the
  // verifier refused loops).
  llvm::ReversePostOrderTraversal<Block *> order(&region.front());
  for (Block *block : order) {
    predicate = blockPredicates.lookup(block);
    for (Operation &op : *block) {
      currentLoc = op.getLoc();
      if (failed(lower(&op)))
        return failure();
    }
  }
  predicate.reset();
  currentLoc = global.getLoc();
  emit(schema::CreateStoreGlobal(fbb, index,
                                 loadedExecutable.value_or(constant(-1))),
       schema::Op::StoreGlobal);
  return success();
}

LogicalResult HostLowering::branchTo(Block *target, uint32_t edge,
                                     ValueRange operands, Location loc) {
  auto [it, first] = blockPredicates.try_emplace(target, edge);
  if (!first)
    it->second = arith(Kind::Or, it->second, edge);
  for (auto [argument, operand] : llvm::zip(target->getArguments(), operands)) {
    auto reg = scalar(operand);
    if (failed(reg))
      return emitError(loc) << "only scalars and executables can flow "
                               "between initializer blocks";
    // Exactly one edge into a reached block is taken: select along it.
    auto known = scalars.find(argument);
    scalars[argument] =
        known == scalars.end() ? *reg : select(edge, *reg, known->second);
    if (auto candidates = executables.find(operand);
        candidates != executables.end()) {
      std::vector<uint32_t> copy = candidates->second;
      llvm::append_range(executables[argument], copy);
    }
  }
  return success();
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
      .Case([&](flow::DispatchOp dispatch) {
        return dispatch.emitError()
               << "flow.dispatch cannot run on the host: the host phase "
                  "makes it a hal_loader dispatch";
      })
      .Case([&](hal_loader::ExecutableDispatchSymbolOp dispatch) {
        return dispatch.emitError()
               << "dispatch by symbol: resolve export ordinals first";
      })
      .Case([&](hal_loader::ExecutableDispatchOp dispatch) {
        return lowerDispatch(dispatch);
      })
      .Case([&](hal::DeviceLocalOp) {
        // Queries go to the device the program runs on: no register.
        return success();
      })
      .Case([&](hal::TensorExportOp exportOp) -> LogicalResult {
        auto source = tensor(exportOp.getSource());
        if (failed(source))
          return failure();
        buffers[exportOp.getResult()] = (*source)->buffer;
        return success();
      })
      .Case([&](hal::TensorImportOp importOp) -> LogicalResult {
        auto source = buffer(importOp.getSource());
        auto type = cast<RankedTensorType>(importOp.getType());
        auto dims = dimsOf(type, importOp.getResultDims());
        if (failed(source) || failed(dims))
          return failure();
        TensorValue value;
        value.buffer = *source;
        value.dims = *dims;
        tensors[importOp.getResult()] = std::move(value);
        return success();
      })
      .Case([&](hal::BufferAllocateOp allocate) -> LogicalResult {
        auto size = scalar(allocate.getSize());
        if (failed(size))
          return failure();
        // A dispatch's result, written whole by the dispatch or by the
        // copy of its tied operand: not cleared first.
        uint32_t reg = newBuffer();
        emit(schema::CreateAllocUninitialized(fbb, reg, *size),
             schema::Op::AllocUninitialized);
        buffers[allocate.getResult()] = reg;
        return success();
      })
      .Case([&](hal::BufferCopyOp copy) -> LogicalResult {
        auto source = buffer(copy.getSource());
        auto target = buffer(copy.getTarget());
        auto sourceOffset = scalar(copy.getSourceOffset());
        auto targetOffset = scalar(copy.getTargetOffset());
        auto length = scalar(copy.getLength());
        if (failed(source) || failed(target) || failed(sourceOffset) ||
            failed(targetOffset) || failed(length))
          return failure();
        emit(schema::CreateCopy(fbb, *source, *sourceOffset, *target,
                                *targetOffset, *length),
             schema::Op::Copy);
        return success();
      })
      .Case([&](hal::BufferConstantOp constantOp) -> LogicalResult {
        // Executable binaries are stored as the module's executables.
        if (globalName.empty())
          return constantOp.emitError()
                 << "buffer constants run on the host only as executable "
                    "binaries in an initializer";
        auto data = dyn_cast<DenseIntOrFPElementsAttr>(constantOp.getValue());
        if (!data || !data.getElementType().isInteger(8))
          return constantOp.emitError()
                 << "binary data must be dense 8-bit elements";
        FailureOr<uint32_t> index = module.getExecutableIndex(
            globalName, constantOp.getName(), constantOp);
        if (failed(index))
          return failure();
        module.setBinaryData(*index, data.getRawData());
        binaries[constantOp.getResult()] = *index;
        return success();
      })
      .Case([&](hal_loader::ExecutableQuerySupportOp query) {
        uint32_t reg = newScalar();
        emit(schema::CreateQuerySupport(
                 fbb, reg, createText(fbb, query.getExecutableFormat().str())),
             schema::Op::QuerySupport);
        scalars[query.getSupported()] = reg;
        return success();
      })
      .Case([&](hal_loader::ExecutableLoadOp load) -> LogicalResult {
        auto binary = binaries.find(load.getData());
        if (binary == binaries.end())
          return load.emitError()
                 << "loads data that is not a binary of this executable";
        if (!load.getConstants().empty())
          return load.emitError()
                 << "executable specialization constants are not supported";
        uint32_t reg = newScalar();
        emit(schema::CreateLoadExecutable(fbb, reg, binary->second, reached()),
             schema::Op::LoadExecutable);
        scalars[load.getResult()] = reg;
        executables[load.getResult()] = {binary->second};
        return success();
      })
      .Case([&](hal_loader::ExecutableLookupOp lookup) -> LogicalResult {
        int64_t global = module.getGlobalIndex(lookup.getExecutable());
        if (global < 0)
          return lookup.emitError()
                 << "@" << lookup.getExecutable()
                 << " is not a materialized executable (run the loader "
                    "phase)";
        uint32_t reg = newScalar();
        emit(schema::CreateLoadGlobal(fbb, reg, global),
             schema::Op::LoadGlobal);
        scalars[lookup.getResult()] = reg;
        executables[lookup.getResult()] =
            module.getGlobalCandidates(lookup.getExecutable());
        return success();
      })
      .Case([&](hal_loader::ExecutableIsVariantOp is) -> LogicalResult {
        auto lookup =
            is.getExecutable().getDefiningOp<hal_loader::ExecutableLookupOp>();
        if (!lookup)
          return is.emitError() << "needs the executable of a "
                                   "hal_loader.executable.lookup";
        auto loaded = scalar(is.getExecutable());
        if (failed(loaded))
          return failure();
        FailureOr<uint32_t> index = module.getExecutableIndex(
            lookup.getExecutable(), is.getVariant(), is);
        if (failed(index))
          return failure();
        scalars[is.getResult()] =
            arith(Kind::CmpEq, *loaded, constant(int64_t(*index)));
        return success();
      })
      .Case([&](cf::BranchOp branch) {
        return branchTo(branch.getDest(), reached(), branch.getDestOperands(),
                        branch.getLoc());
      })
      .Case([&](cf::CondBranchOp branch) -> LogicalResult {
        auto condition = scalar(branch.getCondition());
        if (failed(condition))
          return failure();
        uint32_t here = reached();
        uint32_t taken = arith(Kind::And, here, *condition);
        uint32_t notTaken = arith(Kind::And, here, isZero(*condition));
        if (failed(branchTo(branch.getTrueDest(), taken,
                            branch.getTrueDestOperands(), branch.getLoc())))
          return failure();
        return branchTo(branch.getFalseDest(), notTaken,
                        branch.getFalseDestOperands(), branch.getLoc());
      })
      .Case([&](hal_loader::ReturnOp ret) -> LogicalResult {
        auto value = scalar(ret.getExecutable());
        if (failed(value))
          return failure();
        loadedExecutable = loadedExecutable
                               ? select(reached(), *value, *loadedExecutable)
                               : *value;
        return success();
      })
      .Case([&](hal_loader::FailOp fail) {
        emit(schema::CreateAssert(fbb, isZero(reached()),
                                  createText(fbb, fail.getMessage().str())),
             schema::Op::Assert);
        return success();
      })
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
                 fbb, ok, value, createText(fbb, query.getCategory().str()),
                 createText(fbb, query.getKey().str()), fallback),
             schema::Op::DeviceQuery);
        scalars[query.getOk()] = ok;
        scalars[query.getValue()] = value;
        return success();
      })
      .Case([&](cf::AssertOp assertOp) -> LogicalResult {
        auto condition = scalar(assertOp.getArg());
        if (failed(condition))
          return failure();
        if (predicate)
          condition = arith(Kind::Or, *condition, isZero(*predicate));
        emit(schema::CreateAssert(fbb, *condition,
                                  createText(fbb, assertOp.getMsg().str())),
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
      int64_t width = hal::getStorageBytes(tensorType.getElementType());
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
      .Case([&](arith::BitcastOp) {
        // Floats are held as their bits already.
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
                          hal::getStorageBytes(type.getElementType())),
       schema::Op::Fill);
  tensors[op.getResult(0)] = std::move(result);
  return success();
}

LogicalResult HostLowering::lowerDispatch(hal_loader::ExecutableDispatchOp op) {
  auto executable = scalar(op.getExecutable());
  auto candidates = executables.find(op.getExecutable());
  if (failed(executable) || candidates == executables.end())
    return op.emitError() << "dispatches an executable that is not a "
                             "lookup of a materialized executable";
  SmallVector<uint32_t> workgroups, pushConstants;
  for (Value value :
       {op.getWorkgroupX(), op.getWorkgroupY(), op.getWorkgroupZ()}) {
    auto reg = scalar(value);
    if (failed(reg))
      return failure();
    workgroups.push_back(*reg);
  }
  for (Value value : op.getPushConstants()) {
    auto reg = scalar(value);
    if (failed(reg))
      return failure();
    pushConstants.push_back(*reg);
  }
  std::vector<schema::BindingRef> bindings;
  for (auto [bufferValue, offsetValue, lengthValue] :
       llvm::zip(op.getBindingBuffers(), op.getBindingOffsets(),
                 op.getBindingLengths())) {
    auto reg = buffer(bufferValue);
    auto offset = scalar(offsetValue);
    auto length = scalar(lengthValue);
    if (failed(reg) || failed(offset) || failed(length))
      return failure();
    bindings.emplace_back(*reg, *offset, *length);
  }
  currentLoc = op.getLoc();
  emit(schema::CreateDispatch(
           fbb, *executable, fbb.CreateVector(candidates->second),
           op.getEntryPoint().getZExtValue(),
           fbb.CreateVector(
               std::vector<uint32_t>(workgroups.begin(), workgroups.end())),
           fbb.CreateVector(std::vector<uint32_t>(pushConstants.begin(),
                                                  pushConstants.end())),
           fbb.CreateVectorOfStructs(bindings.data(), bindings.size())),
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
  return HostLowering(module, fbb).run(func);
}

FailureOr<uint32_t>
lowerInitializer(ArrayRef<hal_loader::ExecutableGlobalOp> globals,
                 ModuleBuilder &module, flatbuffers::FlatBufferBuilder &fbb) {
  return HostLowering(module, fbb).runInitializer(globals);
}

} // namespace mlir::tessera::module

//===- Interpreter.cpp - Runs a function's host program -------------------===//
//
// The module was verified at load: register indices, ordinals and counts are
// in range and registers are written before read. What depends on values
// (sizes, offsets, workgroup counts, division by zero) is checked here.
//
//===----------------------------------------------------------------------===//

#include "Interpreter.h"

#include "BufferLifetimes.h"

#include "tessera/runtime/DeviceQuery.h"
#include "tessera/runtime/TaskExecutor.h"

#include "ModuleInternals.h"
#include "tessera/schema/InstructionSet.h"
#include "tessera/schema/module_generated.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>

namespace tessera::rt {

namespace {

constexpr int64_t kMaxAllocation = int64_t(1) << 40;

struct BufferRegister {
  std::shared_ptr<Buffer> buffer;
  bool readOnly = false;
  /// The buffer's size when this call allocated it, else 0.
  uint64_t allocatedBytes = 0;
};

class Interpreter {
public:
  /// `initializer`: the module's initializer runs (the only program that
  /// loads executables and stores globals; `module` is then writable).
  Interpreter(ModuleInternals module, const schema::Function &fn,
              const std::vector<Tensor> &inputs,
              const DispatchObserver &observer,
              const DispatchCaptureObserver &capture = nullptr,
              TaskExecutor *executor = nullptr, bool initializer = false,
              bool concurrent = true)
      : module(module), initializing(initializer ? &this->module : nullptr),
        fn(fn), inputs(inputs), observer(observer), capture(capture),
        executor(executor), concurrent(concurrent),
        scalars(fn.scalar_register_count(), 0),
        buffers(fn.buffer_register_count()), lifetimes(fn),
        callStart(std::chrono::steady_clock::now()) {}

  StatusOr<std::vector<Tensor>> run();

private:
  Status fail(const std::string &message) const {
    std::string where = initializing ? std::string("module initializer")
                                     : "function '" + fn.name()->str() + "'";
    const schema::Instruction *inst = fn.instructions()->Get(current);
    if (inst->location() >= 0)
      where = fn.locations()->Get(inst->location())->str() + ": " + where;
    return Status::error(where + ": " + message);
  }
  /// Runs instruction `current`.
  Status step(const schema::Instruction &inst);
  /// One handler per instruction of the table (Instructions.def).
  Status exec(const schema::ConstantScalar &op);
  Status exec(const schema::InputBuffer &op);
  Status exec(const schema::InputDim &op);
  Status exec(const schema::InputScalar &op);
  Status exec(const schema::Arith &op);
  Status exec(const schema::Select &op);
  Status exec(const schema::Alloc &op);
  Status exec(const schema::AllocUninitialized &op);
  Status allocate(uint32_t dst, uint32_t size, bool zeroed);
  Status exec(const schema::ConstantView &op);
  Status exec(const schema::Fill &op);
  Status exec(const schema::Copy &op);
  Status exec(const schema::Dispatch &op);
  Status exec(const schema::Return &op);
  Status exec(const schema::Assert &op);
  Status exec(const schema::DeviceQuery &op);
  Status exec(const schema::QuerySupport &op);
  Status exec(const schema::LoadExecutable &op);
  Status exec(const schema::StoreGlobal &op);
  Status exec(const schema::LoadGlobal &op);
  Status checkRange(const BufferRegister &reg, int64_t offset, int64_t length,
                    const char *what) const;
  Status dispatch(const schema::Dispatch &op);
  /// Runs the dispatches recorded so far: before the host reads or writes
  /// buffers, before another device's dispatch, and at the return.
  Status flushPending();
  /// A batch's failure at the dispatch that failed (its tag is the
  /// instruction), else at the current instruction.
  Status failed(const DispatchFailure &failure) {
    if (failure.tag)
      current = *failure.tag;
    return fail(failure.message);
  }
  StatusOr<std::vector<Tensor>> results(const schema::Return &op);
  /// Register `dst` now holds `reg` (and no longer what it held).
  void define(uint32_t dst, BufferRegister reg) {
    liveAllocatedBytes -= buffers[dst].allocatedBytes;
    liveAllocatedBytes += reg.allocatedBytes;
    buffers[dst] = std::move(reg);
  }
  /// Register `reg` is not read again: its buffer may go.
  void release(uint32_t reg) {
    liveAllocatedBytes -= buffers[reg].allocatedBytes;
    buffers[reg] = {};
  }

  ModuleInternals module;
  const ModuleInternals *initializing;
  const schema::Function &fn;
  const std::vector<Tensor> &inputs;
  const DispatchObserver &observer;
  const DispatchCaptureObserver &capture;
  TaskExecutor *executor;
  bool concurrent;
  std::vector<int64_t> scalars;
  std::vector<BufferRegister> buffers;
  /// The bytes of the buffers this call allocated that registers still
  /// hold (only an allocation defines a buffer it owns, so none is counted
  /// twice); kept as they come and go, since a profile reads it per dispatch.
  uint64_t liveAllocatedBytes = 0;
  BufferLifetimes lifetimes;
  unsigned current = 0;
  /// Set by the Return: the call's results.
  std::optional<std::vector<Tensor>> returned;
  std::chrono::steady_clock::time_point callStart;
  /// The dispatches recorded on `batchDevice` and not yet flushed; one
  /// device at a time, so that each sees what the one before wrote.
  std::unique_ptr<DispatchBatch> batch;
  Device *batchDevice = nullptr;
  void finishCapture(DispatchCapture &captured,
                     const std::vector<DispatchBinding> &bindings) {
    for (unsigned b = 0; b < captured.bindings.size(); ++b)
      if (!captured.bindings[b].readOnly) {
        const uint8_t *bytes = bindings[b].buffer->data() + bindings[b].offset;
        captured.bindings[b].after.assign(bytes, bytes + bindings[b].length);
      }
    capture(std::move(captured));
  }
};

StatusOr<std::vector<Tensor>> Interpreter::run() {
  for (current = 0; current < fn.instructions()->size(); ++current) {
    if (Status s = step(*fn.instructions()->Get(current)); !s)
      return s;
    if (returned)
      return std::move(*returned);
    for (uint32_t i = lifetimes.begin[current];
         i < lifetimes.begin[current + 1]; ++i)
      release(lifetimes.registers[i]);
  }
  return fail("no return");
}

Status Interpreter::step(const schema::Instruction &inst) {
  // One case per line of the instruction table: each needs its handler.
  switch (inst.op_type()) {
#define TESSERA_INSTRUCTION(Type, Mnemonic, Operands)                          \
  case schema::Op::Type:                                                       \
    return exec(*inst.op_as_##Type());
#include "tessera/schema/Instructions.def"
  case schema::Op::NONE:
    break;
  }
  return fail("unknown instruction");
}

Status Interpreter::exec(const schema::ConstantScalar &op) {
  scalars[op.dst()] = op.value();
  return Status();
}

Status Interpreter::exec(const schema::InputBuffer &op) {
  const Tensor &input = inputs[op.input()];
  // A view of the caller's tensor; the program must not write to it.
  define(
      op.dst(),
      {Buffer::wrap(input.bytes(), input.byteSize(), input.storage()), true});
  return Status();
}

Status Interpreter::exec(const schema::InputDim &op) {
  scalars[op.dst()] = inputs[op.input()].shape()[op.dim()];
  return Status();
}

Status Interpreter::exec(const schema::InputScalar &op) {
  const Tensor &input = inputs[op.input()];
  int64_t value = 0;
  switch (input.elementType()) {
  case ElementType::F32:
  case ElementType::F16:
  case ElementType::BF16:
  case ElementType::F64: // Floats travel as their bits.
    std::memcpy(&value, input.bytes(), elementSize(input.elementType()));
    break;
  default:
    value = static_cast<int64_t>(input.elementAsDouble(0));
    if (input.elementType() == ElementType::I64)
      std::memcpy(&value, input.bytes(), 8);
  }
  scalars[op.dst()] = value;
  return Status();
}

Status Interpreter::exec(const schema::Select &op) {
  scalars[op.dst()] = scalars[op.condition()] ? scalars[op.true_value()]
                                              : scalars[op.false_value()];
  return Status();
}

Status Interpreter::exec(const schema::Alloc &op) {
  return allocate(op.dst(), op.size(), /*zeroed=*/true);
}

Status Interpreter::exec(const schema::AllocUninitialized &op) {
  // A dispatch's result: clearing it would only delay the dispatch that
  // writes it whole (the host clears serially while the workers wait).
  return allocate(op.dst(), op.size(), /*zeroed=*/false);
}

Status Interpreter::allocate(uint32_t dst, uint32_t sizeRegister, bool zeroed) {
  int64_t size = scalars[sizeRegister];
  if (size < 0 || size > kMaxAllocation)
    return fail("cannot allocate " + std::to_string(size) + " bytes");
  auto buffer = Buffer::allocate(size, zeroed);
  if (!buffer)
    return fail(buffer.status().message());
  uint64_t bytes = (*buffer)->size();
  define(dst, {std::move(*buffer), false, bytes});
  return Status();
}

Status Interpreter::exec(const schema::ConstantView &op) {
  define(op.dst(), {module.constant(op.constant()), true});
  return Status();
}

Status Interpreter::exec(const schema::Fill &op) {
  if (Status s = flushPending(); !s)
    return s;
  const BufferRegister &target = buffers[op.buffer()];
  int64_t offset = scalars[op.offset()], length = scalars[op.length()];
  if (Status s = checkRange(target, offset, length, "fill"); !s)
    return s;
  if (target.readOnly)
    return fail("fill writes to a read-only buffer");
  unsigned width = op.pattern_length();
  if (length % width != 0)
    return fail("fill length " + std::to_string(length) +
                " is not a multiple of the pattern length");
  uint64_t pattern = op.pattern();
  uint8_t *p = target.buffer->data() + offset;
  for (int64_t i = 0; i < length; i += width)
    std::memcpy(p + i, &pattern, width);
  return Status();
}

Status Interpreter::exec(const schema::Copy &op) {
  if (Status s = flushPending(); !s)
    return s;
  const BufferRegister &source = buffers[op.source()];
  const BufferRegister &target = buffers[op.target()];
  int64_t length = scalars[op.length()];
  if (Status s =
          checkRange(source, scalars[op.source_offset()], length, "copy");
      !s)
    return s;
  if (Status s =
          checkRange(target, scalars[op.target_offset()], length, "copy");
      !s)
    return s;
  if (target.readOnly)
    return fail("copy writes to a read-only buffer");
  std::memmove(target.buffer->data() + scalars[op.target_offset()],
               source.buffer->data() + scalars[op.source_offset()], length);
  return Status();
}

Status Interpreter::exec(const schema::Dispatch &op) { return dispatch(op); }

Status Interpreter::exec(const schema::Assert &op) {
  if (!scalars[op.condition()]) {
    // A dispatch before the assert that fails reports first.
    if (Status s = flushPending(); !s)
      return s;
    return fail(op.message()->str());
  }
  return Status();
}

Status Interpreter::exec(const schema::DeviceQuery &op) {
  DeviceQueryAnswer answer =
      module.query(op.category()->string_view(), op.key()->string_view());
  scalars[op.ok()] = answer.ok ? 1 : 0;
  scalars[op.value()] = answer.ok ? answer.value : op.default_value();
  return Status();
}

Status Interpreter::exec(const schema::QuerySupport &op) {
  scalars[op.dst()] = module.supportsFormat(op.format()->str()) ? 1 : 0;
  return Status();
}

Status Interpreter::exec(const schema::LoadExecutable &op) {
  if (scalars[op.predicate()]) {
    if (!initializing)
      return fail("executables are loaded by the module initializer");
    if (Status s = initializing->loadExecutable(op.executable()); !s)
      return fail(s.message());
  }
  scalars[op.dst()] = op.executable();
  return Status();
}

Status Interpreter::exec(const schema::StoreGlobal &op) {
  if (!initializing)
    return fail("globals are stored by the module initializer");
  initializing->setGlobal(op.global(), scalars[op.value()]);
  return Status();
}

Status Interpreter::exec(const schema::LoadGlobal &op) {
  scalars[op.dst()] = module.global(op.global());
  return Status();
}

Status Interpreter::exec(const schema::Return &op) {
  if (Status s = flushPending(); !s)
    return s;
  auto outputs = results(op);
  if (!outputs)
    return outputs.status();
  returned = std::move(*outputs);
  return Status();
}

Status Interpreter::exec(const schema::Arith &op) {
  int64_t a = scalars[op.lhs()], b = scalars[op.rhs()];
  uint64_t ua = a, ub = b;
  int64_t r = 0;
  using K = schema::ArithKind;
  K kind = op.kind();
  bool isDivision = kind == K::DivS || kind == K::DivU || kind == K::RemS ||
                    kind == K::RemU || kind == K::CeilDivS ||
                    kind == K::CeilDivU || kind == K::FloorDivS;
  if (isDivision && b == 0)
    return fail("division by zero");
  if (isDivision && a == std::numeric_limits<int64_t>::min() && b == -1 &&
      kind != K::DivU && kind != K::RemU && kind != K::CeilDivU)
    return fail("signed division overflows");
  switch (kind) {
  case K::Add:
    r = static_cast<int64_t>(ua + ub);
    break;
  case K::Sub:
    r = static_cast<int64_t>(ua - ub);
    break;
  case K::Mul:
    r = static_cast<int64_t>(ua * ub);
    break;
  case K::DivS:
    r = a / b;
    break;
  case K::DivU:
    r = static_cast<int64_t>(ua / ub);
    break;
  case K::RemS:
    r = a % b;
    break;
  case K::RemU:
    r = static_cast<int64_t>(ua % ub);
    break;
  case K::CeilDivS: {
    int64_t q = a / b;
    r = (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
    break;
  }
  case K::CeilDivU:
    r = static_cast<int64_t>(ua / ub + (ua % ub != 0));
    break;
  case K::FloorDivS: {
    int64_t q = a / b;
    r = (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    break;
  }
  case K::MinS:
    r = a < b ? a : b;
    break;
  case K::MaxS:
    r = a > b ? a : b;
    break;
  case K::MinU:
    r = ua < ub ? a : b;
    break;
  case K::MaxU:
    r = ua > ub ? a : b;
    break;
  case K::And:
    r = a & b;
    break;
  case K::Or:
    r = a | b;
    break;
  case K::Xor:
    r = a ^ b;
    break;
  case K::Shl:
    r = ub >= 64 ? 0 : static_cast<int64_t>(ua << ub);
    break;
  case K::ShrS:
    r = ub >= 64 ? (a < 0 ? -1 : 0) : a >> ub;
    break;
  case K::ShrU:
    r = ub >= 64 ? 0 : static_cast<int64_t>(ua >> ub);
    break;
  case K::CmpEq:
    r = a == b;
    break;
  case K::CmpNe:
    r = a != b;
    break;
  case K::CmpSlt:
    r = a < b;
    break;
  case K::CmpSle:
    r = a <= b;
    break;
  case K::CmpSgt:
    r = a > b;
    break;
  case K::CmpSge:
    r = a >= b;
    break;
  case K::CmpUlt:
    r = ua < ub;
    break;
  case K::CmpUle:
    r = ua <= ub;
    break;
  case K::CmpUgt:
    r = ua > ub;
    break;
  case K::CmpUge:
    r = ua >= ub;
    break;
  }
  scalars[op.dst()] = r;
  return Status();
}

Status Interpreter::checkRange(const BufferRegister &reg, int64_t offset,
                               int64_t length, const char *what) const {
  int64_t size = static_cast<int64_t>(reg.buffer->size());
  if (offset < 0 || length < 0 || offset > size || length > size - offset)
    return fail(std::string(what) + " range [" + std::to_string(offset) +
                ", +" + std::to_string(length) + ") is outside its " +
                std::to_string(size) + "-byte buffer");
  return Status();
}

Status Interpreter::flushPending() {
  if (!batch || batch->pending() == 0)
    return Status();
  if (std::optional<DispatchFailure> failure = batch->flush())
    return failed(*failure);
  return Status();
}

Status Interpreter::dispatch(const schema::Dispatch &op) {
  // The executable the initializer loaded, one of those the module was
  // verified with.
  int64_t loaded = scalars[op.executable()];
  bool isCandidate = false;
  for (uint32_t candidate : *op.candidates())
    isCandidate |= candidate == loaded;
  if (!isCandidate)
    return fail("dispatch: executable " + std::to_string(loaded) +
                " is not one the dispatch was verified with");
  uint32_t executableIndex = static_cast<uint32_t>(loaded);
  const Executable *executable = module.executable(executableIndex);
  Device *device = module.executableDevice(executableIndex);
  if (!executable)
    return fail(
        "dispatch: executable '" +
        module.schema().executables()->Get(executableIndex)->name()->str() +
        "' was not loaded");
  const schema::Executable *info =
      module.schema().executables()->Get(executableIndex);
  const schema::ExportInfo *exportInfo = info->exports()->Get(op.ordinal());

  DispatchRequest request;
  request.executable = executable;
  request.tag = current;
  DispatchRecord &record = request.record;
  record.executable = executableIndex;
  record.ordinal = op.ordinal();
  record.exportName = exportInfo->name()->str();
  const std::string &name = record.exportName;
  record.flops = exportInfo->flop_count();
  record.device = device->name();
  for (unsigned d = 0; d < 3; ++d) {
    int64_t count = scalars[op.workgroup_count()->Get(d)];
    if (count < 0 || count > std::numeric_limits<uint32_t>::max())
      return fail("dispatch of '" + name + "': workgroup count " +
                  std::to_string(count) + " out of range");
    record.workgroupCount[d] = static_cast<uint32_t>(count);
  }

  // Sized up front: a model issues its dispatches by the hundred per call,
  // and growing these vectors was most of the call's mallocs.
  if (op.push_constants()) {
    request.pushConstants.reserve(op.push_constants()->size());
    for (uint32_t reg : *op.push_constants())
      request.pushConstants.push_back(static_cast<uint32_t>(scalars[reg]));
  }
  if (op.bindings()) {
    request.bindings.reserve(op.bindings()->size());
    for (unsigned b = 0; b < op.bindings()->size(); ++b) {
      const schema::BindingRef *binding = op.bindings()->Get(b);
      const BufferRegister &reg = buffers[binding->buffer()];
      int64_t offset = scalars[binding->offset()];
      int64_t length = scalars[binding->length()];
      if (Status s = checkRange(reg, offset, length, "dispatch binding"); !s)
        return s;
      bool readOnly = exportInfo->binding_read_only()->Get(b);
      if (reg.readOnly && !readOnly)
        return fail("dispatch of '" + name + "' writes binding " +
                    std::to_string(b) + ", which is a read-only buffer");
      request.bindings.push_back({reg.buffer, static_cast<size_t>(offset),
                                  static_cast<size_t>(length), readOnly});
      record.bytes += static_cast<uint64_t>(length);
    }
  }

  if (observer)
    record.liveBytes = liveAllocatedBytes;

  // A device reads host memory: what another device has pending first.
  if (batchDevice != device) {
    if (Status s = flushPending(); !s)
      return s;
    BatchOptions options;
    options.observer = observer ? &observer : nullptr;
    options.origin = callStart;
    options.executor = executor;
    // A capture copies each dispatch's bindings right before and after it.
    options.concurrent = concurrent && !capture;
    batch = device->beginBatch(options);
    batchDevice = device;
  }

  // A capture copies the bindings before the dispatch (pending work
  // first, so that the host holds its inputs) and after it.
  std::optional<DispatchCapture> capturing;
  std::vector<DispatchBinding> captured;
  if (capture) {
    if (Status s = flushPending(); !s)
      return s;
    capturing.emplace();
    capturing->record = record;
    capturing->pushConstants = request.pushConstants;
    for (const DispatchBinding &binding : request.bindings) {
      DispatchCapture::Binding copy;
      const uint8_t *bytes = binding.buffer->data() + binding.offset;
      copy.before.assign(bytes, bytes + binding.length);
      copy.readOnly = binding.readOnly;
      capturing->bindings.push_back(std::move(copy));
    }
    captured = request.bindings;
  }

  if (std::optional<DispatchFailure> failure =
          batch->record(std::move(request)))
    return failed(*failure);
  if (capturing) {
    if (Status s = flushPending(); !s)
      return s;
    finishCapture(*capturing, captured);
  }
  return Status();
}

StatusOr<std::vector<Tensor>> Interpreter::results(const schema::Return &op) {
  std::vector<Tensor> outputs;
  for (unsigned r = 0; r < fn.outputs()->size(); ++r) {
    const schema::TensorType *type = fn.outputs()->Get(r);
    const schema::ResultRef *result = op.results()->Get(r);
    std::vector<int64_t> shape;
    if (result->dims())
      for (uint32_t reg : *result->dims())
        shape.push_back(scalars[reg]);
    for (unsigned d = 0; d < shape.size(); ++d) {
      int64_t declared = type->shape()->Get(d);
      if (declared >= 0 && declared != shape[d])
        return fail("result " + std::to_string(r) + " has dimension " +
                    std::to_string(d) + " = " + std::to_string(shape[d]) +
                    ", its type says " + std::to_string(declared));
    }
    auto elementType = static_cast<ElementType>(type->element_type());
    std::optional<int64_t> count = checkedElementCount(shape);
    const std::shared_ptr<Buffer> &buffer = buffers[result->buffer()].buffer;
    if (!count || *count > static_cast<int64_t>(buffer->size() /
                                                elementSize(elementType)))
      return fail("result " + std::to_string(r) + " (" +
                  TensorType{elementType, shape}.str() + ") does not fit its " +
                  std::to_string(buffer->size()) + "-byte buffer");
    outputs.emplace_back(elementType, std::move(shape), buffer, 0,
                         type->scalar());
  }
  return outputs;
}

} // namespace

StatusOr<std::vector<Tensor>> interpret(const Module &module, unsigned index,
                                        const std::vector<Tensor> &inputs,
                                        const DispatchObserver &observer,
                                        const DispatchCaptureObserver &capture,
                                        TaskExecutor *executor,
                                        bool concurrent) {
  ModuleInternals internals(module);
  const schema::Function *fn = internals.schema().functions()->Get(index);
  return Interpreter(internals, *fn, inputs, observer, capture, executor, false,
                     concurrent)
      .run();
}

Status runInitializer(Module &module) {
  ModuleInternals internals(module);
  const schema::Function *fn = internals.schema().initializer();
  static const std::vector<Tensor> noInputs;
  static const DispatchObserver noObserver;
  auto results =
      Interpreter(internals, *fn, noInputs, noObserver, nullptr, nullptr, true)
          .run();
  return results ? Status() : results.status();
}

StatusOr<DispatchReplay> replay(const Module &module,
                                const DispatchCapture &dispatch,
                                int repetitions, TaskExecutor *executor) {
  ModuleInternals internals(module);
  const DispatchRecord &captured = dispatch.record;
  auto executables = internals.schema().executables();
  if (captured.executable >= executables->size())
    return Status::error("replay: the module has no executable " +
                         std::to_string(captured.executable));
  const schema::Executable *info = executables->Get(captured.executable);
  const Executable *executable = internals.executable(captured.executable);
  if (!executable)
    return Status::error("replay: executable '" + info->name()->str() +
                         "' was not loaded");
  if (captured.ordinal >= info->exports()->size() ||
      info->exports()->Get(captured.ordinal)->binding_read_only()->size() !=
          dispatch.bindings.size())
    return Status::error("replay: the capture does not match export " +
                         std::to_string(captured.ordinal) + " of '" +
                         info->name()->str() + "'");
  Device &device = *internals.executableDevice(captured.executable);
  DispatchReplay result;
  std::vector<std::shared_ptr<Buffer>> buffers;
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    // Fresh inputs every time: a dispatch may read what it writes.
    buffers.clear();
    DispatchRequest request;
    request.executable = executable;
    request.pushConstants = dispatch.pushConstants;
    request.record = captured;
    for (const DispatchCapture::Binding &binding : dispatch.bindings) {
      auto buffer =
          Buffer::allocate(std::max<size_t>(1, binding.before.size()));
      if (!buffer)
        return buffer.status();
      std::copy(binding.before.begin(), binding.before.end(),
                (*buffer)->data());
      request.bindings.push_back(
          {*buffer, 0, binding.before.size(), binding.readOnly});
      buffers.push_back(std::move(*buffer));
    }
    // The device's time for the dispatch (a GPU's timer, the CPU's clock).
    double microseconds = -1;
    DispatchObserver timed = [&](const DispatchRecord &ran) {
      microseconds = ran.microseconds;
    };
    BatchOptions options;
    options.observer = &timed;
    options.origin = std::chrono::steady_clock::now();
    options.executor = executor;
    std::unique_ptr<DispatchBatch> batch = device.beginBatch(options);
    std::optional<DispatchFailure> failure = batch->record(std::move(request));
    if (!failure)
      failure = batch->flush();
    if (failure)
      return Status::error("replay: " + failure->message);
    result.microseconds.push_back(microseconds);
  }
  for (size_t b = 0; b < buffers.size(); ++b)
    result.bindings.emplace_back(buffers[b]->data(),
                                 buffers[b]->data() +
                                     dispatch.bindings[b].before.size());
  return result;
}

} // namespace tessera::rt

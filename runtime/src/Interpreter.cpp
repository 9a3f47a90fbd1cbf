//===- Interpreter.cpp - Runs a function's host program -------------------===//
//
// The module was verified at load: register indices, ordinals and counts are
// in range and registers are written before read. What depends on values
// (sizes, offsets, workgroup counts, division by zero) is checked here.
//
//===----------------------------------------------------------------------===//

#include "Interpreter.h"

#include "tessera/runtime/DeviceQuery.h"
#include "tessera/runtime/TaskExecutor.h"

#include "CpuExecutable.h"
#include "DispatchWave.h"
#include "tessera/schema/InstructionSet.h"

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
};

class Interpreter {
public:
  /// `initializing` is the module while its initializer runs (the only
  /// program that loads executables and stores globals).
  Interpreter(const Module &module, const schema::Function &fn,
              const std::vector<Tensor> &inputs,
              const DispatchObserver &observer,
              const DispatchCaptureObserver &capture = nullptr,
              TaskExecutor *executor = nullptr, Module *initializing = nullptr,
              bool concurrent = true)
      : module(module), initializing(initializing), fn(fn), inputs(inputs),
        observer(observer), capture(capture), executor(executor),
        concurrent(concurrent), scalars(fn.scalar_register_count(), 0),
        buffers(fn.buffer_register_count()),
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
  /// Runs the accelerator dispatches recorded so far; before the host (or
  /// a CPU dispatch) touches buffers, and at the return.
  Status flushBatch();
  /// Runs the wave of independent CPU dispatches collected so far.
  Status flushWave();
  /// Both: before the host reads or writes buffers.
  Status flushPending() {
    if (Status s = flushWave(); !s)
      return s;
    return flushBatch();
  }
  /// Whether CPU dispatches are collected into waves: when asked, with
  /// several workers and no capture (a capture copies each dispatch's bindings
  /// right before and after it runs).
  bool collectsWaves() const {
    return concurrent && executor && executor->workerCount() > 1 && !capture;
  }
  StatusOr<std::vector<Tensor>> results(const schema::Return &op);

  const Module &module;
  Module *initializing;
  const schema::Function &fn;
  const std::vector<Tensor> &inputs;
  const DispatchObserver &observer;
  const DispatchCaptureObserver &capture;
  TaskExecutor *executor;
  bool concurrent;
  std::vector<int64_t> scalars;
  std::vector<BufferRegister> buffers;
  unsigned current = 0;
  /// Set by the Return: the call's results.
  std::optional<std::vector<Tensor>> returned;
  std::chrono::steady_clock::time_point callStart;
  double sinceCallStart(std::chrono::steady_clock::time_point time) const {
    return std::chrono::duration<double, std::micro>(time - callStart).count();
  }
  std::unique_ptr<AcceleratorBatch> batch;
  /// "vulkan://0": the accelerator's name in profiles.
  /// Read once per call: it is every accelerator dispatch's record.
  const std::string &batchDevice() {
    if (acceleratorName.empty()) {
      std::string device = module.accelerator()->describe();
      acceleratorName = device.substr(0, device.find(' '));
    }
    return acceleratorName;
  }
  std::string acceleratorName;
  void finishCapture(DispatchCapture &captured,
                     const std::vector<void *> &bindingPtrs,
                     const std::vector<size_t> &bindingLengths) {
    for (unsigned b = 0; b < captured.bindings.size(); ++b)
      if (!captured.bindings[b].readOnly) {
        const uint8_t *bytes = static_cast<const uint8_t *>(bindingPtrs[b]);
        captured.bindings[b].after.assign(bytes, bytes + bindingLengths[b]);
      }
    capture(std::move(captured));
  }
  std::vector<DispatchRecord> batchRecords;
  DispatchWave wave;
};

StatusOr<std::vector<Tensor>> Interpreter::run() {
  for (current = 0; current < fn.instructions()->size(); ++current) {
    if (Status s = step(*fn.instructions()->Get(current)); !s)
      return s;
    if (returned)
      return std::move(*returned);
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
  buffers[op.dst()] = {
      Buffer::wrap(input.bytes(), input.byteSize(), input.storage()), true};
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
  int64_t size = scalars[op.size()];
  if (size < 0 || size > kMaxAllocation)
    return fail("cannot allocate " + std::to_string(size) + " bytes");
  auto buffer = Buffer::allocate(size);
  if (!buffer)
    return fail(buffer.status().message());
  buffers[op.dst()] = {std::move(*buffer), false};
  return Status();
}

Status Interpreter::exec(const schema::ConstantView &op) {
  buffers[op.dst()] = {module.constant(op.constant()), true};
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

Status Interpreter::flushBatch() {
  if (!batch || batch->pending() == 0)
    return Status();
  auto start = std::chrono::steady_clock::now();
  auto times = batch->flush();
  double wall = std::chrono::duration<double, std::micro>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  std::vector<DispatchRecord> records = std::move(batchRecords);
  batchRecords.clear();
  if (!times)
    return fail("running " + std::to_string(records.size()) +
                " dispatches on the device: " + times.status().message());
  if (observer) {
    double next = sinceCallStart(start);
    for (size_t i = 0; i < records.size(); ++i) {
      // Without device timers, the submission's time is shared out.
      double device = i < times->size() ? (*times)[i] : -1;
      records[i].microseconds = device >= 0 ? device : wall / records.size();
      records[i].startMicroseconds = next;
      next += records[i].microseconds;
      observer(records[i]);
    }
  }
  return Status();
}

Status Interpreter::flushWave() {
  if (wave.empty())
    return Status();
  std::vector<DispatchRecord> records;
  std::optional<DispatchWave::Failure> failure =
      wave.run(*executor, bool(observer), callStart, records);
  if (failure) {
    current = failure->instruction;
    return fail("dispatch of '" + failure->exportName + "' " +
                failure->message);
  }
  for (const DispatchRecord &record : records)
    observer(record);
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
  const CpuExecutable *executable = module.executable(executableIndex);
  AcceleratorExecutable *accelerated =
      module.acceleratorExecutable(executableIndex);
  if (!executable && !accelerated)
    return fail(
        "dispatch: executable '" +
        module.schema().executables()->Get(executableIndex)->name()->str() +
        "' was not loaded");
  const schema::Executable *info =
      module.schema().executables()->Get(executableIndex);
  const schema::ExportInfo *exportInfo = info->exports()->Get(op.ordinal());
  std::string name = exportInfo->name()->str();

  DispatchRecord record;
  record.executable = executableIndex;
  record.ordinal = op.ordinal();
  record.exportName = name;
  record.flops = exportInfo->flop_count();
  for (unsigned d = 0; d < 3; ++d) {
    int64_t count = scalars[op.workgroup_count()->Get(d)];
    if (count < 0 || count > std::numeric_limits<uint32_t>::max())
      return fail("dispatch of '" + name + "': workgroup count " +
                  std::to_string(count) + " out of range");
    record.workgroupCount[d] = static_cast<uint32_t>(count);
  }

  std::vector<uint32_t> pushConstants;
  if (op.push_constants())
    for (uint32_t reg : *op.push_constants())
      pushConstants.push_back(static_cast<uint32_t>(scalars[reg]));
  std::vector<void *> bindingPtrs;
  std::vector<size_t> bindingLengths;
  if (op.bindings())
    for (unsigned b = 0; b < op.bindings()->size(); ++b) {
      const schema::BindingRef *binding = op.bindings()->Get(b);
      const BufferRegister &reg = buffers[binding->buffer()];
      int64_t offset = scalars[binding->offset()];
      int64_t length = scalars[binding->length()];
      if (Status s = checkRange(reg, offset, length, "dispatch binding"); !s)
        return s;
      if (reg.readOnly && !exportInfo->binding_read_only()->Get(b))
        return fail("dispatch of '" + name + "' writes binding " +
                    std::to_string(b) + ", which is a read-only buffer");
      bindingPtrs.push_back(reg.buffer->data() + offset);
      bindingLengths.push_back(static_cast<size_t>(length));
      record.bytes += static_cast<uint64_t>(length);
    }

  // A capture copies the bindings before the dispatch (an accelerator's
  // pending work first, so that the host holds its inputs) and after it.
  std::optional<DispatchCapture> capturing;
  if (capture) {
    if (Status s = flushBatch(); !s)
      return s;
    capturing.emplace();
    capturing->record = record;
    capturing->pushConstants = pushConstants;
    for (unsigned b = 0; b < bindingPtrs.size(); ++b) {
      DispatchCapture::Binding binding;
      const uint8_t *bytes = static_cast<const uint8_t *>(bindingPtrs[b]);
      binding.before.assign(bytes, bytes + bindingLengths[b]);
      binding.readOnly = exportInfo->binding_read_only()->Get(b);
      capturing->bindings.push_back(std::move(binding));
    }
  }

  if (accelerated) {
    std::vector<DispatchBinding> deviceBindings;
    for (unsigned b = 0; b < bindingPtrs.size(); ++b) {
      const BufferRegister &reg = buffers[op.bindings()->Get(b)->buffer()];
      deviceBindings.push_back(
          {reg.buffer->data(), reg.buffer->size(),
           static_cast<size_t>(scalars[op.bindings()->Get(b)->offset()]),
           bindingLengths[b], bool(exportInfo->binding_read_only()->Get(b))});
    }
    // The device reads host memory: pending CPU work first.
    if (Status s = flushWave(); !s)
      return s;
    if (!batch)
      batch = module.accelerator()->beginBatch();
    record.device = batchDevice();
    if (Status s =
            batch->record(*accelerated, op.ordinal(), record.workgroupCount,
                          pushConstants, deviceBindings);
        !s)
      return fail("dispatch of '" + name + "': " + s.message());
    batchRecords.push_back(std::move(record));
    if (capturing) {
      if (Status s = flushBatch(); !s)
        return s;
      capturing->record.device = batchDevice();
      finishCapture(*capturing, bindingPtrs, bindingLengths);
    }
    return Status();
  }
  if (Status s = flushBatch(); !s)
    return s;

  CpuDispatch cpuDispatch{executable->exportFunction(op.ordinal()),
                          record.workgroupCount, std::move(pushConstants),
                          std::move(bindingPtrs), std::move(bindingLengths)};
  if (collectsWaves()) {
    DispatchWave::Entry entry{std::move(cpuDispatch), {}, {}, record, current};
    for (unsigned b = 0; b < entry.dispatch.bindingPtrs.size(); ++b) {
      entry.bindingWritten.push_back(!exportInfo->binding_read_only()->Get(b));
      entry.keepAlive.push_back(
          buffers[op.bindings()->Get(b)->buffer()].buffer);
    }
    if (wave.conflictsWith(entry))
      if (Status s = flushWave(); !s)
        return s;
    wave.add(std::move(entry));
    return Status();
  }

  auto start = std::chrono::steady_clock::now();
  if (Status s = runOnCpu(cpuDispatch, executor,
                          observer ? &record.workers : nullptr, callStart);
      !s)
    return fail("dispatch of '" + name + "' " + s.message());
  if (capturing)
    finishCapture(*capturing, cpuDispatch.bindingPtrs,
                  cpuDispatch.bindingLengths);
  if (observer) {
    record.startMicroseconds = sinceCallStart(start);
    record.microseconds = std::chrono::duration<double, std::micro>(
                              std::chrono::steady_clock::now() - start)
                              .count();
    observer(record);
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
  const schema::Function *fn = module.schema().functions()->Get(index);
  return Interpreter(module, *fn, inputs, observer, capture, executor, nullptr,
                     concurrent)
      .run();
}

Status runInitializer(Module &module) {
  const schema::Function *fn = module.schema().initializer();
  static const std::vector<Tensor> noInputs;
  static const DispatchObserver noObserver;
  auto results =
      Interpreter(module, *fn, noInputs, noObserver, nullptr, nullptr, &module)
          .run();
  return results ? Status() : results.status();
}

StatusOr<DispatchReplay> replay(const Module &module,
                                const DispatchCapture &dispatch,
                                int repetitions, TaskExecutor *executor) {
  const DispatchRecord &record = dispatch.record;
  auto executables = module.schema().executables();
  if (record.executable >= executables->size())
    return Status::error("replay: the module has no executable " +
                         std::to_string(record.executable));
  const schema::Executable *info = executables->Get(record.executable);
  const CpuExecutable *executable = module.executable(record.executable);
  AcceleratorExecutable *accelerated =
      module.acceleratorExecutable(record.executable);
  if (!executable && !accelerated)
    return Status::error("replay: executable '" + info->name()->str() +
                         "' was not loaded");
  if (record.ordinal >= info->exports()->size() ||
      info->exports()->Get(record.ordinal)->binding_read_only()->size() !=
          dispatch.bindings.size())
    return Status::error("replay: the capture does not match export " +
                         std::to_string(record.ordinal) + " of '" +
                         info->name()->str() + "'");
  DispatchReplay result;
  std::vector<std::shared_ptr<Buffer>> buffers;
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    // Fresh inputs every time: a dispatch may read what it writes.
    buffers.clear();
    std::vector<void *> pointers;
    std::vector<size_t> lengths;
    for (const DispatchCapture::Binding &binding : dispatch.bindings) {
      auto buffer =
          Buffer::allocate(std::max<size_t>(1, binding.before.size()));
      if (!buffer)
        return buffer.status();
      std::copy(binding.before.begin(), binding.before.end(),
                (*buffer)->data());
      pointers.push_back((*buffer)->data());
      lengths.push_back(binding.before.size());
      buffers.push_back(std::move(*buffer));
    }
    std::vector<uint32_t> pushConstants = dispatch.pushConstants;
    auto start = std::chrono::steady_clock::now();
    double microseconds = -1;
    if (accelerated) {
      std::vector<DispatchBinding> deviceBindings;
      for (size_t b = 0; b < buffers.size(); ++b)
        deviceBindings.push_back({buffers[b]->data(), buffers[b]->size(), 0,
                                  lengths[b], dispatch.bindings[b].readOnly});
      std::unique_ptr<AcceleratorBatch> batch =
          module.accelerator()->beginBatch();
      if (Status s =
              batch->record(*accelerated, record.ordinal, record.workgroupCount,
                            pushConstants, deviceBindings);
          !s)
        return Status::error("replay: " + s.message());
      auto times = batch->flush();
      if (!times)
        return Status::error("replay: " + times.status().message());
      if (!times->empty())
        microseconds = times->front();
    } else {
      CpuDispatch cpuDispatch{executable->exportFunction(record.ordinal),
                              record.workgroupCount, pushConstants, pointers,
                              lengths};
      if (Status s = runOnCpu(cpuDispatch, executor); !s)
        return Status::error("replay of '" + record.exportName + "' " +
                             s.message());
    }
    if (microseconds < 0)
      microseconds = std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    result.microseconds.push_back(microseconds);
  }
  for (size_t b = 0; b < buffers.size(); ++b)
    result.bindings.emplace_back(buffers[b]->data(),
                                 buffers[b]->data() +
                                     dispatch.bindings[b].before.size());
  return result;
}

} // namespace tessera::rt

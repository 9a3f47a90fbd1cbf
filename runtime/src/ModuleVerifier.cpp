//===- ModuleVerifier.cpp - Checks untrusted module bytes -----------------===//
//
// A module comes from a file the user hands us: nothing in it is trusted.
// The FlatBuffers verifier guarantees every offset stays inside the bytes;
// the checks here guarantee every index, ordinal and size the interpreter
// will use is in range, and that registers are written before being read.
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/Hash.h"
#include "tessera/runtime/Module.h"
#include "tessera/runtime/ModuleSignature.h"
#include "tessera/runtime/PrintableText.h"
#include "tessera/schema/InstructionSet.h"

#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace tessera::rt {

namespace {

constexpr size_t kMaxRegisters = 1u << 24;

std::string unprintable(const flatbuffers::String *text) {
  return whyUnprintable(text->string_view());
}

/// Every string the module names things with, before any message quotes
/// one; the instructions' own strings are checked with their operands.
Status verifyText(const schema::Module &module) {
  auto check = [](const flatbuffers::String *text,
                  const std::string &what) -> Status {
    if (!text)
      return Status();
    if (std::string why = unprintable(text); !why.empty())
      return Status::error("corrupt module: " + what +
                           " is not printable text (" + why + ")");
    return Status();
  };
  if (Status s = check(module.name(), "the module's name"); !s)
    return s;
  auto checkFunction = [&](const schema::Function &fn,
                           const std::string &what) -> Status {
    if (Status s = check(fn.name(), "the name of " + what); !s)
      return s;
    if (fn.locations())
      for (unsigned l = 0; l < fn.locations()->size(); ++l)
        if (Status s = check(fn.locations()->Get(l),
                             "location " + std::to_string(l) + " of " + what);
            !s)
          return s;
    return Status();
  };
  if (module.initializer())
    if (Status s = checkFunction(*module.initializer(), "the initializer"); !s)
      return s;
  if (module.functions())
    for (unsigned i = 0; i < module.functions()->size(); ++i)
      if (Status s = checkFunction(*module.functions()->Get(i),
                                   "function " + std::to_string(i));
          !s)
        return s;
  if (module.executables())
    for (unsigned i = 0; i < module.executables()->size(); ++i) {
      const schema::Executable *executable = module.executables()->Get(i);
      std::string what = "executable " + std::to_string(i);
      if (Status s = check(executable->name(), "the name of " + what); !s)
        return s;
      if (Status s = check(executable->format(), "the format of " + what); !s)
        return s;
      if (executable->exports())
        for (unsigned e = 0; e < executable->exports()->size(); ++e)
          if (Status s = check(executable->exports()->Get(e)->name(),
                               "the name of export " + std::to_string(e) +
                                   " of " + what);
              !s)
            return s;
    }
  return Status();
}

class FunctionVerifier {
public:
  FunctionVerifier(const schema::Module &module, const schema::Function &fn,
                   unsigned functionIndex)
      : module(module), fn(fn) {
    where = "function '" + fn.name()->str() + "'";
    (void)functionIndex;
  }

  Status verify();

private:
  Status fail(unsigned instruction, const std::string &message) {
    return Status::error(where + ", instruction " +
                         std::to_string(instruction) + ": " + message);
  }
  Status verifyInstruction(unsigned index, const schema::Instruction &inst);
  /// What an instruction's operands must satisfy together, beyond each
  /// operand's own check (InstructionSet.h); most have nothing.
  template <typename Op> Status verifyConstraints(unsigned, const Op &) {
    return Status();
  }
  Status verifyConstraints(unsigned index, const schema::Dispatch &op);
  Status verifyConstraints(unsigned index, const schema::Return &op);

  friend class OperandChecker;
  const schema::Module &module;
  const schema::Function &fn;
  std::string where;
  std::vector<bool> scalarDefined, bufferDefined;
};

Status verifyTensorType(const schema::TensorType *type,
                        const std::string &what) {
  if (!type)
    return Status::error(what + " has no type");
  if (static_cast<unsigned>(type->element_type()) >= kElementTypeCount)
    return Status::error(
        what + " has an unknown element type " +
        std::to_string(static_cast<int>(type->element_type())));
  if (type->shape())
    for (int64_t dim : *type->shape())
      if (dim < -1)
        return Status::error(what + " has a negative dimension " +
                             std::to_string(dim));
  if (type->scalar() && type->shape() && type->shape()->size() != 0)
    return Status::error(what + " is a scalar with a shape");
  return Status();
}

size_t rank(const schema::TensorType *type) {
  return type->shape() ? type->shape()->size() : 0;
}

Status FunctionVerifier::verify() {
  if (fn.scalar_register_count() > kMaxRegisters ||
      fn.buffer_register_count() > kMaxRegisters)
    return Status::error(where + ": too many registers");
  scalarDefined.assign(fn.scalar_register_count(), false);
  bufferDefined.assign(fn.buffer_register_count(), false);
  if (fn.inputs())
    for (unsigned i = 0; i < fn.inputs()->size(); ++i)
      if (Status s = verifyTensorType(fn.inputs()->Get(i),
                                      where + " input " + std::to_string(i));
          !s)
        return s;
  if (fn.outputs())
    for (unsigned i = 0; i < fn.outputs()->size(); ++i)
      if (Status s = verifyTensorType(fn.outputs()->Get(i),
                                      where + " output " + std::to_string(i));
          !s)
        return s;
  if (!fn.instructions() || fn.instructions()->size() == 0)
    return Status::error(where + " has no instructions");
  unsigned count = fn.instructions()->size();
  for (unsigned i = 0; i < count; ++i) {
    const schema::Instruction *inst = fn.instructions()->Get(i);
    if (!inst)
      return fail(i, "missing");
    bool isReturn = inst->op_type() == schema::Op::Return;
    if (isReturn != (i + 1 == count))
      return fail(i, isReturn ? "return before the end of the function"
                              : "the function does not end with a return");
    if (Status s = verifyInstruction(i, *inst); !s)
      return s;
  }
  return Status();
}

/// Checks the operands of one instruction from the instruction table:
/// indices in range, registers read only after they are written. The
/// registers it writes are marked written once every operand checked, so
/// an instruction cannot read its own result.
class OperandChecker {
public:
  OperandChecker(FunctionVerifier &function, unsigned index,
                 const char *mnemonic)
      : function(function), index(index), mnemonic(mnemonic) {}

  /// The first problem found, or ok; then the written registers are marked.
  Status finish() {
    if (!status)
      return std::move(status);
    for (uint32_t reg : scalarDefs)
      function.scalarDefined[reg] = true;
    for (uint32_t reg : bufferDefs)
      function.bufferDefined[reg] = true;
    return Status();
  }

  void scalarDef(uint32_t reg) {
    if (reg >= function.scalarDefined.size())
      fail("scalar register " + std::to_string(reg) + " out of range");
    scalarDefs.push_back(reg);
  }
  void bufferDef(uint32_t reg) {
    if (reg >= function.bufferDefined.size())
      fail("buffer register " + std::to_string(reg) + " out of range");
    bufferDefs.push_back(reg);
  }
  void scalarUse(uint32_t reg, const char *field, const char *) {
    read(function.scalarDefined, "scalar", reg, field);
  }
  void bufferUse(uint32_t reg, const char *field, const char *) {
    read(function.bufferDefined, "buffer", reg, field);
  }
  void scalarUses(const flatbuffers::Vector<uint32_t> *regs, const char *field,
                  const char *keyword) {
    if (regs)
      for (uint32_t reg : *regs)
        scalarUse(reg, field, keyword);
  }
  void tensorInput(uint32_t input) {
    if (input >= inputCount() || function.fn.inputs()->Get(input)->scalar())
      fail("input " + std::to_string(input) + " is not a tensor input");
  }
  void scalarInput(uint32_t input) {
    if (input >= inputCount() || !function.fn.inputs()->Get(input)->scalar())
      fail("input " + std::to_string(input) + " is not a scalar input");
  }
  void inputDim(uint32_t input, uint32_t dim) {
    if (input >= inputCount() || dim >= rank(function.fn.inputs()->Get(input)))
      fail("dimension " + std::to_string(dim) + " of input " +
           std::to_string(input) + " out of range");
  }
  void constant(uint32_t constant) {
    const schema::Module &module = function.module;
    if (!module.constants() || constant >= module.constants()->size())
      fail("constant " + std::to_string(constant) + " out of range");
  }
  void global(uint32_t global) {
    if (global >= function.module.global_count())
      fail("global " + std::to_string(global) + " out of range");
  }
  void executable(uint32_t executable) {
    const schema::Module &module = function.module;
    if (!module.executables() || executable >= module.executables()->size())
      fail("executable " + std::to_string(executable) + " out of range");
  }
  void executables(const flatbuffers::Vector<uint32_t> *indices, const char *) {
    if (indices)
      for (uint32_t index : *indices)
        executable(index);
  }
  void immediate(int64_t, const char *) {}
  void string(const flatbuffers::String *text, const char *field) {
    if (std::string why = unprintable(text); !why.empty())
      fail(std::string(mnemonic) + (*field ? " " : "") + field +
           " is not printable text (" + why + ")");
  }
  void arithKind(schema::ArithKind kind) {
    if (kind > schema::ArithKind::MAX)
      fail("unknown arithmetic kind");
  }
  void fillPattern(uint64_t, uint8_t length) {
    if (length != 1 && length != 2 && length != 4 && length != 8)
      fail("fill pattern length " + std::to_string(length) +
           " is not 1, 2, 4 or 8");
  }
  void bindings(const flatbuffers::Vector<const schema::BindingRef *> *refs,
                const char *) {
    if (refs)
      for (const schema::BindingRef *binding : *refs) {
        read(function.bufferDefined, "buffer", binding->buffer(), "binding");
        read(function.scalarDefined, "scalar", binding->offset(),
             "binding offset");
        read(function.scalarDefined, "scalar", binding->length(),
             "binding length");
      }
  }
  void results(
      const flatbuffers::Vector<flatbuffers::Offset<schema::ResultRef>> *refs) {
    if (!refs)
      return;
    for (unsigned r = 0; r < refs->size(); ++r) {
      const schema::ResultRef *result = refs->Get(r);
      if (!result) {
        fail("result " + std::to_string(r) + " is missing");
        return;
      }
      read(function.bufferDefined, "buffer", result->buffer(), "");
      if (result->dims())
        for (uint32_t reg : *result->dims())
          read(function.scalarDefined, "scalar", reg, "dim");
    }
  }

private:
  void fail(const std::string &message) {
    if (status)
      status = function.fail(index, message);
  }
  /// Fails when `reg` is out of range or not written yet; `field` names the
  /// operand after the mnemonic ("copy source offset").
  void read(const std::vector<bool> &defined, const char *file, uint32_t reg,
            const char *field) {
    if (reg < defined.size() && defined[reg])
      return;
    std::string what = std::string(mnemonic) + (*field ? " " : "") + field;
    for (char &c : what)
      if (c == '_')
        c = ' ';
    fail(what + " reads " + file + " register " + std::to_string(reg) +
         (reg < defined.size() ? " before it is written" : " out of range"));
  }
  unsigned inputCount() const {
    return function.fn.inputs() ? function.fn.inputs()->size() : 0;
  }

  FunctionVerifier &function;
  unsigned index;
  const char *mnemonic;
  Status status;
  std::vector<uint32_t> scalarDefs, bufferDefs;
};

Status FunctionVerifier::verifyInstruction(unsigned i,
                                           const schema::Instruction &inst) {
  if (inst.location() < -1 ||
      (inst.location() >= 0 &&
       (!fn.locations() ||
        static_cast<unsigned>(inst.location()) >= fn.locations()->size())))
    return fail(i, "location index " + std::to_string(inst.location()) +
                       " out of range");
  if (inst.op_type() == schema::Op::NONE)
    return fail(i, "unknown or missing operation");
  if (const char *why = schema::retiredBecause(inst.op_type()))
    return fail(i, "operation " +
                       std::to_string(static_cast<int>(inst.op_type())) +
                       " ('" + schema::mnemonic(inst.op_type()) +
                       "') is no longer part of the format (" + why +
                       "); compile the module again with this tessera");
  if (!schema::mnemonic(inst.op_type()))
    return fail(i, "unknown operation " +
                       std::to_string(static_cast<int>(inst.op_type())));
  // A union's type may be present without its table.
  if (!inst.op())
    return fail(i, "operation without its operands");
  Status status;
  if (!schema::visitInstruction(inst, [&](const auto &op) {
        using Info = schema::InstructionInfo<std::decay_t<decltype(op)>>;
        OperandChecker checker(*this, i, Info::mnemonic);
        Info::visitOperands(op, checker);
        status = checker.finish();
        if (status)
          status = verifyConstraints(i, op);
      }))
    return fail(i, "unknown operation");
  return status;
}

Status FunctionVerifier::verifyConstraints(unsigned i,
                                           const schema::Dispatch &op) {
  // Every executable the register may name must have the export with
  // this interface (their indices are in range: checked as operands).
  if (op.candidates()->size() == 0)
    return fail(i, "dispatch has no candidate executables");
  const schema::ExportInfo *info = nullptr;
  for (uint32_t index : *op.candidates()) {
    const schema::Executable *executable = module.executables()->Get(index);
    unsigned exportCount =
        executable->exports() ? executable->exports()->size() : 0;
    if (op.ordinal() >= exportCount)
      return fail(i, "export ordinal " + std::to_string(op.ordinal()) +
                         " out of range for executable '" +
                         executable->name()->str() + "' (" +
                         std::to_string(exportCount) + " exports)");
    const schema::ExportInfo *candidate =
        executable->exports()->Get(op.ordinal());
    if (info &&
        (candidate->push_constant_count() != info->push_constant_count() ||
         (candidate->binding_read_only()
              ? candidate->binding_read_only()->size()
              : 0) != (info->binding_read_only()
                           ? info->binding_read_only()->size()
                           : 0)))
      return fail(i, "the candidates of a dispatch of '" + info->name()->str() +
                         "' have different interfaces");
    info = candidate;
  }
  if (!op.workgroup_count() || op.workgroup_count()->size() != 3)
    return fail(i, "dispatch needs 3 workgroup counts");
  unsigned pushCount = op.push_constants() ? op.push_constants()->size() : 0;
  if (pushCount != info->push_constant_count())
    return fail(i, "dispatch of '" + info->name()->str() + "' passes " +
                       std::to_string(pushCount) +
                       " push constants, the export takes " +
                       std::to_string(info->push_constant_count()));
  unsigned bindingCount = op.bindings() ? op.bindings()->size() : 0;
  unsigned expectedBindings =
      info->binding_read_only() ? info->binding_read_only()->size() : 0;
  if (bindingCount != expectedBindings)
    return fail(i, "dispatch of '" + info->name()->str() + "' passes " +
                       std::to_string(bindingCount) +
                       " bindings, the export takes " +
                       std::to_string(expectedBindings));
  return Status();
}

Status FunctionVerifier::verifyConstraints(unsigned i,
                                           const schema::Return &op) {
  unsigned outputCount = fn.outputs() ? fn.outputs()->size() : 0;
  unsigned resultCount = op.results() ? op.results()->size() : 0;
  if (resultCount != outputCount)
    return fail(i, "returns " + std::to_string(resultCount) +
                       " results, the function has " +
                       std::to_string(outputCount) + " outputs");
  for (unsigned r = 0; r < resultCount; ++r) {
    const schema::ResultRef *result = op.results()->Get(r);
    unsigned dimCount = result->dims() ? result->dims()->size() : 0;
    if (dimCount != rank(fn.outputs()->Get(r)))
      return fail(i, "result " + std::to_string(r) + " has " +
                         std::to_string(dimCount) + " dims, output type " +
                         "has rank " +
                         std::to_string(rank(fn.outputs()->Get(r))));
  }
  return Status();
}

} // namespace

Status verifyModule(const uint8_t *data, size_t size) {
  // A signature trailer is not part of the FlatBuffer.
  size = unsignedModuleSize(data, size);
  if (size < 8)
    return Status::error("not a Tessera module: " + std::to_string(size) +
                         " bytes is too short");
  if (!schema::ModuleBufferHasIdentifier(data))
    return Status::error("not a Tessera module: bad magic (expected 'TSRM' "
                         "at byte 4)");
  // Limits bound the verifier's own work on hostile inputs.
  flatbuffers::Verifier::Options options;
  options.max_depth = 32;
  options.max_tables = 100'000'000;
  flatbuffers::Verifier verifier(data, size, options);
  if (!schema::VerifyModuleBuffer(verifier))
    return Status::error("corrupt module: the FlatBuffers structure does not "
                         "verify (truncated or damaged file)");
  const schema::Module *module = schema::GetModule(data);
  if (module->version() != kModuleVersion)
    return Status::error(
        "unsupported module version " + std::to_string(module->version()) +
        " (this runtime reads version " + std::to_string(kModuleVersion) +
        "; compile the module again with this tessera)");

  if (Status s = verifyText(*module); !s)
    return s;

  size_t rodataSize = module->rodata() ? module->rodata()->size() : 0;
  if (rodataSize != 0 &&
      (reinterpret_cast<uintptr_t>(module->rodata()->data()) -
       reinterpret_cast<uintptr_t>(data)) %
              64 !=
          0)
    return Status::error("corrupt module: constant data is not 64-byte "
                         "aligned");
  if (module->constants())
    for (unsigned i = 0; i < module->constants()->size(); ++i) {
      const schema::ConstantRef *c = module->constants()->Get(i);
      if (c->offset() % 64 != 0 || c->offset() > rodataSize ||
          c->length() > rodataSize - c->offset())
        return Status::error(
            "constant " + std::to_string(i) + " (offset " +
            std::to_string(c->offset()) + ", " + std::to_string(c->length()) +
            " bytes) is outside the module's " + std::to_string(rodataSize) +
            " bytes of constant data or misaligned");
    }

  if (module->executables())
    for (unsigned i = 0; i < module->executables()->size(); ++i) {
      const schema::Executable *executable = module->executables()->Get(i);
      std::string what = "executable " + std::to_string(i) + " ('" +
                         executable->name()->str() + "')";
      if (executable->data()->size() == 0)
        return Status::error(what + " has no binary");
      if (fnv1a64(executable->data()->data(), executable->data()->size()) !=
          executable->data_hash())
        return Status::error(what + " is damaged: its checksum does not "
                                    "match");
      if (!executable->exports() || executable->exports()->size() == 0)
        return Status::error(what + " has no exports");
      for (const schema::ExportInfo *info : *executable->exports())
        if (info->push_constant_count() > 4096 ||
            (info->binding_read_only() &&
             info->binding_read_only()->size() > 4096))
          return Status::error(what + ": export '" + info->name()->str() +
                               "' has too many push constants or bindings");
    }

  if (module->global_count() > kMaxRegisters)
    return Status::error("the module has too many globals");
  if (const schema::Function *initializer = module->initializer()) {
    if ((initializer->inputs() && initializer->inputs()->size()) ||
        (initializer->outputs() && initializer->outputs()->size()))
      return Status::error("the module initializer takes inputs or returns "
                           "results");
    if (Status s = FunctionVerifier(*module, *initializer, 0).verify(); !s)
      return s;
  }
  if (!module->functions() || module->functions()->size() == 0)
    return Status::error("the module has no functions");
  std::unordered_set<std::string> names;
  for (unsigned i = 0; i < module->functions()->size(); ++i) {
    const schema::Function *fn = module->functions()->Get(i);
    if (!names.insert(fn->name()->str()).second)
      return Status::error("function '" + fn->name()->str() +
                           "' is defined twice");
    if (Status s = FunctionVerifier(*module, *fn, i).verify(); !s)
      return s;
  }
  return Status();
}

} // namespace tessera::rt

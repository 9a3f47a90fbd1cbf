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
#include "tessera/schema/module_generated.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace tessera::rt {

namespace {

constexpr size_t kMaxRegisters = 1u << 24;

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
  bool readScalar(uint32_t reg) {
    return reg < scalarDefined.size() && scalarDefined[reg];
  }
  bool readBuffer(uint32_t reg) {
    return reg < bufferDefined.size() && bufferDefined[reg];
  }
  bool writeScalar(uint32_t reg) {
    if (reg >= scalarDefined.size())
      return false;
    scalarDefined[reg] = true;
    return true;
  }
  bool writeBuffer(uint32_t reg) {
    if (reg >= bufferDefined.size())
      return false;
    bufferDefined[reg] = true;
    return true;
  }
  Status verifyInstruction(unsigned index, const schema::Instruction &inst);

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

Status FunctionVerifier::verifyInstruction(unsigned i,
                                           const schema::Instruction &inst) {
  if (inst.location() < -1 ||
      (inst.location() >= 0 &&
       (!fn.locations() ||
        static_cast<unsigned>(inst.location()) >= fn.locations()->size())))
    return fail(i, "location index " + std::to_string(inst.location()) +
                       " out of range");
  unsigned inputCount = fn.inputs() ? fn.inputs()->size() : 0;
  auto scalarIn = [&](uint32_t reg, const char *what) -> Status {
    if (!readScalar(reg))
      return fail(i, std::string(what) + " reads scalar register " +
                         std::to_string(reg) +
                         (reg < scalarDefined.size() ? " before it is written"
                                                     : " out of range"));
    return Status();
  };
  auto bufferIn = [&](uint32_t reg, const char *what) -> Status {
    if (!readBuffer(reg))
      return fail(i, std::string(what) + " reads buffer register " +
                         std::to_string(reg) +
                         (reg < bufferDefined.size() ? " before it is written"
                                                     : " out of range"));
    return Status();
  };
  auto scalarOut = [&](uint32_t reg) -> Status {
    if (!writeScalar(reg))
      return fail(i,
                  "scalar register " + std::to_string(reg) + " out of range");
    return Status();
  };
  auto bufferOut = [&](uint32_t reg) -> Status {
    if (!writeBuffer(reg))
      return fail(i,
                  "buffer register " + std::to_string(reg) + " out of range");
    return Status();
  };
#define CHECK(expr)                                                            \
  if (Status s = (expr); !s)                                                   \
  return s

  // A union's type may be present without its table.
  if (inst.op_type() != schema::Op::NONE && !inst.op())
    return fail(i, "operation without its operands");
  switch (inst.op_type()) {
  case schema::Op::NONE:
    return fail(i, "unknown or missing operation");
  case schema::Op::ConstantScalar:
    return scalarOut(inst.op_as_ConstantScalar()->dst());
  case schema::Op::InputBuffer: {
    auto op = inst.op_as_InputBuffer();
    if (op->input() >= inputCount || fn.inputs()->Get(op->input())->scalar())
      return fail(i, "input " + std::to_string(op->input()) +
                         " is not a tensor input");
    return bufferOut(op->dst());
  }
  case schema::Op::InputDim: {
    auto op = inst.op_as_InputDim();
    if (op->input() >= inputCount ||
        op->dim() >= rank(fn.inputs()->Get(op->input())))
      return fail(i, "dimension " + std::to_string(op->dim()) + " of input " +
                         std::to_string(op->input()) + " out of range");
    return scalarOut(op->dst());
  }
  case schema::Op::InputScalar: {
    auto op = inst.op_as_InputScalar();
    if (op->input() >= inputCount || !fn.inputs()->Get(op->input())->scalar())
      return fail(i, "input " + std::to_string(op->input()) +
                         " is not a scalar input");
    return scalarOut(op->dst());
  }
  case schema::Op::Arith: {
    auto op = inst.op_as_Arith();
    if (op->kind() > schema::ArithKind::MAX)
      return fail(i, "unknown arithmetic kind");
    CHECK(scalarIn(op->lhs(), "arith"));
    CHECK(scalarIn(op->rhs(), "arith"));
    return scalarOut(op->dst());
  }
  case schema::Op::Select: {
    auto op = inst.op_as_Select();
    CHECK(scalarIn(op->condition(), "select"));
    CHECK(scalarIn(op->true_value(), "select"));
    CHECK(scalarIn(op->false_value(), "select"));
    return scalarOut(op->dst());
  }
  case schema::Op::Alloc: {
    auto op = inst.op_as_Alloc();
    CHECK(scalarIn(op->size(), "alloc"));
    return bufferOut(op->dst());
  }
  case schema::Op::ConstantView: {
    auto op = inst.op_as_ConstantView();
    if (!module.constants() || op->constant() >= module.constants()->size())
      return fail(i, "constant " + std::to_string(op->constant()) +
                         " out of range");
    return bufferOut(op->dst());
  }
  case schema::Op::Alias: {
    auto op = inst.op_as_Alias();
    CHECK(bufferIn(op->source(), "alias"));
    return bufferOut(op->dst());
  }
  case schema::Op::Fill: {
    auto op = inst.op_as_Fill();
    unsigned width = op->pattern_length();
    if (width != 1 && width != 2 && width != 4 && width != 8)
      return fail(i, "fill pattern length " + std::to_string(width) +
                         " is not 1, 2, 4 or 8");
    CHECK(bufferIn(op->buffer(), "fill"));
    CHECK(scalarIn(op->offset(), "fill"));
    return scalarIn(op->length(), "fill");
  }
  case schema::Op::Copy: {
    auto op = inst.op_as_Copy();
    CHECK(bufferIn(op->source(), "copy"));
    CHECK(bufferIn(op->target(), "copy"));
    CHECK(scalarIn(op->source_offset(), "copy"));
    CHECK(scalarIn(op->target_offset(), "copy"));
    return scalarIn(op->length(), "copy");
  }
  case schema::Op::Dispatch: {
    auto op = inst.op_as_Dispatch();
    // Every executable the register may name must have the export with
    // this interface.
    CHECK(scalarIn(op->executable(), "dispatch executable"));
    if (op->candidates()->size() == 0)
      return fail(i, "dispatch has no candidate executables");
    std::vector<uint32_t> executables(op->candidates()->begin(),
                                      op->candidates()->end());
    const schema::ExportInfo *info = nullptr;
    for (uint32_t index : executables) {
      if (!module.executables() || index >= module.executables()->size())
        return fail(i, "executable " + std::to_string(index) + " out of range");
      const schema::Executable *executable = module.executables()->Get(index);
      unsigned exportCount =
          executable->exports() ? executable->exports()->size() : 0;
      if (op->ordinal() >= exportCount)
        return fail(i, "export ordinal " + std::to_string(op->ordinal()) +
                           " out of range for executable '" +
                           executable->name()->str() + "' (" +
                           std::to_string(exportCount) + " exports)");
      const schema::ExportInfo *candidate =
          executable->exports()->Get(op->ordinal());
      if (info &&
          (candidate->push_constant_count() != info->push_constant_count() ||
           (candidate->binding_read_only()
                ? candidate->binding_read_only()->size()
                : 0) != (info->binding_read_only()
                             ? info->binding_read_only()->size()
                             : 0)))
        return fail(i, "the candidates of a dispatch of '" +
                           info->name()->str() + "' have different interfaces");
      info = candidate;
    }
    if (!op->workgroup_count() || op->workgroup_count()->size() != 3)
      return fail(i, "dispatch needs 3 workgroup counts");
    for (uint32_t reg : *op->workgroup_count())
      CHECK(scalarIn(reg, "dispatch workgroup count"));
    unsigned pushCount =
        op->push_constants() ? op->push_constants()->size() : 0;
    if (pushCount != info->push_constant_count())
      return fail(i, "dispatch of '" + info->name()->str() + "' passes " +
                         std::to_string(pushCount) +
                         " push constants, the export takes " +
                         std::to_string(info->push_constant_count()));
    if (op->push_constants())
      for (uint32_t reg : *op->push_constants())
        CHECK(scalarIn(reg, "dispatch push constant"));
    unsigned bindingCount = op->bindings() ? op->bindings()->size() : 0;
    unsigned expectedBindings =
        info->binding_read_only() ? info->binding_read_only()->size() : 0;
    if (bindingCount != expectedBindings)
      return fail(i, "dispatch of '" + info->name()->str() + "' passes " +
                         std::to_string(bindingCount) +
                         " bindings, the export takes " +
                         std::to_string(expectedBindings));
    if (op->bindings())
      for (const schema::BindingRef *binding : *op->bindings()) {
        CHECK(bufferIn(binding->buffer(), "dispatch binding"));
        CHECK(scalarIn(binding->offset(), "dispatch binding offset"));
        CHECK(scalarIn(binding->length(), "dispatch binding length"));
      }
    return Status();
  }
  case schema::Op::QuerySupport:
    return scalarOut(inst.op_as_QuerySupport()->dst());
  case schema::Op::LoadExecutable: {
    auto op = inst.op_as_LoadExecutable();
    if (!module.executables() ||
        op->executable() >= module.executables()->size())
      return fail(i, "executable " + std::to_string(op->executable()) +
                         " out of range");
    CHECK(scalarIn(op->predicate(), "load predicate"));
    return scalarOut(op->dst());
  }
  case schema::Op::StoreGlobal: {
    auto op = inst.op_as_StoreGlobal();
    if (op->global() >= module.global_count())
      return fail(i,
                  "global " + std::to_string(op->global()) + " out of range");
    return scalarIn(op->value(), "global store");
  }
  case schema::Op::LoadGlobal: {
    auto op = inst.op_as_LoadGlobal();
    if (op->global() >= module.global_count())
      return fail(i,
                  "global " + std::to_string(op->global()) + " out of range");
    return scalarOut(op->dst());
  }
  case schema::Op::Assert:
    return scalarIn(inst.op_as_Assert()->condition(), "assert");
  case schema::Op::DeviceQuery: {
    auto op = inst.op_as_DeviceQuery();
    CHECK(scalarOut(op->ok()));
    return scalarOut(op->value());
  }
  case schema::Op::Return: {
    auto op = inst.op_as_Return();
    unsigned outputCount = fn.outputs() ? fn.outputs()->size() : 0;
    unsigned resultCount = op->results() ? op->results()->size() : 0;
    if (resultCount != outputCount)
      return fail(i, "returns " + std::to_string(resultCount) +
                         " results, the function has " +
                         std::to_string(outputCount) + " outputs");
    for (unsigned r = 0; r < resultCount; ++r) {
      const schema::ResultRef *result = op->results()->Get(r);
      if (!result)
        return fail(i, "result " + std::to_string(r) + " is missing");
      CHECK(bufferIn(result->buffer(), "return"));
      unsigned dimCount = result->dims() ? result->dims()->size() : 0;
      if (dimCount != rank(fn.outputs()->Get(r)))
        return fail(i, "result " + std::to_string(r) + " has " +
                           std::to_string(dimCount) + " dims, output type " +
                           "has rank " +
                           std::to_string(rank(fn.outputs()->Get(r))));
      if (result->dims())
        for (uint32_t reg : *result->dims())
          CHECK(scalarIn(reg, "return dim"));
    }
    return Status();
  }
  }
#undef CHECK
  return fail(i, "unknown operation");
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

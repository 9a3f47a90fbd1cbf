//===- HostProgramText.cpp - Host programs as text ------------------------===//

#include "HostProgramText.h"
#include "JsonText.h"
#include "VerifiedModule.h"

#include "tessera/runtime/Module.h"
#include "tessera/schema/InstructionSet.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace tessera::rt::tooling {

namespace {

std::string scalar(uint32_t reg) { return "%s" + std::to_string(reg); }
std::string buffer(uint32_t reg) { return "%b" + std::to_string(reg); }

/// Prints one instruction's operands as the table lists them.
class OperandPrinter {
public:
  explicit OperandPrinter(const char *mnemonic) : mnemonic(mnemonic) {}

  /// "%s1, %s2 = mnemonic operand, keyword operand, ..."
  std::string text() const {
    std::string out;
    for (size_t d = 0; d < defs.size(); ++d)
      out += (d ? ", " : "") + defs[d];
    if (!defs.empty())
      out += " = ";
    out += mnemonic;
    for (size_t o = 0; o < operands.size(); ++o)
      out += (o ? ", " : " ") + operands[o];
    return out;
  }

  std::string mnemonic;

  void scalarDef(uint32_t reg) { defs.push_back(scalar(reg)); }
  void bufferDef(uint32_t reg) { defs.push_back(buffer(reg)); }
  void scalarUse(uint32_t reg, const char *, const char *keyword) {
    add(keyword, scalar(reg));
  }
  void bufferUse(uint32_t reg, const char *, const char *keyword) {
    add(keyword, buffer(reg));
  }
  void scalarUses(const flatbuffers::Vector<uint32_t> *regs, const char *,
                  const char *keyword) {
    if (regs && regs->size())
      add(keyword, list(*regs, scalar));
  }
  void tensorInput(uint32_t input) { add("", std::to_string(input)); }
  void scalarInput(uint32_t input) { add("", std::to_string(input)); }
  void inputDim(uint32_t input, uint32_t dim) {
    add("", std::to_string(input) + "[" + std::to_string(dim) + "]");
  }
  void constant(uint32_t index) { add("", std::to_string(index)); }
  void global(uint32_t index) { add("", std::to_string(index)); }
  void executable(uint32_t index) { add("", std::to_string(index)); }
  void executables(const flatbuffers::Vector<uint32_t> *indices,
                   const char *keyword) {
    if (indices && indices->size())
      add(keyword,
          list(*indices, [](uint32_t index) { return std::to_string(index); }));
  }
  void immediate(int64_t value, const char *keyword) {
    add(keyword, std::to_string(value));
  }
  void string(const flatbuffers::String *text, const char *keyword) {
    add(keyword, jsonQuoted(text ? text->string_view() : ""));
  }
  void arithKind(schema::ArithKind kind) {
    // The operation names the instruction: "arith.mul", "arith.cmpslt".
    std::string name = schema::EnumNameArithKind(kind);
    for (char &c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    mnemonic += "." + (name.empty() ? "unknown" : name);
  }
  void fillPattern(uint64_t pattern, uint8_t length) {
    char hex[24];
    std::snprintf(hex, sizeof(hex), "0x%0*llx", 2 * int(length),
                  static_cast<unsigned long long>(pattern));
    add("pattern", hex);
  }
  void bindings(const flatbuffers::Vector<const schema::BindingRef *> *refs,
                const char *keyword) {
    if (refs && refs->size())
      add(keyword, list(*refs, [](const schema::BindingRef *binding) {
            return buffer(binding->buffer()) + "[" + scalar(binding->offset()) +
                   ", " + scalar(binding->length()) + "]";
          }));
  }
  void results(
      const flatbuffers::Vector<flatbuffers::Offset<schema::ResultRef>> *refs) {
    if (refs)
      for (const schema::ResultRef *result : *refs)
        add("", buffer(result->buffer()) +
                    (result->dims() && result->dims()->size()
                         ? " dims " + list(*result->dims(), scalar)
                         : ""));
  }

private:
  void add(const char *keyword, const std::string &value) {
    operands.push_back(*keyword ? std::string(keyword) + " " + value : value);
  }
  template <typename Vector, typename F>
  static std::string list(const Vector &items, F &&print) {
    std::string out = "[";
    for (unsigned i = 0; i < items.size(); ++i)
      out += (i ? ", " : "") + print(items.Get(i));
    return out + "]";
  }

  std::vector<std::string> defs, operands;
};

HostProgram printFunction(const schema::Function &fn, std::string signature) {
  HostProgram program;
  program.name = fn.name()->str();
  program.signature = std::move(signature);
  program.scalarRegisters = fn.scalar_register_count();
  program.bufferRegisters = fn.buffer_register_count();
  for (const schema::Instruction *inst : *fn.instructions()) {
    InstructionText line;
    // Verified: every instruction is one of the table's.
    schema::visitInstruction(*inst, [&](const auto &op) {
      using Info = schema::InstructionInfo<std::decay_t<decltype(op)>>;
      OperandPrinter printer(Info::mnemonic);
      Info::visitOperands(op, printer);
      line.mnemonic = printer.mnemonic;
      line.text = printer.text();
    });
    if (inst->location() >= 0)
      line.location = fn.locations()->Get(inst->location())->str();
    program.instructions.push_back(std::move(line));
  }
  return program;
}

/// Instruction texts are padded to here so that locations line up.
constexpr size_t kLocationColumn = 48;

void appendText(std::string &out, const HostProgram &program,
                const std::string &header) {
  out += header + " {  // " + std::to_string(program.scalarRegisters) +
         " scalar, " + std::to_string(program.bufferRegisters) +
         " buffer registers\n";
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const InstructionText &line = program.instructions[i];
    char index[32];
    std::snprintf(index, sizeof(index), "%5zu  ", i);
    std::string text = index + line.text;
    if (!line.location.empty()) {
      text.resize(std::max(text.size() + 2, kLocationColumn), ' ');
      text += "// " + line.location;
    }
    out += text + "\n";
  }
  out += "}\n";
}

std::string programJson(const HostProgram &program) {
  std::string out =
      "{\"name\": " + jsonQuoted(program.name) +
      ", \"signature\": " + jsonQuoted(program.signature) +
      ", \"scalar_registers\": " + std::to_string(program.scalarRegisters) +
      ", \"buffer_registers\": " + std::to_string(program.bufferRegisters) +
      ", \"instructions\": [";
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const InstructionText &line = program.instructions[i];
    out += std::string(i ? "," : "") +
           "\n      {\"op\": " + jsonQuoted(line.mnemonic) +
           ", \"text\": " + jsonQuoted(line.text) + ", \"location\": " +
           (line.location.empty() ? std::string("null")
                                  : jsonQuoted(line.location)) +
           "}";
  }
  return out + (program.instructions.empty() ? "]}" : "\n    ]}");
}

} // namespace

StatusOr<HostPrograms> readHostPrograms(const void *data, size_t size) {
  // Verified: the printer then trusts every index it follows.
  auto verified = readVerifiedModule(data, size);
  if (!verified)
    return verified.status();
  const schema::Module &module = *verified->module;
  const std::vector<FunctionSignature> *signatures = &verified->signatures;

  HostPrograms programs;
  programs.module = module.name() ? module.name()->str() : "";
  programs.globals = module.global_count();
  if (const schema::Function *initializer = module.initializer())
    programs.initializer = printFunction(*initializer, "");
  for (unsigned f = 0; f < signatures->size(); ++f)
    programs.functions.push_back(
        printFunction(*module.functions()->Get(f), (*signatures)[f].str()));
  return programs;
}

std::string toText(const HostPrograms &programs) {
  std::string out = "module '" + programs.module + "' (" +
                    std::to_string(programs.globals) +
                    (programs.globals == 1 ? " global" : " globals") + ")\n";
  if (programs.initializer)
    appendText(out += "\n", *programs.initializer, "initializer");
  for (const HostProgram &function : programs.functions)
    appendText(out += "\n", function,
               "func @" + function.name + function.signature);
  return out;
}

std::string toJson(const HostPrograms &programs) {
  std::string out = "{\n  \"name\": " + jsonQuoted(programs.module) +
                    ",\n  \"globals\": " + std::to_string(programs.globals) +
                    ",\n  \"initializer\": " +
                    (programs.initializer ? programJson(*programs.initializer)
                                          : std::string("null")) +
                    ",\n  \"functions\": [";
  for (size_t f = 0; f < programs.functions.size(); ++f)
    out += std::string(f ? "," : "") + "\n    " +
           programJson(programs.functions[f]);
  return out + (programs.functions.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

} // namespace tessera::rt::tooling

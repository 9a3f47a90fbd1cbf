//===- SpirvModule.cpp - What a SPIR-V binary contains --------------------===//

#include "Inspect/SpirvModule.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

#include "spirv-tools/libspirv.hpp"

#include <map>

using namespace llvm;

namespace mlir::tessera {

namespace {

constexpr uint32_t kMagic = 0x07230203;
constexpr unsigned kHeaderWords = 5;
enum Opcode : uint32_t {
  OpEntryPoint = 15,
  OpFunction = 54,
  OpFunctionEnd = 56,
};

struct EntryPoint {
  std::string name;
  uint32_t function = 0;
};

/// The module's words and what a walk over its instructions found.
struct ParsedModule {
  std::vector<uint32_t> words;
  unsigned major = 0, minor = 0;
  std::vector<EntryPoint> entryPoints;
  /// Function id -> [first word, one past OpFunctionEnd).
  std::map<uint32_t, std::pair<size_t, size_t>> functions;
  /// Where the first function starts (the end of the declarations).
  size_t firstFunction = 0;
};

Expected<ParsedModule> parse(StringRef bytes) {
  if (bytes.size() % 4 != 0 || bytes.size() < kHeaderWords * 4)
    return createStringError("SPIR-V module of " + Twine(bytes.size()) +
                             " bytes: not a whole number of words, or "
                             "shorter than its header");
  ParsedModule module;
  module.words.resize(bytes.size() / 4);
  for (size_t i = 0; i < module.words.size(); ++i)
    module.words[i] = support::endian::read32le(bytes.data() + 4 * i);
  if (module.words[0] != kMagic)
    return createStringError("not a SPIR-V module (magic 0x" +
                             utohexstr(module.words[0]) + ")");
  module.major = (module.words[1] >> 16) & 0xff;
  module.minor = (module.words[1] >> 8) & 0xff;
  module.firstFunction = module.words.size();
  size_t at = kHeaderWords, functionStart = 0;
  uint32_t currentFunction = 0;
  while (at < module.words.size()) {
    uint32_t count = module.words[at] >> 16, opcode = module.words[at] & 0xffff;
    if (count == 0 || count > module.words.size() - at)
      return createStringError("SPIR-V instruction at byte " + Twine(at * 4) +
                               " has a word count of " + Twine(count) +
                               ", past the end of the module");
    ArrayRef<uint32_t> operands(module.words.data() + at + 1, count - 1);
    if (opcode == OpEntryPoint && operands.size() >= 3) {
      EntryPoint entry;
      entry.function = operands[1];
      // A nul-terminated UTF-8 literal packed into words.
      StringRef literal(reinterpret_cast<const char *>(operands.data() + 2),
                        (operands.size() - 2) * 4);
      entry.name = literal.substr(0, literal.find('\0')).str();
      module.entryPoints.push_back(std::move(entry));
    } else if (opcode == OpFunction && operands.size() >= 2) {
      currentFunction = operands[1];
      functionStart = at;
      module.firstFunction = std::min(module.firstFunction, at);
    } else if (opcode == OpFunctionEnd && currentFunction) {
      module.functions[currentFunction] = {functionStart, at + count};
      currentFunction = 0;
    }
    at += count;
  }
  return module;
}

} // namespace

bool isSpirvModule(StringRef bytes) {
  return bytes.size() >= 4 && support::endian::read32le(bytes.data()) == kMagic;
}

Expected<ObjectFileSummary> summarizeSpirvModule(StringRef bytes) {
  Expected<ParsedModule> module = parse(bytes);
  if (!module)
    return module.takeError();
  ObjectFileSummary summary;
  summary.format = "SPIR-V " + std::to_string(module->major) + "." +
                   std::to_string(module->minor);
  summary.triple = "spirv";
  summary.fileType = "shader module";
  summary.fileSize = bytes.size();
  ObjectSection code;
  code.name = "code";
  code.size = bytes.size();
  code.kind = "text";
  summary.sections.push_back(code);
  for (const EntryPoint &entry : module->entryPoints) {
    ObjectSymbol symbol;
    symbol.name = entry.name;
    symbol.kind = "function";
    symbol.global = true;
    symbol.section = "code";
    auto function = module->functions.find(entry.function);
    if (function != module->functions.end()) {
      symbol.address = function->second.first * 4;
      symbol.size = (function->second.second - function->second.first) * 4;
    }
    summary.symbols.push_back(std::move(symbol));
  }
  return summary;
}

Expected<std::vector<DisassembledInstruction>>
disassembleSpirvEntryPoint(StringRef bytes, StringRef name) {
  Expected<ParsedModule> module = parse(bytes);
  if (!module)
    return module.takeError();
  auto entry = llvm::find_if(
      module->entryPoints, [&](const EntryPoint &e) { return e.name == name; });
  if (entry == module->entryPoints.end())
    return createStringError("no entry point '" + name + "' in the module");
  auto function = module->functions.find(entry->function);
  if (function == module->functions.end())
    return createStringError("entry point '" + name +
                             "' names no function of the module");

  std::string messages;
  spvtools::SpirvTools tools(SPV_ENV_UNIVERSAL_1_6);
  tools.SetMessageConsumer([&](spv_message_level_t, const char *,
                               const spv_position_t &position,
                               const char *message) {
    messages +=
        "byte " + std::to_string(position.index * 4) + ": " + message + "\n";
  });
  std::string text;
  if (!tools.Disassemble(module->words, &text,
                         SPV_BINARY_TO_TEXT_OPTION_FRIENDLY_NAMES |
                             SPV_BINARY_TO_TEXT_OPTION_SHOW_BYTE_OFFSET |
                             SPV_BINARY_TO_TEXT_OPTION_NO_HEADER))
    return createStringError("SPIR-V does not disassemble: " +
                             StringRef(messages).trim());

  // Each line ends in "; 0x<byte offset>": keep the declarations and the
  // entry point's function.
  std::vector<DisassembledInstruction> instructions;
  uint64_t firstFunction = module->firstFunction * 4,
           begin = function->second.first * 4,
           end = function->second.second * 4;
  SmallVector<StringRef> lines;
  StringRef(text).split(lines, '\n', -1, false);
  for (StringRef line : lines) {
    size_t marker = line.rfind("; 0x");
    if (marker == StringRef::npos)
      continue;
    uint64_t offset = 0;
    if (line.substr(marker + 4).trim().getAsInteger(16, offset))
      continue;
    if (offset >= firstFunction && (offset < begin || offset >= end))
      continue;
    DisassembledInstruction instruction;
    instruction.address = offset;
    instruction.text = line.substr(0, marker).trim().str();
    instructions.push_back(std::move(instruction));
  }
  return instructions;
}

} // namespace mlir::tessera

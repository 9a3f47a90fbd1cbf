//===- Disassembler.cpp - Machine code of one symbol ----------------------===//

#include "Inspect/Disassembler.h"

#include "Inspect/ObjectFileSummary.h"
#include "Inspect/SpirvModule.h"

#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstPrinter.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <memory>
#include <mutex>

using namespace llvm;
using namespace llvm::object;

namespace mlir::tessera {

static void initializeDisassemblers() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeAllTargetInfos();
    InitializeAllTargetMCs();
    InitializeAllDisassemblers();
  });
}

/// Decodes a WebAssembly function's body size and local declarations into
/// `text` (".local 2 x i32, 1 x f32"); returns the bytes they take, 0 when
/// they do not decode.
uint64_t decodeWasmPrelude(ArrayRef<uint8_t> code, std::string &text) {
  uint64_t at = 0;
  auto leb = [&](uint64_t &value) {
    unsigned length = 0;
    const char *error = nullptr;
    value = decodeULEB128(code.data() + at, &length, code.data() + code.size(),
                          &error);
    at += length;
    return error == nullptr && length > 0;
  };
  uint64_t bodySize = 0, entries = 0;
  if (!leb(bodySize) || !leb(entries))
    return 0;
  raw_string_ostream os(text);
  os << ".local";
  for (uint64_t i = 0; i < entries; ++i) {
    uint64_t count = 0;
    if (!leb(count) || at >= code.size())
      return 0;
    uint8_t type = code[at++];
    const char *name = type == 0x7f   ? "i32"
                       : type == 0x7e ? "i64"
                       : type == 0x7d ? "f32"
                       : type == 0x7c ? "f64"
                       : type == 0x7b ? "v128"
                       : type == 0x70 ? "funcref"
                       : type == 0x6f ? "externref"
                                      : nullptr;
    if (!name)
      return 0;
    os << (i ? ", " : " ") << count << " x " << name;
  }
  if (entries == 0)
    os << " (none)";
  return at;
}

Expected<std::vector<DisassembledInstruction>>
disassembleSymbol(StringRef bytes, StringRef symbolName, AsmSyntax syntax) {
  if (isSpirvModule(bytes))
    return disassembleSpirvEntryPoint(bytes, symbolName);
  initializeDisassemblers();
  auto object = ObjectFile::createObjectFile(MemoryBufferRef(bytes, "binary"));
  if (!object)
    return object.takeError();

  // The function as the summary lists it (symbol table, or the export
  // table of a DLL), then its section.
  auto summary = summarizeObjectFile(bytes);
  if (!summary)
    return summary.takeError();
  // Mach-O (and 32-bit Windows) symbols carry a leading underscore.
  auto symbol = llvm::find_if(summary->symbols, [&](const ObjectSymbol &s) {
    StringRef name = s.name;
    return (name == symbolName ||
            (name.consume_front("_") && name == symbolName)) &&
           s.kind == "function" && !s.section.empty();
  });
  if (symbol == summary->symbols.end())
    return createStringError("no function symbol '" + symbolName +
                             "' in the binary");
  uint64_t address = symbol->address, size = symbol->size;
  std::optional<SectionRef> section;
  for (const SectionRef &candidate : (*object)->sections()) {
    Expected<StringRef> name = candidate.getName();
    if (!name) {
      consumeError(name.takeError());
      continue;
    }
    if (*name == symbol->section && address >= candidate.getAddress() &&
        address < candidate.getAddress() + candidate.getSize()) {
      section = candidate;
      break;
    }
  }
  if (!section)
    return createStringError("symbol '" + symbolName +
                             "' lies outside its section");
  Expected<StringRef> contents = section->getContents();
  if (!contents)
    return contents.takeError();
  uint64_t offset = address - section->getAddress();
  if (offset > contents->size() || size > contents->size() - offset)
    return createStringError("symbol '" + symbolName +
                             "' lies outside its section");
  ArrayRef<uint8_t> code(
      reinterpret_cast<const uint8_t *>(contents->data()) + offset, size);

  Triple triple = (*object)->makeTriple();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError("no disassembler for " + triple.str() + ": " +
                             error);
  Expected<SubtargetFeatures> features = (*object)->getFeatures();
  if (!features)
    return features.takeError();
  StringRef cpu = (*object)->tryGetCPUName().value_or("");

  std::unique_ptr<MCRegisterInfo> registers(target->createMCRegInfo(triple));
  MCTargetOptions mcOptions;
  std::unique_ptr<MCAsmInfo> asmInfo(
      registers ? target->createMCAsmInfo(*registers, triple, mcOptions)
                : nullptr);
  std::unique_ptr<MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, cpu, features->getString()));
  std::unique_ptr<MCInstrInfo> instrInfo(target->createMCInstrInfo());
  if (!registers || !asmInfo || !subtarget || !instrInfo)
    return createStringError("incomplete MC support for " + triple.str());
  MCContext context(triple, asmInfo.get(), registers.get(), subtarget.get());
  std::unique_ptr<MCDisassembler> disassembler(
      target->createMCDisassembler(*subtarget, context));
  // x86: dialect 0 is AT&T, 1 Intel; elsewhere the target's own dialect.
  unsigned variant = asmInfo->getAssemblerDialect();
  if (triple.isX86())
    variant = syntax == AsmSyntax::Intel ? 1 : 0;
  std::unique_ptr<MCInstPrinter> printer(target->createMCInstPrinter(
      triple, variant, *asmInfo, *instrInfo, *registers));
  if (!disassembler || !printer)
    return createStringError("no disassembler for " + triple.str());

  std::vector<DisassembledInstruction> instructions;
  uint64_t at = 0;
  // A WebAssembly function starts with its size and locals, not code.
  // (The MC disassembler's onSymbolStart decodes them but prints to
  // stdout.)
  if (triple.isWasm()) {
    DisassembledInstruction entry;
    entry.address = address;
    uint64_t preludeSize = decodeWasmPrelude(code, entry.text);
    if (preludeSize == 0)
      return createStringError("symbol '" + symbolName +
                               "' does not start like a WebAssembly function");
    raw_string_ostream hex(entry.bytes);
    for (uint64_t i = 0; i < preludeSize; ++i)
      hex << (i ? " " : "") << format_hex_no_prefix(code[i], 2);
    instructions.push_back(std::move(entry));
    at = preludeSize;
  }
  for (; at < code.size();) {
    MCInst inst;
    uint64_t length = 0;
    DisassembledInstruction entry;
    entry.address = address + at;
    auto status = disassembler->getInstruction(inst, length, code.slice(at),
                                               entry.address, nulls());
    if (status != MCDisassembler::Success || length == 0) {
      entry.invalid = true;
      entry.text = "<invalid>";
      length = std::max<uint64_t>(length, 1);
    } else {
      raw_string_ostream os(entry.text);
      printer->printInst(&inst, entry.address, "", *subtarget, os);
      StringRef trimmed = StringRef(entry.text).trim();
      entry.text = trimmed.str();
      // The printer separates mnemonic and operands with a tab; a table
      // cell reads better with one space.
      std::replace(entry.text.begin(), entry.text.end(), '\t', ' ');
    }
    length = std::min<uint64_t>(length, code.size() - at);
    raw_string_ostream hex(entry.bytes);
    for (uint64_t i = 0; i < length; ++i)
      hex << (i ? " " : "") << format_hex_no_prefix(code[at + i], 2);
    instructions.push_back(std::move(entry));
    at += length;
  }
  return instructions;
}

} // namespace mlir::tessera

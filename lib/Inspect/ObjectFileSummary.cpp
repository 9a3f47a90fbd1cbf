//===- ObjectFileSummary.cpp - What a compiled library contains -----------===//

#include "Inspect/ObjectFileSummary.h"

#include "Inspect/SpirvModule.h"

#include "llvm/BinaryFormat/COFF.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/BinaryFormat/MachO.h"
#include "llvm/Object/COFF.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/MachO.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Object/SymbolSize.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace llvm;
using namespace llvm::object;

namespace mlir::tessera {

static std::string describeFileType(const ObjectFile &object) {
  if (object.isRelocatableObject())
    return "relocatable object";
  if (const auto *elf = dyn_cast<ELFObjectFileBase>(&object)) {
    switch (elf->getEType()) {
    case ELF::ET_DYN:
      return "shared library";
    case ELF::ET_EXEC:
      return "executable";
    default:
      return "other";
    }
  }
  if (const auto *coff = dyn_cast<COFFObjectFile>(&object))
    return coff->getCharacteristics() & COFF::IMAGE_FILE_DLL ? "shared library"
                                                             : "executable";
  if (const auto *macho = dyn_cast<MachOObjectFile>(&object))
    return macho->getHeader().filetype == MachO::MH_DYLIB ? "shared library"
                                                          : "executable";
  if (object.isWasm())
    return "wasm module";
  return "other";
}

static std::string describeSymbolKind(SymbolRef::Type type) {
  switch (type) {
  case SymbolRef::ST_Function:
    return "function";
  case SymbolRef::ST_Data:
    return "data";
  case SymbolRef::ST_Debug:
    return "section";
  case SymbolRef::ST_File:
    return "file";
  default:
    return "other";
  }
}

Expected<ObjectFileSummary> summarizeObjectFile(StringRef bytes) {
  if (isSpirvModule(bytes))
    return summarizeSpirvModule(bytes);
  auto object = ObjectFile::createObjectFile(MemoryBufferRef(bytes, "binary"));
  if (!object)
    return object.takeError();
  ObjectFileSummary summary;
  summary.format = (*object)->getFileFormatName().str();
  summary.triple = (*object)->makeTriple().str();
  summary.fileType = describeFileType(**object);
  summary.fileSize = bytes.size();

  for (const SectionRef &section : (*object)->sections()) {
    ObjectSection entry;
    if (auto name = section.getName())
      entry.name = name->str();
    else
      consumeError(name.takeError());
    entry.address = section.getAddress();
    entry.size = section.getSize();
    entry.kind = section.isText()   ? "text"
                 : section.isBSS()  ? "bss"
                 : section.isData() ? "data"
                                    : "other";
    summary.sections.push_back(std::move(entry));
  }

  for (const auto &[symbol, size] : computeSymbolSizes(**object)) {
    ObjectSymbol entry;
    auto name = symbol.getName();
    auto address = symbol.getAddress();
    auto type = symbol.getType();
    auto flags = symbol.getFlags();
    if (!name || !address || !type || !flags) {
      consumeError(name.takeError());
      consumeError(address.takeError());
      consumeError(type.takeError());
      consumeError(flags.takeError());
      continue;
    }
    if (name->empty())
      continue;
    entry.name = name->str();
    entry.address = *address;
    entry.size = size;
    entry.kind = describeSymbolKind(*type);
    entry.global = *flags & SymbolRef::SF_Global;
    if (!(*flags & SymbolRef::SF_Undefined)) {
      if (auto section = symbol.getSection()) {
        if (*section != (*object)->section_end()) {
          if (auto sectionName = (*section)->getName())
            entry.section = sectionName->str();
          else
            consumeError(sectionName.takeError());
        }
      } else {
        consumeError(section.takeError());
      }
    }
    summary.symbols.push_back(std::move(entry));
  }
  // A linked DLL keeps no symbol table: its entry points are the exports.
  if (const auto *coff = dyn_cast<COFFObjectFile>(&**object)) {
    std::vector<ObjectSymbol> exports;
    for (const ExportDirectoryEntryRef &entry : coff->export_directories()) {
      StringRef name;
      uint32_t rva = 0;
      if (Error error = entry.getSymbolName(name))
        consumeError(std::move(error));
      else if (Error error = entry.getExportRVA(rva))
        consumeError(std::move(error));
      else if (!name.empty())
        exports.push_back({name.str(), coff->getImageBase() + rva, 0,
                           "function", /*global=*/true, ""});
    }
    llvm::sort(exports, [](const ObjectSymbol &a, const ObjectSymbol &b) {
      return a.address < b.address;
    });
    // Each export runs to the next one or to the end of its section.
    for (size_t i = 0; i < exports.size(); ++i)
      for (const ObjectSection &section : summary.sections)
        if (exports[i].address >= section.address &&
            exports[i].address < section.address + section.size) {
          exports[i].section = section.name;
          uint64_t end = section.address + section.size;
          if (i + 1 < exports.size())
            end = std::min(end, exports[i + 1].address);
          exports[i].size = end - exports[i].address;
        }
    for (ObjectSymbol &exported : exports)
      if (llvm::none_of(summary.symbols, [&](const ObjectSymbol &symbol) {
            return symbol.name == exported.name;
          }))
        summary.symbols.push_back(std::move(exported));
  }
  std::stable_sort(summary.symbols.begin(), summary.symbols.end(),
                   [](const ObjectSymbol &a, const ObjectSymbol &b) {
                     bool aDefined = !a.section.empty();
                     bool bDefined = !b.section.empty();
                     if (aDefined != bDefined)
                       return aDefined;
                     return a.address < b.address;
                   });
  return summary;
}

} // namespace mlir::tessera

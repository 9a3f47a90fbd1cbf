//===- ObjectFileSummary.h - What a compiled library contains --*- C++ -*-===//
//
// The header, sections and symbols of an executable binary (ELF, COFF,
// Mach-O, wasm), read with LLVM's Object library; SPIR-V modules by
// SpirvModule. The explorer's executables
// view and `tessera inspect` show the same summary.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_INSPECT_OBJECTFILESUMMARY_H
#define TESSERA_INSPECT_OBJECTFILESUMMARY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tessera {

struct ObjectSection {
  std::string name;
  uint64_t address = 0, size = 0;
  /// "text", "data", "bss" or "other".
  std::string kind;
};

struct ObjectSymbol {
  std::string name;
  uint64_t address = 0, size = 0;
  /// "function", "data", "section", "file" or "other".
  std::string kind;
  bool global = false;
  /// The section the symbol is defined in ("" when undefined or absolute).
  std::string section;
};

struct ObjectFileSummary {
  /// LLVM's name of the format ("elf64-x86-64", "COFF-x86-64",
  /// "Mach-O 64-bit x86-64", "WASM").
  std::string format;
  /// The file's triple as LLVM reads it ("x86_64-unknown-unknown-elf").
  std::string triple;
  /// "shared library", "relocatable object", "executable" or "other".
  std::string fileType;
  uint64_t fileSize = 0;
  std::vector<ObjectSection> sections;
  /// Defined symbols first by address, then undefined ones.
  std::vector<ObjectSymbol> symbols;
};

/// Reads `bytes` as an object file; an error (not a crash) for anything that
/// is not one LLVM can read.
llvm::Expected<ObjectFileSummary> summarizeObjectFile(llvm::StringRef bytes);

} // namespace mlir::tessera

#endif // TESSERA_INSPECT_OBJECTFILESUMMARY_H

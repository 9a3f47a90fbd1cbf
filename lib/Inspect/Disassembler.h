//===- Disassembler.h - Machine code of one symbol -------------*- C++ -*-===//
//
// Disassembles a function of an executable binary with the MC disassembler
// of the binary's architecture, for the explorer's export view.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_INSPECT_DISASSEMBLER_H
#define TESSERA_INSPECT_DISASSEMBLER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tessera {

enum class AsmSyntax { ATT, Intel };

struct DisassembledInstruction {
  uint64_t address = 0;
  /// The encoding as hex bytes ("48 89 e5").
  std::string bytes;
  /// The instruction text without leading whitespace ("movq %rsp, %rbp").
  std::string text;
  /// Set when the bytes at `address` do not decode.
  bool invalid = false;
};

/// The instructions of the function symbol `symbol` of the object file
/// `bytes`. `syntax` applies to x86 (other architectures have one syntax).
/// An error when the file does not parse, the symbol is not a defined
/// function, or no disassembler exists for the architecture.
llvm::Expected<std::vector<DisassembledInstruction>>
disassembleSymbol(llvm::StringRef bytes, llvm::StringRef symbol,
                  AsmSyntax syntax = AsmSyntax::ATT);

} // namespace mlir::tessera

#endif // TESSERA_INSPECT_DISASSEMBLER_H

//===- SpirvModule.h - What a SPIR-V binary contains -----------*- C++ -*-===//
//
// The header and entry points of a SPIR-V module, read word by word with
// every count checked (the binary is untrusted), and its disassembly by
// SPIRV-Tools (spirv-dis's text, friendly names). summarizeObjectFile and
// disassembleSymbol hand SPIR-V binaries here, so the explorer shows them
// like any other executable binary.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_INSPECT_SPIRVMODULE_H
#define TESSERA_INSPECT_SPIRVMODULE_H

#include "Inspect/Disassembler.h"
#include "Inspect/ObjectFileSummary.h"

namespace mlir::tessera {

/// Whether `bytes` start with the SPIR-V magic number.
bool isSpirvModule(llvm::StringRef bytes);

/// Format "SPIR-V 1.x", file type "shader module", one "function" symbol
/// per entry point (address and size of its function in bytes), one
/// section for the module's code.
llvm::Expected<ObjectFileSummary> summarizeSpirvModule(llvm::StringRef bytes);

/// The module's declarations, then the function of entry point `name`, one
/// entry per instruction (address: byte offset).
llvm::Expected<std::vector<DisassembledInstruction>>
disassembleSpirvEntryPoint(llvm::StringRef bytes, llvm::StringRef name);

} // namespace mlir::tessera

#endif // TESSERA_INSPECT_SPIRVMODULE_H

//===- HostProgramText.h - Host programs as text ----------------*- C++ -*-===//
//
// The text form of a module's host programs (`tessera inspect
// --host-program`), printed from the instruction table (Instructions.def):
//
//   func @predict(tensor<?x16xf32>) -> tensor<?x10xf32> {  // 9 scalar, ...
//        0  %b0 = input.buffer 0                      // mlp.mlir:3:1
//        1  %s0 = input.dim 0[0]                      // mlp.mlir:3:1
//        2  %s1 = const 4
//        3  %s2 = arith.mul %s1, %s0                  // mlp.mlir:5:8
//        4  %b1 = alloc %s2                           // mlp.mlir:5:8
//   }
//
// `%sN` and `%bN` are scalar and buffer registers, results left of `=`; an
// operand with a keyword reads "keyword value"; lists are in brackets; a
// binding is `%bN[offset, length]`, a result `%bN dims [...]`; a fill
// pattern has two hex digits per byte. The comment is the source location.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_HOSTPROGRAMTEXT_H
#define TESSERA_TOOLING_HOSTPROGRAMTEXT_H

#include "tessera/runtime/Status.h"

#include <optional>
#include <string>
#include <vector>

namespace tessera::rt::tooling {

struct InstructionText {
  /// "arith.mul"
  std::string mnemonic;
  /// "%s2 = arith.mul %s1, %s0"
  std::string text;
  /// "mlp.mlir:5:8"; "" when unknown.
  std::string location;
};

struct HostProgram {
  std::string name;
  /// "(tensor<4x16xf32>) -> tensor<4x10xf32>"; "" for the initializer.
  std::string signature;
  unsigned scalarRegisters = 0, bufferRegisters = 0;
  std::vector<InstructionText> instructions;
};

struct HostPrograms {
  std::string module;
  unsigned globals = 0;
  /// Runs once at load: loads executables, stores globals.
  std::optional<HostProgram> initializer;
  std::vector<HostProgram> functions;
};

/// Verifies `data` as a module and prints its host programs.
StatusOr<HostPrograms> readHostPrograms(const void *data, size_t size);

/// The initializer, then each function, one instruction a line.
std::string toText(const HostPrograms &programs);
/// The same as one JSON object (each instruction: op, text, location).
std::string toJson(const HostPrograms &programs);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_HOSTPROGRAMTEXT_H

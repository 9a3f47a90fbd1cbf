//===- EmitKind.cpp - What a compile hands back ---------------------------===//

#include "Pipeline/EmitKind.h"

namespace mlir::tessera {

llvm::StringRef getEmitName(EmitKind emit) {
  switch (emit) {
  case EmitKind::MLIR:
    return "mlir";
  case EmitKind::Module:
    return "module";
  case EmitKind::LLVMIR:
    return "llvm-ir";
  case EmitKind::LLVMBC:
    return "llvm-bc";
  case EmitKind::Object:
    return "obj";
  case EmitKind::SharedLib:
    return "shared-lib";
  }
  return "";
}

const std::vector<EmitKind> &getAllEmitKinds() {
  static const std::vector<EmitKind> kinds = {
      EmitKind::MLIR,   EmitKind::Module, EmitKind::LLVMIR,
      EmitKind::LLVMBC, EmitKind::Object, EmitKind::SharedLib};
  return kinds;
}

std::optional<EmitKind> parseEmitKind(llvm::StringRef name) {
  for (EmitKind emit : getAllEmitKinds())
    if (getEmitName(emit) == name)
      return emit;
  return std::nullopt;
}

std::vector<llvm::StringRef> getArtifactKinds(EmitKind emit) {
  switch (emit) {
  case EmitKind::LLVMIR:
    return {"ll"};
  case EmitKind::LLVMBC:
    return {"bc"};
  case EmitKind::Object:
    return {"o"};
  case EmitKind::SharedLib:
    return {"so", "dll", "pdb", "dylib", "wasm"};
  default:
    return {};
  }
}

} // namespace mlir::tessera

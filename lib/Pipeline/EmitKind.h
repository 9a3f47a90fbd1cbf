//===- EmitKind.h - What a compile hands back -------------------*- C++ -*-===//
//
// `tessera compile --emit=` and tessera.compiler.compile(emit=) name the
// same outputs: the IR, the runnable module, or the serialized executables
// (the CompileSession's artifacts of some kinds).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_EMITKIND_H
#define TESSERA_PIPELINE_EMITKIND_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace mlir::tessera {

enum class EmitKind { MLIR, Module, LLVMIR, LLVMBC, Object, SharedLib };

/// "mlir", "module", "llvm-ir", "llvm-bc", "obj", "shared-lib".
llvm::StringRef getEmitName(EmitKind emit);
std::optional<EmitKind> parseEmitKind(llvm::StringRef name);
/// Every kind, in the order above.
const std::vector<EmitKind> &getAllEmitKinds();
/// The artifact kinds (Artifact::kind) of an emit of executables; empty for
/// the IR and the module.
std::vector<llvm::StringRef> getArtifactKinds(EmitKind emit);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_EMITKIND_H

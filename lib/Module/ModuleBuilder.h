//===- ModuleBuilder.h - Writes a Tessera module ----------------*- C++ -*-===//
//
// Builds the module file (runtime/schemas/module.fbs) around serialization:
// export tables are taken from the IR before it (layouts still exist); host
// programs, the initializer and the binaries at the end, once executables
// are hal_loader globals and host functions dispatch on buffers.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_MODULE_MODULEBUILDER_H
#define TESSERA_MODULE_MODULEBUILDER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <memory>
#include <string>

namespace mlir::tessera::hal {
class ExecutableExportOp;
} // namespace mlir::tessera::hal

namespace mlir::tessera::module {

class ModuleBuilder {
public:
  explicit ModuleBuilder(StringRef name);
  ~ModuleBuilder();

  /// Before serialization: the export table of every executable variant.
  /// Errors are emitted as diagnostics at the offending op.
  LogicalResult addExecutables(ModuleOp module);

  /// After the loader phase: the initializer (every
  /// hal_loader.executable.global, with the binaries it may load) and the
  /// host program of every public function.
  LogicalResult addHostPrograms(ModuleOp module);

  /// The module's bytes.
  std::string finish();

  // --- For the host lowering ---------------------------------------------
  /// Index of the module constant holding `attr`'s bytes (stored once).
  FailureOr<uint32_t> getOrAddConstant(ElementsAttr attr, Operation *user);
  /// Index of the module executable for `@executable::@variant`, or
  /// failure (diagnosed at `user`) when no such variant was recorded.
  FailureOr<uint32_t> getExecutableIndex(StringRef executable,
                                         StringRef variant, Operation *user);
  /// Records the bytes of a binary the initializer may load.
  void setBinaryData(uint32_t executable, ArrayRef<char> data);
  /// Index of the module global of executable `name`, or -1.
  int64_t getGlobalIndex(StringRef name);
  /// The module executables the global of `name` may hold.
  std::vector<uint32_t> getGlobalCandidates(StringRef name);

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::tessera::module

#endif // TESSERA_MODULE_MODULEBUILDER_H

//===- ModuleBuilder.h - Writes a Tessera module ----------------*- C++ -*-===//
//
// Builds the module file (runtime/schemas/module.fbs) around serialization:
// host programs and export tables are taken from the IR before it (count
// regions and layouts still exist), binaries after it.
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

  /// Before serialization: the host program of every public function, and
  /// the export table of every executable variant. Errors are emitted as
  /// diagnostics at the offending op.
  LogicalResult addHostPrograms(ModuleOp module);

  /// After serialization: the binary of every variant the programs use.
  LogicalResult addBinaries(ModuleOp module);

  /// The module's bytes.
  std::string finish();

  // --- For the host lowering ---------------------------------------------
  /// Index of the module constant holding `attr`'s bytes (stored once).
  FailureOr<uint32_t> getOrAddConstant(ElementsAttr attr, Operation *user);
  /// Index of the module executable for `@executable::@variant`.
  uint32_t getExecutableIndex(StringRef executable, StringRef variant);

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::tessera::module

#endif // TESSERA_MODULE_MODULEBUILDER_H

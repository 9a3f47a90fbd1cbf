//===- Dialects.cpp - What the server understands -------------------------===//

#include "Dialects.h"

#include "Pipeline/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"

namespace tessera::lsp {

void registerServerDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::tessera::registerAllDialects(registry);
}

} // namespace tessera::lsp

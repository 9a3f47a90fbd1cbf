//===- Dialects.h - What the server understands ---------------*- C++ -*-===//
#ifndef TESSERA_LSP_DIALECTS_H
#define TESSERA_LSP_DIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tessera::lsp {

/// Tessera's dialects and every upstream dialect with its extensions: a
/// file being edited may use any of them, as with mlir-lsp-server.
void registerServerDialects(mlir::DialectRegistry &registry);

} // namespace tessera::lsp

#endif // TESSERA_LSP_DIALECTS_H

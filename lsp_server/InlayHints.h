//===- InlayHints.h - Dispatch hints beside the source ----------*- C++ -*-===//
//
// From the pipeline's compile of a document version: at the end of each
// op's line, the dispatch it went into and, at the dispatch site, its
// workgroup count when the workload is constant.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_INLAYHINTS_H
#define TESSERA_LSP_INLAYHINTS_H

#include "Pipeline/DispatchMap.h"

#include "llvm/Support/JSON.h"

namespace tessera::lsp {

class MLIRDocument;

/// The textDocument/inlayHint answer for `document` from `dispatches`
/// (compiled from that very version).
llvm::json::Value
dispatchInlayHints(const MLIRDocument &document,
                   llvm::ArrayRef<mlir::tessera::DispatchInfo> dispatches);

} // namespace tessera::lsp

#endif // TESSERA_LSP_INLAYHINTS_H

//===- PipelineConfigFile.h - tessera.json beside a document ----*- C++ -*-===//
//
// The last source of a document's pipeline configuration: the nearest
// tessera.json in the document's folder or above it. Shared by the server
// and `tessera-lsp --check`, so that both compile a file the same way.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_PIPELINECONFIGFILE_H
#define TESSERA_LSP_PIPELINECONFIGFILE_H

#include "PipelineDiagnostics.h"

#include "llvm/ADT/StringRef.h"

namespace tessera::lsp {

/// `base` refined by the nearest tessera.json in the folder of
/// `documentFile` or above it (only the nearest one is read). A file that
/// is not a JSON object or has a bad value is logged as an error; the keys
/// read before the bad one still apply.
PipelineConfig refinePipelineConfig(PipelineConfig base,
                                    llvm::StringRef documentFile);

} // namespace tessera::lsp

#endif // TESSERA_LSP_PIPELINECONFIGFILE_H

//===- DocumentRequest.h - What a request on a document starts from -*- C++
//-*-===//
//
// The requests that compile a document (tessera/compile, tessera/passes,
// the server's commands) all start the same way: the open document's
// current text, its file, and the pipeline configuration for it with the
// request's own overrides.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_DOCUMENTREQUEST_H
#define TESSERA_LSP_DOCUMENTREQUEST_H

#include "DocumentStore.h"
#include "PipelineDiagnostics.h"
#include "ServerSettings.h"

#include "llvm/Support/JSON.h"

namespace tessera::lsp {

struct DocumentRequest {
  DocumentSnapshot snapshot;
  /// The document's file (relative outputs go beside it).
  std::string file;
  PipelineConfig config;
};

/// The request on `uri` (an open document), its configuration refined by
/// the keys of `overrides` (targets, compileTo) when given; an
/// InvalidParams error naming what is wrong.
llvm::Expected<DocumentRequest>
prepareDocumentRequest(llvm::StringRef uri, const llvm::json::Object *overrides,
                       const DocumentStore &documents,
                       const ServerSettings &settings);

} // namespace tessera::lsp

#endif // TESSERA_LSP_DOCUMENTREQUEST_H

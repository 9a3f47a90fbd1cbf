//===- DocumentRequest.cpp - What a request on a document starts from -----===//

#include "DocumentRequest.h"

#include "Reply.h"

#include "llvm/Support/LSP/Protocol.h"

namespace tessera::lsp {

llvm::Expected<DocumentRequest>
prepareDocumentRequest(llvm::StringRef uri, const llvm::json::Object *overrides,
                       const DocumentStore &documents,
                       const ServerSettings &settings) {
  auto parsedURI = llvm::lsp::URIForFile::fromURI(uri);
  if (!parsedURI)
    return makeLSPError(InvalidParams, llvm::toString(parsedURI.takeError()));
  DocumentRequest request;
  request.file = parsedURI->file().str();
  request.config = settings.forFile(request.file);
  if (overrides)
    if (llvm::Error error = applyPipelineConfig(*overrides, request.config))
      return makeLSPError(InvalidParams, llvm::toString(std::move(error)));
  std::optional<DocumentSnapshot> snapshot = documents.get(uri);
  if (!snapshot)
    return makeLSPError(InvalidParams,
                        "no open document with the uri " + uri.str());
  request.snapshot = std::move(*snapshot);
  return request;
}

} // namespace tessera::lsp

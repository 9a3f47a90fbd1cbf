//===- DocumentStore.h - The texts of the open documents --------*- C++ -*-===//
//
// The I/O thread applies edits here as they arrive, so that every later
// message sees the text it follows; the analysis worker and background
// compiles take snapshots (a shared, immutable text: no copy per reader).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_DOCUMENTSTORE_H
#define TESSERA_LSP_DOCUMENTSTORE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tessera::lsp {

/// One version of a document's text.
struct DocumentSnapshot {
  std::string uri;
  std::shared_ptr<const std::string> text;
  int64_t version = 0;
};

class DocumentStore {
public:
  DocumentSnapshot open(llvm::StringRef uri, std::string text, int64_t version);
  /// Applies `changes` (LSP contentChanges, ranges or whole texts) as
  /// `version`; an error saying why the edit was ignored (not open, an old
  /// version, a range that does not fit), for the log.
  llvm::Expected<DocumentSnapshot> change(llvm::StringRef uri, int64_t version,
                                          const llvm::json::Array &changes);
  void close(llvm::StringRef uri);

  std::optional<DocumentSnapshot> get(llvm::StringRef uri) const;
  size_t size() const;

private:
  mutable std::mutex mutex;
  llvm::StringMap<DocumentSnapshot> documents;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_DOCUMENTSTORE_H

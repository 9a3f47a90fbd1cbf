//===- DocumentStore.cpp - The texts of the open documents ----------------===//

#include "DocumentStore.h"

#include "SourceText.h"

namespace tessera::lsp {

DocumentSnapshot DocumentStore::open(llvm::StringRef uri, std::string text,
                                     int64_t version) {
  DocumentSnapshot snapshot{
      uri.str(), std::make_shared<const std::string>(std::move(text)), version};
  std::lock_guard<std::mutex> lock(mutex);
  documents[uri] = snapshot;
  return snapshot;
}

llvm::Expected<DocumentSnapshot>
DocumentStore::change(llvm::StringRef uri, int64_t version,
                      const llvm::json::Array &changes) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = documents.find(uri);
  if (it == documents.end())
    return llvm::createStringError("the document is not open");
  DocumentSnapshot &document = it->second;
  if (version <= document.version)
    return llvm::createStringError("version " + std::to_string(version) +
                                   " is not after the current " +
                                   std::to_string(document.version));
  // The ranges are read from the JSON itself: llvm::lsp's parse keeps them
  // in ints (line 2^40 wraps to 0) and its apply reads -1 as the start of
  // the line.
  std::string text = *document.text;
  if (llvm::Error error = applyContentChanges(text, changes))
    return llvm::createStringError(
        "an edit of " + uri.str() + " to version " + std::to_string(version) +
        " does not fit the document (" + llvm::toString(std::move(error)) +
        "); ignored");
  document.text = std::make_shared<const std::string>(std::move(text));
  document.version = version;
  return document;
}

void DocumentStore::close(llvm::StringRef uri) {
  std::lock_guard<std::mutex> lock(mutex);
  documents.erase(uri);
}

std::optional<DocumentSnapshot> DocumentStore::get(llvm::StringRef uri) const {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = documents.find(uri);
  if (it == documents.end())
    return std::nullopt;
  return it->second;
}

size_t DocumentStore::size() const {
  std::lock_guard<std::mutex> lock(mutex);
  return documents.size();
}

} // namespace tessera::lsp

//===- OwnedJSON.h - JSON values that own their strings --------*- C++ -*-===//
//
// llvm::lsp's toJSON functions reference the strings of the objects they
// convert; an answer outlives those objects (it is written after the
// feature returns), so it takes a copy that owns every string.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_OWNEDJSON_H
#define TESSERA_LSP_OWNEDJSON_H

#include "llvm/Support/JSON.h"

namespace tessera::lsp {

/// A deep copy of `value` whose strings it owns.
llvm::json::Value own(const llvm::json::Value &value);

/// `toJSON(item)` of each item, owned.
template <typename Range> llvm::json::Value ownedArray(const Range &items) {
  llvm::json::Array array;
  for (const auto &item : items)
    array.push_back(own(toJSON(item)));
  return array;
}

} // namespace tessera::lsp

#endif // TESSERA_LSP_OWNEDJSON_H

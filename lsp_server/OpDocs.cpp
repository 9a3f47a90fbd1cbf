//===- OpDocs.cpp - Op summaries and arguments from ODS -------------------===//

#include "OpDocs.h"

#include "llvm/ADT/StringMap.h"

namespace tessera::lsp {

const OpDoc *lookupOpDoc(llvm::StringRef opName) {
  static const llvm::StringMap<OpDoc> table = [] {
    llvm::StringMap<OpDoc> result;
#define OP_DOC(NAME, SUMMARY, ...)                                             \
  result[NAME] = OpDoc{NAME, SUMMARY, std::vector<OpArgumentDoc> __VA_ARGS__};
#include "OpDocs.inc"
#undef OP_DOC
    return result;
  }();
  auto it = table.find(opName);
  return it == table.end() ? nullptr : &it->second;
}

} // namespace tessera::lsp

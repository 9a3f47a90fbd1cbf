//===- OpDocs.h - Op summaries and arguments from ODS ---------*- C++ -*-===//
//
// A table generated at build time from the ODS of the dialects the pipeline
// uses (llvm-tblgen --dump-json, ods/extract_op_docs.py): what hover says
// about an op and what signature help lists.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_OPDOCS_H
#define TESSERA_LSP_OPDOCS_H

#include "llvm/ADT/StringRef.h"

#include <vector>

namespace tessera::lsp {

struct OpArgumentDoc {
  const char *name;
  /// The ODS constraint ("FloatLike", "AnyType", ...).
  const char *constraint;
  bool isAttribute;
};

struct OpDoc {
  const char *name;
  const char *summary;
  std::vector<OpArgumentDoc> arguments;
};

/// The ODS documentation of `opName` ("arith.addf"), or null.
const OpDoc *lookupOpDoc(llvm::StringRef opName);

} // namespace tessera::lsp

#endif // TESSERA_LSP_OPDOCS_H

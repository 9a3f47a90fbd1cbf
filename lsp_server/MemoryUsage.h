//===- MemoryUsage.h - The server's memory, for $/memoryUsage ---*- C++ -*-===//
//
// What the process holds now and at its peak (from /proc/self/status), so
// that an editor or a benchmark can watch the server's footprint.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_MEMORYUSAGE_H
#define TESSERA_LSP_MEMORYUSAGE_H

#include "llvm/Support/JSON.h"

namespace tessera::lsp {

/// {rssBytes, peakRssBytes, openDocuments}.
llvm::json::Object memoryUsage(size_t openDocuments);

} // namespace tessera::lsp

#endif // TESSERA_LSP_MEMORYUSAGE_H

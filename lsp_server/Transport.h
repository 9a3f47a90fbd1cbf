//===- Transport.h - LSP messages over a pair of streams ------*- C++ -*-===//
//
// Reads `Content-Length`-framed JSON-RPC messages from a FILE and writes
// them to a raw_ostream. Writing is thread-safe: replies come from the
// worker thread, notifications from both.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_TRANSPORT_H
#define TESSERA_LSP_TRANSPORT_H

#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Transport.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace tessera::lsp {

class Transport {
public:
  Transport(std::FILE *in, llvm::raw_ostream &out);

  /// The next message's text; false at the end of the input or on a read
  /// error.
  bool read(std::string &json);
  void send(llvm::json::Value message);

  void notify(llvm::StringRef method, llvm::json::Value params);
  /// A request of the server's to the client; its answer is not awaited
  /// (the refresh requests need none).
  void request(llvm::StringRef method, llvm::json::Value params);
  void reply(const llvm::json::Value &id, llvm::json::Value result);
  void replyError(const llvm::json::Value &id, int code,
                  llvm::StringRef message);

private:
  llvm::lsp::JSONTransportInputOverFile input;
  llvm::raw_ostream &out;
  std::mutex outMutex;
  std::atomic<int64_t> nextRequestId{1};
};

/// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestCancelled = -32800,
  ContentModified = -32801,
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_TRANSPORT_H

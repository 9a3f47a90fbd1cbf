//===- Reply.h - The one answer of a request --------------------*- C++ -*-===//
//
// Every request gets exactly one answer, from whichever thread finishes it
// (the I/O thread, the analysis worker, a background compile). A Reply is
// that answer's handle: it knows the request's id, whether the client
// cancelled it ($/cancelRequest), and writes a result or an error once.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_REPLY_H
#define TESSERA_LSP_REPLY_H

#include "Transport.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace tessera::lsp {

/// The requests not answered yet, and which of them were cancelled.
class RequestTracker {
public:
  void begin(const std::string &key);
  /// Marks a pending request cancelled (a finished one is ignored).
  void cancel(const llvm::json::Value &id);
  bool isCancelled(const std::string &key);
  /// Takes `key` out; true when it had been cancelled.
  bool finish(const std::string &key);

  static std::string keyOf(const llvm::json::Value &id);

private:
  std::mutex mutex;
  llvm::StringSet<> pending, cancelled;
};

class Reply {
public:
  Reply(Transport &transport, RequestTracker &tracker, llvm::json::Value id);

  /// Answers with `result`, or with its error: the LSP code of an
  /// llvm::lsp::LSPError, InternalError for others. A cancelled request is
  /// answered RequestCancelled instead.
  void operator()(llvm::Expected<llvm::json::Value> result) const;
  void error(int code, llvm::StringRef message) const;

  /// Whether the client cancelled the request (work may stop early).
  bool isCancelled() const;
  const llvm::json::Value &getId() const { return state->id; }

private:
  struct State {
    State(Transport &transport, RequestTracker &tracker, llvm::json::Value id)
        : transport(transport), tracker(tracker), id(std::move(id)),
          key(RequestTracker::keyOf(this->id)) {}
    Transport &transport;
    RequestTracker &tracker;
    llvm::json::Value id;
    std::string key;
    std::atomic<bool> answered{false};
  };
  /// Shared: a Reply travels through std::function copies.
  std::shared_ptr<State> state;
  /// True once; later answers are a bug, logged and dropped.
  bool claim() const;
};

/// An error answer with an LSP code (for Reply and the features).
llvm::Error makeLSPError(int code, const llvm::Twine &message);

} // namespace tessera::lsp

#endif // TESSERA_LSP_REPLY_H

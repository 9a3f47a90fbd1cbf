//===- Reply.cpp - The one answer of a request ----------------------------===//

#include "Reply.h"

#include "Logging.h"

#include "llvm/Support/LSP/Protocol.h"

namespace tessera::lsp {

std::string RequestTracker::keyOf(const llvm::json::Value &id) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << id;
  return key;
}

void RequestTracker::begin(const std::string &key) {
  std::lock_guard<std::mutex> lock(mutex);
  pending.insert(key);
}

void RequestTracker::cancel(const llvm::json::Value &id) {
  std::string key = keyOf(id);
  std::lock_guard<std::mutex> lock(mutex);
  if (pending.contains(key))
    cancelled.insert(key);
}

bool RequestTracker::isCancelled(const std::string &key) {
  std::lock_guard<std::mutex> lock(mutex);
  return cancelled.contains(key);
}

bool RequestTracker::finish(const std::string &key) {
  std::lock_guard<std::mutex> lock(mutex);
  pending.erase(key);
  return cancelled.erase(key);
}

Reply::Reply(Transport &transport, RequestTracker &tracker,
             llvm::json::Value id)
    : state(std::make_shared<State>(transport, tracker, std::move(id))) {
  tracker.begin(state->key);
}

bool Reply::claim() const {
  if (!state->answered.exchange(true))
    return true;
  log(LogLevel::Error, "a second answer to request " + state->key + " dropped");
  return false;
}

bool Reply::isCancelled() const {
  return state->tracker.isCancelled(state->key);
}

void Reply::error(int code, llvm::StringRef message) const {
  if (!claim())
    return;
  state->tracker.finish(state->key);
  state->transport.replyError(state->id, code, message);
}

void Reply::operator()(llvm::Expected<llvm::json::Value> result) const {
  if (!claim()) {
    if (!result)
      llvm::consumeError(result.takeError());
    return;
  }
  if (state->tracker.finish(state->key)) {
    if (!result)
      llvm::consumeError(result.takeError());
    state->transport.replyError(state->id, RequestCancelled,
                                "the request was cancelled");
    return;
  }
  if (result) {
    state->transport.reply(state->id, std::move(*result));
    return;
  }
  int code = InternalError;
  std::string message;
  llvm::handleAllErrors(
      result.takeError(),
      [&](const llvm::lsp::LSPError &error) {
        code = static_cast<int>(error.code);
        message = error.message;
      },
      [&](const llvm::ErrorInfoBase &error) { message = error.message(); });
  state->transport.replyError(state->id, code, message);
}

llvm::Error makeLSPError(int code, const llvm::Twine &message) {
  return llvm::make_error<llvm::lsp::LSPError>(
      message.str(), static_cast<llvm::lsp::ErrorCode>(code));
}

} // namespace tessera::lsp

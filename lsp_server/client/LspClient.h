//===- LspClient.h - Drives a language server over pipes ------*- C++ -*-===//
//
// For tests and benchmarks: starts a server as a child process and talks
// JSON-RPC to it through its stdin/stdout.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_CLIENT_LSPCLIENT_H
#define TESSERA_LSP_CLIENT_LSPCLIENT_H

#include "llvm/Support/JSON.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tessera::lsp {

class LspClient {
public:
  /// Starts `program` with `arguments`; `quiet` sends its stderr to
  /// /dev/null.
  LspClient(std::string program, std::vector<std::string> arguments = {},
            bool quiet = false);

  /// The server's process id (for its memory use).
  int getPid() const { return pid; }
  ~LspClient();

  /// Sends a request; returns its id.
  int64_t request(llvm::StringRef method, llvm::json::Value params);
  void notify(llvm::StringRef method, llvm::json::Value params);
  /// Writes raw bytes (framing included) to the server.
  void sendRaw(const std::string &bytes);

  /// The reply to request `id` (the whole message), or nullopt on timeout.
  std::optional<llvm::json::Object> waitForReply(
      int64_t id,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));
  /// The next notification of `method` matching `filter` (consumed).
  std::optional<llvm::json::Object> waitForNotification(
      llvm::StringRef method,
      std::function<bool(const llvm::json::Object &)> filter = nullptr,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

  /// The next message of any kind matching `filter` (consumed).
  std::optional<llvm::json::Object>
  waitFor(std::function<bool(const llvm::json::Object &)> filter,
          std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

  /// Convenience: request + wait; the "result" (fails the test on error).
  llvm::json::Value call(llvm::StringRef method, llvm::json::Value params);

  /// Closes the server's stdin and waits for its exit code.
  int waitForExit(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

private:
  void readLoop();

  int pid = -1;
  int toServer = -1, fromServer = -1;
  int64_t nextId = 1;
  std::thread reader;
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<llvm::json::Object> messages;
  bool closed = false;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_CLIENT_LSPCLIENT_H

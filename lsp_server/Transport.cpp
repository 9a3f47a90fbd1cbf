//===- Transport.cpp - LSP messages over a pair of streams ----------------===//

#include "Transport.h"

#include "llvm/Support/raw_ostream.h"

namespace tessera::lsp {

Transport::Transport(std::FILE *in, llvm::raw_ostream &out)
    : input(in), out(out) {}

bool Transport::read(std::string &json) {
  while (!input.isEndOfInput() && !input.hasError()) {
    if (llvm::succeeded(input.readMessage(json)))
      return true;
    // A malformed header: JSONTransportInput skips to the next one.
  }
  return false;
}

void Transport::send(llvm::json::Value message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << message;
  std::lock_guard<std::mutex> lock(outMutex);
  out << "Content-Length: " << text.size() << "\r\n\r\n" << text;
  out.flush();
}

void Transport::notify(llvm::StringRef method, llvm::json::Value params) {
  send(llvm::json::Object{
      {"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void Transport::request(llvm::StringRef method, llvm::json::Value params) {
  llvm::json::Object message{
      {"jsonrpc", "2.0"},
      {"id", "tessera-" + std::to_string(nextRequestId++)},
      {"method", method}};
  // Refresh requests take no params: the member is left out, not null.
  if (params.kind() != llvm::json::Value::Null)
    message["params"] = std::move(params);
  send(std::move(message));
}

void Transport::reply(const llvm::json::Value &id, llvm::json::Value result) {
  send(llvm::json::Object{
      {"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Transport::replyError(const llvm::json::Value &id, int code,
                           llvm::StringRef message) {
  send(llvm::json::Object{
      {"jsonrpc", "2.0"},
      {"id", id},
      {"error", llvm::json::Object{{"code", code}, {"message", message}}}});
}

} // namespace tessera::lsp

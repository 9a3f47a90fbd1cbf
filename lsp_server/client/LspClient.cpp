//===- LspClient.cpp - Drives a language server over pipes ----------------===//

#include "LspClient.h"

#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace tessera::lsp {

LspClient::LspClient(std::string program, std::vector<std::string> arguments,
                     bool quiet) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0)
    return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  if (quiet)
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
                                     O_WRONLY, 0);
  std::vector<std::string> argvStrings = {program};
  argvStrings.insert(argvStrings.end(), arguments.begin(), arguments.end());
  std::vector<char *> argv;
  for (std::string &argument : argvStrings)
    argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  toServer = in[1];
  fromServer = out[0];
  signal(SIGPIPE, SIG_IGN);
  reader = std::thread([this] { readLoop(); });
}

LspClient::~LspClient() {
  if (toServer >= 0)
    close(toServer);
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  if (reader.joinable())
    reader.join();
  if (fromServer >= 0)
    close(fromServer);
}

void LspClient::sendRaw(const std::string &bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = write(toServer, bytes.data() + written, bytes.size() - written);
    if (n <= 0)
      return;
    written += n;
  }
}

static std::string frame(const llvm::json::Value &message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << message;
  return "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
}

int64_t LspClient::request(llvm::StringRef method, llvm::json::Value params) {
  int64_t id = nextId++;
  sendRaw(frame(llvm::json::Object{{"jsonrpc", "2.0"},
                                   {"id", id},
                                   {"method", method},
                                   {"params", std::move(params)}}));
  return id;
}

void LspClient::notify(llvm::StringRef method, llvm::json::Value params) {
  sendRaw(frame(llvm::json::Object{
      {"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}));
}

void LspClient::readLoop() {
  std::string buffer;
  char chunk[65536];
  while (true) {
    ssize_t n = read(fromServer, chunk, sizeof(chunk));
    if (n <= 0)
      break;
    buffer.append(chunk, n);
    while (true) {
      size_t headerEnd = buffer.find("\r\n\r\n");
      if (headerEnd == std::string::npos)
        break;
      size_t lengthAt = buffer.find("Content-Length: ");
      if (lengthAt == std::string::npos || lengthAt > headerEnd)
        break;
      size_t length = std::stoul(buffer.substr(lengthAt + 16));
      if (buffer.size() < headerEnd + 4 + length)
        break;
      std::string body = buffer.substr(headerEnd + 4, length);
      buffer.erase(0, headerEnd + 4 + length);
      auto parsed = llvm::json::parse(body);
      if (!parsed) {
        llvm::consumeError(parsed.takeError());
        continue;
      }
      if (auto *object = parsed->getAsObject()) {
        std::lock_guard<std::mutex> lock(mutex);
        messages.push_back(std::move(*object));
      }
      arrived.notify_all();
    }
  }
  std::lock_guard<std::mutex> lock(mutex);
  closed = true;
  arrived.notify_all();
}

std::optional<llvm::json::Object>
LspClient::waitFor(std::function<bool(const llvm::json::Object &)> filter,
                   std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (auto it = messages.begin(); it != messages.end(); ++it)
      if (filter(*it)) {
        llvm::json::Object message = std::move(*it);
        messages.erase(it);
        return message;
      }
    if (closed || arrived.wait_until(lock, deadline) == std::cv_status::timeout)
      return std::nullopt;
  }
}

std::optional<llvm::json::Object>
LspClient::waitForReply(int64_t id, std::chrono::milliseconds timeout) {
  return waitFor(
      [id](const llvm::json::Object &message) {
        return !message.getString("method") && message.getInteger("id") == id;
      },
      timeout);
}

std::optional<llvm::json::Object> LspClient::waitForNotification(
    llvm::StringRef method,
    std::function<bool(const llvm::json::Object &)> filter,
    std::chrono::milliseconds timeout) {
  std::string name = method.str();
  return waitFor(
      [&](const llvm::json::Object &message) {
        return message.getString("method") == name && !message.get("id") &&
               (!filter || filter(message));
      },
      timeout);
}

llvm::json::Value LspClient::call(llvm::StringRef method,
                                  llvm::json::Value params) {
  int64_t id = request(method, std::move(params));
  auto reply = waitForReply(id);
  if (!reply)
    return llvm::json::Value("<no reply>");
  if (const llvm::json::Value *result = reply->get("result"))
    return *result;
  return llvm::json::Value("<error>");
}

int LspClient::waitForExit(std::chrono::milliseconds timeout) {
  if (toServer >= 0) {
    close(toServer);
    toServer = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

} // namespace tessera::lsp

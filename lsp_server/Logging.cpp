//===- Logging.cpp - The server's log on stderr ---------------------------===//

#include "Logging.h"

#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <mutex>

namespace tessera::lsp {

namespace {
std::atomic<LogLevel> currentLevel{LogLevel::Error};
std::mutex logMutex;
} // namespace

void setLogLevel(LogLevel level) { currentLevel = level; }

void log(LogLevel level, const std::string &message) {
  if (level > currentLevel)
    return;
  const char *prefix = level == LogLevel::Error  ? "E"
                       : level == LogLevel::Info ? "I"
                                                 : "V";
  std::lock_guard<std::mutex> lock(logMutex);
  llvm::errs() << prefix << " tessera-lsp: " << message << "\n";
  llvm::errs().flush();
}

} // namespace tessera::lsp

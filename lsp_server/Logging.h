//===- Logging.h - The server's log on stderr -----------------*- C++ -*-===//
#ifndef TESSERA_LSP_LOGGING_H
#define TESSERA_LSP_LOGGING_H

#include <string>

namespace tessera::lsp {

enum class LogLevel { Error, Info, Verbose };

/// Messages at or below this level are written; thread-safe.
void setLogLevel(LogLevel level);
void log(LogLevel level, const std::string &message);

} // namespace tessera::lsp

#endif // TESSERA_LSP_LOGGING_H

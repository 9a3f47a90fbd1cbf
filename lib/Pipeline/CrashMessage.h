//===- CrashMessage.h - What a crash tells the user -------------*- C++ -*-===//
//
// LLVM prints a message under a crash's "Stack dump" that sends the user to
// LLVM's bug tracker. A crash of a Tessera tool is a Tessera bug: every
// tool sets this text early in main, and it says so, with the tool's
// version, the command line and what to attach to a report. A compile
// that crashes in a pass also writes a crash reproducer and names it at
// the end of the output (CrashReproducer.h).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_CRASHMESSAGE_H
#define TESSERA_PIPELINE_CRASHMESSAGE_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::tessera {

/// Sets LLVM's bug report message (process-wide) for `tool` run as `argv`:
/// the version line, that this is a Tessera bug, the command line (quoted
/// for a shell) and what to attach where. Also makes sure LLVM prints it
/// on a crash (its pretty stack trace, which InitLLVM turns on too).
void setCrashMessage(llvm::StringRef tool, int argc, char **argv);

/// Adds the command that reproduces the crash alone to the message (a
/// batch compiles each input in a child of its own).
void setCrashReproducerCommand(llvm::StringRef command);

/// For tools without llvm::InitLLVM: a stack trace on a crash.
void enableCrashStackTrace(const char *argv0);

/// `argument` as a POSIX shell reads it: unchanged when it has no special
/// characters, else in single quotes.
std::string shellQuote(llvm::StringRef argument);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_CRASHMESSAGE_H

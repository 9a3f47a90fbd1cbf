//===- CompileInChild.h - A compile the window survives ---------*- C++ -*-===//
//
// The explorer opens files it did not write: a compile that crashes, hits
// an LLVM fatal error or damages memory must end only that compile. It
// runs in a process of its own, tessera-explorer-worker (CompileWorker.cpp,
// beside the explorer; started, not forked: a fork would copy this
// process's threads' locks, LLVM's idle thread pools among them), which
// streams what it makes back as it makes it (OutcomeStream.h); the outcome
// is rebuilt here. After a crash it holds the passes that ended, the pass the
// child died in with the IR it was given, the child's stderr (the stack
// trace) and the reproducer it wrote. No Qt here: the tests and the
// benchmark run it alone.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_COMPILEINCHILD_H
#define TESSERA_EXPLORER_COMPILEINCHILD_H

#include "ExplorerCompile.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tessera::explorer {

/// Compiles `request` in a child process. `childPid` holds the child's
/// process id while it runs; a caller cancels by setting `cancel` and
/// killing that process (the outcome then says cancelled, not crashed).
/// `passEnded` sees each pass record as it arrives, on the calling thread.
CompileOutcome compileInChildProcess(
    const CompileRequest &request, std::atomic<int> *childPid = nullptr,
    const std::atomic<bool> *cancel = nullptr,
    std::function<void(const mlir::tessera::PassRecord &)> passEnded = nullptr);

/// The command line that compiles `request` with the CLI (the crash's
/// "reproduces it alone").
std::string describeAsCommand(const CompileRequest &request);

/// The worker: $TESSERA_EXPLORER_WORKER, else tessera-explorer-worker in
/// the running program's directory.
std::string findCompileWorker();

/// `request` as the worker's arguments, and back.
std::vector<std::string>
describeAsWorkerArguments(const CompileRequest &request);
std::optional<CompileRequest>
parseWorkerArguments(const std::vector<std::string> &args, std::string &error);

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_COMPILEINCHILD_H

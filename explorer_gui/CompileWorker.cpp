//===- CompileWorker.cpp - tessera-explorer-worker ------------------------===//
//
// tessera-explorer-worker --file=F [--target=B]... [--target-triple=T]
//                         [--compile-to=P] [--opt-level=N]
//                         [--link-executables=true|false]
//
// The explorer's compile, in a process of its own (CompileInChild.h): runs
// compileForExplorer and writes what it makes, as it makes it, to file
// descriptor 3 (OutcomeStream.h). Not meant to be run by hand.
//
//===----------------------------------------------------------------------===//

#include "CompileInChild.h"
#include "OutcomeStream.h"

#include "Pipeline/ChildProcess.h"
#include "Pipeline/CrashMessage.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

using namespace tessera::explorer;

int main(int argc, char **argv) {
#if defined(__linux__)
  // A worker outlives no window.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  std::optional<CompileRequest> request = parseWorkerArguments(args, error);
  if (!request) {
    std::fprintf(stderr, "tessera-explorer-worker: error: %s\n", error.c_str());
    return 2;
  }
  const int out = mlir::tessera::kProgramOutputFd;
  // Where the stream goes must be open for writing (the explorer passes a
  // pipe); a closed reader is an error to report, not a SIGPIPE.
  int flags = fcntl(out, F_GETFL);
  if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY) {
    std::fprintf(stderr,
                 "tessera-explorer-worker: error: file descriptor %d is not "
                 "open for writing (the explorer starts this program with "
                 "its pipe there)\n",
                 out);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  mlir::tessera::enableCrashStackTrace(argv[0]);
  mlir::tessera::setCrashMessage("tessera-explorer-worker", argc, argv);
  // What LLVM prints under the stack trace when the compile crashes.
  mlir::tessera::setCrashReproducerCommand(describeAsCommand(*request));

  std::mutex mutex;
  OutcomeWriter writer([&](llvm::StringRef bytes) {
    // The window is gone: so is the reason to compile.
    if (!mlir::tessera::writeAll(out, bytes)) {
      std::fprintf(stderr,
                   "tessera-explorer-worker: error: cannot write to file "
                   "descriptor %d: %s\n",
                   out, std::strerror(errno));
      _exit(125);
    }
  });
  CompileHooks hooks;
  hooks.sourceRead = [&](const std::string &source,
                         const std::string &reproducer) {
    std::lock_guard<std::mutex> lock(mutex);
    writer.writeSource(source, reproducer);
  };
  hooks.passBegan = [&](const mlir::tessera::PassRecord &record) {
    std::lock_guard<std::mutex> lock(mutex);
    writer.writeStarted(record);
  };
  hooks.passEnded = [&](const mlir::tessera::PassRecord &record) {
    std::lock_guard<std::mutex> lock(mutex);
    writer.writeRecord(record);
  };
  CompileOutcome outcome = compileForExplorer(*request, nullptr, hooks);
  {
    std::lock_guard<std::mutex> lock(mutex);
    writer.writeEnd(outcome);
  }
  // Everything was written; tearing down a large compile only costs time.
  _exit(0);
}

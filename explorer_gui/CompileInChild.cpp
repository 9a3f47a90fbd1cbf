//===- CompileInChild.cpp - A compile the window survives -----------------===//

#include "CompileInChild.h"
#include "OutcomeStream.h"

#include "Pipeline/ChildProcess.h"
#include "Pipeline/CrashMessage.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <chrono>
#include <csignal>
#include <cstdlib>

using namespace mlir::tessera;

namespace tessera::explorer {

std::string describeAsCommand(const CompileRequest &request) {
  std::string command = "tessera compile " + shellQuote(request.file);
  for (const std::string &target : request.targets)
    command += " --target=" + shellQuote(target);
  if (request.targetTriple != "host")
    command += " --target-triple=" + shellQuote(request.targetTriple);
  if (request.compileTo != "loader")
    command += " --compile-to=" + shellQuote(request.compileTo);
  if (request.optLevel != 2)
    command += " --opt-level=" + std::to_string(request.optLevel);
  if (!request.linkExecutables)
    command += " --link-executables=false";
  return command + " -o /dev/null";
}

/// The pass the child died in: of the passes that started and did not
/// end, the one its crash output names, else the last to start.
static const PassRecord *findCrashedPass(const std::vector<PassRecord> &running,
                                         llvm::StringRef crashOutput) {
  if (running.empty())
    return nullptr;
  size_t named = crashOutput.rfind("The crash happened in pass ");
  if (named != llvm::StringRef::npos) {
    llvm::StringRef line = crashOutput.drop_front(named).split('\n').first;
    for (auto it = running.rbegin(); it != running.rend(); ++it) {
      llvm::StringRef argument =
          llvm::StringRef(it->passArgument).split('{').first;
      if (!argument.empty() && line.contains(argument))
        return &*it;
    }
  }
  return &running.back();
}

std::string findCompileWorker() {
  if (const char *path = std::getenv("TESSERA_EXPLORER_WORKER"); path && *path)
    return path;
  llvm::SmallString<256> path(
      llvm::sys::path::parent_path(llvm::sys::fs::getMainExecutable(
          nullptr, reinterpret_cast<void *>(&findCompileWorker))));
  llvm::sys::path::append(path, "tessera-explorer-worker");
  return std::string(path);
}

std::vector<std::string>
describeAsWorkerArguments(const CompileRequest &request) {
  std::vector<std::string> args = {"--file=" + request.file};
  for (const std::string &target : request.targets)
    args.push_back("--target=" + target);
  args.push_back("--target-triple=" + request.targetTriple);
  args.push_back("--compile-to=" + request.compileTo);
  args.push_back("--opt-level=" + std::to_string(request.optLevel));
  args.push_back(std::string("--link-executables=") +
                 (request.linkExecutables ? "true" : "false"));
  return args;
}

std::optional<CompileRequest>
parseWorkerArguments(const std::vector<std::string> &args, std::string &error) {
  CompileRequest request;
  request.targets.clear();
  bool hasFile = false;
  for (const std::string &arg : args) {
    auto [key, value] = llvm::StringRef(arg).split('=');
    if (key.size() == arg.size()) {
      error = "'" + arg + "' is not --NAME=VALUE";
      return std::nullopt;
    }
    if (key == "--file") {
      request.file = value.str();
      hasFile = true;
    } else if (key == "--target") {
      request.targets.push_back(value.str());
    } else if (key == "--target-triple") {
      request.targetTriple = value.str();
    } else if (key == "--compile-to" && parsePhase(value)) {
      request.compileTo = value.str();
    } else if (key == "--opt-level" && value.size() == 1 && value[0] >= '0' &&
               value[0] <= '3') {
      request.optLevel = value[0] - '0';
    } else if (key == "--link-executables" &&
               (value == "true" || value == "false")) {
      request.linkExecutables = value == "true";
    } else {
      error = "unknown argument '" + arg + "'";
      return std::nullopt;
    }
  }
  if (!hasFile) {
    error = "no --file";
    return std::nullopt;
  }
  if (request.targets.empty())
    request.targets = {"llvm-cpu"};
  return request;
}

CompileOutcome
compileInChildProcess(const CompileRequest &request, std::atomic<int> *childPid,
                      const std::atomic<bool> *cancel,
                      std::function<void(const PassRecord &)> passEnded) {
  auto start = std::chrono::steady_clock::now();
  OutcomeReader reader;
  reader.onRecord = std::move(passEnded);
  std::atomic<int> ownPid{0};
  std::atomic<int> *pid = childPid ? childPid : &ownPid;
  std::vector<std::string> argv = {findCompileWorker()};
  for (std::string &arg : describeAsWorkerArguments(request))
    argv.push_back(std::move(arg));
  ChildOutcome child = streamFromProgram(
      argv,
      [&](llvm::StringRef bytes) {
        reader.consume(bytes);
        // A cancel that came before the child's id was known.
        if (cancel && cancel->load())
          if (int running = pid->load())
            ::kill(running, SIGKILL);
      },
      pid, /*captureErrors=*/true);
  if (!child.error.empty()) {
    CompileOutcome outcome;
    outcome.request = request;
    Diagnostic diag;
    diag.file = request.file;
    diag.message = "cannot compile: " + child.error;
    outcome.diagnostics.push_back(std::move(diag));
    return outcome;
  }

  CompileOutcome outcome = std::move(reader.getOutcome());
  outcome.request = request;
  if (reader.isComplete() && child.signal == 0 && child.exitCode == 0)
    return outcome;

  outcome.succeeded = false;
  outcome.wallMs = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  if (cancel && cancel->load()) {
    outcome.cancelled = true;
    return outcome;
  }
  outcome.crashed = true;
  outcome.crashDescription =
      !reader.getError().empty() && child.signal == 0 && child.exitCode == 0
          ? "its output was damaged: " + reader.getError()
          : child.describe();
  outcome.crashOutput = std::move(child.errorOutput);
  if (!reader.getReproducerPath().empty() &&
      llvm::sys::fs::exists(reader.getReproducerPath()))
    outcome.reproducerPath = reader.getReproducerPath();
  if (const PassRecord *running =
          findCrashedPass(reader.getRunning(), outcome.crashOutput)) {
    PassRecord crashed = *running;
    crashed.index = outcome.records.size();
    crashed.failed = true;
    crashed.changed = false;
    crashed.irAfter = nullptr;
    outcome.crashedRecord = crashed.index;
    outcome.records.push_back(std::move(crashed));
  }
  return outcome;
}

} // namespace tessera::explorer

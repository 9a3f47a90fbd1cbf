//===- BatchCompile.cpp - tessera compile over many inputs ----------------===//

#include "BatchCompile.h"
#include "Commands.h"

#include "Import/ONNX/ImportONNX.h"
#include "ModuleInfo.h"
#include "Pipeline/ChildProcess.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/CrashMessage.h"
#include "Pipeline/CrashReproducer.h"
#include "Pipeline/OutputFile.h"
#include "tessera/runtime/ModuleSignature.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <sys/ioctl.h>
#include <unistd.h>

using namespace mlir::tessera;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace tessera::cli {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Set by Ctrl-C (LLVM's interrupt function, on the signal): workers take no
/// new input and running compiles skip their remaining passes.
std::atomic<bool> interrupted{false};

void onInterrupt() {
  interrupted.store(true);
  const char message[] = "\ntessera compile: interrupted; stopping\n";
  (void)!::write(2, message, sizeof(message) - 1);
}

/// One input to compile and where its output goes; `problem` set when it
/// cannot be compiled at all (missing file, pattern matching nothing,
/// output taken by another input).
struct PlannedInput {
  std::string input, output, problem;
};

/// Crashed: the compile of the input crashed (in its own process).
enum class Status { Succeeded, Failed, Cancelled, Crashed };

struct InputResult {
  PlannedInput planned;
  Status status = Status::Failed;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::pair<std::string, double>> phaseMs;
  double totalMs = 0;
  unsigned dispatches = 0, executables = 0;
  uint64_t outputBytes = 0, executableBytes = 0, constantBytes = 0;
  std::vector<std::string> dependencies;
  /// For a crash: the command that compiles this input alone, and the
  /// crash reproducer file when the crash was in a pass.
  std::string reproducer, reproducerFile;
  unsigned errors() const {
    unsigned count = 0;
    for (const Diagnostic &d : diagnostics)
      count += d.severity == Diagnostic::Severity::Error;
    return count;
  }
};

bool isGlob(llvm::StringRef text) {
  return text.find_first_of("*?[") != llvm::StringRef::npos;
}

std::string outputName(llvm::StringRef relative, bool emitIR) {
  llvm::SmallString<256> name(relative);
  path::replace_extension(name, emitIR ? ".out.mlir" : ".tsm");
  return name.str().str();
}

/// Where `relative` (a path below an argument) lands.
std::string outputPath(const BatchRequest &request, llvm::StringRef input,
                       llvm::StringRef relative) {
  llvm::SmallString<256> out(request.outputDir);
  if (request.outputDir.empty()) {
    out = path::parent_path(input);
    relative = path::filename(relative);
  }
  path::append(out, outputName(relative, request.emitIR));
  return path::remove_leading_dotslash(out).str();
}

/// The .mlir files below `directory`, sorted.
std::vector<std::string> mlirFilesBelow(llvm::StringRef directory,
                                        std::string &error) {
  std::vector<std::string> files;
  std::error_code ec;
  // Directory links are not followed: a link to a parent would never end.
  for (fs::recursive_directory_iterator it(directory, ec,
                                           /*follow_symlinks=*/false),
       end;
       it != end && !ec; it.increment(ec))
    // NAME.out.mlir is what --emit=mlir writes, not a program to compile
    // (an output directory may sit below the inputs).
    if ((path::extension(it->path()) == ".mlir" || isONNXPath(it->path())) &&
        !llvm::StringRef(it->path()).ends_with(".out.mlir") &&
        fs::is_regular_file(it->path()))
      files.push_back(it->path());
  if (ec)
    error = "cannot list '" + directory.str() + "': " + ec.message();
  llvm::sort(files);
  return files;
}

/// Files matching `pattern` (`*`, `?`, `[...]` within one path component;
/// `**` across components), sorted, with the directory the match started
/// from.
std::vector<std::string> globMatches(llvm::StringRef pattern, std::string &root,
                                     std::string &error) {
  size_t meta = pattern.find_first_of("*?[");
  size_t slash = pattern.substr(0, meta).rfind('/');
  root = slash == llvm::StringRef::npos ? "." : pattern.substr(0, slash).str();
  if (root.empty())
    root = "/";
  auto glob = llvm::GlobPattern::create(pattern);
  if (!glob) {
    error = llvm::toString(glob.takeError());
    return {};
  }
  bool anyDepth = pattern.contains("**");
  size_t depth = pattern.count('/');
  // How many directories below the root a match lies: the walk goes no
  // deeper (a pattern in "." must not walk a whole build tree).
  size_t below =
      pattern.substr(slash == llvm::StringRef::npos ? 0 : slash + 1).count('/');
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec, /*follow_symlinks=*/false),
       end;
       it != end && !ec; it.increment(ec)) {
    if (!anyDepth && size_t(it.level()) >= below)
      it.no_push();
    std::string candidate = it->path();
    // Matched as written: "./x" only when the pattern says so.
    if (slash == llvm::StringRef::npos)
      candidate = path::remove_leading_dotslash(candidate).str();
    if (!anyDepth && llvm::StringRef(candidate).count('/') != depth)
      continue;
    if (glob->match(candidate) && fs::is_regular_file(it->path()))
      files.push_back(candidate);
  }
  if (ec)
    error = "cannot list '" + root + "': " + ec.message();
  llvm::sort(files);
  return files;
}

/// Every argument expanded, each input once, outputs checked for clashes.
std::vector<PlannedInput> planInputs(const BatchRequest &request) {
  std::vector<PlannedInput> planned;
  std::set<std::string> seen;
  auto add = [&](const std::string &input, llvm::StringRef relative) {
    llvm::SmallString<256> real;
    if (fs::real_path(input, real))
      real = input;
    if (!seen.insert(real.str().str()).second)
      return;
    planned.push_back({input, outputPath(request, input, relative), ""});
  };
  for (const std::string &argument : request.inputs) {
    std::string error;
    if (fs::is_directory(argument)) {
      std::vector<std::string> files = mlirFilesBelow(argument, error);
      for (const std::string &file : files) {
        llvm::SmallString<256> relative(file);
        path::replace_path_prefix(relative, argument, "");
        add(file, path::relative_path(relative.str().ltrim('/')));
      }
      if (files.empty() && error.empty())
        error = "directory '" + argument + "' has no .mlir files";
    } else if (fs::exists(argument)) {
      add(argument, path::filename(argument));
    } else if (isGlob(argument)) {
      std::string root;
      std::vector<std::string> files = globMatches(argument, root, error);
      for (const std::string &file : files) {
        llvm::SmallString<256> relative(file);
        if (root != ".")
          path::replace_path_prefix(relative, root, "");
        add(file, llvm::StringRef(relative).ltrim('/'));
      }
      if (files.empty() && error.empty())
        error = "pattern '" + argument + "' matches no file";
    } else {
      error = "no such file or directory";
    }
    if (!error.empty())
      planned.push_back({argument, "", error});
  }
  // Two inputs writing one output would race; the later one fails.
  std::map<std::string, std::string> owner;
  for (PlannedInput &input : planned) {
    if (!input.problem.empty())
      continue;
    auto [it, inserted] = owner.try_emplace(input.output, input.input);
    if (!inserted)
      input.problem = "its output '" + input.output +
                      "' is also the output of '" + it->second +
                      "' (give the files distinct names)";
    else if (fs::equivalent(input.input, input.output))
      input.problem = "its output would overwrite it";
  }
  return planned;
}

/// Compiles one planned input on the calling thread.
InputResult compileInput(const PlannedInput &planned,
                         const BatchRequest &request,
                         const CompileOptions &base,
                         SharedCounter *phaseCounter = nullptr) {
  InputResult result;
  result.planned = planned;
  auto start = Clock::now();
  auto finish = [&](Status status) {
    result.status = status;
    result.totalMs = secondsSince(start) * 1e3;
    return result;
  };
  if (!planned.problem.empty()) {
    Diagnostic diag;
    diag.file = planned.input;
    diag.message = planned.problem;
    result.diagnostics.push_back(diag);
    return finish(Status::Failed);
  }
  if (interrupted.load())
    return finish(Status::Cancelled);

  CompileSession session;
  CompileOptions options = base;
  options.cancel = &interrupted;
  options.buildModule = !request.emitIR;
  options.captureIR = false;
  // The progress bar moves per phase: each input reports the phase it is
  // in (from a child process through shared memory).
  if (phaseCounter)
    options.passStarted = [phaseCounter](Phase phase, llvm::StringRef) {
      phaseCounter->store(static_cast<unsigned>(phase));
    };
  if (request.crashReproducers && options.crashReproducer.empty())
    options.crashReproducer = getDefaultCrashReproducerPath(planned.input);
  bool ok = succeeded(session.loadFile(planned.input)) &&
            succeeded(session.compile(options));
  result.diagnostics = session.getDiagnostics();
  for (auto &[phase, ms] : session.getPhaseTimes())
    result.phaseMs.emplace_back(getPhaseName(phase).str(), ms);
  if (session.wasCancelled() || interrupted.load())
    return finish(Status::Cancelled);
  if (!ok || session.hasErrors()) {
    if (result.errors() == 0) {
      Diagnostic diag;
      diag.file = planned.input;
      diag.message = "compilation failed";
      result.diagnostics.push_back(diag);
    }
    return finish(Status::Failed);
  }

  std::string bytes;
  if (request.emitIR) {
    llvm::raw_string_ostream os(bytes);
    session.getModule()->print(os);
    session.getModule()->walk([&](mlir::Operation *op) {
      llvm::StringRef name = op->getName().getStringRef();
      result.dispatches +=
          name == "flow.dispatch" || name == "hal_loader.executable.dispatch";
      result.executables +=
          name == "flow.executable" || name == "hal.executable";
    });
  } else {
    bytes = session.getModuleBytes();
    if (!request.signKey.empty()) {
      auto signedBytes = rt::signModule(bytes, request.signKey);
      if (!signedBytes) {
        Diagnostic diag;
        diag.file = request.signKey;
        diag.message = "--sign-key: " + signedBytes.status().message();
        result.diagnostics.push_back(diag);
        return finish(Status::Failed);
      }
      bytes = std::move(*signedBytes);
    }
    auto described = rt::tooling::describeModule(bytes.data(), bytes.size());
    if (!described) {
      Diagnostic diag;
      diag.file = planned.input;
      diag.message =
          "the module built does not verify: " + described.status().message();
      result.diagnostics.push_back(diag);
      return finish(Status::Failed);
    }
    result.dispatches = described->dispatchCount();
    result.executables = described->executables.size();
    result.executableBytes = described->executableBytes();
    result.constantBytes = described->constantTotalBytes;
  }
  llvm::StringRef directory = path::parent_path(planned.output);
  std::error_code ec;
  if (!directory.empty())
    ec = fs::create_directories(directory);
  llvm::Error error =
      ec ? llvm::createStringError(ec, "cannot create '" + directory.str() +
                                           "': " + ec.message())
         : writeFileAtomically(planned.output, bytes);
  if (error) {
    Diagnostic diag;
    diag.file = planned.input;
    diag.message = llvm::toString(std::move(error));
    result.diagnostics.push_back(diag);
    return finish(interrupted.load() ? Status::Cancelled : Status::Failed);
  }
  result.outputBytes = bytes.size();
  result.dependencies.push_back(planned.input);
  for (const std::string &object : session.getObjectFiles())
    result.dependencies.push_back(object);
  return finish(Status::Succeeded);
}

const char *statusName(Status status) {
  switch (status) {
  case Status::Succeeded:
    return "succeeded";
  case Status::Failed:
    return "failed";
  case Status::Cancelled:
    return "cancelled";
  case Status::Crashed:
    return "crashed";
  }
  return "failed";
}

/// An input's result, as a child process hands it to the batch.
llvm::json::Value toJSON(const Diagnostic &diag) {
  llvm::json::Array notes;
  for (const Diagnostic &note : diag.notes)
    notes.push_back(toJSON(note));
  return llvm::json::Object{{"severity", int(diag.severity)},
                            {"file", diag.file},
                            {"line", diag.line},
                            {"column", diag.column},
                            {"message", diag.message},
                            {"phase", diag.phase},
                            {"pass", diag.pass},
                            {"notes", std::move(notes)}};
}

bool fromJSON(const llvm::json::Value *value,
              std::vector<Diagnostic> &diagnostics) {
  const llvm::json::Array *array = value ? value->getAsArray() : nullptr;
  if (!array)
    return false;
  for (const llvm::json::Value &element : *array) {
    const llvm::json::Object *object = element.getAsObject();
    if (!object)
      return false;
    Diagnostic diag;
    auto severity = object->getInteger("severity");
    auto line = object->getInteger("line");
    auto column = object->getInteger("column");
    auto text = [&](llvm::StringRef key, std::string &out) {
      auto found = object->getString(key);
      if (found)
        out = found->str();
      return found.has_value();
    };
    if (!severity || !line || !column || !text("file", diag.file) ||
        !text("message", diag.message) || !text("phase", diag.phase) ||
        !text("pass", diag.pass) || !fromJSON(object->get("notes"), diag.notes))
      return false;
    diag.severity = static_cast<Diagnostic::Severity>(*severity);
    diag.line = *line;
    diag.column = *column;
    diagnostics.push_back(std::move(diag));
  }
  return true;
}

std::string serialize(const InputResult &result) {
  llvm::json::Array diagnostics, phases;
  for (const Diagnostic &diag : result.diagnostics)
    diagnostics.push_back(toJSON(diag));
  for (auto &[phase, ms] : result.phaseMs)
    phases.push_back(llvm::json::Array{phase, ms});
  llvm::json::Object object{
      {"status", int(result.status)},
      {"diagnostics", std::move(diagnostics)},
      {"phases", std::move(phases)},
      {"dispatches", result.dispatches},
      {"executables", result.executables},
      {"output_bytes", int64_t(result.outputBytes)},
      {"executable_bytes", int64_t(result.executableBytes)},
      {"constant_bytes", int64_t(result.constantBytes)},
      {"dependencies", result.dependencies}};
  std::string text;
  llvm::raw_string_ostream(text) << llvm::json::Value(std::move(object));
  return text;
}

bool deserialize(llvm::StringRef text, InputResult &result) {
  auto value = llvm::json::parse(text);
  if (!value) {
    llvm::consumeError(value.takeError());
    return false;
  }
  llvm::json::Path::Root root;
  llvm::json::ObjectMapper map(*value, root);
  int status = 0;
  int64_t outputBytes = 0, executableBytes = 0, constantBytes = 0;
  std::vector<std::pair<std::string, double>> phases;
  const llvm::json::Array *phaseArray =
      value->getAsObject() ? value->getAsObject()->getArray("phases") : nullptr;
  if (!map || !phaseArray || !map.map("status", status) ||
      !fromJSON(value->getAsObject()->get("diagnostics"), result.diagnostics) ||
      !map.map("dispatches", result.dispatches) ||
      !map.map("executables", result.executables) ||
      !map.map("output_bytes", outputBytes) ||
      !map.map("executable_bytes", executableBytes) ||
      !map.map("constant_bytes", constantBytes) ||
      !map.map("dependencies", result.dependencies))
    return false;
  for (const llvm::json::Value &phase : *phaseArray) {
    const llvm::json::Array *pair = phase.getAsArray();
    if (!pair || pair->size() != 2 || !(*pair)[0].getAsString() ||
        !(*pair)[1].getAsNumber())
      return false;
    result.phaseMs.emplace_back((*pair)[0].getAsString()->str(),
                                *(*pair)[1].getAsNumber());
  }
  result.status = static_cast<Status>(status);
  result.outputBytes = outputBytes;
  result.executableBytes = executableBytes;
  result.constantBytes = constantBytes;
  return true;
}

/// The command that compiles `input` alone with the batch's options: the
/// batch's arguments, its inputs replaced by this one, without the report
/// (running it must not overwrite the batch's).
std::string reproducer(const BatchRequest &request, llvm::StringRef input) {
  std::string command = "tessera compile";
  bool skipValue = false;
  for (const std::string &argument : request.arguments) {
    llvm::StringRef arg(argument);
    if (std::exchange(skipValue, false))
      continue;
    if (arg.starts_with("--report")) {
      skipValue = !arg.contains('=');
      continue;
    }
    bool isInput =
        llvm::is_contained(request.inputs, argument) && !arg.starts_with("-");
    if (!isInput)
      command += " " + shellQuote(argument);
  }
  return command + " " + shellQuote(input);
}

/// Compiles one planned input in a child process: a crash there is this
/// input's result, and the batch goes on.
InputResult compileInputIsolated(const PlannedInput &planned,
                                 const BatchRequest &request,
                                 const CompileOptions &base,
                                 SharedCounter *phaseCounter) {
  auto start = Clock::now();
  std::string command = reproducer(request, planned.input);
  // Named here, so that the batch can report the file the child wrote.
  CompileOptions options = base;
  if (request.crashReproducers)
    options.crashReproducer = getDefaultCrashReproducerPath(planned.input);
  ChildOutcome outcome = runInChildProcess([&] {
    // Ctrl-C reaches the child too: it cancels quietly, the batch says so.
    llvm::sys::SetInterruptFunction([] { interrupted.store(true); });
    // What LLVM prints under the stack trace when the compile crashes.
    setCrashReproducerCommand(command);
    return serialize(compileInput(planned, request, options, phaseCounter));
  });
  InputResult result;
  if (outcome.output && deserialize(*outcome.output, result)) {
    result.planned = planned;
    result.totalMs = secondsSince(start) * 1e3;
    return result;
  }
  result.planned = planned;
  result.status = Status::Crashed;
  result.totalMs = secondsSince(start) * 1e3;
  Diagnostic diag;
  diag.file = planned.input;
  diag.message = "the compiler crashed (" + outcome.describe() +
                 ") compiling this input; this is a Tessera bug. The other "
                 "inputs were compiled; reproduce it alone with: " +
                 command;
  result.reproducer = command;
  if (!options.crashReproducer.empty() && fs::exists(options.crashReproducer)) {
    result.reproducerFile = options.crashReproducer;
    diag.message += "; crash reproducer (the IR before the crashing phase "
                    "and its pass pipeline; `tessera-opt --run-reproducer` "
                    "replays it): " +
                    result.reproducerFile;
  }
  result.diagnostics.push_back(diag);
  return result;
}

/// What the user sees while the batch runs: a bar redrawn on stderr, or a
/// line per finished input on stdout; diagnostics on stderr.
class Progress {
public:
  Progress(const BatchRequest &request, size_t total, unsigned phases)
      : request(request), total(total), phases(std::max(1u, phases)),
        start(Clock::now()) {}

  /// `phase`: the phase the input's compile is in (phases before it are
  /// done), moving the bar within the input.
  void started(const std::string &input, const SharedCounter *phase) {
    std::lock_guard<std::mutex> lock(mutex);
    running.emplace(input, phase);
    draw();
  }
  void finished(const InputResult &result) {
    std::lock_guard<std::mutex> lock(mutex);
    running.erase(result.planned.input);
    ++done;
    clearBar();
    bool crashed = result.status == Status::Crashed;
    bool failed = result.status == Status::Failed || crashed;
    if (!request.quiet && !request.progressBar &&
        (result.status != Status::Cancelled || request.verbose)) {
      llvm::outs() << llvm::format("[%zu/%zu] ", done, total)
                   << (crashed                              ? "CRASHED "
                       : failed                             ? "FAILED "
                       : result.status == Status::Cancelled ? "cancelled "
                                                            : "ok ")
                   << result.planned.input;
      if (result.status == Status::Succeeded)
        llvm::outs() << " -> " << result.planned.output;
      llvm::outs() << llvm::format(" (%.2f s)", result.totalMs / 1e3);
      if (failed)
        llvm::outs() << ", " << result.errors() << " error"
                     << (result.errors() == 1 ? "" : "s");
      llvm::outs() << "\n";
      if (request.verbose && !result.phaseMs.empty()) {
        llvm::outs() << "   ";
        for (auto &[phase, ms] : result.phaseMs)
          llvm::outs() << llvm::format(" %s %.0f ms", phase.c_str(), ms);
        llvm::outs() << "\n";
      }
      llvm::outs().flush();
    }
    // Errors always; warnings and notes with --verbose.
    for (const Diagnostic &diag : result.diagnostics)
      if (failed || request.verbose)
        llvm::errs() << diag.format() << "\n";
    draw();
  }
  /// Redraws the bar (elapsed time and ETA move between events).
  void tick() {
    std::lock_guard<std::mutex> lock(mutex);
    draw();
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex);
    clearBar();
  }

private:
  void clearBar() {
    if (request.progressBar && drawn) {
      llvm::errs() << "\r\x1b[K";
      llvm::errs().flush();
      drawn = false;
    }
  }
  void draw() {
    if (!request.progressBar || request.quiet)
      return;
    double elapsed = secondsSince(start);
    // Inputs done, plus the phases done of those compiling.
    double progress = done;
    for (auto &[input, phase] : running)
      if (phase)
        progress += double(std::min(phase->load(), phases)) / phases;
    double fraction = total ? std::min(1.0, progress / total) : 1.0;
    std::string line = llvm::formatv("[{0}/{1}] ", done, total).str();
    constexpr int kWidth = 24;
    int filled = int(kWidth * fraction);
    line += std::string(filled, '#') + std::string(kWidth - filled, '.');
    line +=
        llvm::formatv(" {0,3}%  {1:f1}s", int(100 * fraction), elapsed).str();
    if (progress > 0 && done < total)
      line += llvm::formatv("  ETA {0:f0}s",
                            elapsed / progress * (total - progress))
                  .str();
    // The file name and its phase: the bar must fit one line.
    if (!running.empty()) {
      auto &[input, phase] = *running.begin();
      line += "  " + path::filename(input).str();
      if (phase)
        line += " " + getPhaseName(static_cast<Phase>(
                                       std::min(phase->load(), phases - 1)))
                          .str();
      if (running.size() > 1)
        line += " (+" + std::to_string(running.size() - 1) + ")";
    }
    struct winsize size = {};
    unsigned columns =
        ioctl(2, TIOCGWINSZ, &size) == 0 && size.ws_col ? size.ws_col : 80;
    if (line.size() >= columns)
      line.resize(columns - 1);
    llvm::errs() << "\r\x1b[K" << line;
    llvm::errs().flush();
    drawn = true;
  }

  const BatchRequest &request;
  size_t total, done = 0;
  unsigned phases;
  Clock::time_point start;
  std::mutex mutex;
  std::map<std::string, const SharedCounter *> running;
  bool drawn = false;
};

std::string jsonReport(const std::vector<InputResult> &results, unsigned jobs,
                       bool threadedInputs, double seconds) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream json(os, 2);
  unsigned failed = 0, cancelled = 0, crashed = 0;
  for (const InputResult &result : results) {
    failed += result.status == Status::Failed;
    cancelled += result.status == Status::Cancelled;
    crashed += result.status == Status::Crashed;
  }
  // Times in milliseconds to the microsecond, not to 17 digits.
  auto milliseconds = [&](llvm::StringRef key, double value) {
    json.attributeBegin(key);
    json.rawValue(llvm::formatv("{0:f3}", value).str());
    json.attributeEnd();
  };
  json.object([&] {
    json.attribute("tool", "tessera compile");
    json.attribute("jobs", jobs);
    // Whether each input's compile used the cores itself (inputs one at
    // a time) or ran on one thread.
    json.attribute("threaded_inputs", threadedInputs);
    milliseconds("total_ms", seconds * 1e3);
    json.attributeObject("summary", [&] {
      json.attribute("inputs", int64_t(results.size()));
      json.attribute("succeeded",
                     int64_t(results.size() - failed - cancelled - crashed));
      json.attribute("failed", failed);
      json.attribute("cancelled", cancelled);
      json.attribute("crashed", crashed);
    });
    json.attributeArray("inputs", [&] {
      for (const InputResult &result : results)
        json.object([&] {
          json.attribute("input", result.planned.input);
          json.attribute("output",
                         result.status == Status::Succeeded
                             ? llvm::json::Value(result.planned.output)
                             : llvm::json::Value(nullptr));
          json.attribute("status", statusName(result.status));
          if (result.status == Status::Crashed) {
            json.attribute("reproducer", result.reproducer);
            if (!result.reproducerFile.empty())
              json.attribute("reproducer_file", result.reproducerFile);
          }
          json.attributeArray("diagnostics", [&] {
            for (const Diagnostic &diag : result.diagnostics)
              json.object([&] {
                json.attribute("file", diag.file);
                json.attribute("line", diag.line);
                json.attribute("column", diag.column);
                json.attribute("severity",
                               Diagnostic::severityName(diag.severity));
                json.attribute("message", diag.message);
                json.attribute("phase", diag.phase);
                json.attribute("pass", diag.pass);
              });
          });
          json.attributeObject("phase_ms", [&] {
            for (auto &[phase, ms] : result.phaseMs)
              milliseconds(phase, ms);
          });
          milliseconds("total_ms", result.totalMs);
          json.attribute("dispatches", result.dispatches);
          json.attribute("executables", result.executables);
          json.attributeObject("sizes", [&] {
            json.attribute("output_bytes", int64_t(result.outputBytes));
            json.attribute("executable_bytes", int64_t(result.executableBytes));
            json.attribute("constant_bytes", int64_t(result.constantBytes));
          });
        });
    });
  });
  os << "\n";
  return text;
}

std::string xmlEscaped(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      // XML 1.0 has no other control characters than tab and newlines.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' &&
          c != '\r')
        out += ' ';
      else
        out += c;
    }
  }
  return out;
}

std::string junitReport(const std::vector<InputResult> &results,
                        double seconds) {
  unsigned failed = 0, cancelled = 0, crashed = 0;
  for (const InputResult &result : results) {
    failed += result.status == Status::Failed;
    cancelled += result.status == Status::Cancelled;
    crashed += result.status == Status::Crashed;
  }
  std::string counts =
      llvm::formatv("tests=\"{0}\" failures=\"{1}\" "
                    "errors=\"{4}\" skipped=\"{2}\" "
                    "time=\"{3:f3}\"",
                    results.size(), failed, cancelled, seconds, crashed)
          .str();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<testsuites name=\"tessera compile\" " +
                    counts + ">\n  <testsuite name=\"tessera compile\" " +
                    counts + ">\n";
  for (const InputResult &result : results) {
    out += "    <testcase classname=\"tessera.compile\" name=\"" +
           xmlEscaped(result.planned.input) + "\" file=\"" +
           xmlEscaped(result.planned.input) +
           llvm::formatv("\" time=\"{0:f3}\"", result.totalMs / 1e3).str();
    if (result.status == Status::Succeeded) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (result.status == Status::Cancelled) {
      out += "      <skipped message=\"interrupted\"/>\n";
    } else {
      std::string first, all;
      for (const Diagnostic &diag : result.diagnostics) {
        if (first.empty() && diag.severity == Diagnostic::Severity::Error)
          first = diag.format();
        all += diag.format() + "\n";
      }
      // A crash is an error of the tool, not a failure of the input.
      const char *element =
          result.status == Status::Crashed ? "error" : "failure";
      out += std::string("      <") + element + " type=\"" +
             (result.status == Status::Crashed ? "crash" : "error") +
             "\" message=\"" + xmlEscaped(first) + "\">" + xmlEscaped(all) +
             "</" + element + ">\n";
    }
    out += "    </testcase>\n";
  }
  return out + "  </testsuite>\n</testsuites>\n";
}

} // namespace

std::string depfileRule(const std::string &target,
                        const std::vector<std::string> &dependencies) {
  auto escape = [](llvm::StringRef file) {
    std::string out;
    for (char c : file) {
      if (c == ' ' || c == '#' || c == '\\')
        out += '\\';
      if (c == '$')
        out += '$';
      out += c;
    }
    return out;
  };
  // Dependencies absolute: a build tool running the compile elsewhere
  // (another working directory) still finds them.
  std::string rule = escape(target) + ":";
  for (const std::string &dependency : dependencies) {
    llvm::SmallString<256> absolute(dependency);
    fs::make_absolute(absolute);
    path::remove_dots(absolute, /*remove_dot_dot=*/true);
    rule += " \\\n  " + escape(absolute);
  }
  return rule + "\n";
}

int runBatchCompile(const BatchRequest &request,
                    const CompileOptions &options) {
  auto start = Clock::now();
  std::vector<PlannedInput> planned = planInputs(request);
  std::vector<InputResult> results(planned.size());
  Progress progress(request, planned.size(),
                    static_cast<unsigned>(options.compileTo) + 1);

  interrupted.store(false);
  llvm::sys::SetInterruptFunction(onInterrupt);
  std::atomic<size_t> next{0};
  std::atomic<unsigned> running{0};
  std::mutex doneMutex;
  std::condition_variable doneChanged;
  // More than one input: each compiles in a process of its own, so that a
  // crash costs that input only (~25 ms per input: what each child sets up
  // again; a warm-up compile here first would leave threads whose locks
  // the children inherit held).
  bool isolate = planned.size() > 1;
  unsigned jobs =
      std::max(1u, std::min<unsigned>(request.jobs,
                                      std::max<size_t>(1, planned.size())));
  // Inputs that compile one at a time (a single input, or -j1) use the
  // cores inside each compile: codegen and LLVM's per-part threads.
  // Several at a time each run on one thread, as the cores are taken.
  CompileOptions inputOptions = options;
  inputOptions.multithreaded = jobs <= 1;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < planned.size();) {
      SharedCounter phase;
      progress.started(planned[i].input, &phase);
      results[i] =
          isolate && planned[i].problem.empty() && !interrupted.load()
              ? compileInputIsolated(planned[i], request, inputOptions, &phase)
              : compileInput(planned[i], request, inputOptions, &phase);
      progress.finished(results[i]);
    }
    std::lock_guard<std::mutex> lock(doneMutex);
    --running;
    doneChanged.notify_all();
  };
  std::vector<std::thread> threads;
  running = jobs;
  for (unsigned j = 0; j < jobs; ++j)
    threads.emplace_back(work);
  {
    // The bar's clock moves while inputs compile.
    std::unique_lock<std::mutex> lock(doneMutex);
    while (!doneChanged.wait_for(lock, std::chrono::milliseconds(250),
                                 [&] { return running == 0; }))
      progress.tick();
  }
  for (std::thread &thread : threads)
    thread.join();
  progress.close();
  llvm::sys::SetInterruptFunction(nullptr);
  double seconds = secondsSince(start);

  unsigned failed = 0, cancelled = 0, crashed = 0;
  for (const InputResult &result : results) {
    failed += result.status == Status::Failed;
    cancelled += result.status == Status::Cancelled;
    crashed += result.status == Status::Crashed;
  }
  int exitCode = interrupted.load()  ? 130
                 : failed || crashed ? kCompileError
                                     : kSuccess;

  auto write = [&](const std::string &file, const std::string &text) {
    if (llvm::Error error = writeFileAtomically(file, text)) {
      llvm::errs() << "tessera compile: " << llvm::toString(std::move(error))
                   << "\n";
      if (exitCode == kSuccess)
        exitCode = kCompileError;
    }
  };
  if (!request.report.empty())
    write(request.report,
          request.reportFormat == "junit"
              ? junitReport(results, seconds)
              : jsonReport(results, jobs, inputOptions.multithreaded, seconds));
  if (!request.depfile.empty()) {
    std::string rules;
    for (const InputResult &result : results)
      if (result.status == Status::Succeeded)
        rules += depfileRule(result.planned.output, result.dependencies);
    write(request.depfile, rules);
  }

  size_t succeeded = results.size() - failed - cancelled - crashed;
  if (!request.quiet || failed || crashed) {
    llvm::outs() << llvm::formatv(
        "compiled {0} of {1} inputs in {2:f2} s ({3:f1} files/s, {4} "
        "job{5})",
        succeeded, results.size(), seconds,
        // Failed inputs took their time too.
        seconds > 0 ? (succeeded + failed + crashed) / seconds : 0.0, jobs,
        jobs == 1 ? "" : "s");
    if (failed)
      llvm::outs() << "; " << failed << " failed";
    if (crashed)
      llvm::outs() << "; " << crashed << " crashed the compiler";
    if (cancelled)
      llvm::outs() << "; " << cancelled << " cancelled by the interrupt";
    llvm::outs() << "\n";
    for (const InputResult &result : results)
      if (result.status == Status::Failed)
        llvm::outs() << "  failed: " << result.planned.input << "\n";
      else if (result.status == Status::Crashed)
        llvm::outs() << "  crashed: " << result.planned.input
                     << " (reproduce: " << result.reproducer
                     << (result.reproducerFile.empty()
                             ? ""
                             : "; crash reproducer: " + result.reproducerFile)
                     << ")\n";
    llvm::outs().flush();
  }
  return exitCode;
}

} // namespace tessera::cli

//===- Conformance.cpp - tessera-conformance: differential testing --------===//
//
// Generates random valid linalg-on-tensors programs, runs each through
// upstream MLIR's reference lowering and through Tessera on every device
// asked for, and compares the results. Programs run in worker processes:
// a crash or a hang costs one program, reported with its seed, not the run.
//
//===----------------------------------------------------------------------===//

#include "HostTensor.h"
#include "ProgramGenerator.h"
#include "ReferenceRunner.h"
#include "TesseraRunner.h"
#include "Tool/CommandLine.h"

#include "Pipeline/CrashMessage.h"
#include "Pipeline/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace llvm;
using namespace tessera::conformance;

namespace {

cl::OptionCategory category("Options");
cl::opt<uint64_t>
    seedFlag("seed", cl::desc("Seed of the program sequence (default: 1)"),
             cl::value_desc("N"), cl::init(1), cl::cat(category));
cl::opt<unsigned> countFlag("count", cl::desc("Programs to run (default: 100)"),
                            cl::value_desc("N"), cl::init(100),
                            cl::cat(category));
cl::opt<int64_t> onlyFlag("only",
                          cl::desc("Run only program INDEX of the sequence "
                                   "(to reproduce a failure)"),
                          cl::value_desc("INDEX"), cl::init(-1),
                          cl::cat(category));
cl::opt<std::string>
    deviceFlag("device",
               cl::desc("Devices, comma-separated: cpu (inline and with task "
                        "workers; default), cpu-inline, cpu-threaded, vulkan"),
               cl::value_desc("devices"), cl::init("cpu"), cl::cat(category));
cl::opt<unsigned>
    jobsFlag("jobs",
             cl::desc("Worker processes (default: the cores available)"),
             cl::value_desc("N"), cl::init(0), cl::cat(category));
cl::opt<unsigned> jobsShort("j", cl::desc("Same as --jobs (-j2, -j 2)"),
                            cl::value_desc("N"), cl::init(0), cl::Prefix,
                            cl::cat(category));
cl::opt<bool> minimizeFlag(
    "minimize",
    cl::desc("Shrink each failing program (drop steps, shrink sizes) and "
             "write it as a lit regression test into --minimize-dir"),
    cl::cat(category));
cl::opt<std::string>
    minimizeDir("minimize-dir",
                cl::desc("Where --minimize writes tests (default: .)"),
                cl::value_desc("DIR"), cl::init("."), cl::cat(category));
cl::opt<std::string>
    programFlag("program",
                cl::desc("Check one program file (a test --minimize wrote) "
                         "instead of generating programs"),
                cl::value_desc("FILE.mlir"), cl::cat(category));
cl::opt<bool> noValidation("no-vulkan-validation",
                           cl::desc("Run Vulkan without the validation layer"),
                           cl::cat(category));
cl::opt<unsigned>
    timeoutFlag("timeout",
                cl::desc("Seconds one program may take (default: 300)"),
                cl::value_desc("s"), cl::init(300), cl::cat(category));
cl::opt<std::string> writePrograms(
    "write-programs",
    cl::desc("Write the programs into DIR (program-INDEX.mlir, each a "
             "--program file) without running them: for other tools "
             "(tessera-lsp --check, the explorer) to take the same inputs"),
    cl::value_desc("DIR"), cl::cat(category));
cl::opt<double> perturbFlag(
    "perturb-results",
    cl::desc("Add this to the first element of every result Tessera "
             "returns (f32 only), to check that the comparison catches it"),
    cl::init(0), cl::Hidden, cl::cat(category));
cl::opt<bool> printPrograms("print-programs",
                            cl::desc("Print every program, not only failures"),
                            cl::cat(category));

uint64_t programSeed(uint64_t seed, uint64_t index) {
  return seed * 0x100000001b3ull + index;
}
uint64_t inputSeed(uint64_t program) { return program ^ 0x5eedf00dull; }

/// How one program fared.
struct Verdict {
  enum Kind { Pass = 0, Fail = 1, Refused = 2 } kind = Pass;
  std::string failureClass; // "mismatch on cpu", "crash", ...
  std::string message;
};

std::vector<DeviceKind> devices;

/// The checked program: the reference's results against every device's.
Verdict check(const Program &program, uint64_t seed, ReferenceRunner &reference,
              TesseraRunner &tessera) {
  std::vector<HostTensor> inputs = makeInputs(program, seed);
  std::vector<HostTensor> expected;
  std::string error = reference.run(program, inputs, expected);
  if (!error.empty())
    return {Verdict::Fail, "reference failure", error};
  Verdict verdict;
  for (DeviceKind device : devices) {
    std::string where = deviceKindName(device);
    RunOutcome outcome = tessera.run(program, inputs, device);
    switch (outcome.kind) {
    case RunOutcome::Kind::Refused:
      if (verdict.kind == Verdict::Pass)
        verdict = {Verdict::Refused, "refused on " + where, outcome.message};
      continue;
    case RunOutcome::Kind::CompileFailure:
      return {Verdict::Fail, "internal compile error on " + where,
              outcome.message};
    case RunOutcome::Kind::RuntimeFailure:
      return {Verdict::Fail, "runtime failure on " + where, outcome.message};
    case RunOutcome::Kind::Ok:
      break;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      HostTensor &result = outcome.results[i];
      if (perturbFlag != 0 && result.spec.element == Element::F32 &&
          result.bytes.size() >= 4) {
        float first;
        std::memcpy(&first, result.bytes.data(), 4);
        first += float(perturbFlag);
        std::memcpy(result.bytes.data(), &first, 4);
      }
      std::string difference = compareResults(expected[i], result);
      if (!difference.empty())
        return {Verdict::Fail, "mismatch on " + where,
                "result #" + std::to_string(i) + " (" +
                    shapeText(expected[i].spec.shape) + "x" +
                    elementName(expected[i].spec.element) + "): " + difference};
    }
  }
  return verdict;
}

// --- Worker processes -----------------------------------------------------

void writeAll(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      _exit(3);
    }
    done += n;
  }
}

std::string encode(uint64_t index, const Verdict &verdict) {
  return "R " + std::to_string(index) + " " + std::to_string(verdict.kind) +
         " " + std::to_string(verdict.failureClass.size()) + " " +
         std::to_string(verdict.message.size()) + "\n" + verdict.failureClass +
         verdict.message;
}

/// Runs `work(index)` for each index in a child process, writing "B index"
/// before and the encoded verdict after; returns the child's pid and the
/// read end of its pipe.
template <typename Work>
std::pair<pid_t, int> spawn(const std::vector<uint64_t> &indices, Work work) {
  int fds[2];
  if (::pipe(fds) != 0) {
    perror("pipe");
    exit(2);
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = ::fork();
  if (pid < 0) {
    perror("fork");
    exit(2);
  }
  if (pid == 0) {
    ::close(fds[0]);
    for (uint64_t index : indices) {
      writeAll(fds[1], "B " + std::to_string(index) + "\n");
      ::alarm(timeoutFlag);
      Verdict verdict = work(index);
      ::alarm(0);
      writeAll(fds[1], encode(index, verdict));
    }
    ::close(fds[1]);
    _exit(0);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

std::string describeStatus(int status) {
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    if (signal == SIGALRM)
      return "timed out after " + std::to_string(timeoutFlag) + " s";
    return std::string("crashed: signal ") + std::to_string(signal) + " (" +
           strsignal(signal) + ")";
  }
  return "worker exited with status " + std::to_string(WEXITSTATUS(status)) +
         " mid-program";
}

/// Runs `indices` over `jobs` worker processes; a worker that dies is
/// replaced, its program recorded as crashed. `work` runs in the workers.
template <typename Work>
std::map<uint64_t, Verdict> runAll(const std::vector<uint64_t> &indices,
                                   unsigned jobs, Work work,
                                   bool progress = false) {
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::vector<uint64_t> pending; // not yet reported, in order
    std::string buffer;
    int64_t current = -1;
  };
  std::vector<Worker> workers(
      std::max(1u, std::min<unsigned>(jobs, indices.size())));
  for (size_t i = 0; i < indices.size(); ++i)
    workers[i % workers.size()].pending.push_back(indices[i]);
  for (Worker &worker : workers)
    std::tie(worker.pid, worker.fd) = spawn(worker.pending, work);

  std::map<uint64_t, Verdict> verdicts;
  size_t reported = 0, nextProgress = 100;
  auto start = std::chrono::steady_clock::now();
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Worker *> owners;
    for (Worker &worker : workers)
      if (worker.fd >= 0) {
        fds.push_back({worker.fd, POLLIN, 0});
        owners.push_back(&worker);
      }
    if (fds.empty())
      break;
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      perror("poll");
      exit(2);
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!fds[k].revents)
        continue;
      Worker &worker = *owners[k];
      char chunk[65536];
      ssize_t n = ::read(worker.fd, chunk, sizeof(chunk));
      if (n > 0) {
        worker.buffer.append(chunk, n);
        // Parse whole records.
        while (true) {
          size_t eol = worker.buffer.find('\n');
          if (eol == std::string::npos)
            break;
          std::string head = worker.buffer.substr(0, eol);
          if (head[0] == 'B') {
            worker.current = std::stoll(head.substr(2));
            worker.buffer.erase(0, eol + 1);
            continue;
          }
          unsigned long long index;
          int kind;
          size_t classSize, messageSize;
          if (sscanf(head.c_str(), "R %llu %d %zu %zu", &index, &kind,
                     &classSize, &messageSize) != 4) {
            fprintf(stderr, "tessera-conformance: bad worker record\n");
            exit(2);
          }
          if (worker.buffer.size() < eol + 1 + classSize + messageSize)
            break;
          Verdict verdict;
          verdict.kind = Verdict::Kind(kind);
          verdict.failureClass = worker.buffer.substr(eol + 1, classSize);
          verdict.message =
              worker.buffer.substr(eol + 1 + classSize, messageSize);
          worker.buffer.erase(0, eol + 1 + classSize + messageSize);
          verdicts[index] = verdict;
          worker.pending.erase(worker.pending.begin());
          worker.current = -1;
          ++reported;
        }
        continue;
      }
      // The worker is done, or died.
      ::close(worker.fd);
      worker.fd = -1;
      int status = 0;
      ::waitpid(worker.pid, &status, 0);
      bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (clean && worker.pending.empty())
        continue;
      if (!worker.pending.empty()) {
        uint64_t lost = worker.pending.front();
        verdicts[lost] = {Verdict::Fail,
                          WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM
                              ? "timeout"
                              : "crash",
                          describeStatus(status)};
        worker.pending.erase(worker.pending.begin());
        ++reported;
      }
      worker.buffer.clear();
      if (!worker.pending.empty())
        std::tie(worker.pid, worker.fd) = spawn(worker.pending, work);
    }
    if (progress && reported >= nextProgress) {
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count();
      errs() << "[" << reported << "/" << indices.size() << "] "
             << format("%.0f", seconds) << " s\n";
      nextProgress += 100;
    }
  }
  return verdicts;
}

// --- Program files (regression tests) ---------------------------------------

/// The header line a regression test carries: what the signature alone does
/// not say (concrete sizes of dynamic dimensions, accumulation lengths).
std::string specLine(const Program &program) {
  auto list = [](const std::vector<TensorSpec> &specs, bool accumulation) {
    std::string out;
    for (size_t i = 0; i < specs.size(); ++i) {
      out += (i ? "," : "") + shapeText(specs[i].shape);
      if (accumulation)
        out += "@" + std::to_string(int64_t(specs[i].accumulation));
    }
    return out;
  };
  return std::string("// conformance: element=") +
         elementName(program.inputs.empty() ? Element::F32
                                            : program.inputs[0].element) +
         " inputs=" + list(program.inputs, false) +
         " results=" + list(program.results, true);
}

std::optional<Program> readProgramFile(const std::string &path,
                                       std::string &error) {
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer) {
    error = path + ": " + buffer.getError().message();
    return std::nullopt;
  }
  Program program;
  program.text = (*buffer)->getBuffer().str();
  StringRef text = (*buffer)->getBuffer();
  size_t at = text.find("func.func @");
  if (at == StringRef::npos) {
    error = path + ": no func.func";
    return std::nullopt;
  }
  program.function =
      text.substr(at + 11).take_until([](char c) { return c == '('; }).str();
  size_t line = text.find("// conformance: ");
  if (line == StringRef::npos) {
    error = path + ": no '// conformance: element=... inputs=... "
                   "results=...' line";
    return std::nullopt;
  }
  StringRef spec =
      text.substr(line + 16).take_until([](char c) { return c == '\n'; });
  Element element = Element::F32;
  SmallVector<StringRef> fields;
  spec.split(fields, ' ', -1, false);
  auto parseShapes = [&](StringRef list, std::vector<TensorSpec> &out) {
    SmallVector<StringRef> items;
    list.split(items, ',', -1, false);
    for (StringRef item : items) {
      TensorSpec tensor;
      tensor.element = element;
      auto [shape, accumulation] = item.split('@');
      if (!accumulation.empty())
        tensor.accumulation = std::stod(accumulation.str());
      if (shape != "scalar") {
        SmallVector<StringRef> dims;
        shape.split(dims, 'x');
        for (StringRef dim : dims)
          tensor.shape.push_back(std::stoll(dim.str()));
      }
      out.push_back(tensor);
    }
  };
  for (StringRef field : fields) {
    auto [key, value] = field.split('=');
    if (key == "element") {
      for (Element e : {Element::F32, Element::F16, Element::I32, Element::I8})
        if (value == elementName(e))
          element = e;
    } else if (key == "inputs") {
      parseShapes(value, program.inputs);
    } else if (key == "results") {
      parseShapes(value, program.results);
    }
  }
  return program;
}

/// Writes a minimized failing program as a lit test that fails until the
/// bug is fixed.
std::string writeRegressionTest(const Program &program, uint64_t seed,
                                int64_t index, const Verdict &verdict,
                                const std::string &deviceList) {
  std::string name = minimizeDir + "/conformance-" + std::to_string(seed) +
                     "-" + std::to_string(index) + ".mlir";
  std::string text =
      "// Found by tessera-conformance --seed=" + std::to_string(seed) +
      " --only=" + std::to_string(index) + " (" + verdict.failureClass +
      "), minimized.\n// RUN: tessera-conformance --program=%s --device=" +
      deviceList + " | FileCheck %s\n// CHECK: 1 passed, 0 failed\n" +
      specLine(program) + "\n\n" + program.text;
  std::string temporary = name + ".tmp";
  {
    std::ofstream out(temporary);
    out << text;
    if (!out) {
      errs() << "tessera-conformance: cannot write " << name << "\n";
      return "";
    }
  }
  if (std::rename(temporary.c_str(), name.c_str()) != 0)
    return "";
  return name;
}

/// A verdict computed in a child process (a crash is a verdict too).
Verdict checkIsolated(const ProgramSpec &spec, uint64_t seed) {
  auto verdicts = runAll({0}, 1, [&](uint64_t) {
    static ReferenceRunner reference;
    static TesseraRunner tessera(!noValidation);
    return check(generateProgram(spec), seed, reference, tessera);
  });
  return verdicts[0];
}

/// Drops steps, then shrinks sizes, while the failure stays the same.
ProgramSpec minimize(ProgramSpec spec, uint64_t seed, const Verdict &failure) {
  unsigned steps = stepCount(spec.seed);
  spec.dropped.assign(steps, false);
  auto same = [&](const ProgramSpec &candidate) {
    Verdict verdict = checkIsolated(candidate, seed);
    return verdict.kind == Verdict::Fail &&
           verdict.failureClass == failure.failureClass;
  };
  for (unsigned step = 0; step < steps; ++step) {
    ProgramSpec candidate = spec;
    candidate.dropped[step] = true;
    if (same(candidate))
      spec = candidate;
  }
  for (int shrink : {8, 4, 2}) {
    ProgramSpec candidate = spec;
    candidate.shrink = shrink;
    if (same(candidate)) {
      spec = candidate;
      break;
    }
  }
  return spec;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::tessera::setCrashMessage("tessera-conformance", argc, argv);
  mlir::tessera::setVersionPrinter("tessera-conformance");
  mlir::tessera::ToolDescription tool{
      "tessera-conformance",
      "[options]",
      "Differential testing: random linalg programs run by Tessera and by "
      "upstream MLIR's reference\nlowering, results compared; failures "
      "shrink into lit regression tests (--minimize).",
      {&category},
      {"tessera-conformance --seed=7 --count=200 -j2",
       "tessera-conformance --seed=7 --only=42 --minimize --minimize-dir=t/",
       "tessera-conformance --program=t/conformance-7-42.mlir "
       "--device=cpu,vulkan"},
      {}};
  if (std::optional<int> exit =
          mlir::tessera::parseToolCommandLine(argc, argv, tool))
    return *exit;

  SmallVector<StringRef> names;
  StringRef(deviceFlag).split(names, ',', -1, false);
  for (StringRef name : names) {
    if (name == "cpu") {
      devices.push_back(DeviceKind::CpuInline);
      devices.push_back(DeviceKind::CpuThreaded);
    } else if (name == "cpu-inline") {
      devices.push_back(DeviceKind::CpuInline);
    } else if (name == "cpu-threaded") {
      devices.push_back(DeviceKind::CpuThreaded);
    } else if (name == "vulkan") {
      devices.push_back(DeviceKind::Vulkan);
    } else {
      errs() << "tessera-conformance: unknown device '" << name
             << "' (cpu, cpu-inline, cpu-threaded, vulkan)\n";
      return 2;
    }
  }
  if (devices.empty()) {
    errs() << "tessera-conformance: --device names no device\n";
    return 2;
  }
  unsigned jobs = jobsShort ? unsigned(jobsShort)
                  : jobsFlag
                      ? unsigned(jobsFlag)
                      : std::max(1u, std::thread::hardware_concurrency());

  if (!programFlag.empty()) {
    std::string error;
    std::optional<Program> program = readProgramFile(programFlag, error);
    if (!program) {
      errs() << "tessera-conformance: " << error << "\n";
      return 2;
    }
    auto verdicts = runAll({0}, 1, [&](uint64_t) {
      ReferenceRunner reference;
      TesseraRunner tessera(!noValidation);
      return check(*program, inputSeed(0), reference, tessera);
    });
    const Verdict &verdict = verdicts[0];
    if (verdict.kind == Verdict::Fail)
      outs() << "FAIL " << programFlag << ": " << verdict.failureClass << ": "
             << verdict.message << "\n";
    if (verdict.kind == Verdict::Refused)
      outs() << "refused: " << verdict.message << "\n";
    outs() << (verdict.kind == Verdict::Fail ? 0 : 1) << " passed, "
           << (verdict.kind == Verdict::Fail ? 1 : 0) << " failed\n";
    return verdict.kind == Verdict::Fail ? 1 : 0;
  }

  // Vulkan asked for but absent: said once, then the CPU runs alone.
  if (std::count(devices.begin(), devices.end(), DeviceKind::Vulkan)) {
    auto probe = runAll({0}, 1, [&](uint64_t) -> Verdict {
      TesseraRunner tessera(!noValidation);
      std::string why;
      if (tessera.hasVulkan(&why))
        return {};
      return {Verdict::Fail, "no vulkan", why};
    });
    if (probe[0].kind == Verdict::Fail) {
      outs() << "note: no Vulkan device (" << probe[0].message
             << "); running the CPU devices only\n";
      devices.erase(
          std::remove(devices.begin(), devices.end(), DeviceKind::Vulkan),
          devices.end());
      if (devices.empty())
        return 1;
    }
  }

  if (!writePrograms.empty()) {
    if (std::error_code error = sys::fs::create_directories(writePrograms)) {
      errs() << "tessera-conformance: " << writePrograms << ": "
             << error.message() << "\n";
      return 2;
    }
    uint64_t first = onlyFlag >= 0 ? uint64_t(onlyFlag) : 0;
    uint64_t count = onlyFlag >= 0 ? 1 : uint64_t(countFlag);
    for (uint64_t index = first; index < first + count; ++index) {
      ProgramSpec spec;
      spec.seed = programSeed(seedFlag, index);
      Program program = generateProgram(spec);
      std::string path =
          writePrograms + "/program-" + std::to_string(index) + ".mlir";
      std::ofstream out(path);
      out << "// tessera-conformance --seed=" << seedFlag << " --only=" << index
          << "\n"
          << specLine(program) << "\n\n"
          << program.text;
      if (!out) {
        errs() << "tessera-conformance: cannot write " << path << "\n";
        return 2;
      }
    }
    outs() << count << " programs written to " << writePrograms << "\n";
    return 0;
  }

  std::vector<uint64_t> indices;
  if (onlyFlag >= 0)
    indices.push_back(onlyFlag);
  else
    for (uint64_t i = 0; i < countFlag; ++i)
      indices.push_back(i);
  uint64_t seed = seedFlag;
  auto started = std::chrono::steady_clock::now();
  auto verdicts = runAll(
      indices, jobs,
      [&](uint64_t index) {
        static ReferenceRunner reference;
        static TesseraRunner tessera(!noValidation);
        ProgramSpec spec;
        spec.seed = programSeed(seed, index);
        Program program = generateProgram(spec);
        if (printPrograms) {
          std::string text =
              "// program " + std::to_string(index) + "\n" + program.text;
          fputs(text.c_str(), stdout);
          fflush(stdout);
        }
        return check(program, inputSeed(spec.seed), reference, tessera);
      },
      /*progress=*/indices.size() >= 200);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();

  unsigned passed = 0, failed = 0, refused = 0;
  std::map<std::string, unsigned> classes;
  std::vector<std::pair<uint64_t, Verdict>> refusals;
  for (auto &[index, verdict] : verdicts) {
    if (verdict.kind == Verdict::Pass) {
      ++passed;
      continue;
    }
    if (verdict.kind == Verdict::Refused) {
      ++refused;
      ++passed; // a clear refusal is a correct answer
      refusals.push_back({index, verdict});
      continue;
    }
    ++failed;
    ++classes[verdict.failureClass];
    ProgramSpec spec;
    spec.seed = programSeed(seed, index);
    Program program = generateProgram(spec);
    outs() << "FAIL program " << index << " (" << verdict.failureClass
           << "): " << verdict.message << "\n  steps:";
    for (const std::string &step : program.steps)
      outs() << " [" << step << "]";
    outs() << "\n  reproduce: tessera-conformance --seed=" << seed
           << " --only=" << index << " --device=" << deviceFlag
           << "\n  input seed: " << inputSeed(spec.seed) << "\n"
           << program.text;
    if (minimizeFlag) {
      ProgramSpec small = minimize(spec, inputSeed(spec.seed), verdict);
      Program reduced = generateProgram(small);
      std::string file =
          writeRegressionTest(reduced, seed, index, verdict, deviceFlag);
      outs() << "  minimized (" << reduced.steps.size() << " of "
             << program.steps.size() << " steps, sizes / " << small.shrink
             << "): " << (file.empty() ? "not written" : file) << "\n";
    }
    outs() << "\n";
  }
  if (!refusals.empty()) {
    outs() << "refusals:\n";
    for (auto &[index, verdict] : refusals)
      outs() << "  program " << index << " (" << verdict.failureClass
             << "): " << verdict.message << "\n";
  }
  for (auto &[name, count] : classes)
    outs() << "failures: " << count << " " << name << "\n";
  outs() << "devices:";
  for (DeviceKind device : devices)
    outs() << " " << deviceKindName(device);
  outs() << "; " << format("%.1f", seconds) << " s\n";
  outs() << "refused: " << refused << " (counted as passed: a clear refusal)\n";
  outs() << passed << " passed, " << failed << " failed\n";
  return failed ? 1 : 0;
}

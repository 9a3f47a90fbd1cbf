//===- RunCommand.cpp - tessera run ---------------------------------------===//
//
// iree-run-module's interface on Tessera's runtime: inputs and expected
// outputs in IREE's tensor grammar or .npy files, results printed IREE-style.
// A .mlir input is compiled in memory first.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "Pipeline/InputFile.h"
#include "Pipeline/OutputFile.h"
#include "Tool/CommandLine.h"

#include "Import/ONNX/ImportONNX.h"
#include "Npy.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/DispatchGraph.h"
#include "Profile.h"
#include "TensorCompare.h"
#include "TensorText.h"
#include "TextElide.h"
#include "tessera/runtime/DeviceRegistry.h"
#include "tessera/runtime/Session.h"
#include "tessera/runtime/VulkanDevice.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>
#include <memory>
#include <optional>

using namespace llvm;
using namespace tessera;
using mlir::tessera::parseToolCommandLine;
using mlir::tessera::ToolDescription;

namespace tessera::cli {

namespace {

struct RunFlags {
  cl::OptionCategory call{"Function, inputs and results"};
  cl::OptionCategory deviceCategory{"Device and loading"};
  cl::OptionCategory profiling{"Repetitions and profiling"};
  cl::opt<std::string> module{
      cl::Positional, cl::desc("<module.tsm | program.mlir | model.onnx>"),
      cl::cat(call)};
  cl::opt<std::string> function{
      "function",
      cl::desc("Function to call, @name or name (optional when the module "
               "has one)"),
      cl::value_desc("name"), cl::cat(call)};
  cl::list<std::string> inputs{
      "input",
      cl::desc("An input, in order: 3.5, 2x3xf32=1,2,3,4,5,6, "
               "\"2x2xi32=[[1 2][3 4]]\", 2xi32 (zeros), @x.npy, +x.npy"),
      cl::value_desc("value"), cl::cat(call)};
  cl::list<std::string> outputs{
      "output",
      cl::desc("Where result N goes, in order: - (print), @y.npy (write), "
               "+y.npy (append); results without one are printed"),
      cl::cat(call)};
  cl::list<std::string> expected{
      "expected_output",
      cl::desc("Expected value of result N, in the --input grammar"),
      cl::value_desc("value"), cl::cat(call)};
  cl::opt<double> tolerance{
      "tolerance",
      cl::desc("Float results match when |actual - expected| <= tolerance * "
               "max(1, |expected|)"),
      cl::value_desc("number"), cl::init(1e-4), cl::cat(call)};
  cl::opt<int64_t> maxElements{
      "output_max_element_count",
      cl::desc("Print at most N elements per result (default: 1024)"),
      cl::value_desc("N"), cl::init(1024), cl::cat(call)};
  cl::opt<std::string> device{
      "device",
      cl::desc("Device: cpu (default), cpu?workers=N, vulkan or vulkan://N"),
      cl::value_desc("device"), cl::init("cpu"), cl::cat(deviceCategory)};
  cl::opt<bool> vulkanValidation{
      "vulkan-validation",
      cl::desc("With --device=vulkan: fail on any Khronos validation layer "
               "report"),
      cl::init(false), cl::cat(deviceCategory)};
  cl::opt<bool> listDevices{
      "list-devices",
      cl::desc("List the devices this runtime can use and exit"),
      cl::init(false), cl::cat(deviceCategory)};
  cl::list<std::string> featureOverrides{
      "device-feature-override",
      cl::desc("Choose executable variants as if the CPU had (+name) or "
               "lacked (-name) a feature, e.g. -avx512f"),
      cl::value_desc("features"), cl::CommaSeparated, cl::cat(deviceCategory)};
  cl::opt<int> taskWorkers{
      "task-workers",
      cl::desc("Split CPU dispatches over N threads (default: the cores "
               "available; 0: the calling thread)"),
      cl::value_desc("N"), cl::init(-1), cl::cat(deviceCategory)};
  cl::opt<int> repetitions{
      "repetitions",
      cl::desc("Call the function N times (results of the last; "
               "--profile profiles each)"),
      cl::value_desc("N"), cl::init(1), cl::cat(profiling)};
  cl::opt<std::string> profile{
      "profile",
      cl::desc("Write a Chrome trace (Perfetto) of every call and dispatch; "
               "print the dispatch table"),
      cl::value_desc("FILE"), cl::cat(profiling)};
  cl::opt<std::string> profileCsv{
      "profile-csv", cl::desc("Write the dispatch table as CSV to FILE"),
      cl::value_desc("FILE"), cl::cat(profiling)};
  cl::opt<std::string> trustedKeys{
      "trusted-keys",
      cl::desc("Load only modules signed by a key in FILE (tessera keygen "
               "NAME writes NAME.pub)"),
      cl::value_desc("FILE"), cl::cat(deviceCategory)};
  cl::opt<bool> verbose{
      "verbose",
      cl::desc("Log what loading chose (executables, variants) and every "
               "dispatch (bench: of the profiled calls only)"),
      cl::init(false), cl::cat(profiling)};
};

/// "tessera run" or "tessera bench", for messages.
const char *commandName = "tessera run";

int fail(const std::string &message) {
  errs() << commandName << ": error: " << message << "\n";
  return kCompileError;
}

/// Compiles a .mlir program in memory into module bytes.
/// `path` compiled in memory; for a Vulkan device, with a vulkan-spirv
/// variant first (dispatches it cannot hold stay on the CPU).
/// `vulkanDeviceType` tunes its kernels ("cpu" for lavapipe).
rt::StatusOr<std::string> compileProgram(const std::string &path,
                                         bool forVulkan,
                                         const std::string &vulkanDeviceType) {
  mlir::tessera::CompileSession session;
  mlir::tessera::CompileOptions options;
  options.captureIR = false;
  options.buildModule = true;
  if (forVulkan) {
    options.targets = {"vulkan-spirv", "llvm-cpu"};
    options.vulkanDeviceType = vulkanDeviceType;
  }
  bool ok =
      succeeded(session.loadFile(path)) && succeeded(session.compile(options));
  std::string messages;
  for (const auto &diagnostic : session.getDiagnostics())
    messages += diagnostic.format() + "\n";
  if (!ok)
    return rt::Status::error("cannot compile " + path + ":\n" +
                             StringRef(messages).rtrim().str());
  if (!messages.empty())
    errs() << messages;
  return session.getModuleBytes();
}

} // namespace

/// What `tessera bench` adds to `tessera run`'s flags.
struct BenchFlags {
  cl::OptionCategory category{"Benchmark"};
  BenchFlags()
      : warmup("warmup",
               cl::desc("Untimed calls before the repetitions (default: 3)"),
               cl::value_desc("N"), cl::init(3), cl::cat(category)),
        json("json",
             cl::desc("Write the report as JSON to FILE (-: stdout, "
                      "instead of the table)"),
             cl::value_desc("FILE"), cl::cat(category)) {}
  cl::opt<int> warmup;
  cl::opt<std::string> json;
};

namespace {
int runOrBench(int argc, char **argv, bool bench);
} // namespace

int runRunCommand(int argc, char **argv) {
  return runOrBench(argc, argv, false);
}
int runBenchCommand(int argc, char **argv) {
  return runOrBench(argc, argv, true);
}

namespace {
int runOrBench(int argc, char **argv, bool bench) {
  commandName = bench ? "tessera bench" : "tessera run";
  RunFlags flags;
  std::optional<BenchFlags> benchFlags;
  ToolDescription tool{
      commandName,
      "[options] <module.tsm | program.mlir | model.onnx>",
      bench ? "Times a function of a module: warm-up calls, then timed "
              "repetitions reported as min/median/max\n(no profiler "
              "attached), then as many profiled calls for a table of "
              "dispatches\n(--json for machines). Inputs as for tessera run."
            : "Runs a function of a compiled module (a .mlir program or an "
              ".onnx model is "
              "compiled in memory first) and prints\nor checks its results, "
              "like iree-run-module.",
      {&flags.call, &flags.deviceCategory, &flags.profiling},
      {},
      {}};
  if (bench) {
    benchFlags.emplace();
    flags.repetitions.setInitialValue(10);
    flags.repetitions.setDescription(
        "Timed calls (default: 10), then as many profiled ones for the "
        "dispatch table and --profile's trace");
    // Results are tessera run's (bench refuses them): not in bench's help.
    cl::Option *runOnly[] = {
        std::addressof(flags.outputs), std::addressof(flags.expected),
        std::addressof(flags.tolerance), std::addressof(flags.maxElements)};
    for (cl::Option *option : runOnly)
      option->setHiddenFlag(cl::ReallyHidden);
    tool.categories.push_back(&benchFlags->category);
    tool.examples = {"tessera bench matmul.tsm --input=256x512xf32=1 "
                     "--input=512x128xf32=2",
                     "tessera bench matmul.tsm --input=@a.npy --input=+a.npy "
                     "--repetitions=50 "
                     "--json=bench.json"};
  } else {
    tool.examples = {
        "tessera run examples/elementwise.mlir --input=4xf32=1,2,3,4 "
        "--input=\"4xf32=[2 2 2 2]\" --output=@y.npy",
        "tessera run examples/elementwise.mlir --input=@y.npy "
        "--input=4xf32=0.5   # a result as an input",
        "tessera run matmul.tsm --input=256x512xf32=1 --input=512x128xf32=0.5 "
        "--expected_output=256x128xf32=256"};
  }
  if (std::optional<int> exit = parseToolCommandLine(argc, argv, tool))
    return *exit;
  if (flags.listDevices) {
    outs() << "cpu: the local CPU, dispatches split over "
           << rt::TaskExecutor::availableCores()
           << " task workers (cpu?workers=N: N; cpu?workers=0 or local-sync: "
              "inline, on the calling thread)\n";
    auto vulkanDevices = rt::vulkan::Device::enumerate();
    if (!vulkanDevices) {
      outs() << "vulkan: none (" << vulkanDevices.status().message() << ")\n";
      return 0;
    }
    for (const rt::vulkan::DeviceInfo &info : *vulkanDevices)
      outs() << "vulkan://" << info.index << ": " << info.name << " ("
             << info.type << ", Vulkan " << info.apiVersion << ", subgroup "
             << info.subgroupSize << ")\n";
    return 0;
  }
  // Not cl::Required: lld re-parses the process's options when it links
  // (for .mlir inputs), and a required positional would fail there.
  if (flags.module.empty()) {
    errs() << commandName << ": no module given (" << commandName
           << " MODULE.tsm|"
              "PROGRAM.mlir [options]; see --help)\n";
    return kUsageError;
  }
  std::vector<std::string> inputs(flags.inputs.begin(), flags.inputs.end());
  std::vector<std::string> outputs(flags.outputs.begin(), flags.outputs.end());
  std::vector<std::string> expected(flags.expected.begin(),
                                    flags.expected.end());
  std::string modulePath = flags.module, functionName = flags.function;
  // Every listing prints functions as @name, so accept that spelling too.
  if (StringRef(functionName).starts_with("@"))
    functionName.erase(0, 1);
  double tolerance = flags.tolerance;
  // Negative or NaN would fail every comparison, infinity pass every one.
  if (!std::isfinite(tolerance) || tolerance < 0) {
    errs() << commandName
           << ": error: --tolerance=" << llvm::format("%g", tolerance)
           << ": must be a finite number >= 0\n";
    return kUsageError;
  }
  int64_t maxElements = flags.maxElements;
  // Usage errors, found before anything is loaded or run.
  auto usageError = [&](const std::string &message) {
    errs() << commandName << ": error: " << message << "\n";
    return kUsageError;
  };
  if (flags.taskWorkers.getNumOccurrences() &&
      (flags.taskWorkers < 0 || flags.taskWorkers > 1024))
    return usageError("--task-workers must be 0 (inline) to 1024");
  if (flags.repetitions < 1)
    return usageError("--repetitions must be at least 1");
  if (bench && benchFlags->warmup < 0)
    return usageError("--warmup must be at least 0");
  for (const std::string &target : outputs)
    if (target != "-" &&
        (target.size() < 2 || (target[0] != '@' && target[0] != '+')))
      return usageError("--output='" + target +
                        "': expected - (print), @FILE.npy (write) or "
                        "+FILE.npy (append)" +
                        (StringRef(target).ends_with(".npy")
                             ? "; did you mean --output=@" + target + "?"
                             : ""));
  // bench reports times, not results.
  if (bench && (!outputs.empty() || !expected.empty()))
    return usageError("--output and --expected_output are tessera run's; "
                      "bench reports times (--json=FILE writes them)");

  // Usage errors first: a device name this runtime does not know, a
  // feature override that is not one.
  auto spec = rt::DeviceSpec::parse(flags.device);
  if (!spec)
    return errs() << commandName << ": " << spec.status().message() << "\n",
           kUsageError;
  std::vector<std::string> featureOverrides(flags.featureOverrides.begin(),
                                            flags.featureOverrides.end());
  if (auto features = rt::CpuInfo::create(featureOverrides); !features)
    return errs() << commandName << ": " << features.status().message() << "\n",
           kUsageError;
  // One setting, one place: a flag and the device name's parameter for the
  // same thing would leave the user guessing which one won.
  bool onCpu = spec->scheme == "cpu" || spec->scheme == "local-sync";
  // IREE's local-sync runs dispatches inline, on the calling thread.
  bool inlineOnly = spec->scheme == "local-sync";
  if (flags.taskWorkers.getNumOccurrences() &&
      (spec->parameter("workers") || inlineOnly))
    return usageError("--task-workers and --device=" + flags.device +
                      " both set the CPU's workers; give one");
  if (!featureOverrides.empty() && spec->parameter("features"))
    return usageError("--device-feature-override and --device=" + flags.device +
                      " both set the CPU's features; give one");
  if (flags.vulkanValidation && (onCpu || spec->parameter("validation")))
    return usageError(onCpu
                          ? "--vulkan-validation needs a Vulkan device "
                            "(--device=vulkan or vulkan://N)"
                          : "--vulkan-validation and --device=" + flags.device +
                                " both set validation; give one");
  int workers = inlineOnly ? 0
                : flags.taskWorkers < 0
                    ? int(rt::TaskExecutor::availableCores())
                    : flags.taskWorkers;
  // The CPU, with --task-workers and the feature overrides, is the device
  // asked for or runs beside it (executables without its binaries).
  std::string cpuSpec = onCpu ? std::string(flags.device) : "cpu";
  auto addParameter = [](std::string &to, const std::string &parameter) {
    to += (to.find('?') == std::string::npos ? "?" : "&") + parameter;
  };
  if (!onCpu || !spec->parameter("workers"))
    addParameter(cpuSpec, "workers=" + std::to_string(workers));
  if (!featureOverrides.empty())
    addParameter(cpuSpec, "features=" + llvm::join(featureOverrides, ","));
  std::string deviceSpec = flags.device;
  if (!onCpu && flags.vulkanValidation)
    addParameter(deviceSpec, "validation=1");
  auto runtime = onCpu ? rt::Runtime::create(cpuSpec)
                       : rt::Runtime::create(deviceSpec, cpuSpec);
  if (!runtime && onCpu) {
    // Named as the user spelled it, when that is what is wrong.
    if (auto asGiven = rt::Runtime::createDevice(flags.device); !asGiven)
      return errs() << commandName << ": " << asGiven.status().message()
                    << "\n",
             kUsageError;
    return errs() << commandName << ": " << runtime.status().message() << "\n",
           kUsageError;
  }
  if (!runtime)
    return fail(runtime.status().message() + "; --device=cpu runs on the CPU");
  // Checked by createDevice: 0 to 1024.
  if (onCpu && spec->parameter("workers"))
    workers = std::stoi(*spec->parameter("workers"));
  rt::LoadOptions loadOptions;
  loadOptions.devices = runtime->devices();
  bool verbose = flags.verbose;
  if (verbose)
    loadOptions.log = [](const std::string &line) {
      errs() << "[load] " << line << "\n";
    };

  if (!flags.trustedKeys.empty()) {
    auto keys = rt::readTrustedKeys(flags.trustedKeys);
    if (!keys)
      return fail("--trusted-keys: " + keys.status().message());
    loadOptions.trustedKeys = std::move(*keys);
  }

  rt::StatusOr<std::shared_ptr<rt::Module>> module =
      rt::Status::error("no module");
  if (StringRef(modulePath).ends_with(".mlir") ||
      mlir::tessera::isONNXPath(modulePath)) {
    // Kernels tuned for the device that runs them: a Vulkan implementation
    // on the CPU (lavapipe) gets no workgroup-memory staging.
    std::string vulkanDeviceType = "unknown";
    for (const auto &device : runtime->devices())
      if (device->query("vulkan.device", "cpu").ok &&
          device->query("vulkan.device", "cpu").value == 1)
        vulkanDeviceType = "cpu";
    auto bytes = compileProgram(modulePath, !onCpu, vulkanDeviceType);
    if (!bytes)
      return fail(bytes.status().message());
    module = runtime->loadModule(bytes->data(), bytes->size(), modulePath,
                                 loadOptions);
  } else {
    module = runtime->loadModule(modulePath, loadOptions);
  }
  if (!module)
    return fail(module.status().message());

  const auto &functions = (*module)->functions();
  if (functionName.empty()) {
    if (functions.size() != 1) {
      std::string names;
      for (const auto &signature : functions)
        names += (names.empty() ? "@" : ", @") + signature.name;
      return fail("the module has " + std::to_string(functions.size()) +
                  " functions; choose one with --function (" + names + ")");
    }
    functionName = functions.front().name;
  }
  const rt::FunctionSignature *signature =
      (*module)->findFunction(functionName);
  if (!signature) {
    std::string names;
    for (const auto &s : functions)
      names += (names.empty() ? "@" : ", @") + s.name;
    std::vector<std::string> known;
    for (const auto &s : functions)
      known.push_back(s.name);
    std::string closest = mlir::tessera::closestMatch(functionName, known);
    return fail("no function @" + functionName + " in the module" +
                (closest.empty() ? "" : "; did you mean @" + closest + "?") +
                " (it has: " + names + ")");
  }
  if (outputs.size() > signature->outputs.size())
    return usageError(std::to_string(outputs.size()) +
                      " --output flags, but @" + functionName + " returns " +
                      std::to_string(signature->outputs.size()) + " result" +
                      (signature->outputs.size() == 1 ? "" : "s"));
  if (inputs.size() != signature->inputs.size())
    return fail("@" + functionName + " takes " +
                std::to_string(signature->inputs.size()) + " inputs, " +
                std::to_string(inputs.size()) +
                " given with --input; its "
                "signature is " +
                signature->str());

  rt::tooling::TensorParser parser;
  std::vector<rt::Tensor> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto value = parser.parse(inputs[i], &signature->inputs[i]);
    if (!value)
      return fail("--input #" + std::to_string(i) + ": " +
                  value.status().message());
    values.push_back(std::move(*value));
  }

  rt::Session session(*module);
  auto logDispatches = [&] {
    session.setDispatchObserver([&](const rt::DispatchRecord &record) {
      errs() << "[dispatch] " << (*module)->executableName(record.executable)
             << " export " << record.ordinal << " '" << record.exportName
             << "' workgroups " << record.workgroupCount[0] << "x"
             << record.workgroupCount[1] << "x" << record.workgroupCount[2]
             << " " << llvm::format("%.1f", record.microseconds) << " us\n";
    });
  };
  // bench logs the profiled calls only: a line per dispatch would slow
  // down the timed ones.
  if (verbose && !bench)
    logDispatches();
  // bench: the timed calls as a caller of the runtime makes them, then as
  // many profiled ones for the dispatch table (recording every dispatch
  // slows the calls down: rt::tooling::timeCalls).
  std::optional<rt::tooling::TimedCalls> timed;
  if (bench) {
    for (int w = 0; w < benchFlags->warmup; ++w)
      if (auto warm = session.call(functionName, values); !warm)
        return fail(warm.status().message());
    auto calls = rt::tooling::timeCalls(session, functionName, values,
                                        flags.repetitions);
    if (!calls)
      return fail(calls.status().message());
    timed = std::move(*calls);
    if (verbose)
      logDispatches();
  }
  auto profiled = rt::tooling::profileCalls(session, functionName, values,
                                            flags.repetitions);
  if (!profiled)
    return fail(profiled.status().message());
  auto results = &profiled->results;
  if (!flags.profile.empty() || !flags.profileCsv.empty()) {
    std::vector<rt::tooling::DispatchSummary> table =
        rt::tooling::summarizeDispatches(*profiled);
    double callsTotal = 0;
    for (const rt::tooling::ProfiledCall &call : profiled->calls)
      callsTotal += call.microseconds;
    // bench's own times are of the timed calls (stdout); these are the
    // profiled ones', which the profiler slows down.
    errs() << llvm::format(
        "%d %scall%s of @%s, %.1f us per call", int(profiled->calls.size()),
        bench ? "profiled " : "", profiled->calls.size() == 1 ? "" : "s",
        functionName.c_str(), callsTotal / profiled->calls.size());
    // The call's working set at its peak (the explorer draws all of it).
    rt::tooling::MemoryPeak peak = rt::tooling::peakLiveMemory(*profiled);
    if (peak.dispatch >= 0)
      errs() << ", at most " << mlir::tessera::formatByteSize(peak.bytes)
             << " of host memory held (when it issued " << peak.exportName
             << ", its dispatch " << peak.dispatch + 1 << " of "
             << profiled->calls.back().dispatches.size() << ")";
    errs() << "\n";
    // The device column as wide as its longest name ("vulkan://0").
    int deviceWidth = 8;
    for (const rt::tooling::DispatchSummary &row : table)
      deviceWidth = std::max(deviceWidth, int(row.device.size()));
    errs() << llvm::format("%-48s %-*s %6s %12s %10s %10s %7s\n", "export",
                           deviceWidth, "device", "count", "total us",
                           "mean us", "min us", "share");
    for (const rt::tooling::DispatchSummary &row :
         rt::tooling::sortByTotalTime(table))
      errs() << llvm::format(
          "%-48s %-*s %6d %12.1f %10.1f %10.1f %6.1f%%\n",
          rt::tooling::elideMiddle(row.exportName, 48).c_str(), deviceWidth,
          row.device.c_str(), row.count, row.totalMicroseconds,
          row.meanMicroseconds, row.minMicroseconds, 100 * row.share);
    if (!flags.profile.empty())
      if (auto error = mlir::tessera::writeFileAtomically(
              flags.profile, rt::tooling::toChromeTrace(*profiled)))
        return fail(flags.profile + ": " + llvm::toString(std::move(error)));
    if (!flags.profileCsv.empty())
      if (auto error = mlir::tessera::writeFileAtomically(
              flags.profileCsv, rt::tooling::toCsv(table)))
        return fail(flags.profileCsv + ": " + llvm::toString(std::move(error)));
  }

  for (const std::shared_ptr<rt::Device> &device : loadOptions.devices)
    if (std::vector<std::string> messages = device->diagnostics();
        !messages.empty()) {
      for (const std::string &message : messages)
        errs() << "vulkan validation: " << message << "\n";
      return fail(std::to_string(messages.size()) +
                  " Vulkan validation messages");
    }

  if (bench) {
    uint64_t bytes = 0;
    for (const rt::Tensor &value : values)
      bytes += value.byteSize();
    for (const rt::Tensor &result : *results)
      bytes += result.byteSize();
    rt::tooling::CallStatistics stats =
        rt::tooling::callStatistics(timed->microseconds);
    // As the profile names it ("vulkan://0"), the CPU with its workers.
    std::string device = runtime->devices().back()->name();
    if (onCpu)
      device = workers > 1 ? "cpu (" + std::to_string(workers) + " workers)"
                           : "cpu (inline)";
    std::string json =
        rt::tooling::toBenchJson({{"module", modulePath},
                                  {"function", functionName},
                                  {"device", device}},
                                 *timed, *profiled, benchFlags->warmup, bytes);
    if (benchFlags->json == "-") {
      outs() << json;
    } else {
      outs() << llvm::format(
          "@%s on %s: %d repetition%s after %d warm-up call%s\n"
          "  min %.1f us  median %.1f us  max %.1f us  (%.2f GB/s of inputs "
          "and results at the median)\n",
          functionName.c_str(), device.c_str(), int(timed->microseconds.size()),
          timed->microseconds.size() == 1 ? "" : "s", int(benchFlags->warmup),
          benchFlags->warmup == 1 ? "" : "s", stats.minMicroseconds,
          stats.medianMicroseconds, stats.maxMicroseconds,
          stats.medianMicroseconds > 0 ? bytes / stats.medianMicroseconds / 1e3
                                       : 0.0);
      if (uint64_t flops = rt::tooling::flopsPerCall(*profiled);
          flops && stats.medianMicroseconds > 0)
        outs() << llvm::format("  %.3g GFLOP per call, %.1f GFLOP/s at the "
                               "median\n",
                               flops / 1e9,
                               flops / stats.medianMicroseconds / 1e3);
      outs() << llvm::format("  dispatches, over %d more call%s profiled:\n",
                             int(profiled->calls.size()),
                             profiled->calls.size() == 1 ? "" : "s");
      for (const rt::tooling::DispatchSummary &row :
           rt::tooling::sortByTotalTime(
               rt::tooling::summarizeDispatches(*profiled))) {
        outs() << llvm::format(
            "  %-48s mean %10.1f us  min %10.1f us  %5.1f%%",
            rt::tooling::elideMiddle(row.exportName, 48).c_str(),
            row.meanMicroseconds, row.minMicroseconds, 100 * row.share);
        if (row.flops && row.meanMicroseconds > 0)
          outs() << llvm::format("  %7.1f GFLOP/s",
                                 row.flops / row.meanMicroseconds / 1e3);
        outs() << "\n";
      }
      if (!benchFlags->json.empty())
        if (auto error =
                mlir::tessera::writeFileAtomically(benchFlags->json, json))
          return fail(benchFlags->json + ": " +
                      llvm::toString(std::move(error)));
    }
    return kSuccess;
  }

  // Results: printed, or gathered per .npy file and written at the end.
  outs() << "EXEC @" << functionName << "\n";
  std::map<std::string, std::string> npyFiles;
  std::vector<std::string> npyOrder;
  for (size_t r = 0; r < results->size(); ++r) {
    const rt::Tensor &result = (*results)[r];
    std::string target = r < outputs.size() ? outputs[r] : "-";
    if (target == "-") {
      outs() << "result[" << r
             << "]: " << rt::tooling::formatTensor(result, maxElements) << "\n";
      continue;
    }
    std::string path = target.substr(1);
    auto encoded = rt::tooling::encodeNpy(result);
    if (!encoded)
      return fail(encoded.status().message());
    if (!npyFiles.count(path)) {
      npyOrder.push_back(path);
      npyFiles[path] = "";
      if (target[0] == '+' && llvm::sys::fs::exists(path)) {
        // Append to the arrays the file already holds.
        auto existing = mlir::tessera::readInputFile(path);
        if (!existing)
          return fail(toString(existing.takeError()));
        llvm::StringRef bytes = (*existing)->getBuffer();
        if (!bytes.empty() && !bytes.starts_with("\x93NUMPY"))
          return fail(path + ": --output='" + target +
                      "' appends arrays to a .npy file, but this file is "
                      "not one");
        npyFiles[path] = bytes.str();
      }
    }
    npyFiles[path] += *encoded;
  }
  // Every destination checked before any is written: a run whose second
  // output cannot be written leaves the first file as it was.
  for (const std::string &path : npyOrder) {
    if (llvm::sys::fs::is_directory(path))
      return fail(path + ": --output names a directory, not a file");
    SmallString<256> dir(llvm::sys::path::parent_path(path));
    if (dir.empty())
      dir = ".";
    if (!llvm::sys::fs::is_directory(dir))
      return fail(path + ": cannot write: no directory '" + dir.str().str() +
                  "'");
    if (llvm::sys::fs::access(dir, llvm::sys::fs::AccessMode::Write))
      return fail(path + ": cannot write: directory '" + dir.str().str() +
                  "' is not writable");
  }
  for (const std::string &path : npyOrder)
    if (auto error = mlir::tessera::writeFileAtomically(path, npyFiles[path]))
      return fail(toString(std::move(error)));

  if (expected.empty())
    return kSuccess;
  if (expected.size() != results->size())
    return fail(std::to_string(expected.size()) +
                " --expected_output given for " +
                std::to_string(results->size()) + " results");
  rt::tooling::TensorParser expectedParser;
  unsigned mismatches = 0;
  for (size_t r = 0; r < results->size(); ++r) {
    auto want = expectedParser.parse(expected[r], &signature->outputs[r]);
    if (!want)
      return fail("--expected_output #" + std::to_string(r) + ": " +
                  want.status().message());
    if (auto mismatch =
            rt::tooling::compareTensors((*results)[r], *want, tolerance)) {
      outs() << "[FAILED] result[" << r << "]: " << *mismatch << "\n";
      ++mismatches;
    }
  }
  if (mismatches)
    return kCompileError;
  outs() << "[SUCCESS] all " << results->size()
         << " results match the expected outputs\n";
  return kSuccess;
}

} // namespace

} // namespace tessera::cli

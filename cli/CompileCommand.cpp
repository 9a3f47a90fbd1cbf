//===- CompileCommand.cpp - tessera compile -------------------------------===//

#include "BatchCompile.h"
#include "Commands.h"
#include "CompileProgress.h"
#include "Pipeline/OutputFile.h"
#include "Target/LLVMCPU/TargetOptions.h"
#include "Tool/CommandLine.h"
#include "tessera/runtime/ModuleSignature.h"

#include "Pipeline/CompileSession.h"
#include "Pipeline/CrashReproducer.h"
#include "Pipeline/DispatchGraph.h"
#include "Pipeline/EmitKind.h"
#include "Pipeline/TargetOptionsCheck.h"
#include "TextElide.h"
#include "tessera/runtime/TaskExecutor.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir::tessera;
namespace cl = llvm::cl;

namespace tessera::cli {

namespace {

struct CompileFlags {
  cl::OptionCategory io{"Input and output"};
  cl::OptionCategory pipeline{"Pipeline"};
  cl::OptionCategory target{"Targets"};
  cl::OptionCategory debug{"Looking inside"};
  cl::OptionCategory batch{"Batch (several inputs, a directory or a glob)"};
  // Not cl::Required: lld re-parses the process's options when it links,
  // and a required positional would fail there.
  cl::list<std::string> inputs{
      cl::Positional,
      cl::desc("<input.mlir | model.onnx | directory | 'glob*.mlir'>..."),
      cl::cat(io)};
  cl::opt<std::string> output{
      "o",
      cl::desc("Output file (- is stdout), a directory for binary --emit "
               "kinds"),
      cl::value_desc("path"), cl::init("-"), cl::cat(io)};
  cl::list<std::string> targets{
      "target",
      cl::desc("Target backends, comma-separated: llvm-cpu "
               "(default), vulkan-spirv"),
      cl::value_desc("backends"), cl::CommaSeparated, cl::cat(pipeline)};
  cl::opt<std::string> compileTo{
      "compile-to",
      cl::desc("Last phase to run: input, global-opt, flow, hal, codegen, "
               "link, host, serialize, loader (default)"),
      cl::value_desc("phase"), cl::init("loader"), cl::cat(pipeline)};
  cl::opt<std::string> executionModel{
      "execution-model",
      cl::desc("How the host runs dispatches: inline-dynamic (the only "
               "model so far)"),
      cl::value_desc("model"), cl::init("inline-dynamic"), cl::cat(pipeline)};
  cl::opt<EmitKind> emit{
      "emit",
      cl::desc("What to write (default: module when -o ends in .tsm, else "
               "mlir)"),
      cl::init(EmitKind::MLIR),
      cl::values(
          clEnumValN(EmitKind::MLIR, "mlir", "the module's IR"),
          clEnumValN(EmitKind::Module, "module",
                     "a runnable module for `tessera run` (.tsm)"),
          clEnumValN(EmitKind::LLVMIR, "llvm-ir",
                     "optimized LLVM IR per executable (.ll)"),
          clEnumValN(EmitKind::LLVMBC, "llvm-bc",
                     "optimized LLVM bitcode per executable (.bc)"),
          clEnumValN(EmitKind::Object, "obj", "an object file per executable"),
          clEnumValN(EmitKind::SharedLib, "shared-lib",
                     "a shared library per executable (.so/.dll/.dylib/.wasm "
                     "by triple)")),
      cl::value_desc("kind"),
      cl::cat(io)};
  cl::opt<std::string> triple{
      "target-triple",
      cl::desc("llvm-cpu target triple (default: this machine)"),
      cl::value_desc("triple"), cl::init("host"), cl::cat(target)};
  cl::opt<std::string> cpu{
      "cpu", cl::desc("llvm-cpu CPU name (default: this machine's)"),
      cl::value_desc("name"), cl::init("host"), cl::cat(target)};
  cl::opt<std::string> cpuFeatures{
      "cpu-features",
      cl::desc("llvm-cpu CPU features, e.g. +avx2,-avx512f (default: this "
               "machine's)"),
      cl::value_desc("features"), cl::init("host"), cl::cat(target)};
  cl::opt<std::string> vulkanDeviceType{
      "vulkan-device-type",
      cl::desc("Vulkan device vulkan-spirv tunes for: discrete-gpu, "
               "integrated-gpu, cpu (lavapipe), unknown (as a GPU)"),
      cl::value_desc("type"), cl::init("unknown"), cl::cat(target)};
  cl::opt<bool> linkExecutables{
      "link-executables",
      cl::desc("One library per target (default); =false: one per "
               "dispatch"),
      cl::init(true), cl::cat(pipeline)};
  cl::opt<unsigned> optLevel{
      "opt-level", cl::desc("LLVM optimization level (default: 2)"),
      cl::value_desc("0-3"), cl::init(2), cl::cat(target)};
  cl::opt<bool> printAfterAll{"print-ir-after-all",
                              cl::desc("Print the IR after every pass"),
                              cl::cat(debug)};
  cl::opt<bool> printAfterChange{
      "print-ir-after-change",
      cl::desc("Print the IR after every pass that changed it"),
      cl::cat(debug)};
  cl::opt<std::string> dumpDir{
      "dump-ir-dir",
      cl::desc("Write the IR after each pass to DIR, a numbered file each"),
      cl::value_desc("DIR"), cl::cat(debug)};
  cl::opt<bool> timing{"timing", cl::desc("Print a per-pass time report"),
                       cl::cat(debug)};
  cl::opt<std::string> dumpExecutables{
      "dump-executables",
      cl::desc("Also write each executable's LLVM IR, bitcode, objects, "
               "library and PDB to DIR"),
      cl::value_desc("DIR"), cl::cat(debug)};
  cl::opt<std::string> dispatchGraph{
      "dispatch-graph",
      cl::desc("Write the dispatches and the tensors between them as "
               "Graphviz DOT"),
      cl::value_desc("FILE"), cl::cat(io)};
  cl::opt<unsigned> jobs{
      "j",
      cl::desc("Compile N inputs at a time (default: the cores available)"),
      cl::value_desc("N"),
      cl::init(0),
      cl::Prefix,
      cl::cat(batch)};
  // As tessera-conformance and make spell it.
  cl::alias jobsLong{"jobs", cl::desc("Same as -j"), cl::aliasopt(jobs)};
  cl::opt<std::string> outputDir{
      "output-dir",
      cl::desc("Write NAME.tsm (NAME.out.mlir with --emit=mlir) here, "
               "keeping paths below the argument; default: beside each "
               "input"),
      cl::value_desc("DIR"), cl::cat(batch)};
  cl::opt<bool> quiet{"quiet",
                      cl::desc("Only the failures' diagnostics; for one "
                               "input, no progress line either"),
                      cl::cat(batch)};
  cl::opt<bool> verbose{
      "verbose",
      cl::desc("A line per input with its phase times, and the warnings of "
               "inputs that compiled"),
      cl::cat(batch)};
  cl::opt<std::string> report{
      "report",
      cl::desc("Write a report: per input its status, diagnostics, phase "
               "times, sizes"),
      cl::value_desc("FILE"), cl::cat(batch)};
  cl::opt<std::string> reportFormat{
      "report-format", cl::desc("json (default) or junit (for CI systems)"),
      cl::value_desc("format"), cl::init("json"), cl::cat(batch)};
  cl::opt<std::string> depfile{
      "depfile",
      cl::desc("Write the output's Makefile rule (its source and linked "
               "objects)"),
      cl::value_desc("FILE"), cl::cat(io)};
  cl::opt<std::string> signKey{
      "sign-key",
      cl::desc("Sign the module with an Ed25519 key (from tessera keygen)"),
      cl::value_desc("FILE"), cl::cat(io)};
  cl::opt<bool> keepTemps{
      "keep-temps",
      cl::desc("--dump-executables into a new temporary directory (printed)"),
      cl::cat(debug)};
  cl::opt<std::string> crashReproducer{
      "crash-reproducer",
      cl::desc("Where a crashing pass writes its reproducer (for tessera-opt "
               "--run-reproducer); default: a temporary file; none: no "
               "reproducer"),
      cl::value_desc("FILE"), cl::cat(debug)};
};

/// The parsed flags as plain values.
struct CompileRequest {
  std::string input, output, compileTo, triple, cpu, cpuFeatures,
      vulkanDeviceType, dumpDir, dumpExecutables, dispatchGraph, executionModel;
  std::vector<std::string> inputs, targets;
  std::string outputDir, report, reportFormat, depfile, signKey;
  unsigned jobs = 0;
  bool quiet = false, verbose = false, emitGiven = false;
  EmitKind emit;
  unsigned optLevel;
  bool printAfterAll, printAfterChange, timing, linkExecutables, keepTemps;
  std::string crashReproducer;
};

CompileRequest snapshot(const CompileFlags &flags) {
  CompileRequest r;
  r.inputs.assign(flags.inputs.begin(), flags.inputs.end());
  r.input = r.inputs.empty() ? "" : r.inputs.front();
  r.outputDir = flags.outputDir;
  r.report = flags.report;
  r.reportFormat = flags.reportFormat;
  r.depfile = flags.depfile;
  r.signKey = flags.signKey;
  r.jobs = flags.jobs;
  r.quiet = flags.quiet;
  r.verbose = flags.verbose;
  r.emitGiven = flags.emit.getNumOccurrences() > 0;
  r.output = flags.output;
  r.compileTo = flags.compileTo;
  r.executionModel = flags.executionModel;
  r.triple = flags.triple;
  r.cpu = flags.cpu;
  r.cpuFeatures = flags.cpuFeatures;
  r.vulkanDeviceType = flags.vulkanDeviceType;
  r.dumpDir = flags.dumpDir;
  r.targets.assign(flags.targets.begin(), flags.targets.end());
  r.emit = flags.emit;
  if (!flags.emit.getNumOccurrences() &&
      llvm::StringRef(r.output).ends_with(".tsm"))
    r.emit = EmitKind::Module;
  r.optLevel = flags.optLevel;
  r.printAfterAll = flags.printAfterAll;
  r.printAfterChange = flags.printAfterChange;
  r.timing = flags.timing;
  r.linkExecutables = flags.linkExecutables;
  r.dumpExecutables = flags.dumpExecutables;
  r.dispatchGraph = flags.dispatchGraph;
  r.keepTemps = flags.keepTemps;
  r.crashReproducer = flags.crashReproducer;
  return r;
}

std::string headerFor(const PassRecord &record) {
  std::string header = "// -----// IR Dump After " + record.passName + " (" +
                       record.passArgument + ") ('" + record.anchorOpName +
                       "' operation";
  if (!record.anchorSymbol.empty())
    header += ": @" + record.anchorSymbol;
  return header + ") [" + record.phase + "] //----- //";
}

std::string sanitize(llvm::StringRef text) {
  std::string result;
  for (char c : text)
    result += llvm::isAlnum(c) || c == '-' || c == '_' ? c : '_';
  return result.substr(0, 80);
}

void printTiming(const CompileSession &session, llvm::raw_ostream &os) {
  struct Row {
    std::string phase, pass, anchor;
    double ms = 0;
    unsigned runs = 0;
    unsigned order = 0;
  };
  std::map<std::string, Row> rows;
  double total = 0;
  for (const PassRecord &record : session.getPassRecords()) {
    std::string key =
        record.phase + "|" + record.passArgument + "|" + record.anchorOpName;
    Row &row = rows[key];
    if (row.runs == 0) {
      row = {record.phase, record.passArgument, record.anchorOpName, 0, 0,
             record.index};
    }
    row.ms += record.wallMs;
    ++row.runs;
  }
  for (auto &[phase, ms] : session.getPhaseTimes())
    total += ms;
  std::vector<Row> sorted;
  for (auto &entry : rows)
    sorted.push_back(entry.second);
  llvm::sort(sorted,
             [](const Row &a, const Row &b) { return a.order < b.order; });
  os << "===-------------------------------------------------------===\n"
     << "  tessera pass timing (wall, summed over anchors)\n"
     << "===-------------------------------------------------------===\n";
  // The anchor column as wide as its widest name
  // (hal.executable.variant), so that the pass column stays aligned.
  int anchorWidth = 6;
  for (const Row &row : sorted)
    anchorWidth = std::max<int>(anchorWidth, row.anchor.size());
  os << llvm::format("  %10s  %5s  %-10s  %-*s  %s\n", "ms", "runs", "phase",
                     anchorWidth, "anchor", "pass");
  // A pass's options can be long (the CPU features: 1,500 characters):
  // each value is cut so that a row stays one line.
  for (const Row &row : sorted)
    os << llvm::format("  %10.3f  %5u  %-10s  %-*s  %s\n", row.ms, row.runs,
                       row.phase.c_str(), anchorWidth, row.anchor.c_str(),
                       rt::tooling::elideOptionValues(row.pass).c_str());
  os << "  per phase:\n";
  for (auto &[phase, ms] : session.getPhaseTimes())
    os << llvm::format("  %10.3f  %s\n", ms, getPhaseName(phase).str().c_str());
  os << llvm::format("  %10.3f  total\n", total);
}

/// Writes the artifacts of `kinds` (all when empty) to `directory` as
/// EXECUTABLE_VARIANT.KIND; returns how many.
llvm::Expected<unsigned> writeArtifacts(const CompileSession &session,
                                        llvm::StringRef directory,
                                        llvm::ArrayRef<llvm::StringRef> kinds) {
  if (std::error_code ec = llvm::sys::fs::create_directories(directory))
    return llvm::createStringError(ec, "cannot create '" + directory.str() +
                                           "': " + ec.message());
  unsigned written = 0;
  for (const Artifact &artifact : session.getArtifacts()) {
    if (!kinds.empty() && !llvm::is_contained(kinds, artifact.kind))
      continue;
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, artifact.executable + "_" + artifact.variant +
                                      "." + artifact.kind);
    if (auto error = writeFileAtomically(path, artifact.bytes))
      return error;
    ++written;
  }
  return written;
}

/// Why `-o` and `--emit` contradict each other (empty when they agree):
/// text IR written into a .tsm would only fail later, in `tessera run`, as
/// "bad magic".
std::string outputConflict(const CompileRequest &request) {
  llvm::StringRef output = request.output;
  llvm::StringRef extension = llvm::sys::path::extension(output);
  if (output == "-" || extension.empty())
    return "";
  bool writesDirectory =
      request.emit != EmitKind::MLIR && request.emit != EmitKind::Module;
  std::string emit = "--emit=" + getEmitName(request.emit).str();
  if (extension == ".tsm" && request.emit != EmitKind::Module)
    return "-o " + output.str() + " names a module (.tsm) but " + emit +
           (writesDirectory ? " writes files into a directory"
                            : " writes text IR") +
           "; use --emit=module, or another -o";
  if (extension == ".mlir" && request.emit != EmitKind::MLIR)
    return "-o " + output.str() + " names an IR file (.mlir) but " + emit +
           (writesDirectory
                ? " writes one file per executable; use -o DIR"
                : " writes a binary module; use --emit=mlir, or -o FILE.tsm");
  if (writesDirectory && llvm::is_contained({".ll", ".bc", ".o", ".obj", ".so",
                                             ".dll", ".dylib", ".wasm"},
                                            extension))
    return "-o " + output.str() + " names a file but " + emit +
           " writes one file per executable into the directory -o names; "
           "use -o DIR";
  return "";
}

/// "did you mean 'X'?" for a value outside a long list, "" when nothing
/// is close.
int reportDiagnostics(const CompileSession &session) {
  for (const Diagnostic &diag : session.getDiagnostics())
    llvm::errs() << diag.format() << "\n";
  return session.hasErrors() ? kCompileError : kSuccess;
}

} // namespace

int runCompileCommand(int argc, char **argv) {
  CompileFlags flags;
  ToolDescription tool{
      "tessera compile",
      "[options] <input.mlir | model.onnx | directory | 'glob*.mlir'>...",
      "Compiles linalg-on-tensors (or TOSA) programs and ONNX models through "
      "the phases input,\nglobal-opt, flow, hal, codegen, link, host, "
      "serialize and loader into IR, a runnable module (.tsm)\nor "
      "executables. Several inputs compile as a batch, in parallel.",
      {&flags.io, &flags.pipeline, &flags.target, &flags.debug, &flags.batch},
      {"tessera compile examples/mlp.mlir -o mlp.tsm           # a module "
       "for tessera run",
       "tessera compile resnet50.onnx -o resnet50.tsm          # an ONNX "
       "model",
       "tessera compile examples/mlp.mlir --compile-to=flow    # the IR "
       "after the flow phase",
       "tessera compile 'examples/*.mlir' --output-dir=out -j2 # a batch, two "
       "at a time"},
      {choicesOf(flags.emit)}};
  if (std::optional<int> exit = parseToolCommandLine(argc, argv, tool))
    return *exit;
  // lld resets every cl::opt of the process when it links (it parses its
  // own -mllvm flags), so work from a copy of the flags.
  const CompileRequest request = snapshot(flags);
  if (request.input.empty()) {
    llvm::errs() << "tessera compile: error: no input file (tessera compile "
                    "INPUT.mlir [options]; see --help)\n";
    return kUsageError;
  }
  if (request.reportFormat != "json" && request.reportFormat != "junit") {
    llvm::errs() << "tessera compile: error: "
                 << describeBadChoice("report format", request.reportFormat,
                                      "report-format", {"json", "junit"})
                 << "\n";
    return kUsageError;
  }
  if (request.quiet && request.verbose) {
    llvm::errs()
        << "tessera compile: error: --quiet and --verbose exclude each "
           "other\n";
    return kUsageError;
  }

  CompileOptions options;
  auto phase = parsePhase(request.compileTo);
  if (!phase) {
    std::vector<std::string> phases;
    for (Phase known : getAllPhases())
      phases.push_back(getPhaseName(known).str());
    llvm::errs() << "tessera compile: error: "
                 << describeBadChoice("phase", request.compileTo, "compile-to",
                                      phases)
                 << "\n";
    return kUsageError;
  }
  options.compileTo = *phase;
  if (!isKnownExecutionModel(request.executionModel)) {
    llvm::errs() << "tessera compile: error: "
                 << describeBadChoice("execution model", request.executionModel,
                                      "execution-model", {"inline-dynamic"})
                 << "\n";
    return kUsageError;
  }
  options.executionModel = request.executionModel;
  if (!request.targets.empty())
    options.targets.assign(request.targets.begin(), request.targets.end());
  options.targetTriple = request.triple;
  options.cpu = request.cpu;
  options.cpuFeatures = request.cpuFeatures;
  options.vulkanDeviceType = request.vulkanDeviceType;
  if (std::string problem = checkTargetOptions(
          options, [](llvm::StringRef option) { return "--" + option.str(); });
      !problem.empty()) {
    llvm::errs() << "tessera compile: error: " << problem << "\n";
    return kUsageError;
  }
  if (request.optLevel > 3) {
    llvm::errs() << "tessera compile: error: --opt-level must be 0-3\n";
    return kUsageError;
  }
  options.optLevel = request.optLevel;
  options.linkExecutables = request.linkExecutables;
  bool emitsModule = request.emit == EmitKind::Module;
  bool emitsBinaries = request.emit != EmitKind::MLIR && !emitsModule;
  if (emitsModule && options.compileTo != Phase::Loader) {
    if (request.emitGiven)
      llvm::errs() << "tessera compile: error: --emit=module needs "
                      "--compile-to=loader\n";
    else
      llvm::errs() << "tessera compile: error: -o " << request.output
                   << " writes a module, which needs every phase; for the "
                      "IR after "
                   << request.compileTo << " use -o FILE.mlir\n";
    return kUsageError;
  }
  if (emitsBinaries && options.compileTo < Phase::Serialize) {
    llvm::errs()
        << "tessera compile: error: --emit=llvm-ir/llvm-bc/obj/shared-lib "
           "needs --compile-to=serialize or later\n";
    return kUsageError;
  }
  if (std::string conflict = outputConflict(request); !conflict.empty()) {
    llvm::errs() << "tessera compile: error: " << conflict << "\n";
    return kUsageError;
  }
  if (emitsModule && request.output == "-") {
    llvm::errs() << "tessera compile: error: --emit=module needs -o FILE.tsm\n";
    return kUsageError;
  }
  options.buildModule = emitsModule;
  if (emitsBinaries && request.output == "-") {
    llvm::errs() << "tessera compile: error: "
                    "--emit=llvm-ir/llvm-bc/obj/shared-lib needs "
                    "-o DIR\n";
    return kUsageError;
  }
  bool dumpsExecutables = request.keepTemps || !request.dumpExecutables.empty();
  if (dumpsExecutables && options.compileTo < Phase::Serialize) {
    llvm::errs()
        << "tessera compile: error: --dump-executables/--keep-temps need "
           "--compile-to=serialize or later\n";
    return kUsageError;
  }
  options.keepArtifacts = emitsBinaries || dumpsExecutables;
  // Debug files (PDBs) are for inspection; without them the libraries are
  // reproducible.
  options.debugInfo = dumpsExecutables;
  options.captureIR = request.printAfterAll || request.printAfterChange ||
                      !request.dumpDir.empty();

  if (!request.dispatchGraph.empty() && options.compileTo < Phase::Flow) {
    llvm::errs() << "tessera compile: error: --dispatch-graph needs "
                    "--compile-to=flow or later\n";
    return kUsageError;
  }
  // Many inputs, a directory or a pattern, an output directory or a
  // report: the batch driver.
  bool batch = request.inputs.size() > 1 || !request.outputDir.empty() ||
               !request.report.empty() ||
               llvm::sys::fs::is_directory(request.input) ||
               (!llvm::sys::fs::exists(request.input) &&
                llvm::StringRef(request.input).find_first_of("*?[") !=
                    llvm::StringRef::npos);
  if (!request.signKey.empty() &&
      (batch ? request.emitGiven && request.emit == EmitKind::MLIR
             : !emitsModule)) {
    llvm::errs()
        << "tessera compile: error: --sign-key signs modules; it needs "
           "--emit=module (-o FILE.tsm)\n";
    return kUsageError;
  }
  if (batch) {
    const char *single = nullptr;
    if (flags.output.getNumOccurrences() && request.inputs.size() == 1 &&
        request.outputDir.empty() && !request.report.empty() &&
        llvm::sys::fs::is_regular_file(request.input)) {
      llvm::errs() << "tessera compile: error: --report compiles as a batch, "
                      "which writes NAME.tsm beside each input or into "
                      "--output-dir=DIR; drop -o\n";
      return kUsageError;
    }
    if (flags.output.getNumOccurrences())
      single = "-o (use --output-dir)";
    else if (request.printAfterAll || request.printAfterChange)
      single = "--print-ir-after-*";
    else if (!request.dumpDir.empty())
      single = "--dump-ir-dir";
    else if (dumpsExecutables)
      single = "--dump-executables/--keep-temps";
    else if (!request.dispatchGraph.empty())
      single = "--dispatch-graph";
    else if (request.timing)
      single = "--timing (--verbose prints phase times)";
    else if (emitsBinaries)
      single = "--emit=llvm-ir/llvm-bc/obj/shared-lib";
    else if (!request.crashReproducer.empty() &&
             request.crashReproducer != "none")
      single = "--crash-reproducer=FILE (a batch writes each crash's "
               "reproducer to the temporary directory; =none turns them off)";
    if (single) {
      llvm::errs() << "tessera compile: error: " << single
                   << " takes a single input\n";
      return kUsageError;
    }
    BatchRequest batchRequest;
    batchRequest.inputs = request.inputs;
    batchRequest.outputDir = request.outputDir;
    batchRequest.jobs =
        request.jobs ? request.jobs : rt::TaskExecutor::availableCores();
    batchRequest.emitIR = request.emitGiven && request.emit == EmitKind::MLIR;
    if (!batchRequest.emitIR && options.compileTo != Phase::Loader) {
      llvm::errs()
          << "tessera compile: error: a batch writes modules, which need "
             "--compile-to=loader (or --emit=mlir)\n";
      return kUsageError;
    }
    batchRequest.quiet = request.quiet;
    batchRequest.verbose = request.verbose;
    batchRequest.progressBar =
        !request.verbose && llvm::sys::Process::StandardErrIsDisplayed();
    batchRequest.report = request.report;
    batchRequest.reportFormat = request.reportFormat;
    batchRequest.depfile = request.depfile;
    batchRequest.signKey = request.signKey;
    batchRequest.arguments.assign(argv + 1, argv + argc);
    batchRequest.crashReproducers = request.crashReproducer != "none";
    options.captureIR = false;
    return runBatchCompile(batchRequest, options);
  }
  if (!request.depfile.empty() && request.output == "-") {
    llvm::errs() << "tessera compile: error: --depfile needs -o FILE\n";
    return kUsageError;
  }
  // Made once every usage check passed: a refused command leaves nothing.
  std::string executablesDir = request.dumpExecutables;
  if (request.keepTemps && executablesDir.empty()) {
    llvm::SmallString<128> temp;
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("tessera-executables", temp)) {
      llvm::errs()
          << "tessera compile: error: cannot create a temporary directory: "
          << ec.message() << "\n";
      return kCompileError;
    }
    executablesDir = temp.str().str();
  }

  DispatchMap dispatchMap;
  std::optional<DispatchGraph> graph;
  if (!request.dispatchGraph.empty())
    options.afterPhase = [&](Phase phase, mlir::ModuleOp module) {
      dispatchMap.update(phase, module);
      if (phase == Phase::Flow)
        graph = buildDispatchGraph(module);
    };

  // Found now, not when a crash has nothing left to write to.
  if (!request.crashReproducer.empty() && request.crashReproducer != "none") {
    llvm::SmallString<256> directory(request.crashReproducer);
    llvm::sys::path::remove_filename(directory);
    if (directory.empty())
      directory = ".";
    if (!llvm::sys::fs::is_directory(directory) ||
        llvm::sys::fs::access(directory, llvm::sys::fs::AccessMode::Write)) {
      llvm::errs() << "tessera compile: error: --crash-reproducer="
                   << request.crashReproducer << ": cannot write into '"
                   << directory << "'\n";
      return kUsageError;
    }
  }

  CompileSession session;
  if (failed(session.loadFile(request.input)))
    return reportDiagnostics(session), kCompileError;

  // A crash in a pass writes a reproducer that the crash text names.
  if (request.crashReproducer != "none")
    options.crashReproducer = request.crashReproducer.empty()
                                  ? getDefaultCrashReproducerPath(request.input)
                                  : request.crashReproducer;
  // The phase and pass running, on a terminal only; not among printed IR.
  std::optional<ProgressLine> progress;
  if (!request.quiet && !request.printAfterAll && !request.printAfterChange &&
      llvm::sys::Process::StandardErrIsDisplayed()) {
    progress.emplace(options.compileTo);
    options.passStarted = [&](Phase phase, llvm::StringRef pass) {
      progress->passStarted(phase, pass);
    };
  }

  auto observer = [&](const PassRecord &record) {
    if (!(request.printAfterAll ||
          (request.printAfterChange && record.changed)))
      return;
    llvm::errs() << headerFor(record) << "\n";
    if (record.irAfter)
      llvm::errs() << record.irAfter->str() << "\n\n";
  };
  bool ok = succeeded(session.compile(options, observer));
  if (progress)
    progress->close();
  int exitCode = reportDiagnostics(session);
  if (!ok)
    exitCode = kCompileError;

  if (!request.dumpDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::create_directories(request.dumpDir)) {
      llvm::errs() << "tessera compile: error: cannot create '"
                   << request.dumpDir << "': " << ec.message() << "\n";
      return kCompileError;
    }
    for (const PassRecord &record : session.getPassRecords()) {
      if (!record.irAfter)
        continue;
      llvm::SmallString<256> path(request.dumpDir);
      std::string name = llvm::formatv("{0:4}", record.index + 1).str();
      std::replace(name.begin(), name.end(), ' ', '0');
      name +=
          "_" + record.phase + "_" +
          sanitize(
              record.passArgument.substr(0, record.passArgument.find('{'))) +
          (record.anchorSymbol.empty() ? ""
                                       : "_" + sanitize(record.anchorSymbol)) +
          ".mlir";
      llvm::sys::path::append(path, name);
      if (auto error = writeFileAtomically(
              path, headerFor(record) + "\n" + record.irAfter->str() + "\n")) {
        llvm::errs() << "tessera compile: error: "
                     << llvm::toString(std::move(error)) << "\n";
        return kCompileError;
      }
    }
  }
  if (request.timing)
    printTiming(session, llvm::errs());
  if (!executablesDir.empty()) {
    // Written even when linking failed: the objects are what to look at.
    auto written = writeArtifacts(session, executablesDir, {});
    if (!written) {
      llvm::errs() << "tessera compile: error: "
                   << llvm::toString(written.takeError()) << "\n";
      return kCompileError;
    }
    if (request.keepTemps)
      llvm::errs() << "tessera compile: executables kept in " << executablesDir
                   << "\n";
  }
  if (exitCode != kSuccess)
    return exitCode;
  if (graph) {
    std::string dot;
    llvm::raw_string_ostream os(dot);
    printDispatchGraphDot(*graph, dispatchMap.getDispatches(), os);
    if (auto error = writeFileAtomically(request.dispatchGraph, dot)) {
      llvm::errs() << "tessera compile: error: "
                   << llvm::toString(std::move(error)) << "\n";
      return kCompileError;
    }
  }

  // After the output: a build tool sees the depfile of a finished output.
  auto writeDepfile = [&]() -> int {
    if (request.depfile.empty())
      return kSuccess;
    std::vector<std::string> dependencies = {request.input};
    for (const std::string &object : session.getObjectFiles())
      dependencies.push_back(object);
    if (auto error = writeFileAtomically(
            request.depfile, depfileRule(request.output, dependencies))) {
      llvm::errs() << "tessera compile: error: "
                   << llvm::toString(std::move(error)) << "\n";
      return kCompileError;
    }
    return kSuccess;
  };

  if (emitsModule) {
    std::string bytes = session.getModuleBytes();
    if (!request.signKey.empty()) {
      auto signedBytes = rt::signModule(bytes, request.signKey);
      if (!signedBytes) {
        llvm::errs() << "tessera compile: error: --sign-key: "
                     << signedBytes.status().message() << "\n";
        return kCompileError;
      }
      bytes = std::move(*signedBytes);
    }
    if (auto error = writeFileAtomically(request.output, bytes)) {
      llvm::errs() << "tessera compile: error: "
                   << llvm::toString(std::move(error)) << "\n";
      return kCompileError;
    }
    return writeDepfile();
  }
  if (!emitsBinaries) {
    std::string text;
    llvm::raw_string_ostream os(text);
    session.getModule()->print(os);
    if (request.output == "-") {
      llvm::outs() << text;
      return kSuccess;
    }
    if (auto error = writeFileAtomically(request.output, text)) {
      llvm::errs() << "tessera compile: error: "
                   << llvm::toString(std::move(error)) << "\n";
      return kCompileError;
    }
    return writeDepfile();
  }

  std::vector<llvm::StringRef> kinds = getArtifactKinds(request.emit);
  if (llvm::none_of(session.getArtifacts(), [&](const Artifact &artifact) {
        return llvm::is_contained(kinds, artifact.kind);
      })) {
    llvm::errs() << request.input
                 << ": error: the program has no dispatches, so no "
                    "executable was produced\n";
    return kCompileError;
  }
  if (auto written = writeArtifacts(session, request.output, kinds); !written) {
    llvm::errs() << "tessera compile: error: "
                 << llvm::toString(written.takeError()) << "\n";
    return kCompileError;
  }
  return writeDepfile();
}

} // namespace tessera::cli

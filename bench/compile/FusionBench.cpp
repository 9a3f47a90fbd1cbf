//===- FusionBench.cpp - Compile time of long elementwise chains ----------===//
//
// tessera-fusion-bench [--sizes=1000,2000,...] [--reference-max=N]
//                      [--results=FILE|--no-results]
//
// Compiles, with the real compiler and default settings (llvm-cpu, a
// runnable module, as `tessera compile -o x.tsm`), one function that is a
// chain of n elementwise ops on tensor<64xf32> (alternately `arith.addf`
// with an argument and `arith.mulf` with another: every op consumes the
// previous one, so elementwise fusion makes the whole chain one dispatch).
// Prints per size the compile time and the global-opt phase per op, and
// next to them, in the same run, global-opt as upstream's pairwise
// `linalg-fuse-elementwise-ops` alone does it (quadratic: only up to
// --reference-max ops). Time per op should stay flat as n grows: the ratio
// of the largest size's per-op time to the smallest's is the figure to
// watch. Writes a markdown section into bench/RESULTS.md.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/CompileSession.h"
#include "ResultsSection.h"

#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "tessera-fusion-bench: %s\n", message.c_str());
  std::exit(1);
}

/// A chain of `n` elementwise ops, each consuming the previous one.
std::string chainSource(int n) {
  std::string source = "func.func @chain(%a: tensor<64xf32>, %b: "
                       "tensor<64xf32>, %c: tensor<64xf32>) -> "
                       "tensor<64xf32> {\n";
  std::string previous = "%a";
  for (int i = 0; i < n; ++i) {
    std::string value = "%v" + std::to_string(i);
    source += "  " + value + (i % 2 ? " = arith.mulf " : " = arith.addf ") +
              previous + (i % 2 ? ", %c" : ", %b") + " : tensor<64xf32>\n";
    previous = value;
  }
  return source + "  return " + previous + " : tensor<64xf32>\n}\n";
}

struct Compiled {
  double totalMs = 0, globalOptMs = 0;
};

Compiled compileChain(int n) {
  mlir::tessera::CompileSession session;
  mlir::tessera::CompileOptions options;
  options.captureIR = false;
  options.buildModule = true;
  std::string source = chainSource(n);
  auto start = Clock::now();
  if (mlir::failed(session.loadBuffer(source, "chain.mlir")) ||
      mlir::failed(session.compile(options))) {
    std::string text;
    for (const auto &diagnostic : session.getDiagnostics())
      text += diagnostic.format() + "\n";
    die("cannot compile a chain of " + std::to_string(n) + " ops:\n" + text);
  }
  Compiled compiled;
  compiled.totalMs = millisecondsSince(start);
  for (const auto &[phase, ms] : session.getPhaseTimes())
    if (phase == mlir::tessera::Phase::GlobalOpt)
      compiled.globalOptMs += ms;
  return compiled;
}

/// Global-opt with upstream's pairwise fusion only (the pipeline before
/// FuseElementwiseChains), in milliseconds.
double upstreamGlobalOpt(int n) {
  mlir::tessera::CompileSession session;
  if (mlir::failed(session.loadBuffer(chainSource(n), "chain.mlir")))
    die("cannot parse a chain of " + std::to_string(n) + " ops");
  mlir::PassManager pm(&session.getContext());
  pm.addPass(mlir::createConvertElementwiseToLinalgPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createLinalgElementwiseOpFusionPass());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  auto start = Clock::now();
  if (mlir::failed(pm.run(session.getModule())))
    die("upstream fusion failed");
  return millisecondsSince(start);
}

std::vector<int> parseSizes(const std::string &text) {
  std::vector<int> sizes;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    char *end = nullptr;
    long value = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < 1 || value > 10000000)
      die("--sizes takes numbers from 1 to 10000000, not '" + item + "'");
    sizes.push_back(static_cast<int>(value));
  }
  if (sizes.empty())
    die("--sizes is empty");
  return sizes;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<int> sizes = {1000, 2000, 4000, 8000, 16000};
  int referenceMax = 4000;
  std::string results = TESSERA_BENCH_RESULTS;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--sizes=", 0) == 0)
      sizes = parseSizes(arg.substr(8));
    else if (arg.rfind("--reference-max=", 0) == 0)
      referenceMax = std::atoi(arg.c_str() + 16);
    else if (arg.rfind("--results=", 0) == 0)
      results = arg.substr(10);
    else if (arg == "--no-results")
      results.clear();
    else
      die("unknown argument '" + arg +
          "' (--sizes=N,..., --reference-max=N, --results=FILE, "
          "--no-results)");
  }

  tessera::bench::Report report;
  report.line("Chains of n elementwise ops on tensor<64xf32> (addf/mulf "
              "alternately), one function, compiled to a runnable module "
              "with default settings. Upstream: global-opt with "
              "`linalg-fuse-elementwise-ops` alone, same run.");
  report.line("%s", "");
  report.line("| ops | compile ms | compile us/op | global-opt ms | "
              "global-opt us/op | upstream global-opt ms | ours/upstream |");
  report.line("|---|---|---|---|---|---|---|");
  double firstPerOp = 0, lastPerOp = 0;
  for (int n : sizes) {
    Compiled compiled = compileChain(n);
    double perOp = compiled.totalMs * 1e3 / n;
    if (firstPerOp == 0)
      firstPerOp = perOp;
    lastPerOp = perOp;
    std::string reference = "-", ratio = "-";
    if (n <= referenceMax) {
      double upstream = upstreamGlobalOpt(n);
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.1f", upstream);
      reference = buffer;
      std::snprintf(buffer, sizeof buffer, "%.3f",
                    compiled.globalOptMs / upstream);
      ratio = buffer;
    }
    report.line("| %d | %.1f | %.1f | %.1f | %.2f | %s | %s |", n,
                compiled.totalMs, perOp, compiled.globalOptMs,
                compiled.globalOptMs * 1e3 / n, reference.c_str(),
                ratio.c_str());
  }
  report.line("%s", "");
  report.line("Compile time per op, %d ops / %d ops: %.2f (1.00 = linear)",
              sizes.back(), sizes.front(), lastPerOp / firstPerOp);

  if (!results.empty()) {
    if (std::string error = tessera::bench::writeResultsSection(
            results,
            "## Compile time of long elementwise chains "
            "(`build/bin/tessera-fusion-bench`)",
            "\n" + report.markdown.str());
        !error.empty())
      die(error);
    std::fprintf(stderr, "wrote %s\n", results.c_str());
  }
  return 0;
}

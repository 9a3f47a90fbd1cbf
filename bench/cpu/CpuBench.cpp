//===- CpuBench.cpp - llvm-cpu codegen and the task executor vs references ===//
//
// tessera-cpu-bench [--repetitions=N] [--quick] [--results=FILE|--no-results]
// tessera-cpu-bench --core-latency
//
// Compiles small programs with the real compiler (CompileSession), runs them
// with the real runtime (inline, and with a TaskExecutor of 1 and 2
// workers), and times next to them, in the same run:
//   - f32 matmul 256..2048 against OpenBLAS's cblas_sgemm, on 1 and 2
//     threads, with OpenBLAS's core type as auto-detected and forced to
//     SkylakeX (OPENBLAS_CORETYPE is read when the library loads, so that
//     column comes from this program re-run as a child with it set);
//   - elementwise add of 16M floats against memcpy bandwidth;
//   - transposes (NHWC <-> NCHW, a 1024x1024 matrix) against memcpy of the
//     same bytes;
//   - a row softmax against a plain C++ loop;
//   - a 3x3 convolution against im2col + OpenBLAS sgemm;
//   - the cost of a dispatch: a call of 16 tiny dispatches, inline and
//     threaded.
// Times are medians after a warm-up. Kernel times come from the runtime's
// dispatch records; call times also pay for allocating the results. Prints
// ratios and writes a markdown section into bench/RESULTS.md, with the
// round trip of a cache line between the two CPUs before and after the
// matmuls (CoreLatency.h); --core-latency prints only that, in ns.
//
//===----------------------------------------------------------------------===//

#include "CoreLatency.h"
#include "InputGenerator.h"
#include "Pipeline/CompileSession.h"
#include "ResultsSection.h"
#include "tessera/runtime/Session.h"
#include "tessera/runtime/TaskExecutor.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rt = tessera::rt;

namespace {

using Clock = std::chrono::steady_clock;

double microsecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start)
      .count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

/// Warm-up lasts `warmup` calls and at least this long, for every engine:
/// a thread pool just started (or idle) runs its first calls slower for a
/// while (a 256 x 256 matmul on 2 workers at a third of its speed for the
/// first ten or so calls; the cause is below the process: the host's
/// scheduling of the second core).
constexpr auto kMinWarmup = std::chrono::milliseconds(200);

/// Whether the warm-up that began at `start` with `calls` calls is done.
bool warmedUp(Clock::time_point start, int calls, int warmup) {
  return calls >= warmup && Clock::now() - start >= kMinWarmup;
}

/// Median microseconds of `repetitions` runs of `body` after warming up.
double timeMedian(int warmup, int repetitions,
                  const std::function<void()> &body) {
  auto start = Clock::now();
  for (int calls = 0; !warmedUp(start, calls, warmup); ++calls)
    body();
  std::vector<double> times;
  for (int i = 0; i < repetitions; ++i) {
    auto start = Clock::now();
    body();
    times.push_back(microsecondsSince(start));
  }
  return median(times);
}

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "tessera-cpu-bench: %s\n", message.c_str());
  std::exit(1);
}

std::shared_ptr<rt::Module> compile(const std::string &source,
                                    const std::string &name) {
  mlir::tessera::CompileSession session;
  mlir::tessera::CompileOptions options;
  options.captureIR = false;
  options.buildModule = true;
  if (mlir::failed(session.loadBuffer(source, name)) ||
      mlir::failed(session.compile(options))) {
    std::string text;
    for (const auto &diagnostic : session.getDiagnostics())
      text += diagnostic.format() + "\n";
    die("cannot compile " + name + ":\n" + text);
  }
  const std::string &bytes = session.getModuleBytes();
  auto module = rt::Module::loadBytes(bytes.data(), bytes.size(), name);
  if (!module)
    die(module.status().message());
  return *module;
}

/// Seeded uniform values, as `tessera run --input=...` would generate.
/// Median microseconds of copying `source` into `destination` (the same
/// size) with memcpy, split evenly over `threads` threads.
double timeMemcpy(const std::vector<float> &source,
                  std::vector<float> &destination, unsigned threads, int warmup,
                  int repetitions) {
  size_t count = source.size();
  return timeMedian(warmup, repetitions, [&] {
    std::vector<std::thread> copiers;
    size_t share = count / threads;
    for (unsigned t = 0; t < threads; ++t)
      copiers.emplace_back([&, t] {
        size_t begin = t * share,
               end = t + 1 == threads ? count : begin + share;
        std::memcpy(destination.data() + begin, source.data() + begin,
                    sizeof(float) * (end - begin));
      });
    for (std::thread &copier : copiers)
      copier.join();
  });
}

rt::Tensor randomTensor(std::vector<int64_t> shape, unsigned seed) {
  rt::TensorType type;
  type.shape = std::move(shape);
  auto tensor =
      rt::tooling::generateInput(type, rt::tooling::InputKind::Random, seed);
  if (!tensor)
    die(tensor.status().message());
  return std::move(*tensor);
}

/// Median call and kernel (sum of the call's dispatches) times.
struct Timing {
  double callMicroseconds = 0, kernelMicroseconds = 0;
  unsigned dispatchesPerCall = 0, workgroupsPerDispatch = 0;
  std::vector<rt::Tensor> results;
};

/// `workers`: 0 runs inline, otherwise a TaskExecutor of that many.
Timing timeCalls(const std::shared_ptr<rt::Module> &module,
                 const std::string &function,
                 const std::vector<rt::Tensor> &inputs, unsigned workers,
                 int warmup, int repetitions, bool concurrent = true) {
  // OpenBLAS's threads keep spinning for a while after a call; let them
  // sleep before timing on the same cores.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  rt::Session session(module);
  if (workers > 0)
    session.setTaskExecutor(std::make_shared<rt::TaskExecutor>(workers));
  session.setConcurrentDispatches(concurrent);
  double kernel = 0;
  unsigned dispatches = 0;
  Timing timing;
  session.setDispatchObserver([&](const rt::DispatchRecord &record) {
    kernel += record.microseconds;
    ++dispatches;
    timing.workgroupsPerDispatch = record.workgroupCount[0] *
                                   record.workgroupCount[1] *
                                   record.workgroupCount[2];
  });
  std::vector<double> calls, kernels;
  auto warmupStart = Clock::now();
  for (int i = 0; calls.size() < size_t(repetitions); ++i) {
    bool warming = !warmedUp(warmupStart, i, warmup);
    kernel = 0;
    dispatches = 0;
    timing.results.clear();
    auto start = Clock::now();
    auto results = session.call(function, inputs);
    double call = microsecondsSince(start);
    if (!results)
      die(function + ": " + results.status().message());
    timing.results = std::move(*results);
    if (warming)
      continue;
    calls.push_back(call);
    kernels.push_back(kernel);
    timing.dispatchesPerCall = dispatches;
  }
  timing.callMicroseconds = median(calls);
  timing.kernelMicroseconds = median(kernels);
  return timing;
}

/// Largest |a - b| over the largest |b|.
double relativeError(const float *a, const float *b, size_t count) {
  double diff = 0, scale = 1e-30;
  for (size_t i = 0; i < count; ++i) {
    diff = std::max(diff, double(std::fabs(a[i] - b[i])));
    scale = std::max(scale, double(std::fabs(b[i])));
  }
  return diff / scale;
}

std::string matmulSource(int n) {
  std::string t =
      "tensor<" + std::to_string(n) + "x" + std::to_string(n) + "xf32>";
  return "func.func @matmul(%a: " + t + ", %b: " + t + ") -> " + t +
         " {\n  %zero = arith.constant 0.0 : f32\n  %e = tensor.empty() : " +
         t + "\n  %f = linalg.fill ins(%zero : f32) outs(%e : " + t + ") -> " +
         t + "\n  %r = linalg.matmul ins(%a, %b : " + t + ", " + t +
         ") outs(%f : " + t + ") -> " + t + "\n  return %r : " + t + "\n}\n";
}

//===----------------------------------------------------------------------===//
// OpenBLAS, in this process or in a child with a forced core type
//===----------------------------------------------------------------------===//

/// GFLOP/s of cblas_sgemm, n x n, on `threads` threads.
double blasMatmul(int n, int threads, int warmup, int repetitions) {
  openblas_set_num_threads(threads);
  std::vector<float> a(size_t(n) * n), b(size_t(n) * n), c(size_t(n) * n);
  std::mt19937 generator(1);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = uniform(generator);
    b[i] = uniform(generator);
  }
  double us = timeMedian(warmup, repetitions, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a.data(), n, b.data(), n, 0.0f, c.data(), n);
  });
  return 2.0 * n * n * n / us / 1e3;
}

/// The convolution as a framework on BLAS runs it: im2col of the padded
/// input, then one sgemm. Microseconds.
double blasConv(const float *input, const float *filter, float *output,
                int size, int channels, int filters, int threads, int warmup,
                int repetitions) {
  openblas_set_num_threads(threads);
  int padded = size + 2;
  std::vector<float> columns(size_t(size) * size * 9 * channels);
  return timeMedian(warmup, repetitions, [&] {
    float *column = columns.data();
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x)
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            std::memcpy(column,
                        input + (size_t((y + ky) * padded + x + kx)) * channels,
                        sizeof(float) * channels);
            column += channels;
          }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size * size, filters,
                9 * channels, 1.0f, columns.data(), 9 * channels, filter,
                filters, 0.0f, output, filters);
  });
}

struct Options {
  int repetitions = 10;
  bool quick = false;
  std::string results;
  std::vector<int> sizes = {256, 512, 1024, 2048};
};

/// The child's job: matmul GFLOP/s lines "n threads gflops" on stdout.
int runBlasChild(const Options &options) {
  for (int n : options.sizes)
    for (int threads : {1, 2})
      std::printf("%d %d %.3f\n", n, threads,
                  blasMatmul(n, threads, 2, options.repetitions));
  std::printf("core %s\n", openblas_get_corename());
  return 0;
}

/// (n, threads) -> GFLOP/s from a child running with OPENBLAS_CORETYPE set,
/// and the core name it reports.
std::map<std::pair<int, int>, double> blasInChild(const char *self,
                                                  const std::string &coreType,
                                                  const Options &options,
                                                  std::string &coreName) {
  std::string command =
      "OPENBLAS_CORETYPE=" + coreType + " '" + std::string(self) +
      "' --blas-child --repetitions=" + std::to_string(options.repetitions) +
      (options.quick ? " --quick" : "");
  std::map<std::pair<int, int>, double> result;
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    die("cannot run " + command);
  char line[256];
  while (std::fgets(line, sizeof line, pipe)) {
    int n, threads;
    double gflops;
    char core[64];
    if (std::sscanf(line, "%d %d %lf", &n, &threads, &gflops) == 3)
      result[{n, threads}] = gflops;
    else if (std::sscanf(line, "core %63s", core) == 1)
      coreName = core;
  }
  if (pclose(pipe) != 0)
    die("the OpenBLAS child (" + coreType + ") failed");
  return result;
}

int runBench(const char *self, const Options &options) {
  int reps = options.repetitions, warm = 2;
  tessera::bench::Report report;
  report.line("Run on %u cores available; %d repetitions, medians; "
              "`build/bin/tessera-cpu-bench`.",
              rt::TaskExecutor::availableCores(), reps);
  report.line("%s", "");

  // Matmul.
  double latencyBefore = tessera::bench::coreRoundTripNanoseconds();
  std::string skylakeCore, autoCore = openblas_get_corename();
  std::fprintf(stderr, "OpenBLAS (SkylakeX) in a child process...\n");
  auto skylake = blasInChild(self, "SkylakeX", options, skylakeCore);
  report.line("### f32 matmul, n x n x n (GFLOP/s; kernel time)");
  report.line("%s", "");
  report.line("OpenBLAS (%s): core type as auto-detected (%s) and forced "
              "(OPENBLAS_CORETYPE=SkylakeX, reports %s). Tessera: the "
              "dispatch's time (kernel) and the whole call's (which also "
              "allocates and clears the result) with a task executor of that "
              "many workers. "
              "Max relative difference to OpenBLAS's result in the last "
              "column.",
              openblas_get_config(), autoCore.c_str(), skylakeCore.c_str());
  report.line("%s", "");
  report.line("| n | threads | Tessera kernel | Tessera call | OpenBLAS auto "
              "| OpenBLAS SkylakeX | kernel / auto | kernel / SkylakeX | max "
              "rel diff |");
  report.line("|---|---|---|---|---|---|---|---|---|");
  for (int n : options.sizes) {
    auto module = compile(matmulSource(n), "matmul.mlir");
    rt::Tensor a = randomTensor({n, n}, 1), b = randomTensor({n, n}, 2);
    std::vector<float> expected(size_t(n) * n);
    openblas_set_num_threads(2);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a.data<float>(), n, b.data<float>(), n, 0.0f, expected.data(),
                n);
    for (unsigned threads : {1u, 2u}) {
      Timing timing = timeCalls(module, "matmul", {a, b}, threads, warm, reps);
      double flops = 2.0 * n * n * n;
      double ours = flops / timing.kernelMicroseconds / 1e3;
      double call = flops / timing.callMicroseconds / 1e3;
      double blasAuto = blasMatmul(n, threads, warm, reps);
      double blasSkylake = skylake[{n, int(threads)}];
      double error = relativeError(timing.results[0].data<float>(),
                                   expected.data(), expected.size());
      report.line("| %d | %u | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1e "
                  "|",
                  n, threads, ours, call, blasAuto, blasSkylake,
                  ours / blasAuto, blasSkylake > 0 ? ours / blasSkylake : 0.0,
                  error);
    }
  }
  report.line("%s", "");
  report.line("A cache line's round trip between the first two CPUs: %.0f ns "
              "before the matmuls, %.0f ns after (about 60 ns within one AMD "
              "core complex, 350 ns across two: CoreLatency.h).",
              latencyBefore, tessera::bench::coreRoundTripNanoseconds());
  report.line("%s", "");

  // Elementwise add vs memcpy.
  {
    int64_t count = options.quick ? (1 << 22) : (1 << 24);
    std::string t = "tensor<" + std::to_string(count) + "xf32>";
    auto module = compile("func.func @add(%a: " + t + ", %b: " + t + ") -> " +
                              t + " {\n  %e = tensor.empty() : " + t +
                              "\n  %r = linalg.add ins(%a, %b : " + t + ", " +
                              t + ") outs(%e : " + t + ") -> " + t +
                              "\n  return %r : " + t + "\n}\n",
                          "add.mlir");
    rt::Tensor a = randomTensor({count}, 3), b = randomTensor({count}, 4);
    std::vector<float> source(a.data<float>(), a.data<float>() + count),
        destination(count);
    size_t bytes = sizeof(float) * count;
    report.line("### elementwise add of %lld f32 (GB/s)",
                static_cast<long long>(count));
    report.line("%s", "");
    report.line("Bytes moved: add reads 2 and writes 1 array, memcpy reads 1 "
                "and writes 1 (%zu MiB each). The call also pays for "
                "its result: a block the runtime kept from the previous call, "
                "cleared.",
                bytes >> 20);
    report.line("%s", "");
    report.line("| threads | Tessera kernel | Tessera call | memcpy | kernel "
                "/ memcpy | max abs diff |");
    report.line("|---|---|---|---|---|---|");
    for (unsigned threads : {1u, 2u}) {
      Timing timing = timeCalls(module, "add", {a, b}, threads, warm, reps);
      double copy = timeMemcpy(source, destination, threads, warm, reps);
      double kernel = 3.0 * bytes / timing.kernelMicroseconds / 1e3;
      double call = 3.0 * bytes / timing.callMicroseconds / 1e3;
      double memcpyRate = 2.0 * bytes / copy / 1e3;
      double diff = 0;
      const float *r = timing.results[0].data<float>();
      for (int64_t i = 0; i < count; ++i)
        diff = std::max(diff, double(std::fabs(r[i] - (a.data<float>()[i] +
                                                       b.data<float>()[i]))));
      report.line("| %u | %.1f | %.1f | %.1f | %.2f | %.1e |", threads, kernel,
                  call, memcpyRate, kernel / memcpyRate, diff);
    }
    report.line("%s", "");
  }

  // Transposes vs memcpy of the same bytes.
  {
    struct Shape {
      const char *name;
      std::vector<int64_t> in, out;
      std::string perm;
    };
    std::vector<Shape> shapes = {
        {"1x56x56x256 -> 1x256x56x56 (NHWC to NCHW)",
         {1, 56, 56, 256},
         {1, 256, 56, 56},
         "[0, 3, 1, 2]"},
        {"1x256x56x56 -> 1x56x56x256 (NCHW to NHWC)",
         {1, 256, 56, 56},
         {1, 56, 56, 256},
         "[0, 2, 3, 1]"},
        {"1024x1024", {1024, 1024}, {1024, 1024}, "[1, 0]"}};
    auto typeOf = [](const std::vector<int64_t> &shape) {
      std::string type = "tensor<";
      for (int64_t extent : shape)
        type += std::to_string(extent) + "x";
      return type + "f32>";
    };
    report.line("### transposes of f32 (GB/s)");
    report.line("%s", "");
    report.line("Bytes moved: each reads and writes its tensor once, as "
                "memcpy does (the reference, same bytes and threads). Max "
                "abs diff against the transposed input (0: exact).");
    report.line("%s", "");
    report.line("| transpose | threads | Tessera kernel | memcpy | kernel / "
                "memcpy | max abs diff |");
    report.line("|---|---|---|---|---|---|");
    for (const Shape &shape : shapes) {
      std::string in = typeOf(shape.in), out = typeOf(shape.out);
      auto module =
          compile("func.func @transpose(%x: " + in + ") -> " + out +
                      " {\n  %e = tensor.empty() : " + out +
                      "\n  %t = linalg.transpose ins(%x : " + in +
                      ") outs(%e : " + out + ") permutation = " + shape.perm +
                      "\n  return %t : " + out + "\n}\n",
                  "transpose.mlir");
      rt::Tensor x = randomTensor(shape.in, 5);
      int64_t count = 1;
      for (int64_t extent : shape.in)
        count *= extent;
      size_t bytes = sizeof(float) * count;
      std::vector<float> source(x.data<float>(), x.data<float>() + count),
          destination(count);
      // The expected result: output index -> input index through the
      // permutation (strides of the input, permuted).
      std::vector<int64_t> perm;
      for (char c : shape.perm)
        if (c >= '0' && c <= '9')
          perm.push_back(c - '0');
      std::vector<int64_t> inStrides(shape.in.size(), 1);
      for (int d = static_cast<int>(shape.in.size()) - 2; d >= 0; --d)
        inStrides[d] = inStrides[d + 1] * shape.in[d + 1];
      for (unsigned threads : {1u, 2u}) {
        Timing timing =
            timeCalls(module, "transpose", {x}, threads, warm, reps);
        double copy = timeMemcpy(source, destination, threads, warm, reps);
        double kernel = 2.0 * bytes / timing.kernelMicroseconds / 1e3;
        double memcpyRate = 2.0 * bytes / copy / 1e3;
        double diff = 0;
        const float *r = timing.results[0].data<float>();
        std::vector<int64_t> index(shape.out.size(), 0);
        for (int64_t i = 0; i < count; ++i) {
          int64_t from = 0;
          for (size_t d = 0; d < index.size(); ++d)
            from += index[d] * inStrides[perm[d]];
          diff = std::max(diff, double(std::fabs(r[i] - source[from])));
          for (int d = static_cast<int>(index.size()) - 1; d >= 0; --d) {
            if (++index[d] < shape.out[d])
              break;
            index[d] = 0;
          }
        }
        report.line("| %s | %u | %.1f | %.1f | %.2f | %.1e |", shape.name,
                    threads, kernel, memcpyRate, kernel / memcpyRate, diff);
      }
    }
    report.line("%s", "");
  }

  // Softmax over rows.
  {
    int rows = 256, cols = 4096;
    std::string t =
        "tensor<" + std::to_string(rows) + "x" + std::to_string(cols) + "xf32>";
    std::string r = "tensor<" + std::to_string(rows) + "xf32>";
    // As frontends emit it (ResNet-50's last layer): row max, sum of
    // exponentials, then each exponential over the sum.
    auto module =
        compile("#id = affine_map<(i, j) -> (i, j)>\n"
                "#row = affine_map<(i, j) -> (i)>\n"
                "func.func @softmax(%x: " +
                    t + ") -> " + t +
                    " {\n"
                    "  %ninf = arith.constant 0xFF800000 : f32\n"
                    "  %zero = arith.constant 0.0 : f32\n"
                    "  %er = tensor.empty() : " +
                    r +
                    "\n"
                    "  %m0 = linalg.fill ins(%ninf : f32) outs(%er : " +
                    r + ") -> " + r +
                    "\n"
                    "  %m = linalg.generic {indexing_maps = [#id, #row], "
                    "iterator_types = "
                    "[\"parallel\", \"reduction\"]} ins(%x : " +
                    t + ") outs(%m0 : " + r +
                    ") {\n"
                    "  ^bb0(%a: f32, %acc: f32):\n"
                    "    %v = arith.maximumf %a, %acc : f32\n"
                    "    linalg.yield %v : f32\n"
                    "  } -> " +
                    r +
                    "\n"
                    "  %s0 = linalg.fill ins(%zero : f32) outs(%er : " +
                    r + ") -> " + r +
                    "\n"
                    "  %s = linalg.generic {indexing_maps = [#id, #row, #row], "
                    "iterator_types = "
                    "[\"parallel\", \"reduction\"]} ins(%x, %m : " +
                    t + ", " + r + ") outs(%s0 : " + r +
                    ") {\n"
                    "  ^bb0(%a: f32, %mx: f32, %acc: f32):\n"
                    "    %d = arith.subf %a, %mx : f32\n"
                    "    %ex = math.exp %d : f32\n"
                    "    %v = arith.addf %ex, %acc : f32\n"
                    "    linalg.yield %v : f32\n"
                    "  } -> " +
                    r +
                    "\n"
                    "  %e = tensor.empty() : " +
                    t +
                    "\n"
                    "  %y = linalg.generic {indexing_maps = [#id, #row, #row, "
                    "#id], iterator_types = "
                    "[\"parallel\", \"parallel\"]} ins(%x, %m, %s : " +
                    t + ", " + r + ", " + r + ") outs(%e : " + t +
                    ") {\n"
                    "  ^bb0(%a: f32, %mx: f32, %sm: f32, %o: f32):\n"
                    "    %d = arith.subf %a, %mx : f32\n"
                    "    %ex = math.exp %d : f32\n"
                    "    %v = arith.divf %ex, %sm : f32\n"
                    "    linalg.yield %v : f32\n"
                    "  } -> " +
                    t +
                    "\n"
                    "  return %y : " +
                    t + "\n}\n",
                "softmax.mlir");
    rt::Tensor x = randomTensor({rows, cols}, 5);
    std::vector<float> expected(size_t(rows) * cols);
    const float *in = x.data<float>();
    double reference = timeMedian(warm, reps, [&] {
      for (int r = 0; r < rows; ++r) {
        const float *row = in + size_t(r) * cols;
        float *out = expected.data() + size_t(r) * cols;
        float largest = *std::max_element(row, row + cols);
        float sum = 0;
        for (int c = 0; c < cols; ++c)
          sum += out[c] = std::exp(row[c] - largest);
        for (int c = 0; c < cols; ++c)
          out[c] /= sum;
      }
    });
    report.line("### softmax of %dx%d f32 rows (us)", rows, cols);
    report.line("%s", "");
    report.line("Reference: a plain C++ loop (max, exp and sum, divide) on "
                "one thread, built with the project's flags.");
    report.line("%s", "");
    report.line("| threads | Tessera kernel | C++ loop | Tessera speed-up | "
                "max rel diff |");
    report.line("|---|---|---|---|---|");
    for (unsigned threads : {1u, 2u}) {
      Timing timing = timeCalls(module, "softmax", {x}, threads, warm, reps);
      report.line("| %u | %.0f | %.0f | %.2fx | %.1e |", threads,
                  timing.kernelMicroseconds, reference,
                  reference / timing.kernelMicroseconds,
                  relativeError(timing.results[0].data<float>(),
                                expected.data(), expected.size()));
    }
    report.line("%s", "");
  }

  // 3x3 convolution (a ResNet-50 stage-1 layer).
  {
    int size = 56, channels = 64, filters = 64, padded = size + 2;
    auto shape = [](std::vector<int> dims) {
      std::string text = "tensor<";
      for (int d : dims)
        text += std::to_string(d) + "x";
      return text + "f32>";
    };
    std::string in = shape({1, padded, padded, channels}),
                w = shape({3, 3, channels, filters}),
                out = shape({1, size, size, filters});
    auto module = compile(
        "func.func @conv(%x: " + in + ", %w: " + w + ") -> " + out +
            " {\n  %zero = arith.constant 0.0 : f32\n  %e = tensor.empty() : " +
            out + "\n  %f = linalg.fill ins(%zero : f32) outs(%e : " + out +
            ") -> " + out +
            "\n  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : "
            "tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : " +
            in + ", " + w + ") outs(%f : " + out + ") -> " + out +
            "\n  return %r : " + out + "\n}\n",
        "conv.mlir");
    rt::Tensor x = randomTensor({1, padded, padded, channels}, 6);
    rt::Tensor filter = randomTensor({3, 3, channels, filters}, 7);
    std::vector<float> expected(size_t(size) * size * filters);
    double flops = 2.0 * size * size * filters * 9 * channels;
    report.line("### convolution 1x%dx%dx%d, 3x3x%dx%d filter (GFLOP/s)",
                padded, padded, channels, channels, filters);
    report.line("%s", "");
    report.line("Reference: im2col, then OpenBLAS sgemm (auto-detected core), "
                "both timed.");
    report.line("%s", "");
    report.line("| threads | Tessera kernel | im2col + sgemm | Tessera / "
                "reference | max rel diff |");
    report.line("|---|---|---|---|---|");
    for (unsigned threads : {1u, 2u}) {
      Timing timing =
          timeCalls(module, "conv", {x, filter}, threads, warm, reps);
      double reference =
          blasConv(x.data<float>(), filter.data<float>(), expected.data(), size,
                   channels, filters, threads, warm, reps);
      double ours = flops / timing.kernelMicroseconds / 1e3;
      double theirs = flops / reference / 1e3;
      report.line("| %u | %.1f | %.1f | %.2f | %.1e |", threads, ours, theirs,
                  ours / theirs,
                  relativeError(timing.results[0].data<float>(),
                                expected.data(), expected.size()));
    }
    report.line("%s", "");
  }

  // Dispatch overhead: 16 dependent 16x32x32 matmuls, one dispatch of two
  // workgroups each (so that threaded runs hand work to both workers).
  {
    std::string t = "tensor<16x32xf32>", tw = "tensor<32x32xf32>", body;
    std::string previous = "%x";
    for (int i = 0; i < 16; ++i) {
      std::string name = "%m" + std::to_string(i);
      body += "  " + name + " = linalg.matmul ins(" + previous + ", %w : " + t +
              ", " + tw + ") outs(%f : " + t + ") -> " + t + "\n";
      previous = name;
    }
    auto module = compile(
        "func.func @chain(%x: " + t + ", %w: " + tw + ") -> " + t +
            " {\n  %zero = arith.constant 0.0 : f32\n  %e = tensor.empty() : " +
            t + "\n  %f = linalg.fill ins(%zero : f32) outs(%e : " + t +
            ") -> " + t + "\n" + body + "  return " + previous + " : " + t +
            "\n}\n",
        "chain.mlir");
    rt::Tensor x = randomTensor({16, 32}, 8), w = randomTensor({32, 32}, 9);
    int calls = options.quick ? 200 : 2000;
    report.line("### dispatch overhead (us per dispatch)");
    report.line("%s", "");
    report.line("A call of 16 dependent 16x32 by 32x32 matmuls (2 "
                "workgroups of 8 rows each, ~16K FMAs per dispatch); per "
                "dispatch = the call's time / its dispatches, so the host "
                "program's own work and the kernels are included.");
    report.line("%s", "");
    report.line("| mode | dispatches per call | workgroups per dispatch | us "
                "per call | us per dispatch |");
    report.line("|---|---|---|---|---|");
    for (unsigned workers : {0u, 2u}) {
      Timing timing = timeCalls(module, "chain", {x, w}, workers, 50, calls);
      report.line("| %s | %u | %u | %.2f | %.2f |",
                  workers ? "threaded (2 workers)" : "inline",
                  timing.dispatchesPerCall, timing.workgroupsPerDispatch,
                  timing.callMicroseconds,
                  timing.callMicroseconds / timing.dispatchesPerCall);
    }
    report.line("%s", "");
  }

  // Independent dispatches: 8 matmuls of one input by 8 weights, none
  // reading another's result. Threaded, they run as one wave; without
  // waves each waits for the one before.
  {
    std::string t = "tensor<16x64xf32>", tw = "tensor<64x64xf32>";
    std::string arguments = "%x: " + t, body, results, types;
    std::vector<rt::Tensor> inputs = {randomTensor({16, 64}, 10)};
    for (int i = 0; i < 8; ++i) {
      std::string w = "%w" + std::to_string(i), m = "%m" + std::to_string(i);
      arguments += ", " + w + ": " + tw;
      body += "  " + m + " = linalg.matmul ins(%x, " + w + " : " + t + ", " +
              tw + ") outs(%f : " + t + ") -> " + t + "\n";
      results += (i ? ", " : "") + m;
      types += (i ? ", " : "") + t;
      inputs.push_back(randomTensor({64, 64}, 11 + i));
    }
    auto module =
        compile("func.func @branches(" + arguments + ") -> (" + types +
                    ") {\n  %zero = arith.constant 0.0 : f32\n"
                    "  %e = tensor.empty() : " +
                    t + "\n  %f = linalg.fill ins(%zero : f32) outs(%e : " + t +
                    ") -> " + t + "\n" + body + "  return " + results + " : " +
                    types + "\n}\n",
                "branches.mlir");
    int calls = options.quick ? 200 : 2000;
    report.line("### independent dispatches (us per call)");
    report.line("%s", "");
    report.line("A call of 8 independent 16x64 by 64x64 matmuls (one input, "
                "8 weights, 8 results). Threaded, consecutive dispatches "
                "that do not touch each other's data run as one wave; "
                "\"in order\" turns that off (Session::"
                "setConcurrentDispatches).");
    report.line("%s", "");
    report.line("| mode | workgroups per dispatch | us per call | us per "
                "dispatch |");
    report.line("|---|---|---|---|");
    Timing inOrder, waves;
    for (int mode = 0; mode < 3; ++mode) {
      unsigned workers = mode == 0 ? 0 : 2;
      Timing timing = timeCalls(module, "branches", inputs, workers, 50, calls,
                                /*concurrent=*/mode == 2);
      const char *name = mode == 0   ? "inline"
                         : mode == 1 ? "threaded (2 workers), in order"
                                     : "threaded (2 workers), waves";
      report.line("| %s | %u | %.2f | %.2f |", name,
                  timing.workgroupsPerDispatch, timing.callMicroseconds,
                  timing.callMicroseconds / timing.dispatchesPerCall);
      (mode == 1 ? inOrder : waves) = std::move(timing);
    }
    report.line("%s", "");
    report.line("Waves / in order: %.2fx the calls per second.",
                inOrder.callMicroseconds / waves.callMicroseconds);
    report.line("%s", "");
    for (size_t r = 0; r < waves.results.size(); ++r)
      if (relativeError(waves.results[r].data<float>(),
                        inOrder.results[r].data<float>(),
                        waves.results[r].elementCount()) > 0)
        die("branches: result " + std::to_string(r) +
            " differs between waves and in-order runs");
  }

  if (!options.results.empty()) {
    if (std::string error = tessera::bench::writeResultsSection(
            options.results,
            "## llvm-cpu codegen and task executor vs OpenBLAS / memcpy "
            "(`build/bin/tessera-cpu-bench`)",
            "\n" + report.markdown.str());
        !error.empty())
      die(error);
    std::fprintf(stderr, "wrote %s\n", options.results.c_str());
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
#if defined(__GLIBC__)
  // As the tessera tool does: calls reuse heap memory instead of faulting
  // in fresh pages every time.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, sizeof(long) * (4 << 20));
#endif
  Options options;
  options.results = TESSERA_BENCH_RESULTS;
  bool blasChild = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--repetitions=", 0) == 0) {
      char *end = nullptr;
      long value = std::strtol(arg.c_str() + 14, &end, 10);
      if (*end != '\0' || value < 1 || value > 100000)
        die("--repetitions must be a number from 1 to 100000, not '" +
            arg.substr(14) + "'");
      options.repetitions = static_cast<int>(value);
    } else if (arg == "--quick")
      options.quick = true;
    else if (arg.rfind("--results=", 0) == 0)
      options.results = arg.substr(10);
    else if (arg == "--no-results")
      options.results.clear();
    else if (arg == "--blas-child")
      blasChild = true;
    else if (arg == "--core-latency") {
      // For bench/models/run.py: where the host has put its threads.
      std::printf("%.0f\n", tessera::bench::coreRoundTripNanoseconds());
      return 0;
    } else
      die("unknown argument '" + arg +
          "' (--repetitions=N, --quick, --results=FILE, --no-results, "
          "--core-latency)");
  }
  if (options.quick)
    options.sizes = {256, 512};
  return blasChild ? runBlasChild(options) : runBench(argv[0], options);
}

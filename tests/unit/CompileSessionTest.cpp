//===- CompileSessionTest.cpp - Compile, then run the produced libraries --===//
//
// Compiles examples through CompileSession, loads each produced shared
// library with dlopen, runs every workgroup of its dispatch through the
// executable-library ABI and compares with a reference computed here.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/CompileSession.h"

#include "Dialect/HAL/IR/HALOps.h"
#include "tessera/executable_library.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Evaluates a count region whose body is index constants and arithmetic.
std::array<uint32_t, 3> evaluateCount(hal::ExecutableExportOp exportOp,
                                      ArrayRef<int64_t> workload) {
  DenseMap<Value, int64_t> values;
  Block &block = exportOp.getWorkgroupCount().front();
  for (auto [arg, value] :
       llvm::zip(block.getArguments().drop_front(), workload))
    values[arg] = value;
  for (Operation &op : block) {
    if (auto c = dyn_cast<arith::ConstantIndexOp>(op))
      values[c] = c.value();
    else if (auto d = dyn_cast<arith::CeilDivUIOp>(op))
      values[d] =
          (values[d.getLhs()] + values[d.getRhs()] - 1) / values[d.getRhs()];
    else if (auto m = dyn_cast<arith::MulIOp>(op))
      values[m] = values[m.getLhs()] * values[m.getRhs()];
    else if (auto r = dyn_cast<hal::ReturnOp>(op))
      return {static_cast<uint32_t>(values[r.getOperand(0)]),
              static_cast<uint32_t>(values[r.getOperand(1)]),
              static_cast<uint32_t>(values[r.getOperand(2)])};
    else
      ADD_FAILURE() << "unexpected op in count region";
  }
  return {0, 0, 0};
}

/// One compiled dispatch: its grid and its library.
struct CompiledDispatch {
  std::array<uint32_t, 3> grid;
  std::string exportName;
  std::string library;
};

CompiledDispatch compileSingleDispatch(const std::string &example,
                                       ArrayRef<int64_t> workload) {
  CompiledDispatch result;
  {
    CompileSession session;
    EXPECT_TRUE(succeeded(session.loadFile(example)));
    CompileOptions options;
    options.compileTo = Phase::Codegen;
    options.captureIR = false;
    EXPECT_TRUE(succeeded(session.compile(options)));
    session.getModule().walk([&](hal::ExecutableExportOp exportOp) {
      result.grid = evaluateCount(exportOp, workload);
      result.exportName = exportOp.getSymName().str();
    });
  }
  CompileSession session;
  EXPECT_TRUE(succeeded(session.loadFile(example)));
  CompileOptions options;
  options.captureIR = false;
  options.keepArtifacts = true;
  EXPECT_TRUE(succeeded(session.compile(options)));
  for (const Artifact &artifact : session.getArtifacts())
    if (artifact.kind == "so")
      result.library = artifact.bytes;
  EXPECT_FALSE(result.library.empty());
  return result;
}

/// dlopens the library bytes and runs every workgroup of export 0 over
/// `buffers` (the bindings, whole).
void runDispatch(const CompiledDispatch &dispatch,
                 std::vector<std::vector<float> *> buffers,
                 std::vector<uint32_t> pushConstants) {
  std::vector<void *> bindings;
  std::vector<size_t> lengths;
  for (std::vector<float> *buffer : buffers) {
    bindings.push_back(buffer->data());
    lengths.push_back(buffer->size() * sizeof(float));
  }
  char path[] = "/tmp/tessera-unit-XXXXXX.so";
  int fd = mkstemps(path, 3);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, dispatch.library.data(), dispatch.library.size()),
            static_cast<ssize_t>(dispatch.library.size()));
  close(fd);
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  unlink(path);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto query = reinterpret_cast<tessera_executable_library_query_fn_t>(
      dlsym(handle, TESSERA_EXECUTABLE_LIBRARY_QUERY_NAME));
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query(1234, nullptr), nullptr) << "unknown versions are refused";
  const tessera_executable_library_v0_t *library =
      query(TESSERA_EXECUTABLE_LIBRARY_VERSION_0, nullptr);
  ASSERT_NE(library, nullptr);
  ASSERT_EQ(library->export_count, 1u);
  EXPECT_EQ(std::string(library->export_names[0]), dispatch.exportName);
  EXPECT_EQ(dlsym(handle, dispatch.exportName.c_str()),
            reinterpret_cast<void *>(library->exports[0]));

  tessera_dispatch_state_v0_t state = {};
  for (int i = 0; i < 3; ++i) {
    state.workgroup_size[i] = 1;
    state.workgroup_count[i] = dispatch.grid[i];
  }
  state.push_constant_count = pushConstants.size();
  state.push_constants = pushConstants.data();
  state.binding_count = bindings.size();
  state.binding_ptrs = bindings.data();
  state.binding_lengths = lengths.data();
  for (uint32_t z = 0; z < dispatch.grid[2]; ++z)
    for (uint32_t y = 0; y < dispatch.grid[1]; ++y)
      for (uint32_t x = 0; x < dispatch.grid[0]; ++x) {
        tessera_workgroup_state_v0_t workgroup = {};
        workgroup.workgroup_id[0] = x;
        workgroup.workgroup_id[1] = y;
        workgroup.workgroup_id[2] = z;
        ASSERT_EQ(library->exports[0](nullptr, &state, &workgroup), 0);
      }
  dlclose(handle);
}

std::vector<float> randomVector(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(size);
  for (float &v : values)
    v = dist(rng);
  return values;
}

TEST(CompileSession, MatmulLibraryComputesTheProduct) {
  const int64_t m = 256, k = 512, n = 128;
  CompiledDispatch dispatch =
      compileSingleDispatch(TESSERA_EXAMPLES_DIR "/matmul.mlir", {m, n});
  EXPECT_GT(dispatch.grid[0] * dispatch.grid[1] * dispatch.grid[2], 1u)
      << "the matmul is distributed over several workgroups";
  std::vector<float> a = randomVector(m * k, 1), b = randomVector(k * n, 2);
  std::vector<float> c(m * n, NAN);
  runDispatch(dispatch, {&a, &b, &c}, {});
  for (int64_t i = 0; i < m; i += 17)
    for (int64_t j = 0; j < n; ++j) {
      double expected = 0;
      for (int64_t l = 0; l < k; ++l)
        expected += double(a[i * k + l]) * b[l * n + j];
      ASSERT_NEAR(c[i * n + j], expected, 1e-3) << i << "," << j;
    }
}

TEST(CompileSession, DynamicElementwiseReadsItsSizeFromPushConstants) {
  const int64_t size = 1000;
  CompiledDispatch dispatch =
      compileSingleDispatch(TESSERA_EXAMPLES_DIR "/elementwise.mlir", {size});
  std::vector<float> a = randomVector(size, 3), b = randomVector(size, 4);
  std::vector<float> y(size + 16, NAN);
  // Push constants: the dynamic dims of a, b and the result.
  runDispatch(dispatch, {&a, &b, &y},
              {uint32_t(size), uint32_t(size), uint32_t(size)});
  for (int64_t i = 0; i < size; ++i)
    ASSERT_FLOAT_EQ(y[i], std::max(a[i] * b[i] + a[i], 0.0f)) << i;
  EXPECT_TRUE(std::isnan(y[size])) << "nothing written past the result";
}

TEST(CompileSession, SoftmaxRowsSumToOne) {
  CompiledDispatch dispatch =
      compileSingleDispatch(TESSERA_EXAMPLES_DIR "/softmax.mlir", {64, 1000});
  std::vector<float> x = randomVector(64 * 1000, 5);
  for (float &v : x)
    v *= 8.0f;
  std::vector<float> y(64 * 1000, NAN);
  runDispatch(dispatch, {&x, &y}, {});
  for (int row = 0; row < 64; ++row) {
    double max = -INFINITY, sum = 0;
    for (int j = 0; j < 1000; ++j)
      max = std::max<double>(max, x[row * 1000 + j]);
    for (int j = 0; j < 1000; ++j)
      sum += std::exp(double(x[row * 1000 + j]) - max);
    for (int j = 0; j < 1000; j += 7) {
      double expected = std::exp(double(x[row * 1000 + j]) - max) / sum;
      ASSERT_NEAR(y[row * 1000 + j], expected, 1e-6 + 1e-4 * expected)
          << row << "," << j;
    }
  }
}

TEST(CompileSession, SyntaxErrorsAreLocated) {
  CompileSession session;
  EXPECT_TRUE(failed(session.loadBuffer(
      "func.func @f() {\n  %0 = arith.constant : i32\n}\n", "bad.mlir")));
  ASSERT_FALSE(session.getDiagnostics().empty());
  const tessera::Diagnostic &diag = session.getDiagnostics().front();
  EXPECT_EQ(diag.file, "bad.mlir");
  EXPECT_EQ(diag.line, 2u);
  EXPECT_EQ(diag.format().rfind("bad.mlir:2:", 0), 0u) << diag.format();
}

TEST(CompileSession, UnsupportedOpsAreRejectedWithTheirLocation) {
  CompileSession session;
  ASSERT_TRUE(
      succeeded(session.loadBuffer("func.func @f(%n: index) {\n"
                                   "  %c0 = arith.constant 0 : index\n"
                                   "  %c1 = arith.constant 1 : index\n"
                                   "  scf.for %i = %c0 to %n step %c1 {\n"
                                   "  }\n"
                                   "  return\n"
                                   "}\n",
                                   "loop.mlir")));
  EXPECT_TRUE(failed(session.compile(CompileOptions())));
  ASSERT_FALSE(session.getDiagnostics().empty());
  const tessera::Diagnostic &diag = session.getDiagnostics().front();
  EXPECT_EQ(diag.line, 4u);
  EXPECT_EQ(diag.column, 3u);
  EXPECT_NE(diag.message.find("'scf.for' is not supported"), std::string::npos);
  EXPECT_EQ(diag.pass, "tessera-verify-input-legality");
}

} // namespace

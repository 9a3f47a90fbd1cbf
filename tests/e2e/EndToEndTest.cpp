//===- EndToEndTest.cpp - Compiled programs run on the CPU runtime --------===//
//
// Each test compiles a program with the real compiler, loads the module in
// the real runtime, calls it and compares with a reference computed here
// with plain loops (in double). f32 results must agree within
// kTolerance * max(1, |reference|). Every program runs three times:
// compiled for llvm-cpu on the CPU inline and split over 3 task workers,
// and for vulkan-spirv on the first Vulkan device with the validation layer
// on (a test fails on any validation message; without a device the Vulkan
// runs skip, saying why).
//
//===----------------------------------------------------------------------===//

#include "CompileAndLoad.h"
#include "Profile.h"

#include "tessera/runtime/VulkanModuleDevice.h"
#include "tessera/schema/module_generated.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>

using namespace tessera;
using tessera::test::compileToModule;
using tessera::test::randomTensor;

namespace {

constexpr double kTolerance = 1e-4;

struct Backend {
  const char *name;
  const char *target;
  bool vulkan;
  /// CPU dispatches over this many task workers (0: inline).
  unsigned workers = 0;
};

/// The executor of the running test's backend (threaded CPU), or null.
std::shared_ptr<rt::TaskExecutor> currentExecutor;

void PrintTo(const Backend &backend, std::ostream *os) { *os << backend.name; }

/// One validating Vulkan device for the whole suite (creating one per test
/// costs more than most tests); null with `why` saying why.
std::shared_ptr<rt::vulkan::Device> sharedVulkanDevice(std::string &why) {
  static std::string reason;
  static std::shared_ptr<rt::vulkan::Device> device = [] {
    auto created = rt::vulkan::Device::create({-1, /*validation=*/true});
    if (!created) {
      reason = created.status().message();
      return std::shared_ptr<rt::vulkan::Device>();
    }
    return std::shared_ptr<rt::vulkan::Device>(std::move(*created));
  }();
  why = reason;
  return device;
}

class EndToEnd : public testing::TestWithParam<Backend> {
public:
  void SetUp() override {
    currentExecutor =
        GetParam().workers > 1
            ? std::make_shared<rt::TaskExecutor>(GetParam().workers)
            : nullptr;
    if (!GetParam().vulkan)
      return;
    std::string why;
    vulkan = sharedVulkanDevice(why);
    if (!vulkan)
      GTEST_SKIP() << "no Vulkan device: " << why;
    messagesBefore = vulkan->validationMessages().size();
  }
  void TearDown() override {
    if (!vulkan)
      return;
    const auto &messages = vulkan->validationMessages();
    for (size_t i = messagesBefore; i < messages.size(); ++i)
      ADD_FAILURE() << "vulkan validation: " << messages[i];
  }

  std::string compile(const std::string &source, bool link = true) {
    return compileToModule(source, link, {GetParam().target});
  }
  std::shared_ptr<rt::Module> load(const std::string &bytes) {
    if (bytes.empty())
      return nullptr;
    rt::LoadOptions options;
    if (vulkan)
      options.devices = {*rt::Runtime::createDevice("cpu"),
                         rt::vulkan::makeModuleDevice(vulkan)};
    auto module =
        rt::Module::loadBytes(bytes.data(), bytes.size(), "<memory>", options);
    EXPECT_TRUE(module.ok()) << module.status().message();
    return module.ok() ? *module : nullptr;
  }
  std::shared_ptr<rt::Module> compileAndLoad(const std::string &source,
                                             bool link = true) {
    return load(compile(source, link));
  }

  std::shared_ptr<rt::vulkan::Device> vulkan;
  size_t messagesBefore = 0;
};

/// A program of tests/e2e/programs (the Python tests run them too).
std::string readProgram(const std::string &name) {
  std::ifstream file(std::string(TESSERA_E2E_PROGRAMS_DIR) + "/" + name);
  EXPECT_TRUE(file.good()) << "cannot read " << name;
  return std::string((std::istreambuf_iterator<char>(file)),
                     std::istreambuf_iterator<char>());
}

/// A program template with each `@NAME@` replaced.
std::string
instantiate(std::string text,
            const std::vector<std::pair<std::string, std::string>> &values) {
  for (const auto &[name, value] : values) {
    size_t at = text.find(name);
    EXPECT_NE(at, std::string::npos) << name << " is not in the template";
    for (; at != std::string::npos; at = text.find(name, at + value.size()))
      text.replace(at, name.size(), value);
  }
  return text;
}

std::vector<rt::Tensor> call(const std::shared_ptr<rt::Module> &module,
                             const std::string &function,
                             const std::vector<rt::Tensor> &inputs) {
  rt::Session session(module);
  session.setTaskExecutor(currentExecutor);
  auto results = session.call(function, inputs);
  EXPECT_TRUE(results.ok()) << results.status().message();
  return results.ok() ? *results : std::vector<rt::Tensor>{};
}

void expectClose(const rt::Tensor &actual, const std::vector<int64_t> &shape,
                 const std::function<double(int64_t)> &reference) {
  ASSERT_EQ(actual.shape(), shape);
  ASSERT_EQ(actual.elementType(), rt::ElementType::F32);
  const float *data = actual.data<float>();
  int64_t mismatches = 0;
  for (int64_t i = 0; i < actual.elementCount() && mismatches < 5; ++i) {
    double want = reference(i);
    if (!(std::fabs(data[i] - want) <=
          kTolerance * std::max(1.0, std::fabs(want)))) {
      ADD_FAILURE() << "element " << i << ": got " << data[i] << ", expected "
                    << want;
      ++mismatches;
    }
  }
}

TEST_P(EndToEnd, ElementwiseWithBroadcast) {
  auto module = compileAndLoad(readProgram("elementwise_broadcast.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor a = randomTensor({37, 70}, 1), b = randomTensor({70}, 2),
             c = randomTensor({37}, 3);
  auto results = call(module, "add_mul", {a, b, c});
  ASSERT_EQ(results.size(), 1u);
  expectClose(results[0], {37, 70}, [&](int64_t k) {
    int64_t i = k / 70, j = k % 70;
    return (double(a.data<float>()[k]) + b.data<float>()[j]) *
           c.data<float>()[i];
  });
}

double matmulReference(const rt::Tensor &a, const rt::Tensor &b, int64_t i,
                       int64_t j) {
  int64_t k = a.shape()[1], n = b.shape()[1];
  double sum = 0;
  for (int64_t p = 0; p < k; ++p)
    sum += double(a.data<float>()[i * k + p]) * b.data<float>()[p * n + j];
  return sum;
}

TEST_P(EndToEnd, MatmulStatic) {
  auto module = compileAndLoad(readProgram("matmul_static.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor a = randomTensor({70, 33}, 4), b = randomTensor({33, 150}, 5);
  auto results = call(module, "matmul", {a, b});
  ASSERT_EQ(results.size(), 1u);
  expectClose(results[0], {70, 150}, [&](int64_t k) {
    return matmulReference(a, b, k / 150, k % 150);
  });
}

TEST_P(EndToEnd, MatmulDynamicM) {
  auto module = compileAndLoad(readProgram("matmul_dynamic_m.mlir"));
  ASSERT_TRUE(module);
  // One module, several sizes (including one smaller than a tile).
  for (int64_t m : {1, 5, 37, 100}) {
    SCOPED_TRACE("M = " + std::to_string(m));
    rt::Tensor a = randomTensor({m, 48}, 6 + m), b = randomTensor({48, 40}, 7);
    auto results = call(module, "matmul", {a, b});
    ASSERT_EQ(results.size(), 1u);
    expectClose(results[0], {m, 40}, [&](int64_t k) {
      return matmulReference(a, b, k / 40, k % 40);
    });
  }
}

TEST_P(EndToEnd, MatmulBiasRelu) {
  auto module = compileAndLoad(readProgram("matmul_bias_relu.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({16, 64}, 8), w = randomTensor({64, 96}, 9),
             bias = randomTensor({96}, 10);
  auto results = call(module, "dense", {x, w, bias});
  ASSERT_EQ(results.size(), 1u);
  expectClose(results[0], {16, 96}, [&](int64_t k) {
    return std::max(0.0, matmulReference(x, w, k / 96, k % 96) +
                             bias.data<float>()[k % 96]);
  });
}

// K = 1024 and 512 rows: A packed per reduction block, B's panels per
// block together (VectorizeContractions); a wrong offset into either buffer
// moves whole rows or blocks of the sum.
TEST_P(EndToEnd, DeepMatmulBiasRelu) {
  auto module = compileAndLoad(readProgram("matmul_deep_bias_relu.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({512, 1024}, 21),
             w = randomTensor({1024, 256}, 22), bias = randomTensor({256}, 23);
  auto results = call(module, "dense", {x, w, bias});
  ASSERT_EQ(results.size(), 1u);
  expectClose(results[0], {512, 256}, [&](int64_t k) {
    return std::max(0.0, matmulReference(x, w, k / 256, k % 256) +
                             bias.data<float>()[k % 256]);
  });
}

// Three 1024x1024 products less their row maxima, one read transposed:
// no loop of the root is tileable, and fused whole the products were
// 12 MiB of stack in one workgroup, which crashed (FormDispatches now keeps
// them out).
TEST_P(EndToEnd, RowsAndColumnsReduced) {
  auto module = compileAndLoad(readProgram("rows_and_columns_reduced.mlir"));
  ASSERT_TRUE(module);
  constexpr int64_t n = 1024, depth = 64;
  rt::Tensor x = randomTensor({n, depth}, 27);
  std::vector<rt::Tensor> w;
  for (int i = 0; i < 3; ++i)
    w.push_back(randomTensor({depth, n}, 28 + i));
  auto results = call(module, "reduced", {x, w[0], w[1], w[2]});
  ASSERT_EQ(results.size(), 1u);
  std::vector<std::vector<double>> products(3), maxima(3);
  for (int p = 0; p < 3; ++p) {
    products[p].resize(n * n);
    maxima[p].assign(n, -3.0e38);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double value = matmulReference(x, w[p], i, j);
        products[p][i * n + j] = value;
        maxima[p][i] = std::max(maxima[p][i], value);
      }
  }
  expectClose(results[0], {n, n}, [&](int64_t k) {
    int64_t i = k / n, j = k % n;
    return products[0][k] - maxima[0][i] + products[1][j * n + i] -
           maxima[1][j] + products[2][k] - maxima[2][i];
  });
}

// 8 rows over 5 MiB of weights: the walk down B for all rows at once
// (VectorizeContractions); a row or column mixed up moves whole outputs.
TEST_P(EndToEnd, BatchClassifier) {
  auto module = compileAndLoad(readProgram("batch_classifier.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({8, 1280}, 24),
             w = randomTensor({1280, 1000}, 25),
             bias = randomTensor({1000}, 26);
  auto results = call(module, "classify", {x, w, bias});
  ASSERT_EQ(results.size(), 1u);
  expectClose(results[0], {8, 1000}, [&](int64_t k) {
    return matmulReference(x, w, k / 1000, k % 1000) +
           bias.data<float>()[k % 1000];
  });
}

// Residual adds written over a residual that dies there, beside adds
// whose residual is read again (or returned): a buffer reused too early
// changes a later block or the returned tensor.
TEST_P(EndToEnd, ResidualInPlace) {
  auto module = compileAndLoad(readProgram("residual_in_place.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({64, 32}, 27), w = randomTensor({5, 32, 32}, 28);
  // Weights of about 1/sqrt(32): the blocks keep their scale.
  for (int64_t i = 0; i < w.elementCount(); ++i)
    w.mutableData<float>()[i] *= 0.2f;
  using Matrix = std::vector<double>;
  auto block = [&](const Matrix &in, int weight, const Matrix *residual) {
    Matrix out(64 * 32);
    for (int64_t i = 0; i < 64; ++i)
      for (int64_t j = 0; j < 32; ++j) {
        double sum = 0;
        for (int64_t p = 0; p < 32; ++p)
          sum += in[i * 32 + p] * w.data<float>()[(weight * 32 + p) * 32 + j];
        out[i * 32 + j] =
            residual ? sum + (*residual)[i * 32 + j] : std::max(0.0, sum);
      }
    return out;
  };
  Matrix in(x.data<float>(), x.data<float>() + 64 * 32);
  Matrix a = block(in, 0, nullptr), b = block(a, 1, nullptr),
         c = block(b, 2, &a), d = block(c, 3, &b), e = block(d, 4, &c),
         f = block(e, 0, &b), g = block(f, 1, &d);
  auto results = call(module, "blocks", {x, w});
  ASSERT_EQ(results.size(), 2u);
  expectClose(results[0], {64, 32}, [&](int64_t k) { return g[k]; });
  expectClose(results[1], {64, 32}, [&](int64_t k) { return d[k]; });
}

TEST_P(EndToEnd, SumAndMaxReductions) {
  auto module = compileAndLoad(readProgram("sum_and_max_reductions.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({24, 130}, 11);
  const float *d = x.data<float>();
  auto results = call(module, "reduce", {x});
  ASSERT_EQ(results.size(), 2u);
  expectClose(results[0], {24}, [&](int64_t i) {
    double sum = 0;
    for (int64_t j = 0; j < 130; ++j)
      sum += d[i * 130 + j];
    return sum;
  });
  expectClose(results[1], {130}, [&](int64_t j) {
    double best = -INFINITY;
    for (int64_t i = 0; i < 24; ++i)
      best = std::max<double>(best, d[i * 130 + j]);
    return best;
  });
}

TEST_P(EndToEnd, Softmax) {
  std::ifstream file(std::string(TESSERA_EXAMPLES_DIR) + "/softmax.mlir");
  std::string source((std::istreambuf_iterator<char>(file)),
                     std::istreambuf_iterator<char>());
  auto module = compileAndLoad(source);
  ASSERT_TRUE(module);
  ASSERT_EQ(module->functions().size(), 1u);
  const rt::FunctionSignature &signature = module->functions()[0];
  ASSERT_EQ(signature.inputs.size(), 1u);
  std::vector<int64_t> shape = signature.inputs[0].shape; // 64x1000
  rt::Tensor x = randomTensor(shape, 12);
  // Spread the logits so that exp() works over a wide range.
  for (int64_t i = 0; i < x.elementCount(); ++i)
    x.mutableData<float>()[i] *= 8;
  auto results = call(module, signature.name, {x});
  ASSERT_EQ(results.size(), 1u);
  int64_t n = shape[1];
  const float *d = x.data<float>();
  expectClose(results[0], shape, [&](int64_t k) {
    int64_t row = k / n;
    double best = -INFINITY, sum = 0;
    for (int64_t j = 0; j < n; ++j)
      best = std::max<double>(best, d[row * n + j]);
    for (int64_t j = 0; j < n; ++j)
      sum += std::exp(d[row * n + j] - best);
    return std::exp(d[k] - best) / sum;
  });
}

// exp over its whole range: a NaN stays NaN, inf and arguments past
// 88.7228 overflow to inf, -inf and arguments below -103.98 give 0, results
// from 2^-126 down are denormals (AVX-512 CPUs take ExpOnAVX512's
// approximation, which reaches them through vscalefps; others upstream's).
// exp(-x) too, which ExpOnAVX512 computes from x.
TEST_P(EndToEnd, ExpOverItsWholeRange) {
  auto module = compileAndLoad(R"(
    #id = affine_map<(i) -> (i)>
    func.func @exp(%x: tensor<4099xf32>) -> (tensor<4099xf32>, tensor<4099xf32>) {
      %e = tensor.empty() : tensor<4099xf32>
      %r:2 = linalg.generic {indexing_maps = [#id, #id, #id],
                             iterator_types = ["parallel"]}
          ins(%x : tensor<4099xf32>) outs(%e, %e : tensor<4099xf32>, tensor<4099xf32>) {
      ^bb0(%a: f32, %o: f32, %p: f32):
        %v = math.exp %a : f32
        %n = arith.negf %a : f32
        %w = math.exp %n : f32
        linalg.yield %v, %w : f32, f32
      } -> (tensor<4099xf32>, tensor<4099xf32>)
      return %r#0, %r#1 : tensor<4099xf32>, tensor<4099xf32>
    })");
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({4099}, 16);
  float *in = x.mutableData<float>();
  const float special[] = {NAN,     INFINITY, -INFINITY, 0.0f,
                           -0.0f,   88.72f,   88.7228f,  88.73f,
                           1000.0f, -87.33f,  -95.0f,    -103.9f,
                           -104.0f, -104.1f,  -1000.0f,  1e-30f};
  for (int64_t i = 0; i < 4099; ++i)
    in[i] = i < 16 ? special[i] : -7.5f + 102.5f * in[i]; // [-110, 95)
  auto results = call(module, "exp", {x});
  ASSERT_EQ(results.size(), 2u);
  for (int sign : {1, -1}) {
    const float *out = results[sign > 0 ? 0 : 1].data<float>();
    int64_t mismatches = 0;
    for (int64_t i = 0; i < 4099 && mismatches < 5; ++i) {
      double want = std::exp(sign * double(in[i]));
      float got = out[i];
      bool ok;
      if (std::isnan(want))
        ok = std::isnan(got);
      else if (want > FLT_MAX)
        ok = got == INFINITY;
      else if (want >= FLT_MIN) // 8 ulp: upstream's approximation has 5.5
        ok = std::fabs(got - want) <= 8 * std::ldexp(want, -23);
      else // a denormal, or 0 (a GPU may flush them)
        ok = got >= 0 && std::fabs(got - want) <= FLT_MIN;
      if (!ok) {
        ADD_FAILURE() << "exp(" << sign * in[i] << "): got " << got
                      << ", expected " << want;
        ++mismatches;
      }
    }
  }
}

// linalg.softmax itself (an aggregated op: decomposed before dispatch
// formation), over rows of 37 with a wide spread of logits.
TEST_P(EndToEnd, LinalgSoftmaxOp) {
  auto module = compileAndLoad(readProgram("linalg_softmax.mlir"));
  ASSERT_TRUE(module);
  std::vector<int64_t> shape = {5, 37};
  rt::Tensor x = randomTensor(shape, 21);
  for (int64_t i = 0; i < x.elementCount(); ++i)
    x.mutableData<float>()[i] *= 8;
  auto results = call(module, "softmax", {x});
  ASSERT_EQ(results.size(), 1u);
  const float *d = x.data<float>();
  expectClose(results[0], shape, [&](int64_t k) {
    int64_t row = k / 37;
    double best = -INFINITY, sum = 0;
    for (int64_t j = 0; j < 37; ++j)
      best = std::max<double>(best, d[row * 37 + j]);
    for (int64_t j = 0; j < 37; ++j)
      sum += std::exp(d[row * 37 + j] - best);
    return std::exp(d[k] - best) / sum;
  });
}

TEST_P(EndToEnd, Conv2DNhwcHwcf) {
  auto module = compileAndLoad(readProgram("conv2d_nhwc_hwcf.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({2, 11, 13, 5}, 13),
             w = randomTensor({3, 3, 5, 7}, 14);
  auto results = call(module, "conv", {x, w});
  ASSERT_EQ(results.size(), 1u);
  const float *xd = x.data<float>(), *wd = w.data<float>();
  expectClose(results[0], {2, 9, 11, 7}, [&](int64_t k) {
    int64_t f = k % 7, ow = (k / 7) % 11, oh = (k / 77) % 9, n = k / 693;
    double sum = 0;
    for (int64_t kh = 0; kh < 3; ++kh)
      for (int64_t kw = 0; kw < 3; ++kw)
        for (int64_t c = 0; c < 5; ++c)
          sum += double(xd[((n * 11 + oh + kh) * 13 + ow + kw) * 5 + c]) *
                 wd[((kh * 3 + kw) * 5 + c) * 7 + f];
    return sum;
  });
}

TEST_P(EndToEnd, Transpose) {
  auto module = compileAndLoad(readProgram("transpose.mlir"));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({3, 70, 20}, 15);
  auto results = call(module, "transpose", {x});
  ASSERT_EQ(results.size(), 1u);
  expectClose(results[0], {20, 3, 70}, [&](int64_t k) {
    int64_t j = k % 70, i = (k / 70) % 3, l = k / 210;
    return x.data<float>()[(i * 70 + j) * 20 + l];
  });
}

std::string denseLiteral(const rt::Tensor &t) {
  std::string text = "dense<[";
  for (int64_t i = 0; i < t.elementCount(); ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.9g", t.data<float>()[i]);
    text += (i ? ", " : "") + std::string(buffer);
  }
  return text + "]>";
}

/// A dense literal of any shape: the tensor's bytes in hex.
std::string denseHexLiteral(const rt::Tensor &t) {
  std::string text = "dense<\"0x";
  const auto *bytes = reinterpret_cast<const unsigned char *>(t.data<float>());
  for (int64_t i = 0; i < t.elementCount() * 4; ++i) {
    char buffer[3];
    std::snprintf(buffer, sizeof(buffer), "%02X", bytes[i]);
    text += buffer;
  }
  return text + "\">";
}

// A 3x3 convolution with a constant filter (32 -> 40 channels), padded,
// onto a bias, then a ReLU, on n images of h x w, against the direct sum
// in double.
void checkConv3x3WithConstantFilter(EndToEnd &test, int64_t n, int64_t h,
                                    int64_t w) {
  auto type = [&](int64_t rows, int64_t columns, int64_t channels) {
    return "tensor<" + std::to_string(n) + "x" + std::to_string(rows) + "x" +
           std::to_string(columns) + "x" + std::to_string(channels) + "xf32>";
  };
  rt::Tensor filter = randomTensor({3, 3, 32, 40}, 41),
             b = randomTensor({40}, 42);
  std::string source =
      instantiate(readProgram("conv3x3_constant_filter.mlir.in"),
                  {{"@FILTER@", denseHexLiteral(filter)},
                   {"@BIAS@", denseLiteral(b)},
                   {"@IN@", type(h, w, 32)},
                   {"@PAD@", type(h + 2, w + 2, 32)},
                   {"@OUT@", type(h, w, 40)}});
  auto module = test.compileAndLoad(source);
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({n, h, w, 32}, 43);
  auto results = call(module, "conv", {x});
  ASSERT_EQ(results.size(), 1u);
  const float *xd = x.data<float>(), *wd = filter.data<float>(),
              *bd = b.data<float>();
  expectClose(results[0], {n, h, w, 40}, [&](int64_t k) {
    int64_t f = k % 40, ow = (k / 40) % w, oh = (k / (40 * w)) % h,
            image = k / (40 * w * h);
    double sum = bd[f];
    for (int64_t kh = 0; kh < 3; ++kh)
      for (int64_t kw = 0; kw < 3; ++kw) {
        int64_t ih = oh + kh - 1, iw = ow + kw - 1;
        if (ih < 0 || ih >= h || iw < 0 || iw >= w)
          continue;
        for (int64_t c = 0; c < 32; ++c)
          sum += double(xd[((image * h + ih) * w + iw) * 32 + c]) *
                 wd[((kh * 3 + kw) * 32 + c) * 40 + f];
      }
    return std::max(sum, 0.0);
  });
}

// On the CPU, Winograd's F(2x2, 3x3) (input transform with the pad, batch
// matmul, output transform with the bias and the ReLU). Two images; an odd
// height (a row of tiles above the output, dropped after the transform)
// and an even width.
TEST_P(EndToEnd, Conv3x3WithConstantFilter) {
  checkConv3x3WithConstantFilter(*this, 2, 7, 10);
}

// With 48 output tiles of 4x4 or more, F(4x4, 3x3): 30 x 26 is 8 x 7
// tiles, with two rows and two columns of tiles' padding above and left.
TEST_P(EndToEnd, Conv3x3WithConstantFilterLargeTiles) {
  checkConv3x3WithConstantFilter(*this, 1, 30, 26);
}

TEST_P(EndToEnd, MlpWithConstants) {
  // Weights are module constants: stored once, viewed by the dispatches.
  rt::Tensor w1 = randomTensor({12, 20}, 16), b1 = randomTensor({20}, 17),
             w2 = randomTensor({20, 6}, 18);
  std::string w1Flat = denseLiteral(w1), b1Flat = denseLiteral(b1),
              w2Flat = denseLiteral(w2);
  std::string source =
      instantiate(readProgram("mlp_with_constants.mlir.in"),
                  {{"@W1@", w1Flat}, {"@B1@", b1Flat}, {"@W2@", w2Flat}});
  auto module = compileAndLoad(source);
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({5, 12}, 19);
  auto results = call(module, "mlp", {x});
  ASSERT_EQ(results.size(), 1u);
  std::vector<double> hidden(5 * 20);
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 20; ++j)
      hidden[i * 20 + j] =
          std::max(0.0, matmulReference(x, w1, i, j) + b1.data<float>()[j]);
  expectClose(results[0], {5, 6}, [&](int64_t k) {
    int64_t i = k / 6, j = k % 6;
    double sum = 0;
    for (int64_t p = 0; p < 20; ++p)
      sum += hidden[i * 20 + p] * w2.data<float>()[p * 6 + j];
    return sum;
  });
}

TEST_P(EndToEnd, MlpExample) {
  // The bundled example, its weights read from the file by the MLIR parser.
  std::string path = std::string(TESSERA_EXAMPLES_DIR) + "/mlp.mlir";
  mlir::tessera::CompileSession parsed;
  ASSERT_TRUE(mlir::succeeded(parsed.loadFile(path)));
  std::vector<std::vector<float>> weights; // w1 16x32, b1 32, w2 32x10, b2 10
  parsed.getModule()->walk([&](mlir::arith::ConstantOp op) {
    if (auto dense = llvm::dyn_cast<mlir::DenseElementsAttr>(op.getValue()))
      weights.emplace_back(dense.getValues<float>().begin(),
                           dense.getValues<float>().end());
  });
  ASSERT_EQ(weights.size(), 4u);
  const auto &w1 = weights[0], &b1 = weights[1], &w2 = weights[2],
             &b2 = weights[3];

  std::ifstream file(path);
  std::string source((std::istreambuf_iterator<char>(file)),
                     std::istreambuf_iterator<char>());
  auto module = compileAndLoad(source);
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({4, 16}, 20);
  uint64_t submissions = vulkan ? vulkan->submissionCount() : 0;
  auto results = call(module, "predict", {x});
  // Two dependent dispatches, one submission: the hidden layer stays on
  // the device between them.
  if (vulkan) {
    EXPECT_EQ(vulkan->submissionCount(), submissions + 1);
  }
  ASSERT_EQ(results.size(), 1u);
  std::vector<double> probabilities(40);
  for (int64_t i = 0; i < 4; ++i) {
    double hidden[32], logits[10], best = -INFINITY, sum = 0;
    for (int64_t j = 0; j < 32; ++j) {
      double acc = b1[j];
      for (int64_t p = 0; p < 16; ++p)
        acc += double(x.data<float>()[i * 16 + p]) * w1[p * 32 + j];
      hidden[j] = std::max(0.0, acc);
    }
    for (int64_t j = 0; j < 10; ++j) {
      logits[j] = b2[j];
      for (int64_t p = 0; p < 32; ++p)
        logits[j] += hidden[p] * w2[p * 10 + j];
      best = std::max(best, logits[j]);
    }
    for (int64_t j = 0; j < 10; ++j)
      sum += std::exp(logits[j] - best);
    for (int64_t j = 0; j < 10; ++j)
      probabilities[i * 10 + j] = std::exp(logits[j] - best) / sum;
  }
  expectClose(results[0], {4, 10}, [&](int64_t k) { return probabilities[k]; });
}

// Every dispatch of a call captured, then run alone on its captured
// inputs: it writes the same bytes as in the call, and the call's results
// are unchanged by capturing.
TEST_P(EndToEnd, CapturedDispatchesReplayAlone) {
  std::ifstream file(std::string(TESSERA_EXAMPLES_DIR) + "/mlp.mlir");
  auto module =
      compileAndLoad(std::string((std::istreambuf_iterator<char>(file)),
                                 std::istreambuf_iterator<char>()));
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({4, 16}, 21);
  std::vector<rt::Tensor> plain = call(module, "predict", {x});

  rt::Session session(module);
  session.setTaskExecutor(currentExecutor);
  std::vector<rt::DispatchCapture> captures;
  session.setDispatchCapture(
      [&](rt::DispatchCapture &&capture) { captures.push_back(capture); });
  auto results = session.call("predict", {x});
  ASSERT_TRUE(results) << results.status().message();
  ASSERT_EQ(results->size(), 1u);
  ASSERT_EQ(plain[0].byteSize(), (*results)[0].byteSize());
  EXPECT_EQ(0, std::memcmp(plain[0].bytes(), (*results)[0].bytes(),
                           plain[0].byteSize()));
  ASSERT_EQ(captures.size(), 2u);
  EXPECT_EQ(captures[0].record.device.rfind(vulkan ? "vulkan://" : "cpu", 0),
            0u);
  for (const rt::DispatchCapture &capture : captures) {
    SCOPED_TRACE(capture.record.exportName);
    auto replayed = session.replayDispatch(capture, 3);
    ASSERT_TRUE(replayed) << replayed.status().message();
    EXPECT_EQ(replayed->microseconds.size(), 3u);
    ASSERT_EQ(replayed->bindings.size(), capture.bindings.size());
    int written = 0;
    // The written binding's bytes before the dispatch are whatever its
    // (uncleared) buffer held; replayed from other bytes, the dispatch
    // still writes exactly the captured result.
    rt::DispatchCapture poisoned = capture;
    for (size_t b = 0; b < capture.bindings.size(); ++b) {
      if (capture.bindings[b].readOnly) {
        EXPECT_EQ(replayed->bindings[b], capture.bindings[b].before);
        continue;
      }
      ++written;
      EXPECT_EQ(replayed->bindings[b], capture.bindings[b].after);
      std::fill(poisoned.bindings[b].before.begin(),
                poisoned.bindings[b].before.end(), 0x7f);
      EXPECT_NE(poisoned.bindings[b].before, capture.bindings[b].after);
    }
    EXPECT_EQ(written, 1);
    auto fromPoison = session.replayDispatch(poisoned, 1);
    ASSERT_TRUE(fromPoison) << fromPoison.status().message();
    for (size_t b = 0; b < capture.bindings.size(); ++b) {
      if (!capture.bindings[b].readOnly) {
        EXPECT_EQ(fromPoison->bindings[b], capture.bindings[b].after);
      }
    }
  }
  // A capture that does not fit the export is refused, not run.
  rt::DispatchCapture broken = captures[0];
  broken.bindings.pop_back();
  auto refused = session.replayDispatch(broken);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("does not match export"),
            std::string::npos);
}

// Threaded, a dispatch's workgroups are shared by the workers, each
// running some, all of them run once; inline, nobody shares.
/// a -> t1 -> t2 -> t3, three 256x256 matmuls by b, each intermediate
/// read only by the next.
constexpr const char *kMatmulChain = R"mlir(
    func.func @chain(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>) -> tensor<256x256xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<256x256xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
      %t1 = linalg.matmul ins(%a, %b : tensor<256x256xf32>, tensor<256x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
      %t2 = linalg.matmul ins(%t1, %b : tensor<256x256xf32>, tensor<256x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
      %t3 = linalg.matmul ins(%t2, %b : tensor<256x256xf32>, tensor<256x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
      return %t3 : tensor<256x256xf32>
    })mlir";

// A profile's memory timeline: each dispatch records the host memory the
// call allocated and still holds. A chain a -> t1 -> t2 -> t3 where each
// intermediate dies after its reader: the working set never holds all
// three, and the inputs (borrowed) count for nothing.
TEST_P(EndToEnd, DispatchesRecordTheLiveMemoryOfTheCall) {
  auto module = compileAndLoad(kMatmulChain);
  ASSERT_TRUE(module);
  rt::Tensor a = randomTensor({256, 256}, 5), b = randomTensor({256, 256}, 6);
  rt::Session session(module);
  session.setTaskExecutor(currentExecutor);
  std::vector<rt::DispatchRecord> records;
  session.setDispatchObserver(
      [&](const rt::DispatchRecord &record) { records.push_back(record); });
  auto results = session.call("chain", {a, b});
  ASSERT_TRUE(results) << results.status().message();
  ASSERT_EQ(records.size(), 3u);
  const uint64_t tensor = 256 * 256 * 4;
  // The first matmul: its result alone; then the previous result and its
  // own, never more.
  EXPECT_EQ(records[0].liveBytes, tensor);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_GE(records[i].liveBytes, tensor);
    EXPECT_LE(records[i].liveBytes, 2 * tensor);
  }
}

// tessera bench times calls as a caller of the runtime makes them:
// timeCalls adds no dispatch observer (the session's own still sees each
// dispatch once) and returns a time per call and the last call's results;
// profileCalls after it records every dispatch again.
TEST_P(EndToEnd, TimedCallsAddNoObserver) {
  auto module = compileAndLoad(kMatmulChain);
  ASSERT_TRUE(module);
  rt::Tensor a = randomTensor({256, 256}, 7), b = randomTensor({256, 256}, 8);
  rt::Session session(module);
  session.setTaskExecutor(currentExecutor);
  int seen = 0;
  session.setDispatchObserver([&](const rt::DispatchRecord &) { ++seen; });
  auto timed = rt::tooling::timeCalls(session, "chain", {a, b}, 4);
  ASSERT_TRUE(timed) << timed.status().message();
  EXPECT_EQ(timed->microseconds.size(), 4u);
  for (double microseconds : timed->microseconds)
    EXPECT_GT(microseconds, 0);
  EXPECT_EQ(seen, 4 * 3);
  auto plain = session.call("chain", {a, b});
  ASSERT_TRUE(plain) << plain.status().message();
  ASSERT_EQ(timed->results.size(), 1u);
  ASSERT_EQ(timed->results[0].byteSize(), (*plain)[0].byteSize());
  EXPECT_EQ(std::memcmp(timed->results[0].bytes(), (*plain)[0].bytes(),
                        (*plain)[0].byteSize()),
            0);
  auto profiled = rt::tooling::profileCalls(session, "chain", {a, b}, 2);
  ASSERT_TRUE(profiled) << profiled.status().message();
  ASSERT_EQ(profiled->calls.size(), 2u);
  EXPECT_EQ(profiled->calls[1].dispatches.size(), 3u);
  EXPECT_EQ(seen, 4 * 3 + 3 + 2 * 3);
}

TEST_P(EndToEnd, WorkgroupsSplitOverTaskWorkers) {
  if (GetParam().vulkan)
    GTEST_SKIP() << "CPU task workers only";
  auto module = compileAndLoad(R"mlir(
    func.func @add(%a: tensor<512x256xf32>, %b: tensor<512x256xf32>) -> tensor<512x256xf32> {
      %e = tensor.empty() : tensor<512x256xf32>
      %r = linalg.add ins(%a, %b : tensor<512x256xf32>, tensor<512x256xf32>) outs(%e : tensor<512x256xf32>) -> tensor<512x256xf32>
      return %r : tensor<512x256xf32>
    })mlir");
  ASSERT_TRUE(module);
  rt::Tensor a = randomTensor({512, 256}, 3), b = randomTensor({512, 256}, 4);
  rt::Session session(module);
  session.setTaskExecutor(currentExecutor);
  std::vector<rt::DispatchRecord> records;
  session.setDispatchObserver(
      [&](const rt::DispatchRecord &record) { records.push_back(record); });
  for (int repetition = 0; repetition < 20; ++repetition) {
    records.clear();
    auto results = session.call("add", {a, b});
    ASSERT_TRUE(results) << results.status().message();
    expectClose((*results)[0], {512, 256}, [&](int64_t i) {
      return double(a.data<float>()[i]) + b.data<float>()[i];
    });
    ASSERT_EQ(records.size(), 1u);
    const rt::DispatchRecord &record = records[0];
    uint64_t total = uint64_t(record.workgroupCount[0]) *
                     record.workgroupCount[1] * record.workgroupCount[2];
    ASSERT_GT(total, 3u);
    if (GetParam().workers <= 1) {
      EXPECT_TRUE(record.workers.empty());
      continue;
    }
    ASSERT_EQ(record.workers.size(), GetParam().workers);
    uint64_t run = 0;
    for (const rt::DispatchRecord::WorkerShare &share : record.workers)
      run += share.workgroups;
    EXPECT_EQ(run, total);
  }
}

// Threaded, dispatches that do not touch each other's data run as one
// wave (the second beside the first); a dispatch that reads what an
// earlier one wrote waits for it. Inline, everything runs in order. The
// matmuls have 1024 rows (3 MFLOP each): smaller ones run inline however
// many workers there are (CpuDispatch's cost model).
TEST_P(EndToEnd, IndependentDispatchesRunTogether) {
  if (GetParam().vulkan)
    GTEST_SKIP() << "CPU task workers only";
  auto module = compileAndLoad(R"mlir(
func.func @branches(%x: tensor<1024x48xf32>, %w1: tensor<48x32xf32>, %w2: tensor<48x32xf32>) -> (tensor<1024x32xf32>, tensor<1024x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1024x32xf32>) -> tensor<1024x32xf32>
  %a = linalg.matmul ins(%x, %w1 : tensor<1024x48xf32>, tensor<48x32xf32>) outs(%f : tensor<1024x32xf32>) -> tensor<1024x32xf32>
  %b = linalg.matmul ins(%x, %w2 : tensor<1024x48xf32>, tensor<48x32xf32>) outs(%f : tensor<1024x32xf32>) -> tensor<1024x32xf32>
  return %a, %b : tensor<1024x32xf32>, tensor<1024x32xf32>
}
func.func @chain(%x: tensor<1024x48xf32>, %w1: tensor<48x32xf32>, %w2: tensor<32x48xf32>) -> tensor<1024x48xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1024x32xf32>) -> tensor<1024x32xf32>
  %a = linalg.matmul ins(%x, %w1 : tensor<1024x48xf32>, tensor<48x32xf32>) outs(%f : tensor<1024x32xf32>) -> tensor<1024x32xf32>
  %e2 = tensor.empty() : tensor<1024x48xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1024x48xf32>) -> tensor<1024x48xf32>
  %b = linalg.matmul ins(%a, %w2 : tensor<1024x32xf32>, tensor<32x48xf32>) outs(%f2 : tensor<1024x48xf32>) -> tensor<1024x48xf32>
  return %b : tensor<1024x48xf32>
}
)mlir");
  ASSERT_TRUE(module);
  rt::Tensor x = randomTensor({1024, 48}, 7), w1 = randomTensor({48, 32}, 8),
             w2 = randomTensor({48, 32}, 9), w3 = randomTensor({32, 48}, 10);
  rt::Session session(module);
  session.setTaskExecutor(currentExecutor);
  std::vector<rt::DispatchRecord> records;
  session.setDispatchObserver(
      [&](const rt::DispatchRecord &record) { records.push_back(record); });
  bool threaded = GetParam().workers > 1;
  for (int repetition = 0; repetition < 10; ++repetition) {
    records.clear();
    auto results = session.call("branches", {x, w1, w2});
    ASSERT_TRUE(results) << results.status().message();
    ASSERT_EQ(results->size(), 2u);
    expectClose((*results)[0], {1024, 32}, [&](int64_t k) {
      return matmulReference(x, w1, k / 32, k % 32);
    });
    expectClose((*results)[1], {1024, 32}, [&](int64_t k) {
      return matmulReference(x, w2, k / 32, k % 32);
    });
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].concurrentSlot, 0u);
    EXPECT_EQ(records[1].concurrentSlot, threaded ? 1u : 0u);
    for (const rt::DispatchRecord &record : records) {
      // 2 flops per multiply-add of a 1024x32x48 matmul.
      EXPECT_EQ(record.flops, 2u * 1024 * 32 * 48);
      if (!threaded)
        continue;
      uint64_t run = 0;
      for (const rt::DispatchRecord::WorkerShare &share : record.workers)
        run += share.workgroups;
      EXPECT_EQ(run, uint64_t(record.workgroupCount[0]) *
                         record.workgroupCount[1] * record.workgroupCount[2]);
    }

    records.clear();
    results = session.call("chain", {x, w1, w3});
    ASSERT_TRUE(results) << results.status().message();
    std::vector<float> a(1024 * 32);
    for (int64_t k = 0; k < 1024 * 32; ++k)
      a[k] = matmulReference(x, w1, k / 32, k % 32);
    expectClose((*results)[0], {1024, 48}, [&](int64_t k) {
      double sum = 0;
      for (int64_t j = 0; j < 32; ++j)
        sum += double(a[k / 48 * 32 + j]) * w3.data<float>()[j * 48 + k % 48];
      return sum;
    });
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].concurrentSlot, 0u);
    EXPECT_GE(records[1].startMicroseconds,
              records[0].startMicroseconds + records[0].microseconds);
  }

  // Turned off, independent dispatches run one after the other too.
  session.setConcurrentDispatches(false);
  records.clear();
  auto results = session.call("branches", {x, w1, w2});
  ASSERT_TRUE(results) << results.status().message();
  expectClose((*results)[1], {1024, 32}, [&](int64_t k) {
    return matmulReference(x, w2, k / 32, k % 32);
  });
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].concurrentSlot, 0u);
  EXPECT_GE(records[1].startMicroseconds,
            records[0].startMicroseconds + records[0].microseconds);
}

// A module only a Vulkan device can load still lists its functions (what
// the explorer's run view offers before choosing a device); loading it on
// the CPU alone says why it cannot.
TEST(ModuleSignatures, ReadWithoutLoading) {
  std::string bytes = compileToModule(R"mlir(
    func.func @double(%a: tensor<8xf32>) -> tensor<8xf32> {
      %r = arith.addf %a, %a : tensor<8xf32>
      return %r : tensor<8xf32>
    })mlir",
                                      /*link=*/true, {"vulkan-spirv"});
  ASSERT_FALSE(bytes.empty());
  auto signatures = rt::Module::readSignatures(bytes.data(), bytes.size());
  ASSERT_TRUE(signatures) << signatures.status().message();
  ASSERT_EQ(signatures->size(), 1u);
  EXPECT_EQ((*signatures)[0].name, "double");
  EXPECT_EQ((*signatures)[0].str(), "(tensor<8xf32>) -> tensor<8xf32>");
  EXPECT_FALSE(rt::Module::loadBytes(bytes.data(), bytes.size()));
  std::string damaged = bytes.substr(0, bytes.size() / 2);
  EXPECT_FALSE(rt::Module::readSignatures(damaged.data(), damaged.size()));
}

std::string readExample(const std::string &name) {
  std::ifstream file(std::string(TESSERA_EXAMPLES_DIR) + "/" + name);
  return std::string((std::istreambuf_iterator<char>(file)),
                     std::istreambuf_iterator<char>());
}

size_t executableCount(const std::string &bytes) {
  return ::tessera::schema::GetModule(bytes.data())->executables()->size();
}

TEST_P(EndToEnd, LinkedAndUnlinkedMlpAgree) {
  std::string source = readExample("mlp.mlir");
  std::string linkedBytes = compile(source, /*link=*/true);
  std::string unlinkedBytes = compile(source, /*link=*/false);
  ASSERT_FALSE(linkedBytes.empty());
  ASSERT_FALSE(unlinkedBytes.empty());
  // Two dispatches: one library linked, one per dispatch otherwise.
  EXPECT_EQ(executableCount(linkedBytes), 1u);
  EXPECT_EQ(executableCount(unlinkedBytes), 2u);

  auto linked = load(linkedBytes);
  auto unlinked = load(unlinkedBytes);
  ASSERT_TRUE(linked && unlinked);
  rt::Tensor x = randomTensor({4, 16}, 7);
  auto linkedResults = call(linked, "predict", {x});
  auto unlinkedResults = call(unlinked, "predict", {x});
  ASSERT_EQ(linkedResults.size(), 1u);
  ASSERT_EQ(unlinkedResults.size(), 1u);
  const rt::Tensor &expected = unlinkedResults[0];
  expectClose(linkedResults[0], expected.shape(),
              [&](int64_t i) { return expected.data<float>()[i]; });
}

TEST_P(EndToEnd, CompilingTwiceGivesTheSameBytes) {
  std::string source = readExample("mlp.mlir");
  std::string first = compile(source);
  ASSERT_FALSE(first.empty());
  EXPECT_TRUE(first == compile(source))
      << "two compiles of mlp.mlir gave different module bytes";
}

TEST_P(EndToEnd, InputsAreCheckedAgainstTheSignature) {
  auto module = compileAndLoad(readProgram("negate_dynamic.mlir"));
  ASSERT_TRUE(module);
  rt::Session session(module);
  auto wrongShape = session.call("id", {randomTensor({5, 3}, 1)});
  ASSERT_FALSE(wrongShape.ok());
  EXPECT_EQ(wrongShape.status().message(),
            "input 0 of 'id': expected tensor<4x?xf32>, got tensor<5x3xf32>");
  auto wrongType =
      session.call("id", {*rt::Tensor::allocate(rt::ElementType::I32, {4, 3})});
  ASSERT_FALSE(wrongType.ok());
  EXPECT_NE(wrongType.status().message().find("got tensor<4x3xi32>"),
            std::string::npos);
  auto wrongCount = session.call("id", {});
  ASSERT_FALSE(wrongCount.ok());
  EXPECT_NE(wrongCount.status().message().find("takes 1 inputs, got 0"),
            std::string::npos);
  auto unknown = session.call("nope", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "no function 'nope' in the module (it has: id)");
  auto ok = session.call("id", {randomTensor({4, 9}, 2)});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ((*ok)[0].shape(), (std::vector<int64_t>{4, 9}));
}

INSTANTIATE_TEST_SUITE_P(
    Backends, EndToEnd,
    testing::Values(Backend{"cpu", "llvm-cpu", false},
                    Backend{"cpu_threaded", "llvm-cpu", false, 3},
                    Backend{"vulkan", "vulkan-spirv", true}),
    [](const testing::TestParamInfo<Backend> &info) {
      return std::string(info.param.name);
    });

} // namespace

//===- CompileAndLoad.h - The real compiler feeding the real runtime -*- C++
//-*-===//
#ifndef TESSERA_TESTS_E2E_COMPILEANDLOAD_H
#define TESSERA_TESTS_E2E_COMPILEANDLOAD_H

#include "Pipeline/CompileSession.h"
#include "tessera/runtime/Session.h"

#include "gtest/gtest.h"

#include <random>
#include <string>

namespace tessera::test {

/// Compiles `source` (MLIR text) into module bytes; fails the test on
/// diagnostics.
inline std::string
compileToModule(const std::string &source, bool linkExecutables = true,
                std::vector<std::string> targets = {"llvm-cpu"}) {
  mlir::tessera::CompileSession session;
  mlir::tessera::CompileOptions options;
  options.targets = std::move(targets);
  options.captureIR = false;
  options.buildModule = true;
  options.linkExecutables = linkExecutables;
  bool ok = mlir::succeeded(session.loadBuffer(source, "test.mlir")) &&
            mlir::succeeded(session.compile(options));
  for (const auto &diagnostic : session.getDiagnostics())
    ADD_FAILURE() << diagnostic.format();
  EXPECT_TRUE(ok);
  return session.getModuleBytes();
}

/// Uniform values in [-1, 1) from a fixed seed.
inline rt::Tensor randomTensor(std::vector<int64_t> shape, unsigned seed) {
  auto tensor = rt::Tensor::allocate(rt::ElementType::F32, std::move(shape));
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  float *data = tensor->mutableData<float>();
  for (int64_t i = 0; i < tensor->elementCount(); ++i)
    data[i] = uniform(generator);
  return std::move(*tensor);
}

} // namespace tessera::test

#endif // TESSERA_TESTS_E2E_COMPILEANDLOAD_H

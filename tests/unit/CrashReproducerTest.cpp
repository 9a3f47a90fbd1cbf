//===- CrashReproducerTest.cpp - Crash reproducers replay -----------------===//
//
// A crash reproducer names the crashing phase's pipeline as text; tessera-opt
// replays it only if every pass of every phase prints a pipeline that
// parses back to itself, options included (passes created in code with
// options, the CPU features, the codegen of several backends).
//
//===----------------------------------------------------------------------===//

#include "Pipeline/CrashReproducer.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/Pipelines.h"
#include "Pipeline/Registration.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::tessera;

namespace {

std::string printPipeline(const OpPassManager &pm) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

TEST(CrashReproducer, EveryPhasePipelineParsesBack) {
  static bool registered = (registerAllPasses(), true);
  (void)registered;
  for (std::vector<std::string> targets :
       {std::vector<std::string>{"llvm-cpu"},
        std::vector<std::string>{"llvm-cpu", "vulkan-spirv"}}) {
    CompileOptions options;
    options.targets = targets;
    options.targetTriple = "x86_64-unknown-linux-gnu";
    options.cpu = "znver4";
    options.cpuFeatures = "+avx,+avx2,+fma,+avx512f,-sse4a";
    options.vulkanDeviceType = "cpu";
    options.optLevel = 3;
    for (Phase phase : getAllPhases()) {
      SCOPED_TRACE(getPhaseName(phase).str() + " with " +
                   std::to_string(targets.size()) + " targets");
      OpPassManager pm("builtin.module");
      buildPhasePipeline(pm, phase, options);
      std::string text = printPipeline(pm);
      std::string errors;
      llvm::raw_string_ostream errorStream(errors);
      FailureOr<OpPassManager> parsed = parsePassPipeline(text, errorStream);
      ASSERT_TRUE(succeeded(parsed)) << text << "\n" << errors;
      EXPECT_EQ(printPipeline(*parsed), text);
    }
  }
}

TEST(CrashReproducer, WritesTheIRAndThePipeline) {
  CompileSession session;
  ASSERT_TRUE(succeeded(
      session.loadBuffer("func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
                         "  %0 = arith.addf %a, %a : tensor<4xf32>\n"
                         "  return %0 : tensor<4xf32>\n}\n",
                         "f.mlir")));
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("repro", "mlir", path));
  CrashReproducer reproducer(path.str().str());
  std::string error;
  EXPECT_FALSE(reproducer.write(error)); // No phase runs.
  PassManager pm(&session.getContext(), "builtin.module");
  buildPhasePipeline(pm, Phase::GlobalOpt, CompileOptions());
  reproducer.beginPhase("global-opt", session.getModule(), pm,
                        /*multithreaded=*/false);
  ASSERT_TRUE(reproducer.write(error)) << error;
  reproducer.endPhase();
  auto text = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(bool(text));
  llvm::StringRef written = (*text)->getBuffer();
  EXPECT_TRUE(written.contains("arith.addf")) << written.str();
  EXPECT_TRUE(written.contains("mlir_reproducer")) << written.str();
  EXPECT_TRUE(written.contains("pipeline: \"" + printPipeline(pm) + "\""))
      << written.str();
  EXPECT_TRUE(written.contains("disable_threading: true")) << written.str();
  llvm::sys::fs::remove(path);
}

TEST(CrashReproducer, DefaultPathIsFreshInTheTemporaryDirectory) {
  std::string first = getDefaultCrashReproducerPath("models/resnet50.mlir");
  std::string second = getDefaultCrashReproducerPath("models/resnet50.mlir");
  EXPECT_NE(first, second);
  EXPECT_NE(first.find("tessera-crash-resnet50-"), std::string::npos);
  EXPECT_TRUE(llvm::StringRef(first).ends_with(".mlir"));
  EXPECT_FALSE(llvm::sys::fs::exists(first));
}

} // namespace

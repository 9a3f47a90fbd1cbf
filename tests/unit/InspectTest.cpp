//===- InspectTest.cpp - Object summaries and disassembly of real libraries
//===//

#include "Inspect/Disassembler.h"
#include "Inspect/ExecutableSummary.h"
#include "Inspect/ObjectFileSummary.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/Registration.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir::tessera;

namespace {

/// The linked executable of examples/mlp.mlir for `triple`.
std::vector<ExecutableSummary> compileFor(const std::string &triple) {
  CompileSession session;
  EXPECT_TRUE(
      mlir::succeeded(session.loadFile(TESSERA_EXAMPLES_DIR "/mlp.mlir")));
  CompileOptions options;
  options.targetTriple = triple;
  options.cpu = "generic";
  options.cpuFeatures = "";
  options.captureIR = false;
  std::vector<ExecutableSummary> executables;
  options.afterPhase = [&](Phase phase, mlir::ModuleOp module) {
    if (phase == Phase::Link)
      executables = summarizeExecutables(module);
    if (phase == Phase::Serialize)
      addBinaries(module, executables);
  };
  EXPECT_TRUE(mlir::succeeded(session.compile(options)));
  return executables;
}

struct Platform {
  std::string triple, format, fileType;
  bool disassembles;
  /// What the first line of an export's disassembly starts with (a
  /// decoded prelude), if anything in particular.
  std::string firstLine = "";
};

class InspectTest : public ::testing::TestWithParam<Platform> {};

TEST_P(InspectTest, SummarizesAndDisassemblesTheLinkedLibrary) {
  const Platform &platform = GetParam();
  std::vector<ExecutableSummary> executables = compileFor(platform.triple);
  ASSERT_EQ(executables.size(), 1u);
  ASSERT_EQ(executables[0].variants.size(), 1u);
  const VariantSummary &variant = executables[0].variants[0];
  ASSERT_EQ(variant.exports.size(), 2u);
  EXPECT_EQ(variant.exports[1].ordinal, 1);
  EXPECT_EQ(variant.exports[0].bindings.size(), 4u);
  ASSERT_FALSE(variant.binary.empty());

  auto summary = summarizeObjectFile(variant.binary);
  ASSERT_TRUE(bool(summary)) << llvm::toString(summary.takeError());
  EXPECT_EQ(summary->format, platform.format);
  EXPECT_EQ(summary->fileType, platform.fileType);
  EXPECT_EQ(summary->fileSize, variant.binary.size());
  EXPECT_FALSE(summary->sections.empty());
  const std::string &exportName = variant.exports[0].name;
  bool found = false;
  for (const ObjectSymbol &symbol : summary->symbols)
    found |= symbol.name == exportName || symbol.name == "_" + exportName;
  EXPECT_TRUE(found) << exportName;

  if (!platform.disassembles)
    return;
  auto instructions = disassembleSymbol(variant.binary, exportName);
  ASSERT_TRUE(bool(instructions)) << llvm::toString(instructions.takeError());
  ASSERT_GT(instructions->size(), 10u);
  for (const DisassembledInstruction &inst : *instructions)
    EXPECT_FALSE(inst.invalid) << inst.address << " " << inst.text;
  EXPECT_EQ(instructions->front().text.rfind(platform.firstLine, 0), 0u)
      << instructions->front().text;
}

INSTANTIATE_TEST_SUITE_P(
    Platforms, InspectTest,
    ::testing::Values(Platform{"x86_64-unknown-linux-gnu", "elf64-x86-64",
                               "shared library", true},
                      Platform{"aarch64-unknown-linux-gnu",
                               "elf64-littleaarch64", "shared library", true},
                      Platform{"x86_64-pc-windows-msvc", "COFF-x86-64",
                               "shared library", true},
                      // With an OS version (memset_pattern16 territory);
                      // symbols carry an underscore.
                      Platform{"arm64-apple-macosx13.0", "Mach-O arm64",
                               "shared library", true},
                      // Each function starts with its locals.
                      Platform{"wasm32-unknown-unknown", "WASM", "wasm module",
                               true, ".local "}));

TEST(Inspect, VariantConditionsAreSummarized) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  auto module = mlir::parseSourceString<mlir::ModuleOp>(
      R"mlir(
hal.executable private @ex {
  hal.executable.variant public @avx512 target(<"llvm-cpu", "embedded-elf-x86_64", {}>) objects([#hal.executable.object<{path = "k.o"}>]) {
    hal.executable.condition(%device: !hal.device) -> i1 {
      %ok, %has = hal.device.query<%device : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
      hal.return %has : i1
    }
    hal.executable.export public @k ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
  }
  hal.executable.variant public @generic target(<"llvm-cpu", "embedded-elf-x86_64", {}>) objects([#hal.executable.object<{path = "k.o"}>]) {
    hal.executable.export public @k ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
  }
}
)mlir",
      &context);
  ASSERT_TRUE(module);
  std::vector<ExecutableSummary> executables = summarizeExecutables(*module);
  ASSERT_EQ(executables.size(), 1u);
  ASSERT_EQ(executables[0].variants.size(), 2u);
  EXPECT_NE(executables[0].variants[0].condition.find(
                "key(\"cpu.features\" :: \"avx512f\")"),
            std::string::npos)
      << executables[0].variants[0].condition;
  EXPECT_TRUE(executables[0].variants[1].condition.empty());
}

TEST(Inspect, BadInputIsAnError) {
  auto summary = summarizeObjectFile("not an object file");
  EXPECT_FALSE(bool(summary));
  llvm::consumeError(summary.takeError());
  auto instructions = disassembleSymbol("", "f");
  EXPECT_FALSE(bool(instructions));
  llvm::consumeError(instructions.takeError());

  std::vector<ExecutableSummary> executables =
      compileFor("x86_64-unknown-linux-gnu");
  const std::string &binary = executables[0].variants[0].binary;
  auto missing = disassembleSymbol(binary, "no_such_export");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("no_such_export"),
            std::string::npos);
  // A truncated library is refused, not read past its end.
  auto truncated = summarizeObjectFile(llvm::StringRef(binary).take_front(100));
  if (!truncated)
    llvm::consumeError(truncated.takeError());
  auto cut = disassembleSymbol(llvm::StringRef(binary).take_front(100),
                               executables[0].variants[0].exports[0].name);
  EXPECT_FALSE(bool(cut));
  llvm::consumeError(cut.takeError());
}

} // namespace

//===- SpirvModuleTest.cpp - SPIR-V binaries as executables ---------------===//

#include "Inspect/SpirvModule.h"
#include "Inspect/Disassembler.h"
#include "Inspect/ObjectFileSummary.h"

#include "spirv-tools/libspirv.hpp"

#include "gtest/gtest.h"

using namespace mlir::tessera;

namespace {

/// A compute shader doubling a storage buffer in place, with a helper
/// function the entry point does not call.
const char *kShader = R"(
               OpCapability Shader
               OpMemoryModel Logical GLSL450
               OpEntryPoint GLCompute %main "double_it" %gid
               OpExecutionMode %main LocalSize 64 1 1
               OpName %main "main"
               OpName %helper "helper"
               OpDecorate %gid BuiltIn GlobalInvocationId
               OpDecorate %arr ArrayStride 4
               OpMemberDecorate %buf 0 Offset 0
               OpDecorate %buf Block
               OpDecorate %data DescriptorSet 0
               OpDecorate %data Binding 0
       %void = OpTypeVoid
         %fn = OpTypeFunction %void
      %float = OpTypeFloat 32
       %uint = OpTypeInt 32 0
      %v3int = OpTypeVector %uint 3
    %in_ptr = OpTypePointer Input %v3int
        %gid = OpVariable %in_ptr Input
        %arr = OpTypeRuntimeArray %float
        %buf = OpTypeStruct %arr
    %buf_ptr = OpTypePointer StorageBuffer %buf
       %data = OpVariable %buf_ptr StorageBuffer
  %float_ptr = OpTypePointer StorageBuffer %float
     %uint_0 = OpConstant %uint 0
    %float_2 = OpConstant %float 2
   %in_x_ptr = OpTypePointer Input %uint
     %helper = OpFunction %void None %fn
         %h0 = OpLabel
               OpReturn
               OpFunctionEnd
       %main = OpFunction %void None %fn
      %entry = OpLabel
       %xptr = OpAccessChain %in_x_ptr %gid %uint_0
          %x = OpLoad %uint %xptr
       %elem = OpAccessChain %float_ptr %data %uint_0 %x
          %v = OpLoad %float %elem
     %scaled = OpFMul %float %v %float_2
               OpStore %elem %scaled
               OpReturn
               OpFunctionEnd
)";

std::string assemble() {
  spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_1);
  std::vector<uint32_t> words;
  EXPECT_TRUE(tools.Assemble(kShader, &words));
  return std::string(reinterpret_cast<const char *>(words.data()),
                     words.size() * 4);
}

TEST(SpirvModule, SummarizedLikeAnyBinary) {
  std::string binary = assemble();
  ASSERT_TRUE(isSpirvModule(binary));
  auto summary = summarizeObjectFile(binary);
  ASSERT_TRUE(bool(summary)) << llvm::toString(summary.takeError());
  EXPECT_EQ(summary->format.rfind("SPIR-V 1.", 0), 0u) << summary->format;
  EXPECT_EQ(summary->fileType, "shader module");
  EXPECT_EQ(summary->fileSize, binary.size());
  ASSERT_EQ(summary->symbols.size(), 1u);
  EXPECT_EQ(summary->symbols[0].name, "double_it");
  EXPECT_EQ(summary->symbols[0].kind, "function");
  EXPECT_GT(summary->symbols[0].size, 0u);
}

TEST(SpirvModule, DisassemblesTheDeclarationsAndTheEntryPoint) {
  std::string binary = assemble();
  auto instructions = disassembleSymbol(binary, "double_it");
  ASSERT_TRUE(bool(instructions)) << llvm::toString(instructions.takeError());
  std::string text;
  uint64_t previous = 0;
  for (const DisassembledInstruction &inst : *instructions) {
    text += inst.text + "\n";
    EXPECT_GE(inst.address, previous);
    previous = inst.address;
  }
  EXPECT_NE(text.find("OpEntryPoint GLCompute %main \"double_it\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("OpExecutionMode %main LocalSize 64 1 1"),
            std::string::npos);
  EXPECT_NE(text.find("OpFMul %float"), std::string::npos);
  EXPECT_NE(text.find("%main = OpFunction"), std::string::npos);
  // The helper is not the entry point's function.
  EXPECT_EQ(text.find("%helper = OpFunction"), std::string::npos);
  EXPECT_EQ(text.find("; 0x"), std::string::npos);
}

TEST(SpirvModule, DamagedModulesAreErrors) {
  std::string binary = assemble();
  // Not a whole number of words.
  EXPECT_FALSE(bool(summarizeObjectFile(binary.substr(0, 22))));
  llvm::consumeError(summarizeObjectFile(binary.substr(0, 22)).takeError());
  // A word count running past the end.
  std::string damaged = binary;
  damaged[5 * 4 + 2] = char(0xff);
  damaged[5 * 4 + 3] = char(0x7f);
  auto summary = summarizeObjectFile(damaged);
  ASSERT_FALSE(bool(summary));
  EXPECT_NE(llvm::toString(summary.takeError()).find("past the end"),
            std::string::npos);
  // Truncated inside an instruction.
  auto truncated =
      disassembleSymbol(binary.substr(0, binary.size() - 8), "double_it");
  EXPECT_FALSE(bool(truncated));
  llvm::consumeError(truncated.takeError());
  // An unknown entry point.
  auto missing = disassembleSymbol(binary, "nope");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("no entry point 'nope'"),
            std::string::npos);
}

} // namespace

//===- ModuleVerifierTest.cpp - Damaged and hostile modules ---------------===//
//
// A module compiled for real is damaged on purpose, field by field through
// the FlatBuffers mutable API or byte by byte; loading must fail with a
// message naming the problem, never crash.
//
//===----------------------------------------------------------------------===//

#include "CompileAndLoad.h"

#include "tessera/schema/module_generated.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <functional>
#include <random>

using namespace tessera;

namespace {

/// Two dispatches (a matmul with a constant weight, then a softmax-like
/// reduction chain) so that every kind of reference appears.
const char *kProgram = R"mlir(
func.func @predict(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.5, 2.5, 3.5]]> : tensor<4x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}
)mlir";

class ModuleVerifier : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    bytes = new std::string(test::compileToModule(kProgram));
  }
  static void TearDownTestSuite() { delete bytes; }

  std::vector<uint8_t> copy() const {
    return std::vector<uint8_t>(bytes->begin(), bytes->end());
  }
  static schema::Module *mutableModule(std::vector<uint8_t> &data) {
    return schema::GetMutableModule(data.data());
  }
  static schema::Dispatch *firstDispatch(std::vector<uint8_t> &data) {
    auto *fn = mutableModule(data)->mutable_functions()->GetMutableObject(0);
    for (unsigned i = 0; i < fn->instructions()->size(); ++i) {
      auto *inst = fn->mutable_instructions()->GetMutableObject(i);
      if (inst->op_type() == schema::Op::Dispatch)
        return static_cast<schema::Dispatch *>(inst->mutable_op());
    }
    return nullptr;
  }
  /// The load error of `data`, or "" when it loads.
  static std::string loadError(const std::vector<uint8_t> &data) {
    auto module = rt::Module::loadBytes(data.data(), data.size(), "m.tsm");
    return module.ok() ? "" : module.status().message();
  }

  static std::string *bytes;
};
std::string *ModuleVerifier::bytes = nullptr;

TEST_F(ModuleVerifier, TheUndamagedModuleLoadsAndRuns) {
  std::vector<uint8_t> data = copy();
  auto module = rt::Module::loadBytes(data.data(), data.size());
  ASSERT_TRUE(module.ok()) << module.status().message();
  auto x = rt::Tensor::allocate(rt::ElementType::F32, {2, 4});
  for (int i = 0; i < 8; ++i)
    x->mutableData<float>()[i] = i;
  rt::Session session(*module);
  auto results = session.call("predict", {*x});
  ASSERT_TRUE(results.ok()) << results.status().message();
  // Row 0 = [0 1 2 3] x W.
  EXPECT_FLOAT_EQ((*results)[0].data<float>()[0], 0 + 4 + 14 + 4.5);
}

TEST_F(ModuleVerifier, Truncated) {
  std::vector<uint8_t> data = copy();
  data.resize(data.size() / 2);
  EXPECT_EQ(loadError(data),
            "m.tsm: corrupt module: the FlatBuffers structure does not "
            "verify (truncated or damaged file)");
  data.resize(5);
  EXPECT_EQ(loadError(data),
            "m.tsm: not a Tessera module: 5 bytes is too short");
}

TEST_F(ModuleVerifier, WrongMagic) {
  std::vector<uint8_t> data = copy();
  data[4] = 'X';
  EXPECT_EQ(loadError(data), "m.tsm: not a Tessera module: bad magic "
                             "(expected 'TSRM' at byte 4)");
}

TEST_F(ModuleVerifier, WrongVersion) {
  std::vector<uint8_t> data = copy();
  ASSERT_TRUE(mutableModule(data)->mutate_version(99));
  EXPECT_EQ(loadError(data), "m.tsm: unsupported module version 99 (this "
                             "runtime reads version 3; compile the module "
                             "again with this tessera)");
}

TEST_F(ModuleVerifier, ExportOrdinalOutOfRange) {
  std::vector<uint8_t> data = copy();
  schema::Dispatch *dispatch = firstDispatch(data);
  ASSERT_TRUE(dispatch);
  ASSERT_TRUE(dispatch->mutate_ordinal(7));
  EXPECT_NE(loadError(data).find("export ordinal 7 out of range for "
                                 "executable"),
            std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, MissingExecutable) {
  std::vector<uint8_t> data = copy();
  schema::Dispatch *dispatch = firstDispatch(data);
  ASSERT_TRUE(dispatch);
  dispatch->mutable_candidates()->Mutate(0, 42);
  EXPECT_NE(loadError(data).find("executable 42 out of range"),
            std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, ExecutableRegisterOutOfRange) {
  std::vector<uint8_t> data = copy();
  schema::Dispatch *dispatch = firstDispatch(data);
  ASSERT_TRUE(dispatch);
  ASSERT_TRUE(dispatch->mutate_executable(100000));
  EXPECT_NE(loadError(data).find("dispatch executable reads scalar register "
                                 "100000 out of range"),
            std::string::npos)
      << loadError(data);
}

/// The initializer's instruction of `type`, or null.
template <typename T>
T *initializerOp(std::vector<uint8_t> &data, schema::Op type) {
  auto *fn = schema::GetMutableModule(data.data())->mutable_initializer();
  if (!fn)
    return nullptr;
  for (unsigned i = 0; i < fn->instructions()->size(); ++i) {
    auto *inst = fn->mutable_instructions()->GetMutableObject(i);
    if (inst->op_type() == type)
      return static_cast<T *>(inst->mutable_op());
  }
  return nullptr;
}

TEST_F(ModuleVerifier, InitializerLoadsAMissingExecutable) {
  std::vector<uint8_t> data = copy();
  auto *load =
      initializerOp<schema::LoadExecutable>(data, schema::Op::LoadExecutable);
  ASSERT_TRUE(load);
  ASSERT_TRUE(load->mutate_executable(9));
  EXPECT_NE(loadError(data).find("function '<initializer>', instruction"),
            std::string::npos)
      << loadError(data);
  EXPECT_NE(loadError(data).find("executable 9 out of range"),
            std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, GlobalOutOfRange) {
  std::vector<uint8_t> data = copy();
  auto *store =
      initializerOp<schema::StoreGlobal>(data, schema::Op::StoreGlobal);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->mutate_global(3));
  EXPECT_NE(loadError(data).find("global 3 out of range"), std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, InitializerThatLoadsNothingFailsAtTheDispatch) {
  // The global stays -1: the dispatch refuses it with its location.
  std::vector<uint8_t> data = copy();
  auto *store =
      initializerOp<schema::StoreGlobal>(data, schema::Op::StoreGlobal);
  ASSERT_TRUE(store);
  // Store register 0 instead: the initializer's first constant, 1, which
  // names no executable of the dispatch.
  ASSERT_TRUE(store->mutate_value(0));
  auto module = rt::Module::loadBytes(data.data(), data.size(), "m.tsm");
  ASSERT_TRUE(module.ok()) << module.status().message();
  auto x = rt::Tensor::allocate(rt::ElementType::F32, {2, 4});
  rt::Session session(*module);
  auto results = session.call("predict", {*x});
  ASSERT_FALSE(results.ok());
  EXPECT_NE(results.status().message().find(
                "is not one the dispatch was verified with"),
            std::string::npos)
      << results.status().message();
}

TEST_F(ModuleVerifier, BufferIndexOutOfRange) {
  std::vector<uint8_t> data = copy();
  schema::Dispatch *dispatch = firstDispatch(data);
  ASSERT_TRUE(dispatch);
  dispatch->mutable_bindings()->GetMutableObject(0)->mutate_buffer(1000);
  EXPECT_NE(loadError(data).find("dispatch binding reads buffer register "
                                 "1000 out of range"),
            std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, ConstantOffsetOutOfRange) {
  std::vector<uint8_t> data = copy();
  auto *constants = mutableModule(data)->mutable_constants();
  ASSERT_TRUE(constants && constants->size() == 1);
  constants->GetMutableObject(0)->mutate_offset(1 << 20);
  EXPECT_NE(loadError(data).find("constant 0 (offset 1048576, 48 bytes) is "
                                 "outside the module's"),
            std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, DamagedExecutable) {
  std::vector<uint8_t> data = copy();
  auto *executable =
      mutableModule(data)->mutable_executables()->GetMutableObject(0);
  executable->mutable_data()->Mutate(100, executable->data()->Get(100) ^ 1);
  EXPECT_NE(loadError(data).find("is damaged: its checksum does not match"),
            std::string::npos)
      << loadError(data);
}

TEST_F(ModuleVerifier, ExportTableDisagreesWithTheLibrary) {
  std::vector<uint8_t> data = copy();
  auto *executable =
      mutableModule(data)->mutable_executables()->GetMutableObject(0);
  auto *name =
      executable->mutable_exports()->GetMutableObject(0)->mutable_name();
  (*name->data()) = 'X'; // Same length, different first letter.
  EXPECT_NE(loadError(data).find("the module expects 'Xredict_dispatch_0"),
            std::string::npos)
      << loadError(data);
}

/// A module built by hand around one function's instructions.
std::vector<uint8_t> handBuiltModule(
    const std::function<std::vector<flatbuffers::Offset<schema::Instruction>>(
        flatbuffers::FlatBufferBuilder &)> &instructions) {
  flatbuffers::FlatBufferBuilder fbb;
  auto body = instructions(fbb);
  std::vector<flatbuffers::Offset<schema::Function>> functions = {
      schema::CreateFunction(fbb, fbb.CreateString("f"), 0, 0, 4, 4,
                             fbb.CreateVector(body))};
  auto module =
      schema::CreateModule(fbb, rt::kModuleVersion, fbb.CreateString("m"),
                           fbb.CreateVector(functions));
  schema::FinishModuleBuffer(fbb, module);
  return std::vector<uint8_t>(fbb.GetBufferPointer(),
                              fbb.GetBufferPointer() + fbb.GetSize());
}

TEST_F(ModuleVerifier, OperationWithoutItsTable) {
  // Found by the fuzzer: a union type whose table is absent.
  auto data = handBuiltModule([](flatbuffers::FlatBufferBuilder &fbb) {
    auto ret = schema::CreateReturn(fbb);
    return std::vector<flatbuffers::Offset<schema::Instruction>>{
        schema::CreateInstruction(fbb, schema::Op::InputScalar, 0),
        schema::CreateInstruction(fbb, schema::Op::Return, ret.Union())};
  });
  EXPECT_EQ(loadError(data), "m.tsm: function 'f', instruction 0: operation "
                             "without its operands");
}

TEST_F(ModuleVerifier, RegisterReadBeforeWrite) {
  auto data = handBuiltModule([](flatbuffers::FlatBufferBuilder &fbb) {
    auto add = schema::CreateArith(fbb, schema::ArithKind::Add, 0, 1, 2);
    auto ret = schema::CreateReturn(fbb);
    return std::vector<flatbuffers::Offset<schema::Instruction>>{
        schema::CreateInstruction(fbb, schema::Op::Arith, add.Union()),
        schema::CreateInstruction(fbb, schema::Op::Return, ret.Union())};
  });
  EXPECT_EQ(loadError(data), "m.tsm: function 'f', instruction 0: arith lhs "
                             "reads scalar register 1 before it is written");
}

TEST_F(ModuleVerifier, FlippedBytesNeverCrash) {
  // Every damaged copy either loads or is refused with a message; this test
  // passing means none crashed. Flip one byte at each of many positions.
  std::vector<uint8_t> original = copy();
  std::mt19937 generator(1234);
  unsigned refused = 0, trials = 0;
  for (size_t position = 0; position < original.size();
       position += 1 + original.size() / 1500) {
    std::vector<uint8_t> data = original;
    data[position] ^= 1 + generator() % 255;
    std::string error = loadError(data);
    refused += !error.empty();
    ++trials;
  }
  EXPECT_GT(trials, 1000u);
  EXPECT_GT(refused, 0u);
}

/// A dispatch whose variant is chosen on the device: a kernel built with
/// -DMARK=1000 under a condition that holds here, then the plain one.
class ConditionalVariants : public ::testing::Test {
protected:
  void SetUp() override {
#if !defined(__x86_64__) || !defined(TESSERA_CLANG)
    GTEST_SKIP() << "needs clang and an x86_64 host to build the kernels";
#else
    llvm::SmallString<128> dir;
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("tessera-conditional", dir));
    directory = dir.str().str();
    for (auto [name, mark] :
         {std::pair<const char *, int>{"plain", 0}, {"marked", 1000}}) {
      std::string command =
          std::string(TESSERA_CLANG) +
          " -O2 -fPIC -ffreestanding -fno-builtin -c -I" TESSERA_RUNTIME_INCLUDE
          " -DMARK=" +
          std::to_string(mark) + " " TESSERA_EXTERN_KERNEL " -o " + directory +
          "/" + name + ".o";
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    auto target = [](const char *condition, const std::string &object) {
      return std::string("#hal.executable.target<\"llvm-cpu\", "
                         "\"embedded-elf-x86_64\", {target_triple = "
                         "\"x86_64-unknown-linux-gnu\"}> ") +
             condition + " ordinal(0) = [#hal.executable.object<{path = \"" +
             object + "\"}>]";
    };
    std::string program =
        "func.func @f(%a: tensor<8xf32>) -> tensor<8xf32> {\n"
        "  %c8 = arith.constant 8 : index\n"
        "  %r = hal.dispatch.extern \"double_it\"[%c8](%a) : (tensor<8xf32>) "
        "-> tensor<8xf32>\n"
        "    count(%d: !hal.device, %w: index) -> (index, index, index) {\n"
        "      %c1 = arith.constant 1 : index\n"
        "      hal.return %c1, %c1, %c1 : index, index, index\n"
        "    }\n"
        "    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, "
        "bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)\n"
        "    objects({\n" +
        target("if(%d: !hal.device) -> i1 {\n"
               "  %ok, %x86 = hal.device.query<%d : !hal.device> "
               "key(\"cpu.arch\" :: \"x86_64\") : i1, i1\n"
               "  %known, %sse2 = hal.device.query<%d : !hal.device> "
               "key(\"cpu.features\" :: \"sse2\") : i1, i1\n"
               "  %both = arith.andi %x86, %sse2 : i1\n"
               "  hal.return %both : i1\n}",
               directory + "/marked.o") +
        ",\n" + target("", directory + "/plain.o") +
        "\n    })\n"
        "  return %r : tensor<8xf32>\n"
        "}\n";
    std::string module = test::compileToModule(program);
    ASSERT_FALSE(module.empty());
    bytes.assign(module.begin(), module.end());
#endif
  }
  void TearDown() override {
    if (!directory.empty())
      llvm::sys::fs::remove_directories(directory);
  }
  schema::Dispatch *dispatch() {
    auto *fn = schema::GetMutableModule(bytes.data())
                   ->mutable_functions()
                   ->GetMutableObject(0);
    for (unsigned i = 0; i < fn->instructions()->size(); ++i) {
      auto *inst = fn->mutable_instructions()->GetMutableObject(i);
      if (inst->op_type() == schema::Op::Dispatch)
        return static_cast<schema::Dispatch *>(inst->mutable_op());
    }
    return nullptr;
  }
  std::string loadError() {
    auto module = rt::Module::loadBytes(bytes.data(), bytes.size(), "m.tsm");
    return module.ok() ? "" : module.status().message();
  }

  std::string directory;
  std::vector<uint8_t> bytes;
};

TEST_F(ConditionalVariants, TheHoldingConditionChoosesTheVariant) {
  auto module = rt::Module::loadBytes(bytes.data(), bytes.size());
  ASSERT_TRUE(module.ok()) << module.status().message();
  auto a = rt::Tensor::allocate(rt::ElementType::F32, {8});
  for (int i = 0; i < 8; ++i)
    a->mutableData<float>()[i] = i;
  rt::Session session(*module);
  auto results = session.call("f", {*a});
  ASSERT_TRUE(results.ok()) << results.status().message();
  // The marked kernel: 2x + 1000.
  EXPECT_FLOAT_EQ((*results)[0].data<float>()[3], 1006);
  ASSERT_TRUE(dispatch());
  ASSERT_TRUE(dispatch()->candidates());
  EXPECT_EQ(dispatch()->candidates()->size(), 2u);
}

TEST_F(ConditionalVariants, CandidateOutOfRange) {
  ASSERT_TRUE(dispatch());
  dispatch()->mutable_candidates()->Mutate(1, 42);
  EXPECT_NE(loadError().find("executable 42 out of range"), std::string::npos)
      << loadError();
}

TEST_F(ConditionalVariants, AFeatureOverrideChoosesTheOtherVariant) {
  // The condition asks cpu.features sse2 (see the program): forced off, the
  // generic kernel runs, and the log says which binary was loaded.
  auto device = rt::Runtime::createDevice("cpu?features=-sse2");
  ASSERT_TRUE(device.ok()) << device.status().message();
  rt::LoadOptions options;
  options.devices = {*device};
  std::string log;
  options.log = [&](const std::string &line) { log += line + "\n"; };
  auto module =
      rt::Module::loadBytes(bytes.data(), bytes.size(), "m.tsm", options);
  ASSERT_TRUE(module.ok()) << module.status().message();
  EXPECT_NE(log.find("feature overrides -sse2"), std::string::npos) << log;
  EXPECT_NE(log.find("loaded executable 'f_extern_dispatch_0::"
                     "embedded_elf_x86_64_1'"),
            std::string::npos)
      << log;
  auto a = rt::Tensor::allocate(rt::ElementType::F32, {8});
  for (int i = 0; i < 8; ++i)
    a->mutableData<float>()[i] = i;
  rt::Session session(*module);
  auto results = session.call("f", {*a});
  ASSERT_TRUE(results.ok()) << results.status().message();
  EXPECT_FLOAT_EQ((*results)[0].data<float>()[3], 6);
}

TEST_F(ConditionalVariants, UnknownFeatureOverridesAreRefused) {
  auto device = rt::CpuInfo::create({"-avx9000"});
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().message().find("unknown CPU feature 'avx9000'"),
            std::string::npos);
  EXPECT_FALSE(rt::CpuInfo::create({"avx2"}).ok());
}

} // namespace

//===----------------------------------------------------------------------===//
// Host-program constants changed in range: the module still verifies, so
// the kernels' own checks (binding sizes, workgroup grid) must refuse.
//===----------------------------------------------------------------------===//

namespace {

/// The ConstantScalar instructions of @predict, by destination register.
std::vector<tessera::schema::ConstantScalar *>
constantsWriting(std::vector<uint8_t> &data, uint32_t reg) {
  std::vector<tessera::schema::ConstantScalar *> found;
  auto *fn = tessera::schema::GetMutableModule(data.data())
                 ->mutable_functions()
                 ->GetMutableObject(0);
  for (unsigned i = 0; i < fn->instructions()->size(); ++i) {
    auto *inst = fn->mutable_instructions()->GetMutableObject(i);
    if (inst->op_type() != tessera::schema::Op::ConstantScalar)
      continue;
    auto *constant =
        static_cast<tessera::schema::ConstantScalar *>(inst->mutable_op());
    if (constant->dst() == reg)
      found.push_back(constant);
  }
  return found;
}

/// Runs @predict of `data`; the call's error, or "" when it ran.
std::string callError(const std::vector<uint8_t> &data) {
  auto module = rt::Module::loadBytes(data.data(), data.size(), "m.tsm");
  if (!module.ok())
    return module.status().message();
  auto x = rt::Tensor::allocate(rt::ElementType::F32, {2, 4});
  rt::Session session(*module);
  auto results = session.call("predict", {*x});
  return results.ok() ? "" : results.status().message();
}

} // namespace

TEST_F(ModuleVerifier, AShrunkAllocationIsRefusedByTheKernel) {
  std::vector<uint8_t> data = copy();
  auto *fn = mutableModule(data)->mutable_functions()->GetMutableObject(0);
  uint32_t sizeRegister = ~0u;
  // The dispatch's result.
  for (unsigned i = 0; i < fn->instructions()->size(); ++i)
    if (auto *alloc = fn->instructions()->Get(i)->op_as_AllocUninitialized())
      sizeRegister = alloc->size();
  ASSERT_NE(sizeRegister, ~0u);
  auto constants = constantsWriting(data, sizeRegister);
  ASSERT_FALSE(constants.empty());
  ASSERT_TRUE(constants[0]->mutate_value(constants[0]->value() / 2));
  std::string error = callError(data);
  EXPECT_NE(error.find("a binding holds fewer bytes than the data the kernel "
                       "indexes"),
            std::string::npos)
      << error;
  // Located at the dispatch's source line.
  EXPECT_EQ(error.rfind("test.mlir:7:8: function 'predict': dispatch of", 0),
            0u)
      << error;
}

TEST_F(ModuleVerifier, AWorkgroupCountPastTheGridIsRefusedByTheKernel) {
  std::vector<uint8_t> data = copy();
  schema::Dispatch *dispatch = firstDispatch(data);
  ASSERT_TRUE(dispatch);
  bool changed = false;
  for (uint32_t reg : *dispatch->workgroup_count())
    for (auto *constant : constantsWriting(data, reg))
      changed |= constant->mutate_value(100000);
  ASSERT_TRUE(changed);
  std::string error = callError(data);
  EXPECT_NE(error.find("outside the kernel's grid"), std::string::npos)
      << error;
}

// Every constant of the host program, changed the ways a damaged or crafted
// module changes it (halved, off by one, doubled, negated, huge, zero): each
// call ends in a result or an error, never a signal.
TEST_F(ModuleVerifier, EveryConstantChangedInRangeEndsCleanly) {
  std::vector<uint8_t> original = copy();
  auto *fn = mutableModule(original)->mutable_functions()->GetMutableObject(0);
  unsigned constantCount = 0, refused = 0;
  for (unsigned i = 0; i < fn->instructions()->size(); ++i) {
    if (fn->instructions()->Get(i)->op_type() != schema::Op::ConstantScalar)
      continue;
    for (int change = 0; change < 7; ++change) {
      std::vector<uint8_t> data = original;
      auto *constant =
          static_cast<schema::ConstantScalar *>(mutableModule(data)
                                                    ->mutable_functions()
                                                    ->GetMutableObject(0)
                                                    ->mutable_instructions()
                                                    ->GetMutableObject(i)
                                                    ->mutable_op());
      int64_t value = constant->value();
      const int64_t changes[] = {value / 2, value - 1, value + 1, value * 2,
                                 -value,    100000,    0};
      if (value == 0 || !constant->mutate_value(changes[change]))
        continue;
      ++constantCount;
      refused += !callError(data).empty();
    }
  }
  EXPECT_GT(constantCount, 20u);
  EXPECT_GT(refused, 0u);
}

//===- HostProgramTest.cpp - The instruction table's verifier and printer -===//
//
// Modules built by hand with every kind of instruction: the text form of
// each, and the verifier's checks of each operand kind, both of which come
// from Instructions.def.
//
//===----------------------------------------------------------------------===//

#include "HostProgramText.h"

#include "tessera/runtime/Hash.h"
#include "tessera/runtime/Module.h"
#include "tessera/schema/InstructionSet.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

using namespace tessera;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

namespace {

using Instructions = std::vector<Offset<schema::Instruction>>;

template <typename T>
Offset<schema::Instruction> inst(FlatBufferBuilder &fbb, Offset<T> op,
                                 int location = -1) {
  return schema::CreateInstruction(fbb, schema::OpTraits<T>::enum_value,
                                   op.Union(), location);
}

/// A module around `body`, the instructions of `f(tensor<?x4xf32>, i64)`
/// with 8 scalar and 4 buffer registers, locations "f.mlir:1:1" and
/// "f.mlir:2:5"; one global, one executable with one export (a push
/// constant, two bindings) and one (empty) constant. `initializer` is its
/// initializer's body when not null.
std::vector<uint8_t> buildModule(
    const std::function<Instructions(FlatBufferBuilder &)> &body,
    const std::function<Instructions(FlatBufferBuilder &)> &initializer =
        nullptr) {
  FlatBufferBuilder fbb;
  std::vector<Offset<schema::TensorType>> inputs = {
      schema::CreateTensorType(fbb, schema::ElementType::F32,
                               fbb.CreateVector(std::vector<int64_t>{-1, 4})),
      schema::CreateTensorType(fbb, schema::ElementType::I64,
                               fbb.CreateVector(std::vector<int64_t>{}), true)};
  std::vector<Offset<schema::TensorType>> outputs = {
      schema::CreateTensorType(fbb, schema::ElementType::F32,
                               fbb.CreateVector(std::vector<int64_t>{-1, 4}))};
  std::vector<Offset<flatbuffers::String>> locations = {
      fbb.CreateString("f.mlir:1:1"), fbb.CreateString("f.mlir:2:5")};
  Instructions instructions = body(fbb);
  std::vector<Offset<schema::Function>> functions = {schema::CreateFunction(
      fbb, fbb.CreateString("f"), fbb.CreateVector(inputs),
      fbb.CreateVector(outputs), 8, 4, fbb.CreateVector(instructions),
      fbb.CreateVector(locations))};
  Offset<schema::Function> init = 0;
  if (initializer) {
    Instructions initInstructions = initializer(fbb);
    init = schema::CreateFunction(fbb, fbb.CreateString("<initializer>"), 0, 0,
                                  4, 0, fbb.CreateVector(initInstructions));
  }
  std::vector<uint8_t> binary = {1, 2, 3, 4};
  std::vector<Offset<schema::ExportInfo>> exports = {
      schema::CreateExportInfo(fbb, fbb.CreateString("f_dispatch_0"), 1,
                               fbb.CreateVector(std::vector<uint8_t>{1, 0}))};
  std::vector<Offset<schema::Executable>> executables = {
      schema::CreateExecutable(fbb, fbb.CreateString("f_dispatch_0::elf"),
                               fbb.CreateString("embedded-elf-x86_64"),
                               fbb.CreateVector(binary),
                               rt::fnv1a64(binary.data(), binary.size()),
                               fbb.CreateVector(exports))};
  std::vector<schema::ConstantRef> constants = {schema::ConstantRef(0, 0)};
  auto module = schema::CreateModule(
      fbb, rt::kModuleVersion, fbb.CreateString("m"),
      fbb.CreateVector(functions), init, 1, fbb.CreateVector(executables),
      fbb.CreateVectorOfStructs(constants));
  schema::FinishModuleBuffer(fbb, module);
  return std::vector<uint8_t>(fbb.GetBufferPointer(),
                              fbb.GetBufferPointer() + fbb.GetSize());
}

/// A return of buffer 1 with dims (scalar 0, scalar 1).
Offset<schema::Instruction> returnB1(FlatBufferBuilder &fbb) {
  std::vector<Offset<schema::ResultRef>> results = {schema::CreateResultRef(
      fbb, 1, fbb.CreateVector(std::vector<uint32_t>{0, 1}))};
  return inst(fbb, schema::CreateReturn(fbb, fbb.CreateVector(results)));
}

/// The instructions every function body below starts with: %b0 = input 0,
/// %s0 = its dim 0, %s1 = 4, %b1 = alloc %s1.
Instructions prologue(FlatBufferBuilder &fbb) {
  return {inst(fbb, schema::CreateInputBuffer(fbb, 0, 0), 0),
          inst(fbb, schema::CreateInputDim(fbb, 0, 0, 0), 0),
          inst(fbb, schema::CreateConstantScalar(fbb, 1, 4)),
          inst(fbb, schema::CreateAlloc(fbb, 1, 1), 1)};
}

/// The load error of `data`, or "" when it verifies.
std::string verifyError(const std::vector<uint8_t> &data) {
  rt::Status status = rt::verifyModule(data.data(), data.size());
  return status.ok() ? "" : status.message();
}

/// The verifier's message for `f`'s body: the prologue, `op`, a return.
std::string errorOf(
    const std::function<Offset<schema::Instruction>(FlatBufferBuilder &)> &op) {
  return verifyError(buildModule([&](FlatBufferBuilder &fbb) {
    Instructions body = prologue(fbb);
    body.push_back(op(fbb));
    body.push_back(returnB1(fbb));
    return body;
  }));
}

TEST(HostProgram, EveryInstructionPrintsWithItsLocation) {
  auto data = buildModule(
      [](FlatBufferBuilder &fbb) {
        Instructions body = prologue(fbb);
        std::vector<schema::BindingRef> bindings = {{0, 2, 1}, {1, 2, 1}};
        Instructions rest = {
            inst(fbb, schema::CreateInputScalar(fbb, 2, 1)),
            inst(fbb, schema::CreateConstantScalar(fbb, 3, 0)),
            inst(fbb,
                 schema::CreateArith(fbb, schema::ArithKind::CmpSlt, 4, 3, 2),
                 1),
            inst(fbb, schema::CreateSelect(fbb, 5, 4, 1, 0)),
            inst(fbb, schema::CreateFill(fbb, 1, 3, 1, 0x3f800000, 4), 1),
            inst(fbb, schema::CreateConstantView(fbb, 2, 0)),
            inst(fbb, schema::CreateCopy(fbb, 0, 3, 1, 3, 1)),
            inst(fbb, schema::CreateLoadGlobal(fbb, 6, 0)),
            inst(fbb,
                 schema::CreateDispatch(
                     fbb, 6, fbb.CreateVector(std::vector<uint32_t>{0}), 0,
                     fbb.CreateVector(std::vector<uint32_t>{5, 1, 1}),
                     fbb.CreateVector(std::vector<uint32_t>{2}),
                     fbb.CreateVectorOfStructs(bindings)),
                 1),
            inst(fbb, schema::CreateAssert(fbb, 4, fbb.CreateString("x<0"))),
            inst(fbb, schema::CreateAllocUninitialized(fbb, 3, 1)),
            returnB1(fbb)};
        body.insert(body.end(), rest.begin(), rest.end());
        return body;
      },
      [](FlatBufferBuilder &fbb) -> Instructions {
        return {inst(fbb, schema::CreateQuerySupport(
                              fbb, 0, fbb.CreateString("embedded-elf"))),
                inst(fbb, schema::CreateDeviceQuery(
                              fbb, 1, 2, fbb.CreateString("cpu.arch"),
                              fbb.CreateString("x86_64"), -1)),
                inst(fbb, schema::CreateLoadExecutable(fbb, 3, 0, 0)),
                inst(fbb, schema::CreateStoreGlobal(fbb, 0, 3)),
                inst(fbb, schema::CreateReturn(fbb))};
      });
  auto programs = rt::tooling::readHostPrograms(data.data(), data.size());
  ASSERT_TRUE(programs.ok()) << programs.status().message();
  EXPECT_EQ(rt::tooling::toText(*programs),
            R"(module 'm' (1 global)

initializer {  // 4 scalar, 0 buffer registers
    0  %s0 = executable.supported "embedded-elf"
    1  %s1, %s2 = device.query "cpu.arch", key "x86_64", default -1
    2  %s3 = executable.load 0, if %s0
    3  global.store 0, %s3
    4  return
}

func @f(tensor<?x4xf32>, i64) -> tensor<?x4xf32> {  // 8 scalar, 4 buffer registers
    0  %b0 = input.buffer 0                     // f.mlir:1:1
    1  %s0 = input.dim 0[0]                     // f.mlir:1:1
    2  %s1 = const 4
    3  %b1 = alloc %s1                          // f.mlir:2:5
    4  %s2 = input.scalar 1
    5  %s3 = const 0
    6  %s4 = arith.cmpslt %s3, %s2              // f.mlir:2:5
    7  %s5 = select %s4, %s1, %s0
    8  fill %b1, offset %s3, length %s1, pattern 0x3f800000  // f.mlir:2:5
    9  %b2 = constant.view 0
   10  copy %b0, offset %s3, to %b1, offset %s3, length %s1
   11  %s6 = global.load 0
   12  dispatch %s6, of [0], export 0, workgroups [%s5, %s1, %s1], constants [%s2], bindings [%b0[%s2, %s1], %b1[%s2, %s1]]  // f.mlir:2:5
   13  assert %s4, "x<0"
   14  %b3 = alloc.uninitialized %s1
   15  return %b1 dims [%s0, %s1]
}
)");
  std::string json = rt::tooling::toJson(*programs);
  EXPECT_NE(json.find(R"({"op": "arith.cmpslt", "text": "%s4 = arith.cmpslt )"
                      R"(%s3, %s2", "location": "f.mlir:2:5"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"({"op": "const", "text": "%s1 = const 4", )"
                      R"("location": null})"),
            std::string::npos)
      << json;
}

TEST(HostProgram, ThePrinterRefusesWhatDoesNotVerify) {
  auto data = buildModule([](FlatBufferBuilder &fbb) -> Instructions {
    return {inst(fbb, schema::CreateAlloc(fbb, 1, 7)), returnB1(fbb)};
  });
  auto programs = rt::tooling::readHostPrograms(data.data(), data.size());
  ASSERT_FALSE(programs.ok());
  EXPECT_EQ(programs.status().message(),
            "function 'f', instruction 0: alloc size reads scalar register 7 "
            "before it is written");
}

TEST(HostProgram, TheTableListsEachInstructionOnce) {
  std::set<std::string> mnemonics;
  std::set<unsigned> types;
#define TESSERA_INSTRUCTION(Type, Mnemonic, Operands)                          \
  EXPECT_TRUE(mnemonics.insert(Mnemonic).second) << Mnemonic;                  \
  EXPECT_TRUE(types.insert(unsigned(schema::Op::Type)).second) << #Type;       \
  EXPECT_STREQ(schema::mnemonic(schema::Op::Type), Mnemonic);                  \
  EXPECT_EQ(schema::retiredBecause(schema::Op::Type), nullptr);
#define TESSERA_RETIRED_INSTRUCTION(Id, Mnemonic, Why)                         \
  EXPECT_TRUE(types.insert(Id).second) << Mnemonic;                            \
  EXPECT_STREQ(schema::EnumNameOp(schema::Op(Id)), "") << Mnemonic;
#include "tessera/schema/Instructions.def"
  EXPECT_EQ(types.size(), unsigned(schema::Op::MAX));
  EXPECT_EQ(schema::mnemonic(schema::Op::NONE), nullptr);
}

// --- The verifier, one operand kind at a time -----------------------------

TEST(HostProgram, TheProgramAsBuiltVerifies) {
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateConstantScalar(fbb, 2, 0));
            }),
            "");
}

TEST(HostProgram, AnInstructionCannotReadItsOwnResult) {
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateArith(fbb, schema::ArithKind::Add,
                                                   2, 2, 1));
            }),
            "function 'f', instruction 4: arith lhs reads scalar register 2 "
            "before it is written");
}

TEST(HostProgram, RegisterOperands) {
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateCopy(fbb, 0, 1, 1, 9, 1));
            }),
            "function 'f', instruction 4: copy target offset reads scalar "
            "register 9 out of range");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateCopy(fbb, 0, 1, 3, 1, 1));
            }),
            "function 'f', instruction 4: copy target reads buffer register 3 "
            "before it is written");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateConstantScalar(fbb, 8, 0));
            }),
            "function 'f', instruction 4: scalar register 8 out of range");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateAlloc(fbb, 4, 1));
            }),
            "function 'f', instruction 4: buffer register 4 out of range");
}

TEST(HostProgram, IndexOperands) {
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateInputBuffer(fbb, 2, 1));
            }),
            "function 'f', instruction 4: input 1 is not a tensor input");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateInputScalar(fbb, 2, 0));
            }),
            "function 'f', instruction 4: input 0 is not a scalar input");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateInputDim(fbb, 2, 0, 2));
            }),
            "function 'f', instruction 4: dimension 2 of input 0 out of range");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateConstantView(fbb, 2, 1));
            }),
            "function 'f', instruction 4: constant 1 out of range");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateLoadGlobal(fbb, 2, 1));
            }),
            "function 'f', instruction 4: global 1 out of range");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateLoadExecutable(fbb, 2, 1, 1));
            }),
            "function 'f', instruction 4: executable 1 out of range");
}

TEST(HostProgram, ImmediateOperands) {
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateFill(fbb, 1, 1, 1, 0, 3));
            }),
            "function 'f', instruction 4: fill pattern length 3 is not 1, 2, "
            "4 or 8");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              return inst(fbb, schema::CreateArith(fbb, schema::ArithKind(200),
                                                   2, 1, 1));
            }),
            "function 'f', instruction 4: unknown arithmetic kind");
}

TEST(HostProgram, DispatchConstraints) {
  auto dispatch = [](uint32_t ordinal, std::vector<uint32_t> push) {
    return [=](FlatBufferBuilder &fbb) {
      std::vector<schema::BindingRef> bindings = {{0, 1, 1}, {1, 1, 1}};
      return inst(fbb,
                  schema::CreateDispatch(
                      fbb, 1, fbb.CreateVector(std::vector<uint32_t>{0}),
                      ordinal, fbb.CreateVector(std::vector<uint32_t>{1, 1, 1}),
                      fbb.CreateVector(push),
                      fbb.CreateVectorOfStructs(bindings)));
    };
  };
  EXPECT_EQ(errorOf(dispatch(0, {1})), "");
  EXPECT_EQ(errorOf(dispatch(1, {1})),
            "function 'f', instruction 4: export ordinal 1 out of range for "
            "executable 'f_dispatch_0::elf' (1 exports)");
  EXPECT_EQ(errorOf(dispatch(0, {})),
            "function 'f', instruction 4: dispatch of 'f_dispatch_0' passes 0 "
            "push constants, the export takes 1");
  EXPECT_EQ(errorOf(dispatch(0, {6})),
            "function 'f', instruction 4: dispatch push constants reads scalar "
            "register 6 before it is written");
}

TEST(HostProgram, RetiredAndUnknownOperations) {
  // 9 was Alias: a table of its shape under its old type id.
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              auto alias = schema::CreateInputBuffer(fbb, 2, 1);
              return schema::CreateInstruction(fbb, schema::Op(9),
                                               alias.Union());
            }),
            "function 'f', instruction 4: operation 9 ('alias') is no longer "
            "part of the format (reshapes share their source's buffer "
            "register); compile the module again with this tessera");
  EXPECT_EQ(errorOf([](FlatBufferBuilder &fbb) {
              auto op = schema::CreateInputBuffer(fbb, 2, 1);
              return schema::CreateInstruction(fbb, schema::Op(200),
                                               op.Union());
            }),
            "function 'f', instruction 4: unknown operation 200");
}

// Module strings reach terminals (inspect, error messages): escape
// sequences and invalid UTF-8 are refused, UTF-8 text is not.
TEST(HostProgram, StringsArePrintableText) {
  auto assertWith = [](std::string message) {
    return errorOf([message](FlatBufferBuilder &fbb) {
      return inst(fbb, schema::CreateAssert(fbb, 1, fbb.CreateString(message)));
    });
  };
  EXPECT_EQ(assertWith("größe ≠ 4\ttab\nline"), "");
  EXPECT_EQ(assertWith("clear\x1b[2J"),
            "function 'f', instruction 4: assert is not printable text "
            "(control character 0x1b at byte 5)");
  EXPECT_EQ(assertWith("bad \x80 byte"),
            "function 'f', instruction 4: assert is not printable text "
            "(invalid UTF-8 0x80 at byte 4)");
  EXPECT_EQ(assertWith("overlong \xc0\xaf"),
            "function 'f', instruction 4: assert is not printable text "
            "(invalid UTF-8 0xc0 at byte 9)");
  EXPECT_EQ(assertWith("C1 CSI \xc2\x9b"),
            "function 'f', instruction 4: assert is not printable text "
            "(control character 0xc2 at byte 7)");

  // A location, before any message quotes it.
  std::vector<uint8_t> data = buildModule([](FlatBufferBuilder &fbb) {
    Instructions body = prologue(fbb);
    body.push_back(returnB1(fbb));
    return body;
  });
  std::string bytes(data.begin(), data.end());
  size_t at = bytes.find("f.mlir:2:5");
  ASSERT_NE(at, std::string::npos);
  data[at + 1] = 0x1b;
  EXPECT_EQ(verifyError(data), "corrupt module: location 1 of function 0 is "
                               "not printable text (control character 0x1b "
                               "at byte 1)");
}

} // namespace

//===- BufferLifetimesTest.cpp - Where a host program drops a buffer ------===//

#include "../../runtime/src/BufferLifetimes.h"

#include <gtest/gtest.h>

using namespace tessera;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

namespace {

template <typename T>
Offset<schema::Instruction> inst(FlatBufferBuilder &fbb, Offset<T> op) {
  return schema::CreateInstruction(fbb, schema::OpTraits<T>::enum_value,
                                   op.Union());
}

/// The dead registers after each instruction.
std::vector<std::vector<uint32_t>> deadAfter(const rt::BufferLifetimes &l) {
  std::vector<std::vector<uint32_t>> dead;
  for (size_t i = 0; i + 1 < l.begin.size(); ++i)
    dead.emplace_back(l.registers.begin() + l.begin[i],
                      l.registers.begin() + l.begin[i + 1]);
  return dead;
}

TEST(BufferLifetimes, EachBufferDiesAtItsLastMention) {
  FlatBufferBuilder fbb;
  std::vector<schema::BindingRef> binding = {schema::BindingRef(2, 0, 0),
                                             schema::BindingRef(3, 0, 0)};
  std::vector<Offset<schema::ResultRef>> results = {
      schema::CreateResultRef(fbb, 3)};
  std::vector<Offset<schema::Instruction>> body = {
      inst(fbb, schema::CreateConstantScalar(fbb, 0, 64)),
      inst(fbb, schema::CreateInputBuffer(fbb, 0, 0)),   // 1: b0 = input
      inst(fbb, schema::CreateAlloc(fbb, 1, 0)),         // 2: b1
      inst(fbb, schema::CreateCopy(fbb, 0, 0, 1, 0, 0)), // 3: b0 -> b1
      inst(fbb, schema::CreateAlloc(fbb, 2, 0)),         // 4: b2
      inst(fbb, schema::CreateFill(fbb, 2, 0, 0, 0, 4)), // 5: fill b2
      inst(fbb, schema::CreateAlloc(fbb, 3, 0)),         // 6: b3
      inst(fbb, schema::CreateDispatch(                  // 7: b2 -> b3
                    fbb, 0, fbb.CreateVector(std::vector<uint32_t>{0}), 0,
                    fbb.CreateVector(std::vector<uint32_t>{0, 0, 0}), 0,
                    fbb.CreateVectorOfStructs(binding))),
      inst(fbb, schema::CreateAlloc(fbb, 4, 0)),         // 8: b4, unused
      inst(fbb, schema::CreateFill(fbb, 1, 0, 0, 0, 4)), // 9: fill b1
      inst(fbb, schema::CreateReturn(fbb, fbb.CreateVector(results)))};
  fbb.Finish(schema::CreateFunction(fbb, fbb.CreateString("f"), 0, 0, 1, 5,
                                    fbb.CreateVector(body)));
  const auto *fn =
      flatbuffers::GetRoot<schema::Function>(fbb.GetBufferPointer());

  rt::BufferLifetimes lifetimes(*fn);
  std::vector<std::vector<uint32_t>> expected(body.size());
  expected[3] = {0};  // the input, once copied
  expected[7] = {2};  // read by the dispatch last
  expected[8] = {4};  // never read: dead where it is born
  expected[9] = {1};  // written once more after the copy
  expected[10] = {3}; // the result, at the return
  EXPECT_EQ(deadAfter(lifetimes), expected);
}

} // namespace

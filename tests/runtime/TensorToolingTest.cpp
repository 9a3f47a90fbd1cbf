//===- TensorToolingTest.cpp - Tensor text, .npy and comparisons ----------===//
//
// Runtime-only (no LLVM, no MLIR): this executable links the runtime and its
// tooling alone.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"
#include "TensorCompare.h"
#include "TensorText.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace tessera::rt;
using namespace tessera::rt::tooling;

namespace {

Tensor parse(const std::string &text, const TensorType *expected = nullptr) {
  TensorParser parser;
  auto tensor = parser.parse(text, expected);
  EXPECT_TRUE(tensor.ok()) << tensor.status().message();
  return tensor.ok() ? *tensor : Tensor();
}

std::string parseError(const std::string &text) {
  TensorParser parser;
  auto tensor = parser.parse(text, nullptr);
  return tensor.ok() ? "" : tensor.status().message();
}

TEST(TensorText, Grammar) {
  EXPECT_EQ(formatTensor(parse("2x3xf32=1,2,3,4,5,6")),
            "2x3xf32=[1 2 3][4 5 6]");
  EXPECT_EQ(formatTensor(parse("2x3xi32=1 2 3 4 5 6")),
            "2x3xi32=[1 2 3][4 5 6]");
  EXPECT_EQ(formatTensor(parse("2x2xi32=[[1 2][3 4]]")), "2x2xi32=[1 2][3 4]");
  EXPECT_EQ(formatTensor(parse("2x2x2xi8=1,2,3,4,5,6,7,8")),
            "2x2x2xi8=[[1 2][3 4]][[5 6][7 8]]");
  EXPECT_EQ(formatTensor(parse("3xi64=0")), "3xi64=0 0 0");
  EXPECT_EQ(formatTensor(parse("2xi32")), "2xi32=0 0");
  EXPECT_EQ(formatTensor(parse("4xi1=true,0,1,false")), "4xi1=1 0 1 0");
  EXPECT_EQ(formatTensor(parse("3xf16=0.5,-2,65504")), "3xf16=0.5 -2 65504");
  EXPECT_EQ(formatTensor(parse("2xf32=nan,-inf")), "2xf32=NAN -INF");
  TensorType scalarF32{ElementType::F32, {}, true};
  EXPECT_EQ(formatTensor(parse("3.5", &scalarF32)), "f32=3.5");
  EXPECT_EQ(formatTensor(parse("10xf32=1"), 4), "10xf32=1 1 1 1...");
}

TEST(TensorText, Errors) {
  EXPECT_EQ(parseError("2x3xf32=1,2"),
            "'2x3xf32=1,2': 2 elements given for 2x3xf32 (6 elements)");
  EXPECT_EQ(parseError("2xq7=1"),
            "unknown element type 'q7' in '2xq7' (expected e.g. 2x3xf32; "
            "element types: f32 f16 f64 bf16 i1 i8 i16 i32 i64)");
  EXPECT_EQ(parseError("2xi8=1,300"), "'2xi8=1,300': 300 does not fit in i8");
  EXPECT_EQ(parseError("3.5"), "'3.5' has no type; write it as e.g. "
                               "2x3xf32=... (the function takes a tensor "
                               "here)");
}

TEST(Npy, RoundTripsEveryElementType) {
  std::string path = ::testing::TempDir() + "/roundtrip.npy";
  for (const char *text :
       {"2x3xf32=1.5,2,3,4,5,-6", "2xf16=0.25,-3", "2xf64=1e300,-2",
        "3xi8=-128,0,127", "2xi16=-3,4", "2x2xi32=[[1 2][3 4]]",
        "2xi64=-9000000000,7", "3xi1=1,0,1", "f32=2.5"}) {
    SCOPED_TRACE(text);
    TensorType scalar{ElementType::F32, {}, true};
    Tensor tensor = parse(text, &scalar);
    auto bytes = encodeNpy(tensor);
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    // Two arrays back to back: the second is found where the first ends.
    std::ofstream(path, std::ios::binary) << *bytes << *bytes;
    auto first = readNpy(path);
    ASSERT_TRUE(first.ok()) << first.status().message();
    auto second = readNpy(path, first->nextOffset);
    ASSERT_TRUE(second.ok()) << second.status().message();
    EXPECT_EQ(second->nextOffset, 2 * bytes->size());
    // .npy has no scalar flag: a scalar comes back as a rank-0 array.
    std::string expected = formatTensor(tensor);
    if (tensor.isScalar())
      expected = "f32=2.5";
    EXPECT_EQ(formatTensor(second->tensor), expected);
  }
}

TEST(Npy, RefusesWhatItCannotRead) {
  std::string path = ::testing::TempDir() + "/bad.npy";
  auto write = [&](const std::string &bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  };
  auto error = [&] {
    auto array = readNpy(path);
    return array.ok() ? std::string() : array.status().message();
  };
  std::string header = "{'descr': '>f4', 'fortran_order': False, 'shape': "
                       "(2,), }";
  header.resize(117, ' ');
  header += '\n';
  std::string prefix("\x93NUMPY\x01\x00", 8);
  prefix += static_cast<char>(header.size());
  prefix += '\0';
  write(prefix + header + std::string(8, '\0'));
  EXPECT_NE(error().find("unsupported .npy dtype '>f4'"), std::string::npos)
      << error();
  std::string fortran = header;
  fortran.replace(fortran.find(">f4"), 3, "<f4");
  fortran.replace(fortran.find("False"), 5, "True ");
  write(prefix + fortran + std::string(8, '\0'));
  EXPECT_NE(error().find("Fortran-order"), std::string::npos) << error();
  std::string shortData = header;
  shortData.replace(shortData.find(">f4"), 3, "<f4");
  write(prefix + shortData + std::string(3, '\0'));
  EXPECT_NE(error().find("shorter than its shape 2xf32"), std::string::npos)
      << error();
  write("garbage");
  EXPECT_NE(error().find("not a .npy file (bad magic)"), std::string::npos);
}

TEST(TensorCompare, ToleranceAndFirstMismatch) {
  Tensor a = parse("2x2xf32=1,2,3,4");
  EXPECT_FALSE(compareTensors(a, parse("2x2xf32=1,2,3,4.0001"), 1e-4));
  EXPECT_EQ(*compareTensors(a, parse("2x2xf32=1,2,3.5,4"), 1e-4),
            "element [1, 0] is 3, expected 3.5 (|difference| 0.5, tolerance "
            "0.0001)");
  EXPECT_EQ(*compareTensors(a, parse("4xf32=1,2,3,4"), 1e-4),
            "got 2x2xf32, expected 4xf32");
  EXPECT_FALSE(compareTensors(parse("1xf32=nan"), parse("1xf32=nan"), 0));
  EXPECT_EQ(*compareTensors(parse("2xi32=1,2"), parse("2xi32=1,3"), 1),
            "element [1] is 2, expected 3");
}

TEST(HalfFloat, ConversionsRoundToNearestEven) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(1e6f), 0x7c00);           // Overflow: infinity.
  EXPECT_EQ(floatToHalf(5.96046448e-8f), 0x0001); // Smallest subnormal.
  EXPECT_EQ(halfToFloat(0x0001), 5.96046448e-8f);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  EXPECT_EQ(bfloat16ToFloat(floatToBfloat16(1.0f)), 1.0f);
}

} // namespace

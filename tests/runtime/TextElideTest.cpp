//===- TextElideTest.cpp - Long names shortened for tables ----------------===//

#include "TextElide.h"

#include <gtest/gtest.h>

using namespace tessera::rt::tooling;

TEST(TextElide, MiddleKeepsShortNames) {
  EXPECT_EQ(elideMiddle("main_dispatch_0", 48), "main_dispatch_0");
  EXPECT_EQ(elideMiddle(std::string(48, 'a'), 48), std::string(48, 'a'));
}

TEST(TextElide, MiddleKeepsStartAndEnd) {
  std::string name =
      "conv_2d_nchw_fchw_1x64x112x112_7x7_stride2_dispatch_3_f32";
  std::string elided = elideMiddle(name, 32);
  EXPECT_EQ(elided.size(), 32u);
  EXPECT_EQ(elided, "conv_2d_nchw_fc...dispatch_3_f32");
  EXPECT_EQ(elided.substr(0, 12), name.substr(0, 12));
  EXPECT_EQ(elided.substr(elided.size() - 5), "3_f32");
  // No room for the dots: the start only.
  EXPECT_EQ(elideMiddle(name, 3), "con");
}

TEST(TextElide, OptionValuesCutPastTheLimit) {
  std::string features;
  for (int i = 0; i < 100; ++i)
    features += "+feature" + std::to_string(i) + ",";
  std::string pass = "tessera-hal-materialize-interfaces{target-cpu=znver4 "
                     "target-cpu-features=" +
                     features + " targets=llvm-cpu}";
  std::string elided = elideOptionValues(pass, 20);
  EXPECT_EQ(elided, "tessera-hal-materialize-interfaces{target-cpu=znver4 "
                    "target-cpu-features=" +
                        features.substr(0, 20) + "...(" +
                        std::to_string(features.size() - 20) +
                        " more) targets=llvm-cpu}");
  // Short values and text outside braces are unchanged.
  EXPECT_EQ(elideOptionValues("canonicalize{max-iterations=10}", 20),
            "canonicalize{max-iterations=10}");
  EXPECT_EQ(elideOptionValues("a=" + features, 20), "a=" + features);
}

TEST(TextElide, OptionValuesWithNestedBraces) {
  std::string nested = "p{pipeline={" + std::string(30, 'x') + " y=1} z=2}";
  EXPECT_EQ(elideOptionValues(nested, 10),
            "p{pipeline={xxxxxxxxx...(26 more) z=2}");
}

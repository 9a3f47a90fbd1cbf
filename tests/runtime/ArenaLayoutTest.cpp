//===- ArenaLayoutTest.cpp - Where the arena's blocks go ------------------===//

#include "../../runtime/src/ArenaLayout.h"

#include "gtest/gtest.h"

using namespace tessera::rt;

namespace {

constexpr size_t kGranule = 64u << 10;
/// `n` granules, in bytes.
constexpr size_t g(size_t n) { return n * kGranule; }

ArenaLayout fresh() { return ArenaLayout(g(1024), kGranule); }

TEST(ArenaLayout, BlocksGoFromTheBottomUp) {
  ArenaLayout layout = fresh();
  EXPECT_EQ(layout.place(g(3)), g(0));
  EXPECT_EQ(layout.place(g(5)), g(3));
  EXPECT_EQ(layout.place(g(1)), g(8));
  EXPECT_EQ(layout.top(), g(9));
  EXPECT_EQ(layout.freeBytes(), 0u);
}

TEST(ArenaLayout, ReleasedNeighboursMerge) {
  ArenaLayout layout = fresh();
  size_t first = *layout.place(g(4));
  size_t second = *layout.place(g(4));
  ASSERT_TRUE(layout.place(g(1))); // Keeps the two below the top.
  layout.release(second, g(4));
  layout.release(first, g(4));
  ASSERT_EQ(layout.freeRanges().size(), 1u);
  EXPECT_EQ(layout.freeRanges().begin()->second, g(8));
  // Only the two together hold it.
  EXPECT_EQ(layout.place(g(7)), first);
  EXPECT_EQ(layout.freeBytes(), g(1));
}

// Of equal places, the lowest: a call's blocks stay as compact as their
// lifetimes allow.
TEST(ArenaLayout, ABlockOfAFreedSizeTakesTheLowestSuchPlace) {
  ArenaLayout layout = fresh();
  size_t low = *layout.place(g(3));
  size_t middle = *layout.place(g(3));
  size_t high = *layout.place(g(3));
  layout.release(low, g(3));
  layout.release(high, g(3));
  EXPECT_EQ(layout.place(g(3)), low);
  EXPECT_EQ(layout.place(g(3)), high);
  EXPECT_NE(middle, high);
}

// A smaller block goes where its halves lie on the freed block's halves:
// each worker writes memory it wrote last.
TEST(ArenaLayout, ASmallerBlockTakesAFreedBlocksMiddle) {
  ArenaLayout layout = fresh();
  size_t large = *layout.place(g(8));
  ASSERT_TRUE(layout.place(g(1)));
  layout.release(large, g(8));
  EXPECT_EQ(layout.placementCost(large / kGranule, 8), 0u);
  EXPECT_EQ(layout.placementCost(large / kGranule, 4), 2u);
  EXPECT_EQ(layout.place(g(4)), large + g(2));
  // The quarters left on either side hold no 4-granule block: it goes on
  // top, which costs every granule (no block has used them).
  EXPECT_EQ(layout.placementCost(layout.top() / kGranule, 4), 4u);
  EXPECT_EQ(layout.place(g(4)), g(9));
}

// The lowest free place would put the new block's first half on memory
// the earlier blocks' second half held and its second half on a first
// half; the next place, where a block of its size was, swaps nothing.
TEST(ArenaLayout, HalvesAreNotSwappedWhenAPlaceKeepsThem) {
  ArenaLayout layout = fresh();
  size_t small = *layout.place(g(2));
  size_t equal = *layout.place(g(4));
  ASSERT_TRUE(layout.place(g(1)));
  layout.release(small, g(2));
  layout.release(equal, g(4));
  EXPECT_EQ(layout.placementCost(small / kGranule, 4), 3u);
  EXPECT_EQ(layout.place(g(4)), equal);
}

// With one worker writing every block, halves do not matter: the lowest
// free place that fits.
TEST(ArenaLayout, OneWriterTakesTheLowestPlace) {
  ArenaLayout layout = fresh();
  layout.setSplitWriters(false);
  size_t small = *layout.place(g(2));
  size_t equal = *layout.place(g(4));
  ASSERT_TRUE(layout.place(g(1)));
  layout.release(small, g(2));
  layout.release(equal, g(4));
  EXPECT_EQ(layout.placementCost(small / kGranule, 4), 0u);
  EXPECT_EQ(layout.place(g(4)), small);
  // Granules past the top still cost.
  EXPECT_EQ(layout.placementCost(layout.top() / kGranule - 1, 4), 3u);
}

// With no place as good as an eighth of its granules, the cheapest free
// one rather than fresh memory above the top.
TEST(ArenaLayout, TheCheapestPlaceWhenNoneIsGood) {
  ArenaLayout layout = fresh();
  size_t first = *layout.place(g(2));
  size_t second = *layout.place(g(2));
  ASSERT_TRUE(layout.place(g(1)));
  layout.release(first, g(2));
  layout.release(second, g(2));
  // At 0 granules 1 and 2 swap halves; with its middle on the second
  // block's middle (at 1), only granule 1 does.
  EXPECT_EQ(layout.placementCost(0, 3), 2u);
  EXPECT_EQ(layout.placementCost(1, 3), 1u);
  EXPECT_EQ(layout.place(g(3)), g(1));
  EXPECT_EQ(layout.top(), g(5));
}

TEST(ArenaLayout, TheTopRangeGrowsPastTheTop) {
  ArenaLayout layout = fresh();
  size_t block = *layout.place(g(4));
  layout.release(block, g(4));
  // The freed range ends at the top: a larger block starts in it.
  EXPECT_EQ(layout.place(g(6)), g(0));
  EXPECT_EQ(layout.top(), g(6));
  EXPECT_EQ(layout.freeBytes(), 0u);
}

TEST(ArenaLayout, TrimLowersTheTop) {
  ArenaLayout layout = fresh();
  size_t low = *layout.place(g(2));
  size_t high = *layout.place(g(6));
  layout.release(high, g(6));
  EXPECT_EQ(layout.trimTop(g(4) - 1), g(4));
  EXPECT_EQ(layout.top(), g(4));
  EXPECT_EQ(layout.freeBytes(), g(2));
  EXPECT_EQ(layout.trimTop(g(10)), g(2));
  EXPECT_EQ(layout.top(), g(2));
  EXPECT_EQ(layout.freeBytes(), 0u);
  layout.release(low, g(2));
  EXPECT_EQ(layout.place(g(1)), g(0));
  // A live block at the top: nothing to cut.
  EXPECT_EQ(layout.place(g(1)), g(1));
  layout.release(g(0), g(1));
  EXPECT_EQ(layout.trimTop(g(1)), 0u);
  EXPECT_EQ(layout.top(), g(2));
}

TEST(ArenaLayout, RequestsTheCapacityCannotHoldFail) {
  ArenaLayout layout = fresh();
  EXPECT_FALSE(layout.place(g(1025)));
  EXPECT_FALSE(layout.place(0));
  EXPECT_FALSE(layout.place(kGranule + 1));
  EXPECT_EQ(layout.place(g(1024)), g(0));
  EXPECT_FALSE(layout.place(g(1)));
}

} // namespace

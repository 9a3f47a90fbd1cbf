//===- HostAllocatorTest.cpp - Cached host blocks -------------------------===//

#include "../../runtime/src/HostAllocator.h"
#include "tessera/runtime/Tensor.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace tessera::rt;

namespace {

bool allZero(const uint8_t *data, size_t size) {
  for (size_t i = 0; i < size; ++i)
    if (data[i] != 0)
      return false;
  return true;
}

TEST(HostAllocator, LargeBlocksAreReusedZeroed) {
  size_t bytes = 3 << 20;
  HostBlock first = acquireHostMemory(bytes, 64);
  ASSERT_NE(first.data, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first.data) % 64, 0u);
  EXPECT_LE(first.data + bytes,
            static_cast<uint8_t *>(first.base) + first.size);
  std::memset(first.data, 0xab, bytes);
  size_t cachedBefore = cachedHostBytes();
  releaseHostMemory(first);
  EXPECT_EQ(cachedHostBytes(), cachedBefore + first.size);

  // The next equal request gets the same block back, cleared.
  HostBlock second = acquireHostMemory(bytes, 64);
  EXPECT_EQ(second.base, first.base);
  EXPECT_EQ(cachedHostBytes(), cachedBefore);
  EXPECT_TRUE(allZero(second.data, bytes));
  releaseHostMemory(second);
}

// A smaller request takes memory a freed block held (where in it,
// ArenaLayoutTest): the same pages, cleared, and no new ones.
TEST(HostAllocator, SmallerRequestsTakeAFreedBlocksMemory) {
  HostBlock large = acquireHostMemory(6 << 20, 64);
  ASSERT_NE(large.data, nullptr);
  std::memset(large.data, 0xcd, 6 << 20);
  releaseHostMemory(large);

  size_t cachedBefore = cachedHostBytes();
  HostBlock small = acquireHostMemory(2 << 20, 64);
  ASSERT_NE(small.data, nullptr);
  EXPECT_EQ(cachedHostBytes(), cachedBefore - small.size);
  EXPECT_TRUE(allZero(small.data, 2 << 20));
  size_t bytes = (3 << 20) + 100;
  HostBlock next = acquireHostMemory(bytes, 64);
  ASSERT_NE(next.data, nullptr);
  EXPECT_TRUE(allZero(next.data, bytes));
  releaseHostMemory(next);
  releaseHostMemory(small);
}

// Neighbouring blocks released merge (ArenaLayoutTest): their memory is
// kept whole.
TEST(HostAllocator, NeighboursMergeWhenReleased) {
  HostBlock first = acquireHostMemory(4 << 20, 64);
  HostBlock second = acquireHostMemory(4 << 20, 64);
  ASSERT_NE(first.data, nullptr);
  ASSERT_NE(second.data, nullptr);
  size_t cachedBefore = cachedHostBytes();
  releaseHostMemory(second);
  releaseHostMemory(first);
  EXPECT_EQ(cachedHostBytes(), cachedBefore + first.size + second.size);
  HostBlock both = acquireHostMemory(7 << 20, 64, /*zeroed=*/false);
  ASSERT_NE(both.data, nullptr);
  releaseHostMemory(both);
}

// Of the free ranges that fit, the lowest, whichever was released last:
// the memory a call uses stays as compact as its buffers' lifetimes allow.
TEST(HostAllocator, TheLowestFreeRangeIsTakenFirst) {
  HostBlock low = acquireHostMemory(3 << 20, 64);
  HostBlock middle = acquireHostMemory(3 << 20, 64);
  HostBlock high = acquireHostMemory(3 << 20, 64);
  ASSERT_NE(low.data, nullptr);
  ASSERT_NE(middle.data, nullptr);
  ASSERT_NE(high.data, nullptr);
  releaseHostMemory(low);
  releaseHostMemory(high);
  HostBlock again = acquireHostMemory(3 << 20, 64, /*zeroed=*/false);
  EXPECT_EQ(again.base, low.base);
  releaseHostMemory(again);
  releaseHostMemory(middle);
}

TEST(HostAllocator, AnUnclearedRequestKeepsTheBlocksBytes) {
  // For a dispatch's result, which the dispatch writes whole.
  size_t bytes = 5 << 20;
  HostBlock first = acquireHostMemory(bytes, 64);
  ASSERT_NE(first.data, nullptr);
  std::memset(first.data, 0x5a, bytes);
  releaseHostMemory(first);
  HostBlock again = acquireHostMemory(bytes, 64, /*zeroed=*/false);
  ASSERT_EQ(again.base, first.base);
  EXPECT_EQ(again.data[0], 0x5a);
  EXPECT_EQ(again.data[bytes - 1], 0x5a);
  releaseHostMemory(again);
}

TEST(HostAllocator, SmallBlocksAreNotKept) {
  size_t cachedBefore = cachedHostBytes();
  HostBlock block = acquireHostMemory(4096, 64);
  ASSERT_NE(block.data, nullptr);
  EXPECT_TRUE(allZero(block.data, 4096));
  releaseHostMemory(block);
  EXPECT_EQ(cachedHostBytes(), cachedBefore);
}

// Below the cache's size malloc reuses its own freed memory: a cleared
// request must still come back zero-filled (calloc), an uncleared one may
// hold the old bytes (malloc: a dispatch's result is written whole, and
// clearing 512 KiB per dispatch result was half of a two-worker call).
TEST(HostAllocator, SmallBlocksAreClearedOnlyWhenAsked) {
  size_t bytes = 48 << 10;
  for (int round = 0; round < 4; ++round) {
    HostBlock dirty = acquireHostMemory(bytes, 64, /*zeroed=*/false);
    ASSERT_NE(dirty.data, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(dirty.data) % 64, 0u);
    std::memset(dirty.data, 0xcd, bytes);
    releaseHostMemory(dirty);
    HostBlock clean = acquireHostMemory(bytes, 64, /*zeroed=*/true);
    ASSERT_NE(clean.data, nullptr);
    EXPECT_TRUE(allZero(clean.data, bytes));
    std::memset(clean.data, 0xef, bytes);
    releaseHostMemory(clean);
  }
}

// A batch-1 activation (128 KiB-1 MiB) keeps its pages between calls
// whatever the process did to malloc's settings: released, it is cached,
// and taken again it is the same memory, cleared.
TEST(HostAllocator, ActivationSizedBlocksAreKept) {
  for (size_t bytes :
       {size_t(96) << 10, size_t(256) << 10, size_t(900) << 10}) {
    HostBlock first = acquireHostMemory(bytes, 64);
    ASSERT_NE(first.data, nullptr);
    std::memset(first.data, 0x3c, bytes);
    size_t cachedBefore = cachedHostBytes();
    releaseHostMemory(first);
    EXPECT_EQ(cachedHostBytes(), cachedBefore + first.size) << bytes;
    HostBlock again = acquireHostMemory(bytes, 64);
    EXPECT_EQ(again.base, first.base) << bytes;
    EXPECT_TRUE(allZero(again.data, bytes)) << bytes;
    releaseHostMemory(again);
  }
}

TEST(HostAllocator, CacheStaysBounded) {
  // 40 blocks of 16 MiB are more than the cache keeps (512 MiB).
  std::vector<HostBlock> blocks;
  for (int i = 0; i < 40; ++i) {
    blocks.push_back(acquireHostMemory((16u << 20) + 64 * i, 64));
    ASSERT_NE(blocks.back().data, nullptr);
  }
  for (const HostBlock &block : blocks)
    releaseHostMemory(block);
  EXPECT_LE(cachedHostBytes(), 512u << 20);
  EXPECT_GT(cachedHostBytes(), 0u);
  // Memory given back reads as zeros when taken again.
  HostBlock all = acquireHostMemory(640u << 20, 64, /*zeroed=*/false);
  ASSERT_NE(all.data, nullptr);
  EXPECT_EQ(all.data[(640u << 20) - 1], 0);
  releaseHostMemory(all);
}

TEST(HostAllocator, OverflowingRequestFails) {
  EXPECT_EQ(acquireHostMemory(SIZE_MAX - 8, 64).data, nullptr);
  EXPECT_FALSE(Buffer::allocate(SIZE_MAX - 8).ok());
}

TEST(HostAllocator, BuffersOfRepeatedCallsShareMemory) {
  const uint8_t *first;
  size_t cachedWhileAlive;
  {
    auto buffer = Buffer::allocate(8 << 20);
    ASSERT_TRUE(buffer.ok());
    first = (*buffer)->data();
    std::memset((*buffer)->data(), 1, (*buffer)->size());
    cachedWhileAlive = cachedHostBytes();
  }
  // Destroying the buffer kept its block.
  EXPECT_GE(cachedHostBytes(), cachedWhileAlive + (8 << 20));
  auto again = Buffer::allocate(8 << 20);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->data(), first);
  EXPECT_TRUE(allZero((*again)->data(), (*again)->size()));
}

} // namespace

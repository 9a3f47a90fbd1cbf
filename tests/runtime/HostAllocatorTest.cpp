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

TEST(HostAllocator, SmallerRequestsTakeAKeptBlockUpToTwiceTheirSize) {
  HostBlock large = acquireHostMemory(6 << 20, 64);
  ASSERT_NE(large.data, nullptr);
  std::memset(large.data, 0xcd, 6 << 20);
  releaseHostMemory(large);

  // Less than half of it: a fresh block, the kept one waits.
  HostBlock small = acquireHostMemory(2 << 20, 64);
  ASSERT_NE(small.data, nullptr);
  EXPECT_NE(small.base, large.base);

  // More than half: the kept block, cleared as far as asked.
  size_t bytes = (4 << 20) + 100;
  HostBlock fits = acquireHostMemory(bytes, 64);
  EXPECT_EQ(fits.base, large.base);
  EXPECT_EQ(fits.size, large.size);
  EXPECT_TRUE(allZero(fits.data, bytes));
  releaseHostMemory(fits);
  releaseHostMemory(small);
}

// Of the kept blocks that fit, the one released last: its lines are the
// likeliest to be cached still. Here the smaller one is not the choice.
TEST(HostAllocator, TheBlockReleasedLastIsReusedFirst) {
  HostBlock smaller = acquireHostMemory(5 << 20, 64);
  HostBlock larger = acquireHostMemory(7 << 20, 64);
  ASSERT_NE(smaller.data, nullptr);
  ASSERT_NE(larger.data, nullptr);
  releaseHostMemory(smaller);
  releaseHostMemory(larger);
  HostBlock again = acquireHostMemory(4 << 20, 64, /*zeroed=*/false);
  EXPECT_EQ(again.base, larger.base);
  HostBlock next = acquireHostMemory(4 << 20, 64, /*zeroed=*/false);
  EXPECT_EQ(next.base, smaller.base);
  releaseHostMemory(again);
  releaseHostMemory(next);
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
  size_t bytes = 512 << 10;
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

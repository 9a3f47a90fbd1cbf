//===- HostAllocator.cpp - Zeroed, aligned host memory, cached ------------===//

#include "HostAllocator.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace tessera::rt {

namespace {

/// Blocks below this come from malloc's own free lists quickly enough.
constexpr size_t kSmallestCached = 1 << 20;
/// Most memory kept for reuse at once.
constexpr size_t kCacheLimit = 512u << 20;

struct Cache {
  struct Kept {
    void *base;
    /// When it was released: a later one is more likely still in a cache.
    uint64_t released;
  };
  std::mutex mutex;
  std::multimap<size_t, Kept> blocks; // by size
  size_t bytes = 0;
  uint64_t releases = 0;
};

Cache &cache() {
  // Never destroyed: buffers may be released during static destruction.
  static Cache *instance = new Cache();
  return *instance;
}

} // namespace

#ifdef TESSERA_GUARDED_HOST_MEMORY
// For fuzzing: every block ends at an inaccessible page, so a kernel that
// writes or reads past its buffer (kernels are not instrumented) faults at
// once instead of corrupting memory silently.
} // namespace tessera::rt
#include <sys/mman.h>
#include <unistd.h>
namespace tessera::rt {

HostBlock acquireHostMemory(size_t bytes, size_t alignment, bool zeroed) {
  // A mutated size asks for a legitimately huge (and slow) computation;
  // refused as out of memory, it costs the fuzzer nothing.
  constexpr size_t kLargestBlock = 16u << 20;
  if (bytes > kLargestBlock)
    return {};
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t rounded = (bytes + alignment - 1) & ~(alignment - 1);
  size_t pages = (rounded + page - 1) & ~(page - 1);
  HostBlock block;
  block.size = pages + page;
  void *base = mmap(nullptr, block.size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return {};
  mprotect(static_cast<uint8_t *>(base) + pages, page, PROT_NONE);
  block.base = base;
  block.data = static_cast<uint8_t *>(base) + (pages - rounded);
  return block;
}

void releaseHostMemory(const HostBlock &block) {
  if (block.base)
    munmap(block.base, block.size);
}

size_t cachedHostBytes() { return 0; }
#else
} // namespace tessera::rt
#ifdef __linux__
#include <sys/mman.h>
#endif
namespace tessera::rt {

namespace {
/// Blocks from this size ask for transparent huge pages: a model's weights
/// (the module file, its constants) are read along a column panel at a
/// time, a row of the weights apart, which with 4 KiB pages costs a TLB
/// miss per row (a classifier's 2048 x 1000 weights: 2048 misses per panel).
constexpr size_t kHugePageThreshold = 4u << 20;
constexpr uintptr_t kHugePage = 2u << 20;

void adviseHugePages(void *base, size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size < kHugePageThreshold)
    return;
  uintptr_t begin =
      (reinterpret_cast<uintptr_t>(base) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(base) + size) & ~(kHugePage - 1);
  if (end > begin)
    (void)madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)base;
  (void)size;
#endif
}
} // namespace

HostBlock acquireHostMemory(size_t bytes, size_t alignment, bool zeroed) {
  HostBlock block;
  block.size = bytes + alignment;
  if (block.size < bytes)
    return {};
  size_t needed = block.size;
  if (needed >= kSmallestCached) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    // Of the kept blocks that fit without wasting more than the request
    // (the buffers of a call die and are born in other sizes), the one
    // released last: its lines are the likeliest to be in the L2 or L3
    // cache still, where a block released long ago makes the dispatch
    // writing it read every line from DRAM first (a 25 MB activation of
    // MobileNetV3 at batch 8: its dispatch 1.7x slower).
    auto best = c.blocks.end();
    for (auto it = c.blocks.lower_bound(needed);
         it != c.blocks.end() && it->first / 2 <= needed; ++it)
      if (best == c.blocks.end() || it->second.released > best->second.released)
        best = it;
    if (best != c.blocks.end()) {
      block.base = best->second.base;
      block.size = best->first;
      c.blocks.erase(best);
      c.bytes -= block.size;
    }
  }
  if (block.base) {
    if (zeroed)
      std::memset(block.base, 0, needed);
  } else {
    // calloc clears memory malloc reuses from its heap (below its mmap
    // threshold, which grows as large blocks are freed): a dispatch's
    // result, written whole by its dispatch, skips that. The clearing was
    // up to half of a two-worker call of the encoder, its worker idle.
    block.base = zeroed ? std::calloc(1, block.size) : std::malloc(block.size);
    if (block.base)
      adviseHugePages(block.base, block.size);
  }
  if (!block.base)
    return {};
  auto address = reinterpret_cast<uintptr_t>(block.base);
  block.data =
      reinterpret_cast<uint8_t *>((address + alignment - 1) & ~(alignment - 1));
  return block;
}

void releaseHostMemory(const HostBlock &block) {
  if (!block.base)
    return;
  if (block.size >= kSmallestCached && block.size <= kCacheLimit) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    while (c.bytes + block.size > kCacheLimit && !c.blocks.empty()) {
      auto largest = std::prev(c.blocks.end());
      c.bytes -= largest->first;
      std::free(largest->second.base);
      c.blocks.erase(largest);
    }
    c.blocks.emplace(block.size, Cache::Kept{block.base, ++c.releases});
    c.bytes += block.size;
    return;
  }
  std::free(block.base);
}

size_t cachedHostBytes() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.bytes;
}

#endif // TESSERA_GUARDED_HOST_MEMORY

} // namespace tessera::rt

//===- HostAllocator.cpp - Zeroed, aligned host memory, cached ------------===//

#include "HostAllocator.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace tessera::rt {

namespace {

/// Blocks below this come from malloc's own free lists quickly enough.
/// Larger ones come from the arena below, which keeps their pages: glibc's
/// malloc serves them by mmap, or trims them off its heap when freed,
/// unless the process tunes it (the tessera tool does, a Python process
/// does not), and every call then faults its activations in afresh
/// (MobileNetV3 at batch 1 through the Python binding: 8.7 ms a call
/// against the tool's 6.1, most buffers 128 KiB-1 MiB).
constexpr size_t kSmallestCached = 64u << 10;
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

namespace {
/// Large blocks are carved from one reserved range of address space, the
/// lowest free range that fits first, and coalesced with their free
/// neighbours when released. A call's buffers then pack into the least
/// memory their lifetimes allow, and each new one takes memory a buffer
/// released moments ago used, still in the caches: a block kept per size
/// (the earlier policy) served a 25 MB activation with the memory the
/// same tensor had in the previous call, hundreds of megabytes of traffic
/// ago, and its dispatch read every line of it from DRAM before writing
/// it (MobileNetV3 at batch 8, two workers: 7 % of the call; EfficientNet-
/// B0 5-6 % at batch 1 and 8).
struct Arena {
  std::mutex mutex;
  uint8_t *base = nullptr;
  size_t capacity = 0;
  /// Offsets up to here have been handed out; beyond, no page is backed
  /// (never touched, or given back by trim).
  size_t top = 0;
  /// Offsets up to here are readable and writable (reserved beyond).
  size_t committed = 0;
  /// Free ranges below `top`, by offset, never adjacent.
  std::map<size_t, size_t> free;
  size_t freeBytes = 0;
};
/// Address space reserved, inaccessible until `top` reaches it (then
/// committed a kArenaCommit at a time, so that a strict overcommit
/// policy charges only what is used); pages are backed when touched.
constexpr size_t kArenaReserve = size_t(4) << 30;
constexpr size_t kArenaCommit = size_t(2) << 20;
/// Blocks are whole granules, so that ranges align for huge pages' sake
/// and few odd-sized holes remain.
constexpr size_t kArenaGranule = 64u << 10;
/// Free memory kept at most (trim); past it, the top of the arena goes back
/// to the kernel (its pages read as zeros when touched again).
constexpr size_t kKeptLimit = 512u << 20;

Arena &arena() {
  // Never destroyed: buffers may be released during static destruction.
  static Arena *instance = [] {
    auto *created = new Arena();
#ifdef __linux__
    void *base = mmap(nullptr, kArenaReserve, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base != MAP_FAILED) {
      created->base = static_cast<uint8_t *>(base);
      created->capacity = kArenaReserve;
      adviseHugePages(base, kArenaReserve);
    }
#endif
    return created;
  }();
  return *instance;
}

/// Makes the arena accessible up to `end`; false when the kernel refuses.
bool commitUpTo(Arena &a, size_t end) {
  if (end <= a.committed)
    return true;
  size_t target =
      std::min((end + kArenaCommit - 1) & ~(kArenaCommit - 1), a.capacity);
#ifdef __linux__
  if (mprotect(a.base + a.committed, target - a.committed,
               PROT_READ | PROT_WRITE) != 0)
    return false;
#endif
  a.committed = target;
  return true;
}

/// The offset of `size` bytes taken from the lowest free range that holds
/// them, from the free range ending at `top` grown past it, or from `top`;
/// false when the reserve is exhausted or cannot be committed.
bool carve(Arena &a, size_t size, size_t &offset) {
  for (auto it = a.free.begin(); it != a.free.end(); ++it) {
    if (it->second >= size) {
      offset = it->first;
      size_t rest = it->second - size;
      a.free.erase(it);
      if (rest)
        a.free.emplace(offset + size, rest);
      a.freeBytes -= size;
      return true;
    }
    if (it->first + it->second == a.top && size <= a.capacity - it->first) {
      if (!commitUpTo(a, it->first + size))
        return false;
      offset = it->first;
      a.freeBytes -= it->second;
      a.free.erase(it);
      a.top = offset + size;
      return true;
    }
  }
  if (size > a.capacity - a.top || !commitUpTo(a, a.top + size))
    return false;
  offset = a.top;
  a.top += size;
  return true;
}

/// Past kKeptLimit of free memory, gives the top of the highest free range
/// back to the kernel when that range ends at `top` (a hole below a live
/// block stays until the block goes).
void trim(Arena &a) {
  while (a.freeBytes > kKeptLimit && !a.free.empty()) {
    auto last = std::prev(a.free.end());
    if (last->first + last->second != a.top)
      return;
    size_t excess =
        (a.freeBytes - kKeptLimit + kArenaGranule - 1) & ~(kArenaGranule - 1);
    size_t cut = std::min(last->second, excess);
    a.top -= cut;
#ifdef __linux__
    (void)madvise(a.base + a.top, cut, MADV_DONTNEED);
#endif
    a.freeBytes -= cut;
    if (cut == last->second)
      a.free.erase(last);
    else
      last->second -= cut;
  }
}

/// Returns [offset, offset + size) to the free ranges, merged with its
/// neighbours.
void giveBack(Arena &a, size_t offset, size_t size) {
  a.freeBytes += size;
  auto next = a.free.lower_bound(offset);
  if (next != a.free.end() && offset + size == next->first) {
    size += next->second;
    next = a.free.erase(next);
  }
  if (next != a.free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += size;
      return;
    }
  }
  a.free.emplace(offset, size);
}
} // namespace

HostBlock acquireHostMemory(size_t bytes, size_t alignment, bool zeroed) {
  HostBlock block;
  block.size = bytes + alignment;
  if (block.size < bytes)
    return {};
  size_t needed = block.size;
  if (needed >= kSmallestCached && needed <= kArenaReserve) {
    Arena &a = arena();
    std::lock_guard<std::mutex> lock(a.mutex);
    size_t size = (needed + kArenaGranule - 1) & ~(kArenaGranule - 1);
    size_t offset;
    if (a.base && carve(a, size, offset)) {
      block.base = a.base + offset;
      block.size = size;
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
  Arena &a = arena();
  auto *at = static_cast<uint8_t *>(block.base);
  if (a.base && at >= a.base && at < a.base + a.capacity) {
    std::lock_guard<std::mutex> lock(a.mutex);
    giveBack(a, at - a.base, block.size);
    trim(a);
    return;
  }
  std::free(block.base);
}

size_t cachedHostBytes() {
  Arena &a = arena();
  std::lock_guard<std::mutex> lock(a.mutex);
  return a.freeBytes;
}

#endif // TESSERA_GUARDED_HOST_MEMORY

} // namespace tessera::rt

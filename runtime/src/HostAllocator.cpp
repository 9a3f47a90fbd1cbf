//===- HostAllocator.cpp - Zeroed, aligned host memory, cached ------------===//

#include "HostAllocator.h"

#include "ArenaLayout.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
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

void noteHostMemoryWriters(unsigned) {}
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
/// Large blocks are carved from one reserved range of address space
/// (ArenaLayout: where each goes) and coalesced with their free neighbours
/// when released. A call's buffers then pack into about the least memory
/// their lifetimes allow, and each new one takes memory a buffer released
/// moments ago used, still in the caches: a block kept per size (the
/// earlier policy) served a 25 MB activation with the memory the same
/// tensor had in the previous call, hundreds of megabytes of traffic ago,
/// and its dispatch read every line of it from DRAM before writing it
/// (MobileNetV3 at batch 8, two workers: 7 % of the call; EfficientNet-B0
/// 5-6 % at batch 1 and 8).
///
/// Address space reserved, inaccessible until blocks reach it (then
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

struct Arena {
  std::mutex mutex;
  uint8_t *base = nullptr;
  /// Offsets up to the layout's top have been handed out; beyond, no page
  /// is backed (never touched, or given back by trim).
  ArenaLayout layout = [] {
    ArenaLayout layout(kArenaReserve, kArenaGranule);
    // Until a device with several workers says otherwise.
    layout.setSplitWriters(false);
    return layout;
  }();
  /// Offsets up to here are readable and writable (reserved beyond).
  size_t committed = 0;
};

Arena &arena() {
  // Never destroyed: buffers may be released during static destruction.
  static Arena *instance = [] {
    auto *created = new Arena();
#ifdef __linux__
    void *base = mmap(nullptr, kArenaReserve, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base != MAP_FAILED) {
      created->base = static_cast<uint8_t *>(base);
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
      std::min((end + kArenaCommit - 1) & ~(kArenaCommit - 1), kArenaReserve);
#ifdef __linux__
  if (mprotect(a.base + a.committed, target - a.committed,
               PROT_READ | PROT_WRITE) != 0)
    return false;
#endif
  a.committed = target;
  return true;
}

/// The offset of a block of `size` bytes; false when the reserve is
/// exhausted or cannot be committed.
bool carve(Arena &a, size_t size, size_t &offset) {
  std::optional<size_t> at = a.layout.place(size);
  if (!at)
    return false;
  if (!commitUpTo(a, *at + size)) {
    a.layout.release(*at, size);
    return false;
  }
  offset = *at;
  return true;
}

/// Past kKeptLimit of free memory, gives the top of the highest free range
/// back to the kernel when that range ends at the top (a hole below a live
/// block stays until the block goes).
void trim(Arena &a) {
  if (a.layout.freeBytes() <= kKeptLimit)
    return;
  size_t cut = a.layout.trimTop(a.layout.freeBytes() - kKeptLimit);
#ifdef __linux__
  if (cut)
    (void)madvise(a.base + a.layout.top(), cut, MADV_DONTNEED);
#endif
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
  if (a.base && at >= a.base && at < a.base + kArenaReserve) {
    std::lock_guard<std::mutex> lock(a.mutex);
    a.layout.release(at - a.base, block.size);
    trim(a);
    return;
  }
  std::free(block.base);
}

size_t cachedHostBytes() {
  Arena &a = arena();
  std::lock_guard<std::mutex> lock(a.mutex);
  return a.layout.freeBytes();
}

void noteHostMemoryWriters(unsigned workers) {
  if (workers < 2)
    return;
  Arena &a = arena();
  std::lock_guard<std::mutex> lock(a.mutex);
  a.layout.setSplitWriters(true);
}

#endif // TESSERA_GUARDED_HOST_MEMORY

} // namespace tessera::rt

//===- ArenaLayout.h - Where the arena's blocks go --------------*- C++ -*-===//
//
// The bookkeeping of HostAllocator's arena, apart from the memory: which
// offsets are free, how far blocks have reached, and for each granule where
// it lay in the last block placed over it. A new block goes where its
// halves land on memory the same halves of earlier blocks held, when such
// a place is free: a dispatch split over two workers gives the first one
// its first half of workgroups, which write about the first half of its
// result, so each worker then writes memory it wrote last. Where the two
// cores share no cache (two core complexes of an AMD EPYC, as a VM's host
// places its vCPUs at times), a line the other core wrote crosses between
// them before it can be written (bench/RESULTS.md, twenty-second round).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_ARENALAYOUT_H
#define TESSERA_RUNTIME_ARENALAYOUT_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace tessera::rt {

class ArenaLayout {
public:
  /// An arena of `capacity` bytes in blocks of whole `granule`s.
  ArenaLayout(size_t capacity, size_t granule);

  /// The offset of a new block of `size` bytes (a multiple of the granule),
  /// or nullopt when the capacity cannot hold it. Tried, lowest first: each
  /// free range's start, each earlier block's start in it, and each place
  /// that puts the new block's middle on an earlier block's middle (in the
  /// range that ends at top(), a block may reach past it). The first place
  /// where at most an eighth of the granules cost (placementCost) is taken,
  /// else the cheapest, else top().
  std::optional<size_t> place(size_t size);
  /// Whether dispatches split over two or more workers write the blocks.
  /// With one, halves do not matter and a place costs only its granules
  /// no block has used (then the lowest free place that fits is taken).
  void setSplitWriters(bool split) { splitWriters = split; }
  /// Frees [offset, offset + size), merged with free neighbours.
  void release(size_t offset, size_t size);
  /// Lowers top() by up to `bytes` (whole granules) when the highest free
  /// range ends at it; the bytes cut, which now lie from the new top() on.
  size_t trimTop(size_t bytes);

  /// Offsets up to here have been placed; none beyond.
  size_t top() const { return topOffset; }
  size_t freeBytes() const { return freeTotal; }
  const std::map<size_t, size_t> &freeRanges() const { return free; }

  /// Of a block of `granules` at granule `first`, the granules that lie
  /// past top() or were never placed, and with split writers those that
  /// were the other half of their last block: each one's lines come from
  /// DRAM or from the other worker's cache before a dispatch writes them.
  size_t placementCost(size_t first, size_t granules) const;

private:
  size_t capacity, granule;
  bool splitWriters = true;
  size_t topOffset = 0;
  /// Free ranges below top, by offset, never adjacent.
  std::map<size_t, size_t> free;
  size_t freeTotal = 0;
  /// Per granule, its position in the last block placed over it, in
  /// 2^-24ths of that block (kNeverPlaced before any).
  std::vector<uint32_t> position;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_ARENALAYOUT_H

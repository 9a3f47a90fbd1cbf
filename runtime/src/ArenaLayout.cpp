//===- ArenaLayout.cpp - Where the arena's blocks go ----------------------===//

#include "ArenaLayout.h"

#include <algorithm>
#include <limits>

namespace tessera::rt {

namespace {
constexpr uint32_t kNeverPlaced = std::numeric_limits<uint32_t>::max();
/// Positions from here on are a block's second half.
constexpr uint32_t kSecondHalf = 1u << 23;
/// Places scored per request at most: a fragmented arena has many.
constexpr int kMaxPlaces = 64;
} // namespace

ArenaLayout::ArenaLayout(size_t capacity, size_t granule)
    : capacity(capacity), granule(granule),
      position(capacity / granule, kNeverPlaced) {}

size_t ArenaLayout::placementCost(size_t first, size_t granules) const {
  size_t placed = topOffset / granule > first
                      ? std::min(granules, topOffset / granule - first)
                      : 0;
  size_t cost = granules - placed;
  for (size_t j = 0; j < placed; ++j) {
    uint32_t was = position[first + j];
    cost += was == kNeverPlaced ||
            (splitWriters && (was >= kSecondHalf) != (2 * j >= granules));
  }
  return cost;
}

std::optional<size_t> ArenaLayout::place(size_t size) {
  size_t granules = size / granule;
  if (granules == 0 || size % granule || size > capacity)
    return std::nullopt;
  size_t bestCost = std::numeric_limits<size_t>::max(), bestAt = 0;
  auto acceptable = [&](size_t at) {
    size_t cost = placementCost(at / granule, granules);
    if (cost < bestCost) {
      bestCost = cost;
      bestAt = at;
    }
    return cost * 8 <= granules;
  };
  // From a block's start to its second half.
  size_t toMiddle = (granules + 1) / 2 * granule;
  int places = 0;
  bool accepted = false;
  for (auto it = free.begin();
       it != free.end() && !accepted && places < kMaxPlaces; ++it) {
    size_t start = it->first, end = start + it->second;
    // The last offset a block may start at in this range; the range that
    // ends at the top may grow past it.
    size_t last;
    if (end == topOffset) {
      if (capacity - start < size)
        continue;
      last = std::min(capacity - size, end - granule);
    } else {
      if (it->second < size)
        continue;
      last = end - size;
    }
    ++places;
    accepted = acceptable(start);
    for (size_t at = start + granule;
         at < end && !accepted && places < kMaxPlaces; at += granule) {
      uint32_t here = position[at / granule];
      uint32_t before = position[at / granule - 1];
      if (here == 0 && at <= last) {
        ++places;
        accepted = acceptable(at);
      }
      bool middle = here != kNeverPlaced && here >= kSecondHalf &&
                    (before == kNeverPlaced || before < kSecondHalf);
      if (!accepted && middle && at - start > toMiddle &&
          at - toMiddle <= last) {
        ++places;
        accepted = acceptable(at - toMiddle);
      }
    }
  }
  if (bestCost == std::numeric_limits<size_t>::max()) {
    if (size > capacity - topOffset)
      return std::nullopt;
    bestAt = topOffset;
  }

  // Out of the free range that holds its start, if one does.
  size_t end = bestAt + size;
  auto next = free.upper_bound(bestAt);
  if (next != free.begin()) {
    auto range = std::prev(next);
    size_t start = range->first, rangeEnd = start + range->second;
    if (rangeEnd > bestAt) {
      free.erase(range);
      if (bestAt > start)
        free.emplace(start, bestAt - start);
      if (end < rangeEnd)
        free.emplace(end, rangeEnd - end);
      freeTotal -= std::min(end, rangeEnd) - bestAt;
    }
  }
  topOffset = std::max(topOffset, end);
  for (size_t j = 0; j < granules; ++j)
    position[bestAt / granule + j] =
        static_cast<uint32_t>((uint64_t(j) << 24) / granules);
  return bestAt;
}

void ArenaLayout::release(size_t offset, size_t size) {
  freeTotal += size;
  auto next = free.lower_bound(offset);
  if (next != free.end() && offset + size == next->first) {
    size += next->second;
    next = free.erase(next);
  }
  if (next != free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += size;
      return;
    }
  }
  free.emplace(offset, size);
}

size_t ArenaLayout::trimTop(size_t bytes) {
  if (free.empty())
    return 0;
  auto last = std::prev(free.end());
  if (last->first + last->second != topOffset)
    return 0;
  size_t rounded = (bytes + granule - 1) / granule * granule;
  size_t cut = std::min(last->second, rounded);
  topOffset -= cut;
  freeTotal -= cut;
  if (cut == last->second)
    free.erase(last);
  else
    last->second -= cut;
  return cut;
}

} // namespace tessera::rt

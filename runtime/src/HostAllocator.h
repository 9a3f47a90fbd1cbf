//===- HostAllocator.h - Zeroed, aligned host memory, cached ---*- C++ -*-===//
//
// Calls allocate the same buffers every time. Large blocks freed by one call
// are kept (up to a bound) for the next instead of going back to the
// kernel: fresh pages of a large mapping are faulted in one by one, which
// costs more than the kernels that fill them (a 64 MiB result: ~160 ms of
// faults on a VM, against ~3 ms to clear a kept block). They are carved
// from one arena, lowest address first, so that a new block takes memory
// released moments ago, still in the caches (HostAllocator.cpp); with
// several workers, where its halves land on earlier blocks' halves
// (ArenaLayout.h).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_HOSTALLOCATOR_H
#define TESSERA_RUNTIME_HOSTALLOCATOR_H

#include <cstddef>
#include <cstdint>

namespace tessera::rt {

struct HostBlock {
  void *base = nullptr;    // what was allocated
  size_t size = 0;         // its size
  uint8_t *data = nullptr; // aligned start within it; null: out of memory
};

/// A block with `bytes` from an `alignment` boundary (a power of two),
/// zero-filled unless `zeroed` is false (the block then holds whatever its
/// memory last held: a kept block's last owner's bytes, or malloc's).
HostBlock acquireHostMemory(size_t bytes, size_t alignment, bool zeroed = true);
/// Gives back a block from acquireHostMemory.
void releaseHostMemory(const HostBlock &block);
/// Bytes kept for reuse now.
size_t cachedHostBytes();
/// That dispatches may split over `workers` threads (the most of any
/// device): from two on, a new block's halves go where earlier blocks'
/// halves were, when such a place is free (ArenaLayout).
void noteHostMemoryWriters(unsigned workers);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_HOSTALLOCATOR_H

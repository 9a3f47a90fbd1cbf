//===- BufferLifetimes.h - Where a host program drops buffers -*- C++ -*-===//
//
// A host program keeps every buffer in a register until the call returns,
// so without this a model's activations all stay allocated at once (tens
// of megabytes): each dispatch then writes memory no cache holds. The
// program is straight-line, so a register's last mention is where the
// interpreter drops it; the block goes back to the allocator and the next
// allocation of its size takes it while it is still in the caches. A
// dispatch still pending holds its own references (DispatchWave).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_BUFFERLIFETIMES_H
#define TESSERA_RUNTIME_BUFFERLIFETIMES_H

#include "tessera/schema/module_generated.h"

#include <cstdint>
#include <vector>

namespace tessera::rt {

/// For each instruction of `fn`, the buffer registers it mentions last
/// (read or written), in register order; after it runs they are dead.
struct BufferLifetimes {
  /// Instruction i's dead registers: registers[begin[i]] .. [begin[i+1]).
  std::vector<uint32_t> begin;
  std::vector<uint32_t> registers;

  explicit BufferLifetimes(const schema::Function &fn);
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_BUFFERLIFETIMES_H

//===- Hash.h - Checksums of module contents --------------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_HASH_H
#define TESSERA_RUNTIME_HASH_H

#include <cstddef>
#include <cstdint>

namespace tessera::rt {

/// FNV-1a, 64-bit: cheap, and enough to catch damaged bytes (it is not a
/// defence against a forged module).
inline uint64_t fnv1a64(const uint8_t *data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) {
    hash ^= data[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_HASH_H

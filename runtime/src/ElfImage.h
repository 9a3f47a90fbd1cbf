//===- ElfImage.h - Mapping an executable library without running it -*- C++
//-*-===//
//
// The runtime's own loader for the shared objects the compiler links: it
// maps the PT_LOAD segments, applies only the relocations the compiler
// emits (relative and absolute against symbols the library defines) and
// resolves no imports. Unlike dlopen it runs none of the library's code —
// no constructors, no IFUNC resolvers, no dependencies — and it checks every
// header, offset and index against the bytes first. The model is IREE's
// embedded-ELF loader.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_ELFIMAGE_H
#define TESSERA_RUNTIME_ELFIMAGE_H

#include "tessera/runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::rt {

class ElfImage {
public:
  /// Maps `data` (an ELF shared object for this machine). `what` starts
  /// every message ("executable 'x'").
  static StatusOr<std::unique_ptr<ElfImage>>
  load(const std::string &what, const uint8_t *data, size_t size);
  ~ElfImage();
  ElfImage(const ElfImage &) = delete;
  ElfImage &operator=(const ElfImage &) = delete;

  /// The address of the defined dynamic symbol `name`, or null.
  const void *symbol(const std::string &name) const;

  /// Whether [address, address + size) lies in one mapped segment that is
  /// readable (and executable when `executable`).
  bool contains(const void *address, size_t size, bool executable) const;
  /// Whether `text` points at a NUL-terminated string inside the image.
  bool containsString(const char *text) const;

private:
  ElfImage() = default;
  struct Segment {
    uintptr_t begin, end; // Mapped addresses.
    bool executable;
  };
  uint8_t *base = nullptr;
  size_t mappedSize = 0;
  std::vector<Segment> segments;
  std::vector<std::pair<std::string, uintptr_t>> symbols;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_ELFIMAGE_H

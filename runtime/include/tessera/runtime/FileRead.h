//===- FileRead.h - Reading untrusted files with bounds ---------*- C++ -*-===//
//
// Every file a tool reads (modules, .npy, MLIR text and bytecode, extern
// objects, files the server opens by URI) goes through here: it must be a
// regular file no larger than a limit, so `/dev/zero`, a FIFO or a directory
// is refused at once instead of growing the process until the OOM killer
// ends it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_FILEREAD_H
#define TESSERA_RUNTIME_FILEREAD_H

#include "tessera/runtime/Status.h"

#include <cstdint>
#include <string>

namespace tessera::rt {

/// The largest file read by default (4 GiB); the environment variable
/// TESSERA_MAX_INPUT_BYTES overrides it (a byte count).
uint64_t maxInputFileBytes();

/// An open regular file; closes it when destroyed.
class RegularFile {
public:
  /// Opens `path` when it names a regular file (symlinks followed) of at
  /// most `maxBytes`; messages start with `path`.
  static StatusOr<RegularFile> open(const std::string &path,
                                    uint64_t maxBytes = maxInputFileBytes());
  RegularFile(RegularFile &&other) noexcept;
  RegularFile &operator=(RegularFile &&other) noexcept;
  RegularFile(const RegularFile &) = delete;
  RegularFile &operator=(const RegularFile &) = delete;
  ~RegularFile();

  uint64_t size() const { return bytes; }
  /// Reads the whole file into `target` (size() bytes).
  Status readAll(void *target) const;

private:
  RegularFile(int openFd, uint64_t size, std::string name)
      : fd(openFd), bytes(size), path(std::move(name)) {}
  int fd = -1;
  uint64_t bytes = 0;
  std::string path;
};

/// The whole content of a regular file of at most `maxBytes`.
StatusOr<std::string> readRegularFile(const std::string &path,
                                      uint64_t maxBytes = maxInputFileBytes());

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_FILEREAD_H

//===- FileRead.cpp -------------------------------------------------------===//

#include "tessera/runtime/FileRead.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessera::rt {

uint64_t maxInputFileBytes() {
  constexpr uint64_t kDefault = uint64_t(4) << 30;
  const char *text = std::getenv("TESSERA_MAX_INPUT_BYTES");
  if (!text || !*text)
    return kDefault;
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (errno || *end || text[0] == '-')
    return kDefault;
  return value;
}

namespace {
std::string sizeText(uint64_t bytes) {
  if (bytes >= (uint64_t(1) << 30) && bytes % (uint64_t(1) << 30) == 0)
    return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (uint64_t(1) << 20) && bytes % (uint64_t(1) << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}
} // namespace

StatusOr<RegularFile> RegularFile::open(const std::string &path,
                                        uint64_t maxBytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return Status::error(path + ": " + std::strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return Status::error(path + ": " + std::strerror(error));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    const char *kind = S_ISDIR(info.st_mode)    ? "a directory"
                       : S_ISCHR(info.st_mode)  ? "a character device"
                       : S_ISBLK(info.st_mode)  ? "a block device"
                       : S_ISFIFO(info.st_mode) ? "a pipe"
                       : S_ISSOCK(info.st_mode) ? "a socket"
                                                : "not a regular file";
    return Status::error(path + ": is " + kind + ", not a regular file");
  }
  uint64_t size = static_cast<uint64_t>(info.st_size);
  if (size > maxBytes) {
    ::close(fd);
    return Status::error(path + ": is " + std::to_string(size) +
                         " bytes, more than the limit of " +
                         sizeText(maxBytes) +
                         " (set TESSERA_MAX_INPUT_BYTES to raise it)");
  }
  // Reads block again from here on (a regular file never waits anyway).
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return RegularFile(fd, size, path);
}

RegularFile::RegularFile(RegularFile &&other) noexcept
    : fd(other.fd), bytes(other.bytes), path(std::move(other.path)) {
  other.fd = -1;
}

RegularFile &RegularFile::operator=(RegularFile &&other) noexcept {
  if (this != &other) {
    if (fd >= 0)
      ::close(fd);
    fd = other.fd;
    bytes = other.bytes;
    path = std::move(other.path);
    other.fd = -1;
  }
  return *this;
}

RegularFile::~RegularFile() {
  if (fd >= 0)
    ::close(fd);
}

Status RegularFile::readAll(void *target) const {
  char *out = static_cast<char *>(target);
  uint64_t done = 0;
  while (done < bytes) {
    ssize_t n = ::pread(fd, out + done, bytes - done, done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return Status::error(path + ": cannot read: " + std::strerror(errno));
    if (n == 0)
      return Status::error(path + ": the file shrank while it was read");
    done += static_cast<uint64_t>(n);
  }
  return Status();
}

StatusOr<std::string> readRegularFile(const std::string &path,
                                      uint64_t maxBytes) {
  auto file = RegularFile::open(path, maxBytes);
  if (!file)
    return file.status();
  std::string content(file->size(), '\0');
  if (Status s = file->readAll(content.data()); !s)
    return s;
  return content;
}

} // namespace tessera::rt

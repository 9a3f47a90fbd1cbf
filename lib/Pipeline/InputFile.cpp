//===- InputFile.cpp ------------------------------------------------------===//

#include "Pipeline/InputFile.h"

#include "tessera/runtime/FileRead.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace mlir::tessera {

namespace {
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readStdin() {
  uint64_t limit = ::tessera::rt::maxInputFileBytes();
  std::string content;
  char chunk[1 << 16];
  while (true) {
    ssize_t n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return llvm::createStringError("<stdin>: cannot read: " +
                                     std::string(std::strerror(errno)));
    if (n == 0)
      break;
    if (content.size() + n > limit)
      return llvm::createStringError(
          "<stdin>: more than the limit of " + std::to_string(limit) +
          " bytes (set TESSERA_MAX_INPUT_BYTES to raise it)");
    content.append(chunk, n);
  }
  return llvm::MemoryBuffer::getMemBufferCopy(content, "<stdin>");
}
} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, bool allowStdin) {
  if (allowStdin && path == "-")
    return readStdin();
  auto file = ::tessera::rt::RegularFile::open(path.str());
  if (!file)
    return llvm::createStringError(file.status().message());
  auto buffer =
      llvm::WritableMemoryBuffer::getNewUninitMemBuffer(file->size(), path);
  if (!buffer)
    return llvm::createStringError(path.str() + ": out of memory reading " +
                                   std::to_string(file->size()) + " bytes");
  if (::tessera::rt::Status s = file->readAll(buffer->getBufferStart()); !s)
    return llvm::createStringError(s.message());
  return std::unique_ptr<llvm::MemoryBuffer>(std::move(buffer));
}

} // namespace mlir::tessera

//===- OutputFile.cpp - Writing output files safely -----------------------===//

#include "Pipeline/OutputFile.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlir::tessera {

namespace {

llvm::Error writeError(llvm::StringRef path, std::error_code ec) {
  return llvm::createStringError(ec, "cannot write '" + path.str() +
                                         "': " + ec.message());
}

/// The path a chain of symlinks starting at `path` ends at (that path need
/// not exist: a dangling link creates its target).
llvm::Expected<std::string> resolveSymlinks(llvm::StringRef path) {
  std::string current = path.str();
  for (int hops = 0; hops < 40; ++hops) {
    struct stat info;
    if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode))
      return current;
    llvm::SmallString<256> target;
    target.resize(PATH_MAX);
    ssize_t n = ::readlink(current.c_str(), target.data(), target.size());
    if (n < 0)
      return writeError(path, std::error_code(errno, std::generic_category()));
    target.resize(n);
    if (llvm::sys::path::is_relative(target)) {
      llvm::SmallString<256> joined(llvm::sys::path::parent_path(current));
      llvm::sys::path::append(joined, target);
      current = std::string(joined);
    } else {
      current = std::string(target);
    }
  }
  return writeError(path, std::make_error_code(std::errc::too_many_links));
}

/// Writes into something that is not a regular file (a device, a FIFO).
llvm::Error writeDirectly(llvm::StringRef path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return writeError(path, ec);
  os << bytes;
  os.close();
  if (os.has_error()) {
    ec = os.error();
    os.clear_error();
    return writeError(path, ec);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes) {
  if (path == "-") {
    llvm::outs() << bytes;
    llvm::outs().flush();
    return llvm::Error::success();
  }
  auto resolved = resolveSymlinks(path);
  if (!resolved)
    return resolved.takeError();
  llvm::StringRef target = *resolved;
  struct stat info;
  bool exists = ::stat(target.str().c_str(), &info) == 0;
  if (exists && !S_ISREG(info.st_mode)) {
    if (S_ISDIR(info.st_mode))
      return writeError(path, std::make_error_code(std::errc::is_a_directory));
    return writeDirectly(target, bytes);
  }

  llvm::SmallString<256> temp;
  int fd = -1;
  llvm::SmallString<256> model(target);
  model += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
    return llvm::createStringError(ec, "cannot create a file next to '" +
                                           target.str() + "': " + ec.message());
  // Ctrl-C or a crash before the rename removes the half-written file.
  llvm::sys::RemoveFileOnSignal(temp);
  llvm::scope_exit done([&] { llvm::sys::DontRemoveFileOnSignal(temp); });
  // A replaced file keeps its permissions.
  if (exists)
    (void)::fchmod(fd, info.st_mode & 07777);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
    os.close();
    if (os.has_error()) {
      std::error_code ec = os.error();
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return writeError(path, ec);
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, target)) {
    llvm::sys::fs::remove(temp);
    return writeError(path, ec);
  }
  return llvm::Error::success();
}

} // namespace mlir::tessera

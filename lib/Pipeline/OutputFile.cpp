//===- OutputFile.cpp - Atomic output files -------------------------------===//

#include "Pipeline/OutputFile.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tessera {

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes) {
  llvm::SmallString<256> temp;
  int fd = -1;
  llvm::SmallString<256> model(path);
  model += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
    return llvm::createStringError(ec, "cannot create a file next to '" +
                                           path.str() + "': " + ec.message());
  // Ctrl-C or a crash before the rename removes the half-written file.
  llvm::sys::RemoveFileOnSignal(temp);
  auto done =
      llvm::make_scope_exit([&] { llvm::sys::DontRemoveFileOnSignal(temp); });
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
    os.close();
    if (os.has_error()) {
      std::error_code ec = os.error();
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return llvm::createStringError(ec, "cannot write '" + path.str() +
                                             "': " + ec.message());
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return llvm::createStringError(ec, "cannot write '" + path.str() +
                                           "': " + ec.message());
  }
  return llvm::Error::success();
}

} // namespace mlir::tessera

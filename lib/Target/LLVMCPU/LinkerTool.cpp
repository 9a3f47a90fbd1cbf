//===- LinkerTool.cpp - In-process lld linking ----------------------------===//

#include "Target/LLVMCPU/LinkerTool.h"

#include "lld/Common/Driver.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

LLD_HAS_DRIVER(elf)

namespace mlir::tessera::target {

namespace {

/// Removes a temporary directory and its files on scope exit.
struct TempDir {
  llvm::SmallString<128> path;
  ~TempDir() {
    if (!path.empty())
      llvm::sys::fs::remove_directories(path);
  }
};

std::mutex &lldMutex() {
  static std::mutex mutex;
  return mutex;
}

bool lldUsable = true;

} // namespace

llvm::Expected<std::string>
linkSharedLibrary(llvm::StringRef tripleName,
                  const std::vector<std::string> &objects) {
  llvm::Triple triple(tripleName);
  if (!triple.isOSBinFormatELF())
    return llvm::createStringError("no linker for target triple '" +
                                   tripleName.str() +
                                   "' (ELF targets are supported)");

  TempDir dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("tessera-link", dir.path))
    return llvm::createStringError(ec, "cannot create a temporary directory");
  std::vector<std::string> objectPaths;
  for (auto [index, bytes] : llvm::enumerate(objects)) {
    llvm::SmallString<128> objectPath(dir.path);
    llvm::sys::path::append(objectPath, "input" + std::to_string(index) + ".o");
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec)
      return llvm::createStringError(ec, "cannot write " + objectPath.str());
    os << bytes;
    objectPaths.push_back(objectPath.str().str());
  }
  llvm::SmallString<128> outputPath(dir.path);
  llvm::sys::path::append(outputPath, "library.so");

  std::vector<const char *> args = {"ld.lld",
                                    "-shared",
                                    "-nostdlib",
                                    "--no-undefined",
                                    "--build-id=none",
                                    "--hash-style=both",
                                    "--gc-sections",
                                    "-z",
                                    "noexecstack",
                                    "-z",
                                    "now",
                                    "-o",
                                    outputPath.c_str()};
  for (const std::string &path : objectPaths)
    args.push_back(path.c_str());

  std::string diagnostics;
  {
    std::lock_guard<std::mutex> lock(lldMutex());
    if (!lldUsable)
      return llvm::createStringError(
          "the in-process linker failed fatally earlier in this process and "
          "cannot run again; restart the tool");
    llvm::raw_string_ostream errs(diagnostics);
    std::string stdoutText;
    llvm::raw_string_ostream outs(stdoutText);
    lld::Result result =
        lld::lldMain(args, outs, errs, {{lld::Gnu, &lld::elf::link}});
    if (!result.canRunAgain)
      lldUsable = false;
    if (result.retCode != 0)
      return llvm::createStringError("lld failed to link the executable:\n" +
                                     diagnostics);
  }
  auto buffer = llvm::MemoryBuffer::getFile(outputPath);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read the linked library");
  return (*buffer)->getBuffer().str();
}

} // namespace mlir::tessera::target

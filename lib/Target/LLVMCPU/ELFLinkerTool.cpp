//===- ELFLinkerTool.cpp - Shared objects for Linux and Android -----------===//

#include "Target/LLVMCPU/LinkerTool.h"

LLD_HAS_DRIVER(elf)

namespace mlir::tessera::target {

namespace {

class ELFLinkerTool : public LinkerTool {
public:
  using LinkerTool::LinkerTool;

  llvm::StringRef getMimeType() const override { return "application/x-elf"; }
  llvm::StringRef getFileExtension() const override { return "so"; }

protected:
  std::vector<std::string> getArguments(const LinkFiles &files,
                                        llvm::StringRef libraryName,
                                        llvm::ArrayRef<std::string>,
                                        bool) const override {
    // Exports are the default-visibility functions; everything else is
    // internal. No C library, no build id (it would differ per build
    // machine path), nothing left undefined.
    std::vector<std::string> args = {"ld.lld",
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
                                     "-soname",
                                     (libraryName + ".so").str(),
                                     "-o",
                                     files.output};
    args.insert(args.end(), files.objects.begin(), files.objects.end());
    return args;
  }

  lld::DriverDef getDriver() const override {
    return {lld::Gnu, &lld::elf::link};
  }
};

} // namespace

std::unique_ptr<LinkerTool> createELFLinkerTool(const llvm::Triple &triple) {
  return std::make_unique<ELFLinkerTool>(triple);
}

} // namespace mlir::tessera::target

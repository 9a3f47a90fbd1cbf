//===- MachOLinkerTool.cpp - dylibs for macOS and iOS ---------------------===//

#include "Target/LLVMCPU/LinkerTool.h"

#include "llvm/Support/VersionTuple.h"

LLD_HAS_DRIVER(macho)

namespace mlir::tessera::target {

namespace {

class MachOLinkerTool : public LinkerTool {
public:
  using LinkerTool::LinkerTool;

  llvm::StringRef getMimeType() const override {
    return "application/x-mach-binary";
  }
  llvm::StringRef getFileExtension() const override { return "dylib"; }

protected:
  /// The platform name ld64 expects and the minimum OS version: the
  /// triple's (arm64-apple-macos13) or the first release of that
  /// architecture the platform supports.
  std::pair<std::string, std::string> getPlatform() const {
    llvm::VersionTuple version = triple.getOSVersion();
    bool arm = triple.getArch() == llvm::Triple::aarch64;
    std::string platform;
    llvm::VersionTuple minimum;
    if (triple.isiOS()) {
      platform = triple.isSimulatorEnvironment() ? "ios-simulator" : "ios";
      minimum = llvm::VersionTuple(14, 0);
    } else {
      platform = "macos";
      minimum = arm ? llvm::VersionTuple(11, 0) : llvm::VersionTuple(10, 15);
    }
    if (version.getMajor() == 0)
      version = minimum;
    return {platform, version.getAsString()};
  }

  std::vector<std::string> getArguments(const LinkFiles &files,
                                        llvm::StringRef libraryName,
                                        llvm::ArrayRef<std::string>,
                                        bool) const override {
    auto [platform, version] = getPlatform();
    std::string arch =
        triple.getArch() == llvm::Triple::aarch64 ? "arm64" : "x86_64";
    // No libSystem: the library imports nothing. The UUID lld writes is a
    // hash of the contents, so the output is reproducible.
    std::vector<std::string> args = {"ld64.lld",
                                     "-arch",
                                     arch,
                                     "-dylib",
                                     "-platform_version",
                                     platform,
                                     version,
                                     version,
                                     "-install_name",
                                     ("@rpath/" + libraryName + ".dylib").str(),
                                     "-dead_strip",
                                     "-o",
                                     files.output};
    args.insert(args.end(), files.objects.begin(), files.objects.end());
    return args;
  }

  lld::DriverDef getDriver() const override {
    return {lld::Darwin, &lld::macho::link};
  }
};

} // namespace

std::unique_ptr<LinkerTool> createMachOLinkerTool(const llvm::Triple &triple) {
  return std::make_unique<MachOLinkerTool>(triple);
}

} // namespace mlir::tessera::target

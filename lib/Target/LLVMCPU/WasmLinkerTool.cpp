//===- WasmLinkerTool.cpp - WebAssembly modules ---------------------------===//

#include "Target/LLVMCPU/LinkerTool.h"

LLD_HAS_DRIVER(wasm)

namespace mlir::tessera::target {

namespace {

class WasmLinkerTool : public LinkerTool {
public:
  using LinkerTool::LinkerTool;

  llvm::StringRef getMimeType() const override { return "application/wasm"; }
  llvm::StringRef getFileExtension() const override { return "wasm"; }

protected:
  std::vector<std::string> getArguments(const LinkFiles &files, llvm::StringRef,
                                        llvm::ArrayRef<std::string> exportNames,
                                        bool) const override {
    // A reactor module: no start function, the entry points and the
    // library query exported by name (with the linear memory).
    std::vector<std::string> args = {"wasm-ld", "--no-entry", "--gc-sections",
                                     "-o", files.output};
    for (const std::string &name : exportNames)
      args.push_back("--export=" + name);
    args.insert(args.end(), files.objects.begin(), files.objects.end());
    return args;
  }

  lld::DriverDef getDriver() const override {
    return {lld::Wasm, &lld::wasm::link};
  }
};

} // namespace

std::unique_ptr<LinkerTool> createWasmLinkerTool(const llvm::Triple &triple) {
  return std::make_unique<WasmLinkerTool>(triple);
}

} // namespace mlir::tessera::target

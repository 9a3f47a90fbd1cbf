//===- COFFLinkerTool.cpp - DLLs for Windows ------------------------------===//
//
// The DLL links no C runtime: it gets its own entry point, the symbols
// MSVC-targeting code generation takes from the CRT are defined in the
// module, and stack probes (__chkstk) are turned off.
//
//===----------------------------------------------------------------------===//

#include "Target/LLVMCPU/LinkerTool.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

LLD_HAS_DRIVER(coff)

namespace mlir::tessera::target {

namespace {

constexpr const char *kEntryName = "__tessera_dll_entry";

class COFFLinkerTool : public LinkerTool {
public:
  using LinkerTool::LinkerTool;

  llvm::StringRef getMimeType() const override {
    return "application/x-msdownload";
  }
  llvm::StringRef getFileExtension() const override { return "dll"; }
  llvm::StringRef getDebugFileExtension() const override { return "pdb"; }

  void prepareModule(llvm::Module &module,
                     llvm::ArrayRef<llvm::Function *> exports) const override {
    llvm::LLVMContext &ctx = module.getContext();
    for (llvm::Function *function : exports)
      function->setDLLStorageClass(llvm::GlobalValue::DLLExportStorageClass);
    for (llvm::Function &function : module)
      if (!function.isDeclaration())
        function.addFnAttr("no-stack-arg-probe");

    // BOOL WINAPI entry(HINSTANCE, DWORD reason, LPVOID): nothing to set up.
    llvm::IRBuilder<> b(ctx);
    auto *ptrType = llvm::PointerType::get(ctx, 0);
    auto *type = llvm::FunctionType::get(b.getInt32Ty(),
                                         {ptrType, b.getInt32Ty(), ptrType},
                                         /*isVarArg=*/false);
    auto *entry = llvm::Function::Create(
        type, llvm::GlobalValue::ExternalLinkage, kEntryName, module);
    entry->addFnAttr(llvm::Attribute::NoUnwind);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", entry));
    b.CreateRet(b.getInt32(1));

    // Code using floating point refers to _fltused, normally from the CRT.
    if (!module.getGlobalVariable("_fltused"))
      new llvm::GlobalVariable(module, b.getInt32Ty(), /*isConstant=*/true,
                               llvm::GlobalValue::ExternalLinkage,
                               b.getInt32(0x9875), "_fltused");
  }

protected:
  std::vector<std::string> getArguments(const LinkFiles &files, llvm::StringRef,
                                        llvm::ArrayRef<std::string>,
                                        bool withDebugInfo) const override {
    std::string machine =
        triple.getArch() == llvm::Triple::aarch64 ? "arm64" : "x64";
    std::vector<std::string> args = {"lld-link",
                                     "/dll",
                                     "/nodefaultlib",
                                     std::string("/entry:") + kEntryName,
                                     "/subsystem:windows",
                                     "/machine:" + machine,
                                     "/Brepro",
                                     "/opt:ref",
                                     "/incremental:no",
                                     "/out:" + files.output};
    if (withDebugInfo) {
      args.push_back("/debug:full");
      args.push_back("/pdb:" + files.debugInfo);
      // Name the PDB without the temporary directory: the DLL stays the
      // same wherever it was linked.
      args.push_back("/pdbaltpath:%_PDB%");
    } else {
      args.push_back("/debug:none");
    }
    args.insert(args.end(), files.objects.begin(), files.objects.end());
    return args;
  }

  lld::DriverDef getDriver() const override {
    return {lld::WinLink, &lld::coff::link};
  }
};

} // namespace

std::unique_ptr<LinkerTool> createCOFFLinkerTool(const llvm::Triple &triple) {
  return std::make_unique<COFFLinkerTool>(triple);
}

} // namespace mlir::tessera::target

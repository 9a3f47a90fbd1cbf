//===- CrossTargetLinkTest.cpp - Libraries for every supported platform ---===//
//
// Compiles the MLP example for each target triple the linker supports and
// reads the produced library back with LLVM's Object library: file type,
// machine, exported entry points, nothing imported or left undefined, and
// the same bytes on a second compile.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/CompileSession.h"

#include "llvm/BinaryFormat/COFF.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/BinaryFormat/MachO.h"
#include "llvm/Object/COFF.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/MachO.h"
#include "llvm/Object/Wasm.h"
#include "gtest/gtest.h"

#include <cstdlib>
#include <set>

using namespace mlir::tessera;
using namespace llvm::object;

namespace {

struct Platform {
  const char *triple;
  const char *libraryKind;
  llvm::Triple::ArchType arch;
  /// Exported names carry this prefix (Mach-O's underscore).
  const char *symbolPrefix;
};

std::ostream &operator<<(std::ostream &os, const Platform &platform) {
  return os << platform.triple;
}

const std::set<std::string> kExports = {"predict_dispatch_0_matmul_4x32",
                                        "predict_dispatch_1_matmul_4x10",
                                        "tessera_executable_library_query"};

/// The library artifacts of compiling the MLP for `triple`, by kind.
std::map<std::string, std::string> compileMlp(const std::string &triple) {
  CompileSession session;
  EXPECT_TRUE(
      mlir::succeeded(session.loadFile(TESSERA_EXAMPLES_DIR "/mlp.mlir")));
  CompileOptions options;
  options.targetTriple = triple;
  options.cpu = "generic";
  options.cpuFeatures = "";
  options.captureIR = false;
  options.keepArtifacts = true;
  EXPECT_TRUE(mlir::succeeded(session.compile(options)));
  for (const Diagnostic &diagnostic : session.getDiagnostics())
    ADD_FAILURE() << diagnostic.format();
  std::map<std::string, std::string> byKind;
  for (const Artifact &artifact : session.getArtifacts()) {
    EXPECT_EQ(artifact.executable, "linked_llvm_cpu");
    byKind[artifact.kind] = artifact.bytes;
  }
  return byKind;
}

class CrossTargetLink : public testing::TestWithParam<Platform> {};

TEST_P(CrossTargetLink, LibraryHasTheRightFormatAndExports) {
  const Platform &platform = GetParam();
  std::map<std::string, std::string> artifacts = compileMlp(platform.triple);
  ASSERT_TRUE(artifacts.count(platform.libraryKind))
      << "no ." << platform.libraryKind << " produced";
  const std::string &bytes = artifacts[platform.libraryKind];
  auto binary = createBinary(llvm::MemoryBufferRef(bytes, "library"));
  ASSERT_TRUE(static_cast<bool>(binary)) << toString(binary.takeError());
  auto *object = llvm::dyn_cast<ObjectFile>(binary->get());
  ASSERT_NE(object, nullptr);
  EXPECT_EQ(object->getArch(), platform.arch);

  std::set<std::string> exported;
  std::vector<std::string> undefined;
  if (auto *elf = llvm::dyn_cast<ELFObjectFileBase>(object)) {
    EXPECT_EQ(elf->getEType(), llvm::ELF::ET_DYN);
    for (const ELFSymbolRef &symbol : elf->getDynamicSymbolIterators()) {
      std::string name = llvm::cantFail(symbol.getName()).str();
      uint32_t flags = llvm::cantFail(symbol.getFlags());
      if (flags & SymbolRef::SF_Undefined) {
        if (!name.empty())
          undefined.push_back(name);
      } else if (flags & SymbolRef::SF_Global) {
        exported.insert(name);
      }
    }
  } else if (auto *coff = llvm::dyn_cast<COFFObjectFile>(object)) {
    EXPECT_TRUE(coff->getCharacteristics() & llvm::COFF::IMAGE_FILE_DLL);
    for (const ExportDirectoryEntryRef &entry : coff->export_directories()) {
      llvm::StringRef name;
      ASSERT_FALSE(static_cast<bool>(entry.getSymbolName(name)));
      exported.insert(name.str());
    }
    for (const ImportDirectoryEntryRef &entry : coff->import_directories()) {
      llvm::StringRef name;
      ASSERT_FALSE(static_cast<bool>(entry.getName(name)));
      undefined.push_back("import of " + name.str());
    }
    // The DLL has its own entry point (no CRT).
    EXPECT_NE(coff->getPE32PlusHeader(), nullptr);
    EXPECT_NE(coff->getPE32PlusHeader()->AddressOfEntryPoint, 0u);
  } else if (auto *macho = llvm::dyn_cast<MachOObjectFile>(object)) {
    EXPECT_EQ(macho->getHeader().filetype, llvm::MachO::MH_DYLIB);
    llvm::Error error = llvm::Error::success();
    for (const ExportEntry &entry : macho->exports(error))
      exported.insert(entry.name().str());
    ASSERT_FALSE(static_cast<bool>(error)) << toString(std::move(error));
    for (const SymbolRef &symbol : macho->symbols())
      if (llvm::cantFail(symbol.getFlags()) & SymbolRef::SF_Undefined)
        undefined.push_back(llvm::cantFail(symbol.getName()).str());
    bool hasBuildVersion = false;
    for (const auto &command : macho->load_commands())
      if (command.C.cmd == llvm::MachO::LC_BUILD_VERSION) {
        hasBuildVersion = true;
        EXPECT_EQ(macho->getBuildVersionLoadCommand(command).platform,
                  llvm::MachO::PLATFORM_MACOS);
      }
    EXPECT_TRUE(hasBuildVersion);
  } else if (auto *wasm = llvm::dyn_cast<WasmObjectFile>(object)) {
    for (const llvm::wasm::WasmExport &entry : wasm->exports())
      if (entry.Kind == llvm::wasm::WASM_EXTERNAL_FUNCTION)
        exported.insert(entry.Name.str());
    for (const llvm::wasm::WasmImport &entry : wasm->imports())
      undefined.push_back(entry.Module.str() + "." + entry.Field.str());
  } else {
    FAIL() << "unexpected object format " << object->getFileFormatName().str();
  }

  for (const std::string &name : kExports)
    EXPECT_TRUE(exported.count(platform.symbolPrefix + name))
        << platform.symbolPrefix + name << " is not exported";
  EXPECT_TRUE(undefined.empty())
      << "undefined or imported: " << llvm::join(undefined, ", ");
}

TEST_P(CrossTargetLink, SameInputSameBytes) {
  const Platform &platform = GetParam();
  std::map<std::string, std::string> first = compileMlp(platform.triple);
  std::map<std::string, std::string> second = compileMlp(platform.triple);
  ASSERT_TRUE(first.count(platform.libraryKind));
  EXPECT_TRUE(first[platform.libraryKind] == second[platform.libraryKind])
      << "the ." << platform.libraryKind << " differs between two compiles";
}

// The fallback for when the in-process linker cannot run again: the lld
// program in a child process, same bytes.
TEST_P(CrossTargetLink, OutOfProcessLinkGivesTheSameBytes) {
  const Platform &platform = GetParam();
  std::map<std::string, std::string> inProcess = compileMlp(platform.triple);
  ASSERT_EQ(setenv("TESSERA_LLD_OUT_OF_PROCESS", "1", /*overwrite=*/1), 0);
  std::map<std::string, std::string> outOfProcess = compileMlp(platform.triple);
  unsetenv("TESSERA_LLD_OUT_OF_PROCESS");
  ASSERT_TRUE(inProcess.count(platform.libraryKind));
  EXPECT_TRUE(inProcess[platform.libraryKind] ==
              outOfProcess[platform.libraryKind]);
}

INSTANTIATE_TEST_SUITE_P(
    Platforms, CrossTargetLink,
    testing::Values(
        Platform{"x86_64-unknown-linux-gnu", "so", llvm::Triple::x86_64, ""},
        Platform{"aarch64-unknown-linux-gnu", "so", llvm::Triple::aarch64, ""},
        Platform{"aarch64-linux-android", "so", llvm::Triple::aarch64, ""},
        Platform{"x86_64-pc-windows-msvc", "dll", llvm::Triple::x86_64, ""},
        Platform{"aarch64-pc-windows-msvc", "dll", llvm::Triple::aarch64, ""},
        Platform{"arm64-apple-macos", "dylib", llvm::Triple::aarch64, "_"},
        Platform{"x86_64-apple-macos", "dylib", llvm::Triple::x86_64, "_"},
        Platform{"wasm32-unknown-unknown", "wasm", llvm::Triple::wasm32, ""}),
    [](const testing::TestParamInfo<Platform> &info) {
      std::string name = info.param.triple;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

} // namespace

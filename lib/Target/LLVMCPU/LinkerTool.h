//===- LinkerTool.h - Objects to a shared library per platform -*- C++ -*-===//
//
// Executables are linked in-process by lld, with the flavour its target
// triple calls for: ELF shared objects (Linux, Android), DLLs (Windows),
// dylibs (macOS, iOS) and WebAssembly modules. Each flavour is one subclass;
// all produce the same bytes for the same inputs.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TARGET_LLVMCPU_LINKERTOOL_H
#define TESSERA_TARGET_LLVMCPU_LINKERTOOL_H

#include "lld/Common/Driver.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace mlir::tessera::target {

/// One object file to link: its bytes and a name for diagnostics (a path
/// for extern objects).
struct LinkInput {
  std::string name;
  std::string bytes;
};

/// A linked library and, where the platform has one, its debug file (PDB).
struct LinkedLibrary {
  std::string bytes;
  std::string debugInfo;
};

class LinkerTool {
public:
  /// The linker for `triple`, or an error naming the triples supported.
  static llvm::Expected<std::unique_ptr<LinkerTool>>
  create(const llvm::Triple &triple);
  explicit LinkerTool(llvm::Triple triple) : triple(std::move(triple)) {}
  virtual ~LinkerTool();

  /// The MIME type and file extension of the libraries this tool makes.
  virtual llvm::StringRef getMimeType() const = 0;
  virtual llvm::StringRef getFileExtension() const = 0;
  /// The file extension of the debug file, or "" when there is none.
  virtual llvm::StringRef getDebugFileExtension() const { return ""; }

  /// Adapts `module` to the platform before code generation: how `exports`
  /// are exported, the library entry point, the symbols the platform's code
  /// generator takes for granted from a C runtime we do not link.
  virtual void prepareModule(llvm::Module &module,
                             llvm::ArrayRef<llvm::Function *> exports) const {}

  /// Checks that an extern object is an object file of this tool's format
  /// and architecture.
  llvm::Error checkObject(const LinkInput &object) const;

  /// Links `objects` into a library called `libraryName` exporting
  /// `exportNames`; `withDebugInfo` asks for the debug file too.
  llvm::Expected<LinkedLibrary> link(llvm::ArrayRef<LinkInput> objects,
                                     llvm::StringRef libraryName,
                                     llvm::ArrayRef<std::string> exportNames,
                                     bool withDebugInfo) const;

protected:
  /// Files of one link, in a private temporary directory.
  struct LinkFiles {
    std::vector<std::string> objects;
    std::string output;
    std::string debugInfo;
  };
  /// lld's command line; its first word selects the flavour.
  virtual std::vector<std::string>
  getArguments(const LinkFiles &files, llvm::StringRef libraryName,
               llvm::ArrayRef<std::string> exportNames,
               bool withDebugInfo) const = 0;
  virtual lld::DriverDef getDriver() const = 0;
  /// Whether an object file's format is this tool's.
  virtual bool acceptsFormatOf(llvm::Triple::ObjectFormatType format) const;

  llvm::Triple triple;
};

std::unique_ptr<LinkerTool> createELFLinkerTool(const llvm::Triple &triple);
std::unique_ptr<LinkerTool> createCOFFLinkerTool(const llvm::Triple &triple);
std::unique_ptr<LinkerTool> createMachOLinkerTool(const llvm::Triple &triple);
std::unique_ptr<LinkerTool> createWasmLinkerTool(const llvm::Triple &triple);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_LINKERTOOL_H

//===- Version.h - The version every tool reports ---------------*- C++ -*-===//
//
// Tessera's version (CMake's project version), the git commit it was built
// from (read when CMake configured; "unknown" outside a git checkout) and
// the LLVM it was built against: what `--version` prints and what a crash
// report starts with.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_VERSION_H
#define TESSERA_PIPELINE_VERSION_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace llvm {
class raw_ostream;
}

namespace mlir::tessera {

/// "0.1.0".
llvm::StringRef getTesseraVersion();
/// The short commit hash, "+dirty" appended when tracked files had changes,
/// or "unknown".
llvm::StringRef getTesseraGitCommit();
/// "TOOL 0.1.0 (git abc1234), LLVM 22.1.8".
std::string getVersionLine(llvm::StringRef tool);

/// Makes llvm::cl's --version print getVersionLine(tool) (and exit 0).
void setVersionPrinter(llvm::StringRef tool);

/// Whether `argv` asks for the version (`--version` or `-version` before
/// any `--`): for tools that do not parse with llvm::cl, or must answer
/// before they set anything up (a GUI without a display).
bool isVersionRequest(int argc, char **argv);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_VERSION_H

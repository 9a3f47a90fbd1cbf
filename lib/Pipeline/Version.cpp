//===- Version.cpp - The version every tool reports -----------------------===//

#include "Pipeline/Version.h"

#include "VersionInfo.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tessera {

llvm::StringRef getTesseraVersion() { return TESSERA_VERSION_STRING; }

llvm::StringRef getTesseraGitCommit() {
  llvm::StringRef commit = TESSERA_GIT_COMMIT;
  return commit.empty() ? "unknown" : commit;
}

std::string getVersionLine(llvm::StringRef tool) {
  return tool.str() + " " + getTesseraVersion().str() + " (git " +
         getTesseraGitCommit().str() + "), LLVM " LLVM_VERSION_STRING;
}

void setVersionPrinter(llvm::StringRef tool) {
  // cl keeps the function; the name must outlive it.
  static std::string name;
  name = tool.str();
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << getVersionLine(name) << "\n"; });
}

bool isVersionRequest(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef argument = argv[i];
    if (argument == "--")
      return false;
    if (argument == "--version" || argument == "-version")
      return true;
  }
  return false;
}

} // namespace mlir::tessera

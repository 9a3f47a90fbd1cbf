//===- KeygenCommand.cpp - tessera keygen ---------------------------------===//
//
// `tessera keygen NAME`: a new Ed25519 key pair for signing modules,
// NAME.key (secret, mode 0600; give it to `compile --sign-key`) and NAME.pub
// (give it, or a file listing several, to `run --trusted-keys`).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "Tool/CommandLine.h"

#include "tessera/runtime/ModuleSignature.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace tessera::cli {

int runKeygenCommand(int argc, char **argv) {
  namespace cl = llvm::cl;
  cl::OptionCategory category("Options");
  cl::opt<std::string> prefix(cl::Positional, cl::desc("<NAME>"),
                              cl::cat(category));
  mlir::tessera::ToolDescription tool{
      "tessera keygen",
      "<NAME>",
      "Writes NAME.key (secret, mode 0600) and NAME.pub: an Ed25519 key pair "
      "to sign modules with\n(tessera compile --sign-key=NAME.key) and to "
      "check them by (tessera run --trusted-keys=NAME.pub).\nAn existing key "
      "is never overwritten.",
      {&category},
      {"tessera keygen release",
       "tessera compile examples/elementwise.mlir -o ew.tsm "
       "--sign-key=release.key",
       "tessera run ew.tsm --trusted-keys=release.pub --input=4xf32=1,2,3,4 "
       "--input=4xf32=2"},
      {}};
  if (std::optional<int> exit =
          mlir::tessera::parseToolCommandLine(argc, argv, tool))
    return *exit;
  if (prefix.empty()) {
    llvm::errs() << "tessera keygen: no NAME (tessera keygen NAME writes "
                    "NAME.key and NAME.pub)\n";
    return kUsageError;
  }
  if (rt::Status s = rt::generateSigningKey(prefix); !s) {
    llvm::errs() << "tessera keygen: error: " << s.message()
                 << " (an existing key is never overwritten)\n";
    return kCompileError;
  }
  llvm::outs() << "wrote " << prefix << ".key (secret) and " << prefix
               << ".pub\n";
  return kSuccess;
}

} // namespace tessera::cli

//===- KeygenCommand.cpp - tessera keygen ---------------------------------===//
//
// `tessera keygen NAME`: a new Ed25519 key pair for signing modules,
// NAME.key (secret, mode 0600; give it to `compile --sign-key`) and NAME.pub
// (give it, or a file listing several, to `run --trusted-keys`).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "tessera/runtime/ModuleSignature.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace tessera::cli {

int runKeygenCommand(int argc, char **argv) {
  namespace cl = llvm::cl;
  cl::OptionCategory category("tessera keygen options");
  cl::opt<std::string> prefix(cl::Positional, cl::desc("<NAME>"),
                              cl::cat(category));
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "tessera keygen: writes NAME.key (secret) and NAME.pub, an Ed25519 "
          "key pair for `tessera compile --sign-key=NAME.key` and `tessera "
          "run --trusted-keys=NAME.pub`\n",
          &llvm::errs()))
    return kUsageError;
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

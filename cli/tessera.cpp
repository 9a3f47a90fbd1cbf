//===- tessera.cpp - The batch command-line tool --------------------------===//

#include "Commands.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

static void printUsage(llvm::raw_ostream &os) {
  os << "usage: tessera <command> [options]\n\n"
        "commands:\n"
        "  compile   compile an .mlir program (see tessera compile --help)\n"
        "  run       run a function of a compiled module (see tessera run "
        "--help)\n"
        "  bench     time a function: warm-up, repetitions, min/median/max, "
        "dispatch table, JSON (see tessera bench --help)\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (argc < 2) {
    printUsage(llvm::errs());
    return tessera::cli::kUsageError;
  }
  llvm::StringRef command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    printUsage(llvm::outs());
    return tessera::cli::kSuccess;
  }
  if (command == "compile")
    return tessera::cli::runCompileCommand(argc - 1, argv + 1);
  if (command == "run")
    return tessera::cli::runRunCommand(argc - 1, argv + 1);
  if (command == "bench")
    return tessera::cli::runBenchCommand(argc - 1, argv + 1);
  llvm::errs() << "tessera: unknown command '" << command << "'\n";
  printUsage(llvm::errs());
  return tessera::cli::kUsageError;
}

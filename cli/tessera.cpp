//===- tessera.cpp - The batch command-line tool --------------------------===//

#include "Commands.h"

#include "Pipeline/CrashMessage.h"
#include "Pipeline/Version.h"
#include "Tool/CommandLine.h"

#if defined(__linux__)
#include <malloc.h>
#endif

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

static void printUsage(llvm::raw_ostream &os) {
  os << "USAGE: tessera <command> [options]\n\n"
        "Commands:\n"
        "  compile   compile .mlir programs or .onnx models, one or many in "
        "parallel\n"
        "  import    an ONNX model as the MLIR program Tessera compiles\n"
        "  run       run a function of a module (or of a .mlir program)\n"
        "  bench     time a function: min/median/max and a dispatch table\n"
        "  inspect   what a module holds: functions, executables, constants\n"
        "  keygen    a key pair to sign modules and to check them by\n\n"
        "  tessera <command> --help   the command's options\n"
        "  tessera --version          Tessera's and LLVM's versions\n\n"
        "Examples:\n"
        "  tessera compile examples/mlp.mlir -o mlp.tsm\n"
        "  tessera run examples/elementwise.mlir --input=4xf32=1,2,3,4 "
        "--input=4xf32=2\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::tessera::setCrashMessage("tessera", argc, argv);
  mlir::tessera::setVersionPrinter("tessera");
#if defined(__GLIBC__)
  // Calls allocate and free their buffers each time; glibc would give the
  // heap's top back to the kernel after every call and fault it in again
  // (~40 us per call measured on a 64x64 add). Keep it; and serve buffers
  // up to glibc's largest mmap threshold (32 MiB on 64-bit; a larger value
  // is refused) from the heap, not from fresh mappings faulted in per call
  // (a 1024x1024 f32 result: ~12 ms of page faults per call).
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, sizeof(long) * (4 << 20));
#endif
  if (argc < 2) {
    printUsage(llvm::errs());
    return tessera::cli::kUsageError;
  }
  llvm::StringRef command = argv[1];
  if (mlir::tessera::isVersionRequest(argc, argv)) {
    llvm::outs() << mlir::tessera::getVersionLine("tessera") << "\n";
    return tessera::cli::kSuccess;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    printUsage(llvm::outs());
    return tessera::cli::kSuccess;
  }
  if (command == "compile")
    return tessera::cli::runCompileCommand(argc - 1, argv + 1);
  if (command == "import")
    return tessera::cli::runImportCommand(argc - 1, argv + 1);
  if (command == "run")
    return tessera::cli::runRunCommand(argc - 1, argv + 1);
  if (command == "bench")
    return tessera::cli::runBenchCommand(argc - 1, argv + 1);
  if (command == "inspect")
    return tessera::cli::runInspectCommand(argc - 1, argv + 1);
  if (command == "keygen")
    return tessera::cli::runKeygenCommand(argc - 1, argv + 1);
  std::string closest = mlir::tessera::closestMatch(
      command, {"compile", "import", "run", "bench", "inspect", "keygen"});
  llvm::errs() << "tessera: error: unknown command '" << command << "'"
               << (closest.empty() ? "" : "; did you mean '" + closest + "'?")
               << "\n\n";
  printUsage(llvm::errs());
  return tessera::cli::kUsageError;
}

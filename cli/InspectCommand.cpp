//===- InspectCommand.cpp - tessera inspect -------------------------------===//
//
// What a module file holds, without loading it: functions and signatures,
// executables with formats, exports, binding layouts and sizes, constants;
// with --host-program, the host programs' instructions and locations.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "Pipeline/InputFile.h"
#include "Tool/CommandLine.h"

#include "HostProgramText.h"
#include "ModuleInfo.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace tessera::cli {

int runInspectCommand(int argc, char **argv) {
  cl::OptionCategory category("Options");
  cl::opt<std::string> input(cl::Positional, cl::desc("<module.tsm>"),
                             cl::cat(category));
  cl::opt<bool> json("json", cl::desc("Print it as JSON"), cl::cat(category));
  cl::opt<bool> hostProgram(
      "host-program",
      cl::desc(
          "Print the host programs: each instruction, its source location"),
      cl::cat(category));
  mlir::tessera::ToolDescription tool{
      "tessera inspect",
      "[options] <module.tsm>",
      "What a module holds, without loading it: functions and signatures, "
      "executables with their\nformats, exports and binding layouts, "
      "constants, sizes and the signer; or its host programs.",
      {&category},
      {"tessera inspect mlp.tsm", "tessera inspect mlp.tsm --json",
       "tessera inspect mlp.tsm --host-program  # instructions, locations"},
      {}};
  if (std::optional<int> exit =
          mlir::tessera::parseToolCommandLine(argc, argv, tool))
    return *exit;
  if (input.empty()) {
    llvm::errs() << "tessera inspect: no module (tessera inspect "
                    "MODULE.tsm [--json] [--host-program])\n";
    return kUsageError;
  }
  auto buffer = mlir::tessera::readInputFile(input);
  if (!buffer) {
    llvm::errs() << "tessera inspect: error: "
                 << llvm::toString(buffer.takeError()) << "\n";
    return kCompileError;
  }
  auto print = [&](auto described) {
    if (!described) {
      llvm::errs() << input << ": error: " << described.status().message();
      if (llvm::StringRef(input).ends_with(".mlir"))
        llvm::errs() << " (this is IR; tessera compile " << input
                     << " -o NAME.tsm makes a module of it)";
      llvm::errs() << "\n";
      return kCompileError;
    }
    llvm::outs() << (json ? rt::tooling::toJson(*described)
                          : rt::tooling::toText(*described));
    return kSuccess;
  };
  const char *start = (*buffer)->getBufferStart();
  size_t size = (*buffer)->getBufferSize();
  return hostProgram ? print(rt::tooling::readHostPrograms(start, size))
                     : print(rt::tooling::describeModule(start, size));
}

} // namespace tessera::cli

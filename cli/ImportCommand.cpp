//===- ImportCommand.cpp - tessera import ---------------------------------===//
//
// `tessera import model.onnx -o model.mlir`: the program the compiler makes
// of a model, as text (weights as resource blobs at the end) or, for
// `-o NAME.mlirbc`, as bytecode (the blobs stored raw). Either compiles
// like any program; compile/run/bench also take the .onnx directly.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "Import/ONNX/ImportONNX.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/OutputFile.h"
#include "Tool/CommandLine.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace tessera::cli {

int runImportCommand(int argc, char **argv) {
  namespace cl = llvm::cl;
  cl::OptionCategory category("Options");
  cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"),
                             cl::cat(category));
  cl::opt<std::string> output(
      "o",
      cl::desc("Write the program here (default: standard output); "
               "NAME.mlirbc writes bytecode"),
      cl::value_desc("FILE"), cl::init("-"), cl::cat(category));
  mlir::tessera::ToolDescription tool{
      "tessera import",
      "<model.onnx> [-o FILE.mlir | FILE.mlirbc]",
      "Imports an ONNX model (opsets 13-17; older ones are converted) as the "
      "program Tessera compiles:\none func.func @main of tosa, linalg and "
      "tensor ops, its weights as resource blobs.",
      {&category},
      {"tessera import resnet50.onnx -o resnet50.mlir",
       "tessera import resnet50.onnx -o resnet50.mlirbc   # bytecode: "
       "weights stored raw",
       "tessera run resnet50.onnx --input=@x.npy   # or import and compile "
       "in one step"},
      {}};
  if (std::optional<int> exit =
          mlir::tessera::parseToolCommandLine(argc, argv, tool))
    return *exit;
  if (input.empty()) {
    llvm::errs() << "tessera import: no input (tessera import MODEL.onnx -o "
                    "MODEL.mlir; see --help)\n";
    return kUsageError;
  }
  if (!mlir::tessera::isONNXPath(input)) {
    llvm::errs() << "tessera import: error: " << input
                 << ": not an .onnx model (tessera import reads ONNX; "
                    "tessera compile takes .mlir programs)\n";
    return kUsageError;
  }
  mlir::tessera::CompileSession session;
  bool ok = succeeded(session.loadFile(input));
  for (const auto &diagnostic : session.getDiagnostics())
    llvm::errs() << diagnostic.format() << "\n";
  if (!ok)
    return kCompileError;
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (llvm::StringRef(output).ends_with(".mlirbc")) {
    if (failed(mlir::writeBytecodeToFile(session.getModule(), os))) {
      llvm::errs() << "tessera import: error: cannot write bytecode\n";
      return kCompileError;
    }
  } else {
    session.getModule()->print(os);
  }
  if (llvm::Error error = mlir::tessera::writeFileAtomically(output, bytes)) {
    llvm::errs() << "tessera import: error: "
                 << llvm::toString(std::move(error)) << "\n";
    return kCompileError;
  }
  return kSuccess;
}

} // namespace tessera::cli

//===- tessera-opt.cpp - mlir-opt with Tessera's dialects and passes ------===//
//
// Every pass of the compiler is registered here so that each can be tested
// alone with lit + FileCheck.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/CrashMessage.h"
#include "Pipeline/Registration.h"
#include "Pipeline/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace {

/// Tessera's passes and pipelines, for the top of --help: upstream MLIR
/// registers some three hundred more, and a user looks for these first.
std::string describeTesseraPasses() {
  // Registering mlir-opt's options made every pass an option name.
  std::map<std::string, std::string> passes, pipelines;
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.first;
    if (!name.starts_with("tessera-"))
      continue;
    if (const mlir::PassInfo *info = mlir::PassInfo::lookup(name))
      passes[name.str()] = info->getPassDescription().str();
    else if (const mlir::PassPipelineInfo *info =
                 mlir::PassPipelineInfo::lookup(name))
      pipelines[name.str()] = info->getPassDescription().str();
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  auto list = [&](llvm::StringRef title, const auto &entries) {
    os << title << ":\n";
    for (const auto &[name, description] : entries)
      os << "  --" << llvm::left_justify(name, 48) << " " << description
         << "\n";
    os << "\n";
  };
  list("Tessera's passes", passes);
  list("Tessera's pass pipelines", pipelines);
  return text;
}

} // namespace

int main(int argc, char **argv) {
  mlir::tessera::setCrashMessage("tessera-opt", argc, argv);
  mlir::tessera::setVersionPrinter("tessera-opt");
  mlir::DialectRegistry registry;
  mlir::tessera::registerAllDialects(registry);
  mlir::tessera::registerAllPasses();
  std::string header = mlir::registerCLIOptions("tessera-opt", registry)
                           .substr(sizeof("tessera-opt") - 1);
  header = "tessera-opt: mlir-opt with Tessera's dialects and passes; runs "
           "any pass or pipeline alone,\ne.g. tessera-opt "
           "--tessera-flow-form-dispatches in.mlir\n\n" +
           describeTesseraPasses() +
           "Upstream MLIR's passes and every option follow.\n" + header;
  auto [input, output] = mlir::parseCLIOptions(argc, argv, header);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}

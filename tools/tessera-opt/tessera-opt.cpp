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
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::tessera::setCrashMessage("tessera-opt", argc, argv);
  mlir::tessera::setVersionPrinter("tessera-opt");
  mlir::DialectRegistry registry;
  mlir::tessera::registerAllDialects(registry);
  mlir::tessera::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tessera optimizer driver\n", registry));
}

//===- HALDialect.cpp - hal dialect and types -----------------------------===//

#include "Dialect/HAL/IR/HALDialect.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::hal;

#include "Dialect/HAL/IR/HALDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "Dialect/HAL/IR/HALTypes.cpp.inc"

namespace {

/// Prints layouts and targets once at the top of the module
/// (`#pipeline_layout`, `#executable_target_embedded_elf_x86_64`): targets
/// carry long feature lists and many exports share one layout.
struct HALOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    if (isa<PipelineLayoutAttr>(attr)) {
      os << "pipeline_layout";
      return AliasResult::OverridableAlias;
    }
    if (auto target = dyn_cast<ExecutableTargetAttr>(attr)) {
      std::string format = target.getFormat().getValue().str();
      std::replace(format.begin(), format.end(), '-', '_');
      os << "executable_target_" << format;
      return AliasResult::OverridableAlias;
    }
    return AliasResult::NoAlias;
  }
};

} // namespace

void HALDialect::initialize() {
  addInterfaces<HALOpAsmInterface>();
  addTypes<
#define GET_TYPEDEF_LIST
#include "Dialect/HAL/IR/HALTypes.cpp.inc"
      >();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "Dialect/HAL/IR/HALOps.cpp.inc"
      >();
}

//===- HALAttrs.cpp - hal dialect, types and attributes -------------------===//

#include "Dialect/HAL/IR/HALDialect.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::hal;

#include "Dialect/HAL/IR/HALOpsDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "Dialect/HAL/IR/HALTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Dialect/HAL/IR/HALAttrs.cpp.inc"

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
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Dialect/HAL/IR/HALAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Dialect/HAL/IR/HALOps.cpp.inc"
      >();
}

StringRef ExecutableTargetAttr::getConfigString(StringRef key) const {
  if (!getConfiguration())
    return "";
  if (auto value = getConfiguration().getAs<StringAttr>(key))
    return value.getValue();
  return "";
}

LogicalResult
ExecutableObjectAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                             StringAttr path, DenseIntElementsAttr data) {
  if (!path && !data)
    return emitError() << "executable object needs a path or data";
  if (data && !data.getElementType().isInteger(8))
    return emitError() << "executable object data must be i8 elements";
  return success();
}

Attribute DescriptorSetBindingAttr::parse(AsmParser &parser, Type) {
  int64_t ordinal = 0;
  StringRef type;
  if (parser.parseLess() || parser.parseInteger(ordinal) ||
      parser.parseComma() || parser.parseKeyword(&type))
    return {};
  if (type != "storage_buffer" && type != "uniform_buffer") {
    parser.emitError(parser.getCurrentLocation(),
                     "expected storage_buffer or uniform_buffer but got '")
        << type << "'";
    return {};
  }
  bool readOnly = false;
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseKeyword("ReadOnly"))
      return {};
    readOnly = true;
  }
  if (parser.parseGreater())
    return {};
  return get(parser.getContext(), ordinal,
             StringAttr::get(parser.getContext(), type), readOnly);
}

void DescriptorSetBindingAttr::print(AsmPrinter &p) const {
  p << "<" << getOrdinal() << ", " << getType().getValue();
  if (getReadOnly())
    p << ", ReadOnly";
  p << ">";
}

unsigned PipelineLayoutAttr::getBindingCount() const {
  unsigned count = 0;
  for (DescriptorSetLayoutAttr set : getSets())
    count += set.getBindings().size();
  return count;
}

//===- HALAttrs.cpp - hal dialect attributes ------------------------------===//

#include "Dialect/HAL/IR/HALDialect.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tessera::hal;

#define GET_ATTRDEF_CLASSES
#include "Dialect/HAL/IR/HALAttrs.cpp.inc"

void HALDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Dialect/HAL/IR/HALAttrs.cpp.inc"
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

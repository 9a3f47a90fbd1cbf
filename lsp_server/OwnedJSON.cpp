//===- OwnedJSON.cpp - JSON values that own their strings -----------------===//

#include "OwnedJSON.h"

namespace tessera::lsp {

using llvm::json::Value;

Value own(const Value &value) {
  switch (value.kind()) {
  case Value::String:
    return Value(value.getAsString()->str());
  case Value::Array: {
    llvm::json::Array array;
    for (const Value &element : *value.getAsArray())
      array.push_back(own(element));
    return array;
  }
  case Value::Object: {
    llvm::json::Object object;
    for (const auto &[key, element] : *value.getAsObject())
      object[key.str()] = own(element);
    return object;
  }
  default:
    return value;
  }
}

} // namespace tessera::lsp

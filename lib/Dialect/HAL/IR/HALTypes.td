//===- HALTypes.td - hal dialect types ---------------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HAL_HALTYPES
#define TESSERA_DIALECT_HAL_HALTYPES

include "Dialect/HAL/IR/HALBase.td"
include "mlir/IR/AttrTypeBase.td"

class HAL_Type<string name, string typeMnemonic>
    : TypeDef<HAL_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def HAL_Device : HAL_Type<"Device", "device"> {
  let summary = "The device a program runs on (queried in count regions)";
}

def HAL_Executable : HAL_Type<"Executable", "executable"> {
  let summary = "A loaded executable";
}

def HAL_Buffer : HAL_Type<"Buffer", "buffer"> {
  let summary = "A host-local byte buffer (inline execution binds these)";
}

#endif // TESSERA_DIALECT_HAL_HALTYPES

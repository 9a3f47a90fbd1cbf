//===- FlowBase.td - flow dialect definition ---------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_FLOW_FLOWBASE
#define TESSERA_DIALECT_FLOW_FLOWBASE

include "mlir/IR/OpBase.td"

def Flow_Dialect : Dialect {
  let name = "flow";
  let cppNamespace = "::mlir::tessera::flow";
  let summary = "Dispatch formation: executables and the dispatches of them";
  let description = [{
    The flow dialect models a program as host code on tensors that dispatches
    outlined executables (`flow.executable`) over a workload
    (`flow.dispatch`). It sits between the linalg-on-tensors input and the
    target-specific `hal` dialect.
  }];
}

class Flow_Op<string mnemonic, list<Trait> traits = []>
    : Op<Flow_Dialect, mnemonic, traits>;

#endif // TESSERA_DIALECT_FLOW_FLOWBASE

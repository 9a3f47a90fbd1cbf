//===- FlowOps.h - flow dialect operations --------------------*- C++ -*-===//
#ifndef TESSERA_DIALECT_FLOW_IR_FLOWOPS_H
#define TESSERA_DIALECT_FLOW_IR_FLOWOPS_H

#include "Dialect/Flow/IR/FlowDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Dialect/Flow/IR/FlowOps.h.inc"

#endif // TESSERA_DIALECT_FLOW_IR_FLOWOPS_H

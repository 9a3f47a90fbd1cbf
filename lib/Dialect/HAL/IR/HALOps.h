//===- HALOps.h - hal dialect operations ----------------------*- C++ -*-===//
#ifndef TESSERA_DIALECT_HAL_IR_HALOPS_H
#define TESSERA_DIALECT_HAL_IR_HALOPS_H

#include "Dialect/HAL/IR/HALDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Dialect/HAL/IR/HALOps.h.inc"

#endif // TESSERA_DIALECT_HAL_IR_HALOPS_H

//===- FlowDialect.h - flow dialect ---------------------------*- C++ -*-===//
#ifndef TESSERA_DIALECT_FLOW_IR_FLOWDIALECT_H
#define TESSERA_DIALECT_FLOW_IR_FLOWDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Dialect/Flow/IR/FlowOpsDialect.h.inc"

#endif // TESSERA_DIALECT_FLOW_IR_FLOWDIALECT_H

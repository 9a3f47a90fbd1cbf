//===- HALLoaderOps.h - hal_loader dialect operations ---------*- C++ -*-===//
#ifndef TESSERA_DIALECT_HALLOADER_IR_HALLOADEROPS_H
#define TESSERA_DIALECT_HALLOADER_IR_HALLOADEROPS_H

#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Dialect/HALLoader/IR/HALLoaderOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "Dialect/HALLoader/IR/HALLoaderOps.h.inc"

#endif // TESSERA_DIALECT_HALLOADER_IR_HALLOADEROPS_H

//===- HALDialect.h - hal dialect, types and attributes -------*- C++ -*-===//
#ifndef TESSERA_DIALECT_HAL_IR_HALDIALECT_H
#define TESSERA_DIALECT_HAL_IR_HALDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "Dialect/HAL/IR/HALOpsDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "Dialect/HAL/IR/HALTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Dialect/HAL/IR/HALAttrs.h.inc"

#endif // TESSERA_DIALECT_HAL_IR_HALDIALECT_H

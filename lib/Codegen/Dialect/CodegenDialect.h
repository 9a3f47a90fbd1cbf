//===- CodegenDialect.h - tessera_codegen dialect ---------------*- C++ -*-===//
#ifndef TESSERA_CODEGEN_DIALECT_CODEGENDIALECT_H
#define TESSERA_CODEGEN_DIALECT_CODEGENDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "Codegen/Dialect/CodegenDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Codegen/Dialect/CodegenAttrs.h.inc"

#endif // TESSERA_CODEGEN_DIALECT_CODEGENDIALECT_H

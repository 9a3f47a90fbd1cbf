//===- GuardIntegerDivision.h - Integer division without traps --*- C++ -*-===//
//
// x86's integer division traps on a zero divisor and on INT_MIN / -1, and a
// trap in a dispatch ends the process that runs it (a Python interpreter,
// the explorer). MLIR leaves both undefined; Tessera's CPU kernels define
// them: the divisor becomes 1 there, so x / 0 is x (for ceil and floor
// divisions too), INT_MIN / -1 is INT_MIN (the two's complement wrap) and
// both remainders are 0. Divisions by a
// constant that can do neither stay as they are.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_GUARDINTEGERDIVISION_H
#define TESSERA_CODEGEN_LLVMCPU_GUARDINTEGERDIVISION_H

#include "mlir/IR/BuiltinOps.h"

namespace mlir::tessera::llvmcpu {

/// Rewrites every arith.divsi/divui/remsi/remui and ceil/floor division in
/// `module` whose divisor may be zero (or -1 for a signed one) to divide by
/// a guarded divisor, and expands the ceil and floor divisions (guarded
/// whole first, so that their x / 0 is x too).
LogicalResult guardIntegerDivisions(ModuleOp module);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_GUARDINTEGERDIVISION_H

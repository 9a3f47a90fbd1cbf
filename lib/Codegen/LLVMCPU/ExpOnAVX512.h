//===- ExpOnAVX512.h - exp on 16-lane f32 vectors with vscalefps -*- C++
//-*-===//
//
// A SiLU, a sigmoid or a softmax spends most of its time in exp: upstream's
// polynomial approximation (about 20 instructions a vector) builds 2^k from
// the exponent's bits, clamping both the argument and k so that the bits
// stay a normal float. AVX-512's vscalefps multiplies by 2^k directly and
// itself overflows to inf and underflows through the denormals, so the
// clamps that remain only keep k finite: 13 instructions a vector.
// Removing exp altogether made EfficientNet-B0 16 % faster, so each
// instruction counts.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_EXPONAVX512_H
#define TESSERA_CODEGEN_LLVMCPU_EXPONAVX512_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::llvmcpu {

/// Adds the rewrite of math.exp on vector<16xf32> into the approximation
/// above (Cody-Waite reduction by ln 2, a degree-6 polynomial, then
/// vscalefps), preferred to upstream's approximation. Only for variants
/// whose CPU has AVX-512F.
void populateExpOnAVX512Patterns(RewritePatternSet &patterns);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_EXPONAVX512_H

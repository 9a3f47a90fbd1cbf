//===- OpConverters.h - The op types the importer lowers ------*- C++ -*-===//
//
// One registration function per family of ops, each in its own file; the
// table maps an ONNX op type (default domain) to its converter.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_IMPORT_ONNX_OPCONVERTERS_H
#define TESSERA_IMPORT_ONNX_OPCONVERTERS_H

#include "Import/ONNX/GraphImporter.h"

#include "llvm/ADT/StringMap.h"

namespace mlir::tessera::onnx_import {

using ConverterTable = llvm::StringMap<Converter>;

/// Add/Sub/Mul/Div/Pow, activations, Cast, Where, comparisons.
void addElementwiseConverters(ConverterTable &table);
/// Conv, pooling, BatchNormalization.
void addConvolutionConverters(ConverterTable &table);
/// MatMul, Gemm.
void addMatMulConverters(ConverterTable &table);
/// Reshape, Transpose, Concat, Slice, Gather, Shape, Constant, ...
void addShapeConverters(ConverterTable &table);
/// Softmax, LayerNormalization, reductions.
void addNormalizationConverters(ConverterTable &table);

const ConverterTable &getConverters();

} // namespace mlir::tessera::onnx_import

#endif // TESSERA_IMPORT_ONNX_OPCONVERTERS_H

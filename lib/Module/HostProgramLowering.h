//===- HostProgramLowering.h - Host functions to host programs --*- C++ -*-===//
#ifndef TESSERA_MODULE_HOSTPROGRAMLOWERING_H
#define TESSERA_MODULE_HOSTPROGRAMLOWERING_H

#include "Module/ModuleBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace flatbuffers {
class FlatBufferBuilder;
} // namespace flatbuffers

namespace mlir::tessera::hal_loader {
class ExecutableGlobalOp;
} // namespace mlir::tessera::hal_loader

namespace mlir::tessera::module {

/// Lowers a host function (tensors, index arithmetic, hal_loader dispatches
/// on host buffers) to a host program appended to `fbb`; returns the offset
/// of the schema::Function table. Tensors become buffers: allocations sized
/// from their dims, constant views, aliases for reshapes.
FailureOr<uint32_t> lowerHostFunction(func::FuncOp func, ModuleBuilder &module,
                                      flatbuffers::FlatBufferBuilder &fbb);

/// The module initializer: every global's initializer, in order, each
/// storing the index of the executable it loaded into its global.
FailureOr<uint32_t>
lowerInitializer(ArrayRef<hal_loader::ExecutableGlobalOp> globals,
                 ModuleBuilder &module, flatbuffers::FlatBufferBuilder &fbb);

} // namespace mlir::tessera::module

#endif // TESSERA_MODULE_HOSTPROGRAMLOWERING_H

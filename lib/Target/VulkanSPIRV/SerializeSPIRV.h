//===- SerializeSPIRV.h - vulkan-spirv variants to binaries -----*- C++ -*-===//
#ifndef TESSERA_TARGET_VULKANSPIRV_SERIALIZESPIRV_H
#define TESSERA_TARGET_VULKANSPIRV_SERIALIZESPIRV_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::tessera::target {

/// On a hal.executable: each `vulkan-spirv` variant becomes a
/// `hal.executable.binary` of format "vulkan-spirv-fb" holding one SPIR-V
/// module. Only variants made of an extern SPIR-V object are supported so
/// far (no SPIR-V code generation yet): the object must be a SPIR-V module
/// valid for Vulkan 1.2 (SPIRV-Tools' validator) with a GLCompute entry
/// point per export, named like it.
std::unique_ptr<Pass> createSerializeSPIRVExecutablesPass();

void registerSerializeSPIRVExecutablesPass();

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_VULKANSPIRV_SERIALIZESPIRV_H

//===- SerializeSPIRV.h - vulkan-spirv variants to binaries -----*- C++ -*-===//
#ifndef TESSERA_TARGET_VULKANSPIRV_SERIALIZESPIRV_H
#define TESSERA_TARGET_VULKANSPIRV_SERIALIZESPIRV_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::tessera::target {

/// On a hal.executable: each `vulkan-spirv` variant becomes a
/// `hal.executable.binary` of format "vulkan-spirv-fb" holding one SPIR-V
/// module: its compiled spirv.module, or its one extern SPIR-V object. The
/// module must be valid for Vulkan 1.2 (SPIRV-Tools' validator) with a
/// GLCompute entry point per export, named like it.
std::unique_ptr<Pass> createSerializeSPIRVExecutablesPass();

/// On the program: merges the spirv.modules that linking put into one
/// vulkan-spirv variant into one (shared equivalent symbols, renamed
/// clashes).
std::unique_ptr<Pass> createLinkSPIRVModulesPass();

void registerSerializeSPIRVExecutablesPass();

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_VULKANSPIRV_SERIALIZESPIRV_H

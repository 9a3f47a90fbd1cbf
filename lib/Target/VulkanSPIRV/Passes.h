//===- Passes.h - vulkan-spirv linking and serialization -------*- C++ -*-===//
#ifndef TESSERA_TARGET_VULKANSPIRV_PASSES_H
#define TESSERA_TARGET_VULKANSPIRV_PASSES_H

#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::target {

#define GEN_PASS_DECL
#include "Target/VulkanSPIRV/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Target/VulkanSPIRV/Passes.h.inc"

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_VULKANSPIRV_PASSES_H

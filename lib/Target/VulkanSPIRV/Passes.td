//===- Passes.td - vulkan-spirv linking and serialization --*- tablegen -*-===//
#ifndef TESSERA_TARGET_VULKANSPIRV_PASSES
#define TESSERA_TARGET_VULKANSPIRV_PASSES

include "mlir/Pass/PassBase.td"

def LinkSPIRVModulesPass
    : Pass<"tessera-vulkan-link-spirv-modules", "mlir::ModuleOp"> {
  let summary = "Merges the spirv.modules of each linked vulkan-spirv variant";
  let description = [{
    Linking moves the spirv.modules of several dispatches into one variant;
    they are merged into one as the linker merges inner modules: equivalent
    symbols are shared, different ones of the same name are renamed, and
    the version, capabilities and extensions are recomputed.
  }];
}

def SerializeSPIRVExecutablesPass
    : Pass<"tessera-vulkan-serialize-spirv",
           "mlir::tessera::hal::ExecutableOp"> {
  let summary = "vulkan-spirv variants (extern SPIR-V objects) to binaries";
  let description = [{
    Each `vulkan-spirv` variant becomes a `hal.executable.binary` of format
    "vulkan-spirv-fb" holding one SPIR-V module: its compiled spirv.module,
    or its one extern SPIR-V object. The module must be valid for Vulkan 1.2
    (SPIRV-Tools' validator) with a GLCompute entry point per export, named
    like it.
  }];
}

#endif // TESSERA_TARGET_VULKANSPIRV_PASSES

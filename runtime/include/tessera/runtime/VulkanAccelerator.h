//===- VulkanAccelerator.h - Modules' Vulkan executables --------*- C++ -*-===//
//
// The Vulkan device as a module loader's accelerator: "vulkan-spirv-fb"
// binaries (one SPIR-V module, an entry point per export) load as compute
// pipelines. A call's dispatches are one submission: each host buffer they
// bind is copied to the device once, stays there between dispatches, and
// comes back once if written (host buffers stay the program's memory).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_VULKANACCELERATOR_H
#define TESSERA_RUNTIME_VULKANACCELERATOR_H

#include "tessera/runtime/Accelerator.h"
#include "tessera/runtime/VulkanDevice.h"

namespace tessera::rt::vulkan {

std::shared_ptr<Accelerator> makeAccelerator(std::shared_ptr<Device> device);

} // namespace tessera::rt::vulkan

#endif // TESSERA_RUNTIME_VULKANACCELERATOR_H

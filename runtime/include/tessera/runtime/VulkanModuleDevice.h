//===- VulkanModuleDevice.h - Modules' Vulkan executables -------*- C++ -*-===//
//
// The Vulkan device as a module's device: "vulkan-spirv-fb" binaries (one
// SPIR-V module, an entry point per export) load as compute pipelines. A
// call's dispatches are one submission: each host buffer they bind is
// copied to the device once, stays there between dispatches, and comes
// back once if written (host buffers stay the program's memory).
// Linking TesseraRuntimeVulkan registers the "vulkan" scheme with
// Runtime::createDevice ("vulkan", "vulkan://N", "?validation=1").
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_VULKANMODULEDEVICE_H
#define TESSERA_RUNTIME_VULKANMODULEDEVICE_H

#include "tessera/runtime/Device.h"
#include "tessera/runtime/VulkanDevice.h"

namespace tessera::rt::vulkan {

/// A module device on an open Vulkan device (shared, e.g. to read its
/// validation messages).
std::shared_ptr<rt::Device> makeModuleDevice(std::shared_ptr<Device> device);

} // namespace tessera::rt::vulkan

#endif // TESSERA_RUNTIME_VULKANMODULEDEVICE_H

//===- VulkanDevice.h - A Vulkan compute device ------------------*- C++
//-*-===//
//
// The Vulkan side of the runtime: instance and device selection, storage
// buffers, compute kernels from SPIR-V and their dispatch. libvulkan.so.1 is
// loaded at run time (no link-time dependency): without a loader or a
// device, create() says so and the CPU keeps working. Vulkan types stay out
// of this header.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_VULKANDEVICE_H
#define TESSERA_RUNTIME_VULKANDEVICE_H

#include "tessera/runtime/DeviceQuery.h"
#include "tessera/runtime/Status.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::rt::vulkan {

struct DeviceOptions {
  /// "vulkan://N": the N-th physical device; -1: the first with a compute
  /// queue.
  int index = -1;
  /// Enable VK_LAYER_KHRONOS_validation and collect its messages.
  bool validation = false;
};

/// What a physical device reports (also the answers to hal.device.query
/// "vulkan" keys).
struct DeviceInfo {
  unsigned index = 0;
  std::string name;
  /// "cpu", "integrated-gpu", "discrete-gpu", "virtual-gpu", "other".
  std::string type;
  std::string apiVersion;
  uint32_t vendorId = 0, deviceId = 0;
  uint32_t subgroupSize = 0;
  uint32_t maxWorkgroupInvocations = 0;
  std::array<uint32_t, 3> maxWorkgroupSize = {0, 0, 0};
  std::array<uint32_t, 3> maxWorkgroupCount = {0, 0, 0};
  uint32_t maxPushConstantsSize = 0;
  uint32_t maxStorageBufferRange = 0;
  /// Binding offsets into a buffer must be multiples of this.
  uint64_t minStorageBufferOffsetAlignment = 1;
  /// Nanoseconds per timestamp tick; 0 when the compute queue has none.
  double timestampPeriod = 0;
};

/// "vulkan://2" -> 2, "vulkan" -> -1; other text is an error.
StatusOr<int> parseDeviceName(std::string_view name);

class Device;

/// A host-visible storage buffer.
class Buffer {
public:
  ~Buffer();
  size_t size() const { return bytes; }
  Status upload(const void *data, size_t length, size_t offset = 0);
  Status download(void *data, size_t length, size_t offset = 0) const;

private:
  friend class Device;
  Buffer() = default;
  const Device *device = nullptr;
  size_t bytes = 0;
  uint64_t buffer = 0, memory = 0; // VkBuffer, VkDeviceMemory
  void *mapped = nullptr;
};

/// A compute pipeline: one SPIR-V entry point with its bindings (set 0,
/// storage buffers 0..N-1) and push constants.
class Kernel {
public:
  ~Kernel();
  const std::string &entryPoint() const { return entry; }
  unsigned bindingCount() const { return bindings; }
  unsigned pushConstantBytes() const { return pushBytes; }

private:
  friend class Device;
  Kernel() = default;
  const Device *device = nullptr;
  std::string entry;
  unsigned bindings = 0, pushBytes = 0;
  uint64_t module = 0, setLayout = 0, pipelineLayout = 0, pipeline = 0;
};

/// Part of a buffer bound to a dispatch; length 0: from offset to the end.
struct BufferRange {
  const Buffer *buffer = nullptr;
  size_t offset = 0, length = 0;
};

/// One dispatch of a submission.
struct DispatchCommand {
  const Kernel *kernel = nullptr;
  std::vector<BufferRange> bindings;
  std::vector<uint32_t> pushConstants;
  std::array<uint32_t, 3> workgroups = {1, 1, 1};
};

class Device {
public:
  ~Device();
  /// Fails with a message saying what is missing: the loader, a device,
  /// the index asked for, a compute queue.
  static StatusOr<std::unique_ptr<Device>> create(const DeviceOptions &options);
  /// Every physical device the loader reports.
  static StatusOr<std::vector<DeviceInfo>> enumerate();

  const DeviceInfo &info() const { return deviceInfo; }
  /// "vulkan" :: "subgroup_size" | "max_workgroup_invocations" |
  /// "max_push_constants_size" | "vendor_id"; "vulkan.device" :: "cpu" |
  /// "discrete-gpu" | ... (1 when it is that type).
  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const;

  StatusOr<std::unique_ptr<Buffer>> allocate(size_t bytes);
  /// `spirv` is checked for a SPIR-V header before the driver sees it.
  StatusOr<std::unique_ptr<Kernel>>
  createKernel(const std::vector<uint32_t> &spirv, const std::string &entry,
               unsigned bindingCount, unsigned pushConstantBytes);
  /// Records `commands` in order into one command buffer, a barrier between
  /// each (a dispatch sees the writes of those before it) and one before
  /// the host reads, submits it once and waits. Returns each dispatch's
  /// device time in microseconds, or -1s without timestamps.
  StatusOr<std::vector<double>>
  submit(const std::vector<DispatchCommand> &commands);
  /// Queue submissions so far.
  uint64_t submissionCount() const { return submissions; }
  /// One dispatch of whole buffers (submit of one command).
  StatusOr<double> dispatch(const Kernel &kernel,
                            const std::vector<const Buffer *> &bindings,
                            const std::vector<uint32_t> &pushConstants,
                            std::array<uint32_t, 3> workgroups);

  /// Validation layer messages (warnings and errors) since creation.
  const std::vector<std::string> &validationMessages() const;

  struct State;

private:
  friend class Buffer;
  friend class Kernel;
  Device() = default;
  Status checkCommand(const DispatchCommand &command) const;
  /// Pools for `sets` descriptor sets of `descriptors` buffers in all.
  Status reservePools(size_t sets, size_t descriptors);
  std::unique_ptr<State> state;
  DeviceInfo deviceInfo;
  uint64_t submissions = 0;
};

} // namespace tessera::rt::vulkan

#endif // TESSERA_RUNTIME_VULKANDEVICE_H

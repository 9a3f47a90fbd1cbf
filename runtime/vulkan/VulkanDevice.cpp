//===- VulkanDevice.cpp - A Vulkan compute device -------------------------===//
//
// Every Vulkan entry point is fetched through vkGetInstanceProcAddr /
// vkGetDeviceProcAddr from a libvulkan.so.1 opened with dlopen, so the
// runtime runs (on the CPU) where no Vulkan loader is installed.
//
//===----------------------------------------------------------------------===//

#define VK_NO_PROTOTYPES
#include "tessera/runtime/VulkanDevice.h"

#include <vulkan/vulkan.h>

#include <cstring>
#include <dlfcn.h>
#include <mutex>

namespace tessera::rt::vulkan {

namespace {

// Instance-level entry points.
#define TESSERA_VK_INSTANCE_FUNCTIONS(X)                                       \
  X(vkDestroyInstance)                                                         \
  X(vkEnumeratePhysicalDevices)                                                \
  X(vkGetPhysicalDeviceProperties)                                             \
  X(vkGetPhysicalDeviceProperties2)                                            \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                  \
  X(vkGetPhysicalDeviceMemoryProperties)                                       \
  X(vkCreateDevice)                                                            \
  X(vkGetDeviceProcAddr)

// Device-level entry points.
#define TESSERA_VK_DEVICE_FUNCTIONS(X)                                         \
  X(vkDestroyDevice)                                                           \
  X(vkGetDeviceQueue)                                                          \
  X(vkCreateBuffer)                                                            \
  X(vkDestroyBuffer)                                                           \
  X(vkGetBufferMemoryRequirements)                                             \
  X(vkAllocateMemory)                                                          \
  X(vkFreeMemory)                                                              \
  X(vkBindBufferMemory)                                                        \
  X(vkMapMemory)                                                               \
  X(vkUnmapMemory)                                                             \
  X(vkCreateShaderModule)                                                      \
  X(vkDestroyShaderModule)                                                     \
  X(vkCreateDescriptorSetLayout)                                               \
  X(vkDestroyDescriptorSetLayout)                                              \
  X(vkCreatePipelineLayout)                                                    \
  X(vkDestroyPipelineLayout)                                                   \
  X(vkCreateComputePipelines)                                                  \
  X(vkDestroyPipeline)                                                         \
  X(vkCreateDescriptorPool)                                                    \
  X(vkDestroyDescriptorPool)                                                   \
  X(vkResetDescriptorPool)                                                     \
  X(vkAllocateDescriptorSets)                                                  \
  X(vkUpdateDescriptorSets)                                                    \
  X(vkCreateCommandPool)                                                       \
  X(vkDestroyCommandPool)                                                      \
  X(vkAllocateCommandBuffers)                                                  \
  X(vkResetCommandBuffer)                                                      \
  X(vkBeginCommandBuffer)                                                      \
  X(vkEndCommandBuffer)                                                        \
  X(vkCmdBindPipeline)                                                         \
  X(vkCmdBindDescriptorSets)                                                   \
  X(vkCmdPushConstants)                                                        \
  X(vkCmdDispatch)                                                             \
  X(vkCmdPipelineBarrier)                                                      \
  X(vkCmdResetQueryPool)                                                       \
  X(vkCmdWriteTimestamp)                                                       \
  X(vkCreateQueryPool)                                                         \
  X(vkDestroyQueryPool)                                                        \
  X(vkGetQueryPoolResults)                                                     \
  X(vkCreateFence)                                                             \
  X(vkDestroyFence)                                                            \
  X(vkResetFences)                                                             \
  X(vkWaitForFences)                                                           \
  X(vkQueueSubmit)                                                             \
  X(vkDeviceWaitIdle)

#define TESSERA_VK_DECLARE(name) PFN_##name name = nullptr;

/// libvulkan.so.1 and its global entry points, opened once per process.
struct Loader {
  void *library = nullptr;
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
  PFN_vkCreateInstance vkCreateInstance = nullptr;
  PFN_vkEnumerateInstanceLayerProperties vkEnumerateInstanceLayerProperties =
      nullptr;
  std::string error;

  static const Loader &get() {
    static Loader loader = [] {
      Loader l;
      l.library = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
      if (!l.library) {
        l.error = "no Vulkan loader (libvulkan.so.1 cannot be opened: " +
                  std::string(dlerror()) + ")";
        return l;
      }
      l.vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(
          dlsym(l.library, "vkGetInstanceProcAddr"));
      if (!l.vkGetInstanceProcAddr) {
        l.error = "libvulkan.so.1 has no vkGetInstanceProcAddr";
        return l;
      }
      l.vkCreateInstance = reinterpret_cast<PFN_vkCreateInstance>(
          l.vkGetInstanceProcAddr(nullptr, "vkCreateInstance"));
      l.vkEnumerateInstanceLayerProperties =
          reinterpret_cast<PFN_vkEnumerateInstanceLayerProperties>(
              l.vkGetInstanceProcAddr(nullptr,
                                      "vkEnumerateInstanceLayerProperties"));
      return l;
    }();
    return loader;
  }
};

std::string resultName(VkResult result) {
  switch (result) {
  case VK_ERROR_OUT_OF_HOST_MEMORY:
    return "VK_ERROR_OUT_OF_HOST_MEMORY";
  case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
  case VK_ERROR_INITIALIZATION_FAILED:
    return "VK_ERROR_INITIALIZATION_FAILED";
  case VK_ERROR_DEVICE_LOST:
    return "VK_ERROR_DEVICE_LOST";
  case VK_ERROR_LAYER_NOT_PRESENT:
    return "VK_ERROR_LAYER_NOT_PRESENT";
  case VK_ERROR_EXTENSION_NOT_PRESENT:
    return "VK_ERROR_EXTENSION_NOT_PRESENT";
  case VK_ERROR_INCOMPATIBLE_DRIVER:
    return "VK_ERROR_INCOMPATIBLE_DRIVER";
  case VK_TIMEOUT:
    return "VK_TIMEOUT";
  default:
    return "VkResult " + std::to_string(static_cast<int>(result));
  }
}

Status check(VkResult result, const char *what) {
  if (result == VK_SUCCESS)
    return Status();
  return Status::error(std::string("vulkan: ") + what + " failed (" +
                       resultName(result) + ")");
}

const char *typeName(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_CPU:
    return "cpu";
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    return "integrated-gpu";
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    return "discrete-gpu";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
    return "virtual-gpu";
  default:
    return "other";
  }
}

} // namespace

StatusOr<int> parseDeviceName(std::string_view name) {
  if (name == "vulkan")
    return -1;
  constexpr std::string_view prefix = "vulkan://";
  if (name.substr(0, prefix.size()) != prefix)
    return Status::error("not a Vulkan device name: '" + std::string(name) +
                         "' (vulkan or vulkan://N)");
  std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || digits.size() > 4 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return Status::error("bad Vulkan device index in '" + std::string(name) +
                         "'");
  return std::stoi(std::string(digits));
}

struct Device::State {
  TESSERA_VK_INSTANCE_FUNCTIONS(TESSERA_VK_DECLARE)
  TESSERA_VK_DEVICE_FUNCTIONS(TESSERA_VK_DECLARE)
  PFN_vkDestroyDebugUtilsMessengerEXT vkDestroyDebugUtilsMessengerEXT = nullptr;
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkPhysicalDeviceMemoryProperties memory = {};
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer commandBuffer = VK_NULL_HANDLE;
  VkDescriptorPool descriptorPool = VK_NULL_HANDLE;
  VkQueryPool queryPool = VK_NULL_HANDLE;
  size_t setCapacity = 0, descriptorCapacity = 0, queryCapacity = 0;
  VkFence fence = VK_NULL_HANDLE;
  std::mutex messagesMutex;
  std::vector<std::string> messages;

  template <typename T> T instanceFunction(const char *name) {
    return reinterpret_cast<T>(
        Loader::get().vkGetInstanceProcAddr(instance, name));
  }
};

namespace {

VKAPI_ATTR VkBool32 VKAPI_CALL
collectMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
               VkDebugUtilsMessageTypeFlagsEXT,
               const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
  if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
    return VK_FALSE;
  auto *state = static_cast<Device::State *>(user);
  std::lock_guard<std::mutex> lock(state->messagesMutex);
  state->messages.push_back(data && data->pMessage ? data->pMessage : "");
  return VK_FALSE;
}

/// An instance, with the validation layer when asked (and present).
Status createInstance(Device::State &state, bool validation) {
  const Loader &loader = Loader::get();
  if (!loader.error.empty())
    return Status::error("vulkan: " + loader.error);
  std::vector<const char *> layers, extensions;
  if (validation) {
    uint32_t count = 0;
    loader.vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> available(count);
    loader.vkEnumerateInstanceLayerProperties(&count, available.data());
    bool found = false;
    for (const VkLayerProperties &layer : available)
      found |= std::strcmp(layer.layerName, "VK_LAYER_KHRONOS_validation") == 0;
    if (!found)
      return Status::error("vulkan: validation asked for but "
                           "VK_LAYER_KHRONOS_validation is not installed");
    layers.push_back("VK_LAYER_KHRONOS_validation");
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "tessera";
  app.pEngineName = "tessera";
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo info = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  info.enabledLayerCount = layers.size();
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = extensions.size();
  info.ppEnabledExtensionNames = extensions.data();
  VkResult created = loader.vkCreateInstance(&info, nullptr, &state.instance);
  if (created == VK_ERROR_INCOMPATIBLE_DRIVER)
    return Status::error("vulkan: no Vulkan driver is installed "
                         "(vkCreateInstance: VK_ERROR_INCOMPATIBLE_DRIVER)");
  if (Status s = check(created, "vkCreateInstance"); !s)
    return s;
#define TESSERA_VK_LOAD_INSTANCE(name)                                         \
  state.name = state.instanceFunction<PFN_##name>(#name);                      \
  if (!state.name)                                                             \
    return Status::error("vulkan: the loader has no " #name);
  TESSERA_VK_INSTANCE_FUNCTIONS(TESSERA_VK_LOAD_INSTANCE)
#undef TESSERA_VK_LOAD_INSTANCE
  if (validation) {
    auto create = state.instanceFunction<PFN_vkCreateDebugUtilsMessengerEXT>(
        "vkCreateDebugUtilsMessengerEXT");
    state.vkDestroyDebugUtilsMessengerEXT =
        state.instanceFunction<PFN_vkDestroyDebugUtilsMessengerEXT>(
            "vkDestroyDebugUtilsMessengerEXT");
    if (create) {
      VkDebugUtilsMessengerCreateInfoEXT messenger = {
          VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
      messenger.messageSeverity =
          VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
      messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      messenger.pfnUserCallback = collectMessage;
      messenger.pUserData = &state;
      if (Status s = check(
              create(state.instance, &messenger, nullptr, &state.messenger),
              "vkCreateDebugUtilsMessengerEXT");
          !s)
        return s;
    }
  }
  return Status();
}

DeviceInfo describe(Device::State &state, VkPhysicalDevice physical,
                    unsigned index) {
  VkPhysicalDeviceSubgroupProperties subgroup = {
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 properties2 = {
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  properties2.pNext = &subgroup;
  state.vkGetPhysicalDeviceProperties2(physical, &properties2);
  const VkPhysicalDeviceProperties &p = properties2.properties;
  DeviceInfo info;
  info.index = index;
  info.name = p.deviceName;
  info.type = typeName(p.deviceType);
  info.apiVersion = std::to_string(VK_API_VERSION_MAJOR(p.apiVersion)) + "." +
                    std::to_string(VK_API_VERSION_MINOR(p.apiVersion)) + "." +
                    std::to_string(VK_API_VERSION_PATCH(p.apiVersion));
  info.vendorId = p.vendorID;
  info.deviceId = p.deviceID;
  info.subgroupSize = subgroup.subgroupSize;
  info.maxWorkgroupInvocations = p.limits.maxComputeWorkGroupInvocations;
  for (int d = 0; d < 3; ++d) {
    info.maxWorkgroupSize[d] = p.limits.maxComputeWorkGroupSize[d];
    info.maxWorkgroupCount[d] = p.limits.maxComputeWorkGroupCount[d];
  }
  info.maxPushConstantsSize = p.limits.maxPushConstantsSize;
  info.maxStorageBufferRange = p.limits.maxStorageBufferRange;
  info.minStorageBufferOffsetAlignment =
      p.limits.minStorageBufferOffsetAlignment;
  info.timestampPeriod = p.limits.timestampPeriod;
  return info;
}

/// The first queue family that can compute, if any.
bool findComputeQueue(Device::State &state, VkPhysicalDevice physical,
                      uint32_t &family, bool &timestamps) {
  uint32_t count = 0;
  state.vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  state.vkGetPhysicalDeviceQueueFamilyProperties(physical, &count,
                                                 families.data());
  for (uint32_t i = 0; i < count; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      family = i;
      timestamps = families[i].timestampValidBits != 0;
      return true;
    }
  return false;
}

std::vector<VkPhysicalDevice> physicalDevices(Device::State &state) {
  uint32_t count = 0;
  state.vkEnumeratePhysicalDevices(state.instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  state.vkEnumeratePhysicalDevices(state.instance, &count, devices.data());
  devices.resize(count);
  return devices;
}

} // namespace

StatusOr<std::vector<DeviceInfo>> Device::enumerate() {
  Device probe;
  probe.state = std::make_unique<State>();
  if (Status s = createInstance(*probe.state, false); !s)
    return s;
  std::vector<DeviceInfo> infos;
  std::vector<VkPhysicalDevice> devices = physicalDevices(*probe.state);
  for (unsigned i = 0; i < devices.size(); ++i)
    infos.push_back(describe(*probe.state, devices[i], i));
  return infos;
}

StatusOr<std::unique_ptr<Device>> Device::create(const DeviceOptions &options) {
  std::unique_ptr<Device> device(new Device());
  device->state = std::make_unique<State>();
  State &state = *device->state;
  if (Status s = createInstance(state, options.validation); !s)
    return s;
  std::vector<VkPhysicalDevice> devices = physicalDevices(state);
  if (devices.empty())
    return Status::error("vulkan: the loader reports no Vulkan device");
  if (options.index >= static_cast<int>(devices.size()))
    return Status::error("vulkan: no device vulkan://" +
                         std::to_string(options.index) + " (there are " +
                         std::to_string(devices.size()) + ")");
  bool timestamps = false;
  int chosen = -1;
  for (unsigned i = 0; i < devices.size(); ++i) {
    if (options.index >= 0 && static_cast<int>(i) != options.index)
      continue;
    if (findComputeQueue(state, devices[i], state.queueFamily, timestamps)) {
      chosen = i;
      break;
    }
  }
  if (chosen < 0)
    return Status::error("vulkan: no device with a compute queue");
  state.physical = devices[chosen];
  device->deviceInfo = describe(state, state.physical, chosen);
  if (!timestamps)
    device->deviceInfo.timestampPeriod = 0;
  state.vkGetPhysicalDeviceMemoryProperties(state.physical, &state.memory);

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo = {
      VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = state.queueFamily;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkDeviceCreateInfo deviceInfo = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  // Every implementation supports it: out-of-range accesses of a shader
  // (a damaged module's sizes) stay inside the buffer they address.
  VkPhysicalDeviceFeatures features = {};
  features.robustBufferAccess = VK_TRUE;
  deviceInfo.pEnabledFeatures = &features;
  if (Status s = check(state.vkCreateDevice(state.physical, &deviceInfo,
                                            nullptr, &state.device),
                       "vkCreateDevice");
      !s)
    return s;
#define TESSERA_VK_LOAD_DEVICE(name)                                           \
  state.name = reinterpret_cast<PFN_##name>(                                   \
      state.vkGetDeviceProcAddr(state.device, #name));                         \
  if (!state.name)                                                             \
    return Status::error("vulkan: the device has no " #name);
  TESSERA_VK_DEVICE_FUNCTIONS(TESSERA_VK_LOAD_DEVICE)
#undef TESSERA_VK_LOAD_DEVICE
  state.vkGetDeviceQueue(state.device, state.queueFamily, 0, &state.queue);

  VkCommandPoolCreateInfo poolInfo = {
      VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = state.queueFamily;
  if (Status s = check(state.vkCreateCommandPool(state.device, &poolInfo,
                                                 nullptr, &state.commandPool),
                       "vkCreateCommandPool");
      !s)
    return s;
  VkCommandBufferAllocateInfo allocateInfo = {
      VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  allocateInfo.commandPool = state.commandPool;
  allocateInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  allocateInfo.commandBufferCount = 1;
  if (Status s = check(state.vkAllocateCommandBuffers(
                           state.device, &allocateInfo, &state.commandBuffer),
                       "vkAllocateCommandBuffers");
      !s)
    return s;
  // Descriptor sets and timestamp queries live for one submission: the
  // pools are reset by each and grow with the largest.
  if (Status s = device->reservePools(1, 64); !s)
    return s;
  VkFenceCreateInfo fenceInfo = {VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if (Status s = check(
          state.vkCreateFence(state.device, &fenceInfo, nullptr, &state.fence),
          "vkCreateFence");
      !s)
    return s;
  return device;
}

Device::~Device() {
  if (!state)
    return;
  State &s = *state;
  if (s.device) {
    s.vkDeviceWaitIdle(s.device);
    if (s.fence)
      s.vkDestroyFence(s.device, s.fence, nullptr);
    if (s.queryPool)
      s.vkDestroyQueryPool(s.device, s.queryPool, nullptr);
    if (s.descriptorPool)
      s.vkDestroyDescriptorPool(s.device, s.descriptorPool, nullptr);
    if (s.commandPool)
      s.vkDestroyCommandPool(s.device, s.commandPool, nullptr);
    s.vkDestroyDevice(s.device, nullptr);
  }
  if (s.messenger && s.vkDestroyDebugUtilsMessengerEXT)
    s.vkDestroyDebugUtilsMessengerEXT(s.instance, s.messenger, nullptr);
  if (s.instance && s.vkDestroyInstance)
    s.vkDestroyInstance(s.instance, nullptr);
}

const std::vector<std::string> &Device::validationMessages() const {
  return state->messages;
}

DeviceQueryAnswer Device::query(std::string_view category,
                                std::string_view key) const {
  const DeviceInfo &i = deviceInfo;
  if (category == "vulkan") {
    if (key == "subgroup_size")
      return {true, i.subgroupSize};
    if (key == "max_workgroup_invocations")
      return {true, i.maxWorkgroupInvocations};
    if (key == "max_push_constants_size")
      return {true, i.maxPushConstantsSize};
    if (key == "vendor_id")
      return {true, i.vendorId};
    return {};
  }
  if (category == "vulkan.device")
    return {true, key == i.type ? 1 : 0};
  return {};
}

StatusOr<std::unique_ptr<Buffer>> Device::allocate(size_t bytes) {
  State &s = *state;
  std::unique_ptr<Buffer> buffer(new Buffer());
  buffer->device = this;
  buffer->bytes = bytes;
  VkBufferCreateInfo info = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes ? bytes : 4; // Zero-sized buffers are invalid.
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer handle = VK_NULL_HANDLE;
  if (Status st = check(s.vkCreateBuffer(s.device, &info, nullptr, &handle),
                        "vkCreateBuffer");
      !st)
    return st;
  buffer->buffer = reinterpret_cast<uint64_t>(handle);
  VkMemoryRequirements requirements;
  s.vkGetBufferMemoryRequirements(s.device, handle, &requirements);
  // Host-visible, coherent memory: uploads and downloads are memcpy.
  const VkMemoryPropertyFlags wanted = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                       VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  uint32_t type = UINT32_MAX;
  for (uint32_t t = 0; t < s.memory.memoryTypeCount; ++t)
    if ((requirements.memoryTypeBits & (1u << t)) &&
        (s.memory.memoryTypes[t].propertyFlags & wanted) == wanted) {
      type = t;
      break;
    }
  if (type == UINT32_MAX)
    return Status::error("vulkan: no host-visible coherent memory for a "
                         "storage buffer");
  VkMemoryAllocateInfo allocateInfo = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  allocateInfo.allocationSize = requirements.size;
  allocateInfo.memoryTypeIndex = type;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  if (Status st =
          check(s.vkAllocateMemory(s.device, &allocateInfo, nullptr, &memory),
                "vkAllocateMemory");
      !st)
    return st;
  buffer->memory = reinterpret_cast<uint64_t>(memory);
  if (Status st = check(s.vkBindBufferMemory(s.device, handle, memory, 0),
                        "vkBindBufferMemory");
      !st)
    return st;
  if (Status st = check(
          s.vkMapMemory(s.device, memory, 0, VK_WHOLE_SIZE, 0, &buffer->mapped),
          "vkMapMemory");
      !st)
    return st;
  std::memset(buffer->mapped, 0, bytes);
  return buffer;
}

Buffer::~Buffer() {
  if (!device)
    return;
  Device::State &s = *device->state;
  if (mapped)
    s.vkUnmapMemory(s.device, reinterpret_cast<VkDeviceMemory>(memory));
  if (buffer)
    s.vkDestroyBuffer(s.device, reinterpret_cast<VkBuffer>(buffer), nullptr);
  if (memory)
    s.vkFreeMemory(s.device, reinterpret_cast<VkDeviceMemory>(memory), nullptr);
}

/// A transfer of `length` bytes at `offset` must stay inside the buffer.
static Status checkTransfer(const char *what, size_t length, size_t offset,
                            size_t bytes) {
  if (offset > bytes || length > bytes - offset)
    return Status::error(std::string("vulkan: ") + what + " of " +
                         std::to_string(length) + " bytes at " +
                         std::to_string(offset) + " overflows a " +
                         std::to_string(bytes) + "-byte buffer");
  return Status();
}

Status Buffer::upload(const void *data, size_t length, size_t offset) {
  if (Status s = checkTransfer("upload", length, offset, bytes); !s)
    return s;
  std::memcpy(static_cast<char *>(mapped) + offset, data, length);
  return Status();
}

Status Buffer::download(void *data, size_t length, size_t offset) const {
  if (Status s = checkTransfer("download", length, offset, bytes); !s)
    return s;
  std::memcpy(data, static_cast<const char *>(mapped) + offset, length);
  return Status();
}

StatusOr<std::unique_ptr<Kernel>>
Device::createKernel(const std::vector<uint32_t> &spirv,
                     const std::string &entry, unsigned bindingCount,
                     unsigned pushConstantBytes) {
  if (spirv.size() < 5 || spirv[0] != 0x07230203u)
    return Status::error("vulkan: kernel '" + entry +
                         "' is not a SPIR-V module (bad magic or too short)");
  if (pushConstantBytes % 4 != 0 ||
      pushConstantBytes > deviceInfo.maxPushConstantsSize)
    return Status::error("vulkan: kernel '" + entry + "' wants " +
                         std::to_string(pushConstantBytes) +
                         " push constant bytes (device limit " +
                         std::to_string(deviceInfo.maxPushConstantsSize) +
                         ", multiple of 4)");
  if (bindingCount > 64)
    return Status::error("vulkan: kernel '" + entry +
                         "' has more than 64 "
                         "bindings");
  State &s = *state;
  std::unique_ptr<Kernel> kernel(new Kernel());
  kernel->device = this;
  kernel->entry = entry;
  kernel->bindings = bindingCount;
  kernel->pushBytes = pushConstantBytes;

  VkShaderModuleCreateInfo moduleInfo = {
      VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  moduleInfo.codeSize = spirv.size() * 4;
  moduleInfo.pCode = spirv.data();
  VkShaderModule module = VK_NULL_HANDLE;
  if (Status st =
          check(s.vkCreateShaderModule(s.device, &moduleInfo, nullptr, &module),
                "vkCreateShaderModule");
      !st)
    return st;
  kernel->module = reinterpret_cast<uint64_t>(module);

  std::vector<VkDescriptorSetLayoutBinding> bindings(bindingCount);
  for (unsigned b = 0; b < bindingCount; ++b) {
    bindings[b] = {};
    bindings[b].binding = b;
    bindings[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[b].descriptorCount = 1;
    bindings[b].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo setInfo = {
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setInfo.bindingCount = bindingCount;
  setInfo.pBindings = bindings.data();
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  if (Status st = check(s.vkCreateDescriptorSetLayout(s.device, &setInfo,
                                                      nullptr, &setLayout),
                        "vkCreateDescriptorSetLayout");
      !st)
    return st;
  kernel->setLayout = reinterpret_cast<uint64_t>(setLayout);

  VkPushConstantRange range = {VK_SHADER_STAGE_COMPUTE_BIT, 0,
                               pushConstantBytes};
  VkPipelineLayoutCreateInfo layoutInfo = {
      VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout;
  layoutInfo.pushConstantRangeCount = pushConstantBytes ? 1 : 0;
  layoutInfo.pPushConstantRanges = &range;
  VkPipelineLayout pipelineLayout = VK_NULL_HANDLE;
  if (Status st = check(s.vkCreatePipelineLayout(s.device, &layoutInfo, nullptr,
                                                 &pipelineLayout),
                        "vkCreatePipelineLayout");
      !st)
    return st;
  kernel->pipelineLayout = reinterpret_cast<uint64_t>(pipelineLayout);

  VkComputePipelineCreateInfo pipelineInfo = {
      VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  pipelineInfo.stage.sType =
      VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  pipelineInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipelineInfo.stage.module = module;
  pipelineInfo.stage.pName = kernel->entry.c_str();
  pipelineInfo.layout = pipelineLayout;
  VkPipeline pipeline = VK_NULL_HANDLE;
  if (Status st =
          check(s.vkCreateComputePipelines(s.device, VK_NULL_HANDLE, 1,
                                           &pipelineInfo, nullptr, &pipeline),
                "vkCreateComputePipelines");
      !st)
    return Status::error(st.message() + " for entry point '" + entry + "'");
  kernel->pipeline = reinterpret_cast<uint64_t>(pipeline);
  return kernel;
}

Kernel::~Kernel() {
  if (!device)
    return;
  Device::State &s = *device->state;
  if (pipeline)
    s.vkDestroyPipeline(s.device, reinterpret_cast<VkPipeline>(pipeline),
                        nullptr);
  if (pipelineLayout)
    s.vkDestroyPipelineLayout(
        s.device, reinterpret_cast<VkPipelineLayout>(pipelineLayout), nullptr);
  if (setLayout)
    s.vkDestroyDescriptorSetLayout(
        s.device, reinterpret_cast<VkDescriptorSetLayout>(setLayout), nullptr);
  if (module)
    s.vkDestroyShaderModule(s.device, reinterpret_cast<VkShaderModule>(module),
                            nullptr);
}

StatusOr<double> Device::dispatch(const Kernel &kernel,
                                  const std::vector<const Buffer *> &bindings,
                                  const std::vector<uint32_t> &pushConstants,
                                  std::array<uint32_t, 3> workgroups) {
  DispatchCommand command;
  command.kernel = &kernel;
  for (const Buffer *buffer : bindings)
    command.bindings.push_back({buffer, 0, 0});
  command.pushConstants = pushConstants;
  command.workgroups = workgroups;
  auto times = submit({command});
  if (!times)
    return times.status();
  return times->front();
}

Status Device::checkCommand(const DispatchCommand &command) const {
  const Kernel &kernel = *command.kernel;
  if (command.bindings.size() != kernel.bindings)
    return Status::error("vulkan: dispatch of '" + kernel.entry + "' binds " +
                         std::to_string(command.bindings.size()) +
                         " buffers, the kernel has " +
                         std::to_string(kernel.bindings));
  if (command.pushConstants.size() * 4 != kernel.pushBytes)
    return Status::error("vulkan: dispatch of '" + kernel.entry + "' passes " +
                         std::to_string(command.pushConstants.size() * 4) +
                         " push constant bytes, the kernel takes " +
                         std::to_string(kernel.pushBytes));
  for (int d = 0; d < 3; ++d)
    if (command.workgroups[d] > deviceInfo.maxWorkgroupCount[d])
      return Status::error(
          "vulkan: dispatch of '" + kernel.entry + "': workgroup count " +
          std::to_string(command.workgroups[d]) + " exceeds the device limit " +
          std::to_string(deviceInfo.maxWorkgroupCount[d]));
  for (const BufferRange &range : command.bindings) {
    size_t size = range.buffer->size();
    if (range.offset % deviceInfo.minStorageBufferOffsetAlignment != 0 ||
        range.offset > size || range.length > size - range.offset)
      return Status::error(
          "vulkan: dispatch of '" + kernel.entry + "' binds bytes [" +
          std::to_string(range.offset) + ", +" + std::to_string(range.length) +
          ") of a " + std::to_string(size) +
          "-byte buffer (offsets are multiples of " +
          std::to_string(deviceInfo.minStorageBufferOffsetAlignment) + ")");
  }
  return Status();
}

Status Device::reservePools(size_t sets, size_t descriptors) {
  State &s = *state;
  if (sets > s.setCapacity || descriptors > s.descriptorCapacity) {
    // Grown by doubling, kept for later submissions.
    s.setCapacity = std::max<size_t>(sets, 2 * s.setCapacity);
    s.descriptorCapacity =
        std::max<size_t>(descriptors, 2 * s.descriptorCapacity);
    if (s.descriptorPool)
      s.vkDestroyDescriptorPool(s.device, s.descriptorPool, nullptr);
    s.descriptorPool = VK_NULL_HANDLE;
    VkDescriptorPoolSize poolSize = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                     uint32_t(s.descriptorCapacity)};
    VkDescriptorPoolCreateInfo info = {
        VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    info.maxSets = uint32_t(s.setCapacity);
    info.poolSizeCount = 1;
    info.pPoolSizes = &poolSize;
    if (Status st = check(s.vkCreateDescriptorPool(s.device, &info, nullptr,
                                                   &s.descriptorPool),
                          "vkCreateDescriptorPool");
        !st)
      return st;
  }
  if (deviceInfo.timestampPeriod > 0 && 2 * sets > s.queryCapacity) {
    s.queryCapacity = std::max<size_t>(2 * sets, 2 * s.queryCapacity);
    if (s.queryPool)
      s.vkDestroyQueryPool(s.device, s.queryPool, nullptr);
    s.queryPool = VK_NULL_HANDLE;
    VkQueryPoolCreateInfo info = {VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = uint32_t(s.queryCapacity);
    if (Status st =
            check(s.vkCreateQueryPool(s.device, &info, nullptr, &s.queryPool),
                  "vkCreateQueryPool");
        !st)
      return st;
  }
  return Status();
}

StatusOr<std::vector<double>>
Device::submit(const std::vector<DispatchCommand> &commands) {
  State &s = *state;
  std::vector<double> times(commands.size(), -1.0);
  if (commands.empty())
    return times;
  size_t descriptors = 0;
  for (const DispatchCommand &command : commands) {
    if (Status st = checkCommand(command); !st)
      return st;
    descriptors += command.bindings.size();
  }
  if (Status st =
          reservePools(commands.size(), std::max<size_t>(descriptors, 1));
      !st)
    return st;

  // One descriptor set per dispatch, all from the pool reset here.
  s.vkResetDescriptorPool(s.device, s.descriptorPool, 0);
  std::vector<VkDescriptorSet> sets(commands.size(), VK_NULL_HANDLE);
  for (size_t i = 0; i < commands.size(); ++i) {
    const DispatchCommand &command = commands[i];
    VkDescriptorSetLayout setLayout =
        reinterpret_cast<VkDescriptorSetLayout>(command.kernel->setLayout);
    VkDescriptorSetAllocateInfo setInfo = {
        VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    setInfo.descriptorPool = s.descriptorPool;
    setInfo.descriptorSetCount = 1;
    setInfo.pSetLayouts = &setLayout;
    if (Status st =
            check(s.vkAllocateDescriptorSets(s.device, &setInfo, &sets[i]),
                  "vkAllocateDescriptorSets");
        !st)
      return st;
    size_t count = command.bindings.size();
    std::vector<VkDescriptorBufferInfo> infos(count);
    std::vector<VkWriteDescriptorSet> writes(count);
    for (size_t b = 0; b < count; ++b) {
      const BufferRange &range = command.bindings[b];
      infos[b] = {reinterpret_cast<VkBuffer>(range.buffer->buffer),
                  range.offset,
                  range.length ? VkDeviceSize(range.length) : VK_WHOLE_SIZE};
      writes[b] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[b].dstSet = sets[i];
      writes[b].dstBinding = b;
      writes[b].descriptorCount = 1;
      writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[b].pBufferInfo = &infos[b];
    }
    s.vkUpdateDescriptorSets(s.device, writes.size(), writes.data(), 0,
                             nullptr);
  }

  VkCommandBuffer cb = s.commandBuffer;
  s.vkResetCommandBuffer(cb, 0);
  VkCommandBufferBeginInfo begin = {
      VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  if (Status st =
          check(s.vkBeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer");
      !st)
    return st;
  uint32_t queries = uint32_t(2 * commands.size());
  if (s.queryPool)
    s.vkCmdResetQueryPool(cb, s.queryPool, 0, queries);
  for (size_t i = 0; i < commands.size(); ++i) {
    const DispatchCommand &command = commands[i];
    const Kernel &kernel = *command.kernel;
    VkPipelineLayout layout =
        reinterpret_cast<VkPipelineLayout>(kernel.pipelineLayout);
    if (s.queryPool)
      s.vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, s.queryPool,
                            uint32_t(2 * i));
    s.vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE,
                        reinterpret_cast<VkPipeline>(kernel.pipeline));
    s.vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1,
                              &sets[i], 0, nullptr);
    if (kernel.pushBytes)
      s.vkCmdPushConstants(cb, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                           kernel.pushBytes, command.pushConstants.data());
    s.vkCmdDispatch(cb, command.workgroups[0], command.workgroups[1],
                    command.workgroups[2]);
    // The next dispatch sees this one's writes; after the last, the host.
    bool last = i + 1 == commands.size();
    VkMemoryBarrier barrier = {VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    barrier.dstAccessMask =
        last ? VK_ACCESS_HOST_READ_BIT
             : VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    s.vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                           last ? VK_PIPELINE_STAGE_HOST_BIT
                                : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                           0, 1, &barrier, 0, nullptr, 0, nullptr);
    if (s.queryPool)
      s.vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                            s.queryPool, uint32_t(2 * i + 1));
  }
  if (Status st = check(s.vkEndCommandBuffer(cb), "vkEndCommandBuffer"); !st)
    return st;

  VkSubmitInfo submit = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cb;
  s.vkResetFences(s.device, 1, &s.fence);
  if (Status st =
          check(s.vkQueueSubmit(s.queue, 1, &submit, s.fence), "vkQueueSubmit");
      !st)
    return st;
  ++submissions;
  // A minute is far beyond any submission on a GPU; a hang becomes an
  // error. A Vulkan implementation on the CPU (lavapipe) shares its cores
  // with everything else: a whole model's submission there may take
  // minutes on a loaded machine, so it gets ten.
  uint64_t timeoutNs =
      deviceInfo.type == "cpu" ? 600'000'000'000ull : 60'000'000'000ull;
  VkResult waited =
      s.vkWaitForFences(s.device, 1, &s.fence, VK_TRUE, timeoutNs);
  if (waited == VK_TIMEOUT) {
    // The device still runs the submission: its buffers and command buffer
    // must outlive it, so wait for it to finish before the caller frees
    // them (a slow device finishes; the error still says it was too slow).
    s.vkDeviceWaitIdle(s.device);
  }
  if (Status st = check(waited, deviceInfo.type == "cpu"
                                    ? "waiting for the dispatches (600 s)"
                                    : "waiting for the dispatches (60 s)");
      !st)
    return st;
  if (!s.queryPool)
    return times;
  std::vector<uint64_t> ticks(queries, 0);
  if (Status st = check(s.vkGetQueryPoolResults(
                            s.device, s.queryPool, 0, queries,
                            ticks.size() * sizeof(uint64_t), ticks.data(),
                            sizeof(uint64_t),
                            VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
                        "vkGetQueryPoolResults");
      !st)
    return st;
  for (size_t i = 0; i < commands.size(); ++i)
    times[i] = double(ticks[2 * i + 1] - ticks[2 * i]) *
               deviceInfo.timestampPeriod / 1000.0;
  return times;
}

} // namespace tessera::rt::vulkan

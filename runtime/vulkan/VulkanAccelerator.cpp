//===- VulkanAccelerator.cpp - Modules' Vulkan executables ----------------===//

#include "tessera/runtime/VulkanAccelerator.h"

#include <cstring>

namespace tessera::rt::vulkan {

namespace {

constexpr std::string_view kFormat = "vulkan-spirv-fb";

class VulkanExecutable : public AcceleratorExecutable {
public:
  VulkanExecutable(std::shared_ptr<Device> device, std::string name)
      : device(std::move(device)), name(std::move(name)) {}

  Status dispatch(unsigned ordinal, std::array<uint32_t, 3> workgroups,
                  const std::vector<uint32_t> &pushConstants,
                  const std::vector<DispatchBinding> &bindings,
                  double &deviceMicroseconds) override {
    if (ordinal >= kernels.size())
      return Status::error("export " + std::to_string(ordinal) +
                           " out of range for '" + name + "'");
    std::vector<std::unique_ptr<Buffer>> buffers;
    std::vector<const Buffer *> bound;
    for (const DispatchBinding &binding : bindings) {
      auto buffer = device->allocate(binding.length);
      if (!buffer)
        return buffer.status();
      if (Status s = (*buffer)->upload(binding.data, binding.length); !s)
        return s;
      bound.push_back(buffer->get());
      buffers.push_back(std::move(*buffer));
    }
    auto time =
        device->dispatch(*kernels[ordinal], bound, pushConstants, workgroups);
    if (!time)
      return time.status();
    deviceMicroseconds = *time;
    for (size_t b = 0; b < bindings.size(); ++b)
      if (!bindings[b].readOnly)
        if (Status s =
                buffers[b]->download(bindings[b].data, bindings[b].length);
            !s)
          return s;
    return Status();
  }

  std::shared_ptr<Device> device;
  std::string name;
  std::vector<std::unique_ptr<Kernel>> kernels;
};

class VulkanAccelerator : public Accelerator {
public:
  explicit VulkanAccelerator(std::shared_ptr<Device> device)
      : device(std::move(device)) {}

  std::string describe() const override {
    return "vulkan://" + std::to_string(device->info().index) + " (" +
           device->info().name + ")";
  }
  bool supportsFormat(std::string_view format) const override {
    return format == kFormat;
  }
  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const override {
    return device->query(category, key);
  }
  StatusOr<std::unique_ptr<AcceleratorExecutable>>
  load(const std::string &name, const uint8_t *data, size_t size,
       const std::vector<ExportSignature> &exports) override {
    if (size % 4 != 0)
      return Status::error("executable '" + name +
                           "' is not a SPIR-V module (size not a multiple "
                           "of 4)");
    std::vector<uint32_t> words(size / 4);
    std::memcpy(words.data(), data, size);
    auto executable = std::make_unique<VulkanExecutable>(device, name);
    for (const ExportSignature &signature : exports) {
      auto kernel = device->createKernel(words, signature.name,
                                         signature.bindingReadOnly.size(),
                                         signature.pushConstants * 4);
      if (!kernel)
        return Status::error("executable '" + name +
                             "': " + kernel.status().message());
      executable->kernels.push_back(std::move(*kernel));
    }
    return std::unique_ptr<AcceleratorExecutable>(std::move(executable));
  }

private:
  std::shared_ptr<Device> device;
};

} // namespace

std::shared_ptr<Accelerator> makeAccelerator(std::shared_ptr<Device> device) {
  return std::make_shared<VulkanAccelerator>(std::move(device));
}

} // namespace tessera::rt::vulkan

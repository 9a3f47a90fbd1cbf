//===- VulkanAccelerator.cpp - Modules' Vulkan executables ----------------===//

#include "tessera/runtime/VulkanAccelerator.h"

#include <algorithm>
#include <cstring>
#include <map>

namespace tessera::rt::vulkan {

namespace {

constexpr std::string_view kFormat = "vulkan-spirv-fb";

class VulkanExecutable : public AcceleratorExecutable {
public:
  explicit VulkanExecutable(std::string name) : name(std::move(name)) {}
  std::string name;
  std::vector<std::unique_ptr<Kernel>> kernels;
};

/// Host buffers get a device copy on first use in the batch (uploaded
/// whole) and are downloaded at the flush if a dispatch wrote them.
class VulkanBatch : public AcceleratorBatch {
public:
  explicit VulkanBatch(std::shared_ptr<Device> device)
      : device(std::move(device)) {}

  Status record(const AcceleratorExecutable &loaded, unsigned ordinal,
                std::array<uint32_t, 3> workgroups,
                const std::vector<uint32_t> &pushConstants,
                const std::vector<DispatchBinding> &bindings) override {
    // Only this accelerator loads executables of its format.
    const auto &executable = static_cast<const VulkanExecutable &>(loaded);
    if (ordinal >= executable.kernels.size())
      return Status::error("export " + std::to_string(ordinal) +
                           " out of range for '" + executable.name + "'");
    DispatchCommand command;
    command.kernel = executable.kernels[ordinal].get();
    command.pushConstants = pushConstants;
    command.workgroups = workgroups;
    for (const DispatchBinding &binding : bindings) {
      auto copy = deviceCopy(binding);
      if (!copy)
        return copy.status();
      (*copy)->written |= !binding.readOnly;
      command.bindings.push_back(
          {(*copy)->buffer.get(), binding.offset, binding.length});
    }
    commands.push_back(std::move(command));
    return Status();
  }

  size_t pending() const override { return commands.size(); }

  StatusOr<std::vector<double>> flush() override {
    auto times = device->submit(commands);
    commands.clear();
    if (times)
      for (auto &[host, copy] : copies)
        if (copy.written)
          if (Status s = copy.buffer->download(host, copy.hostSize); !s)
            times = s;
    copies.clear();
    return times;
  }

private:
  struct DeviceCopy {
    std::unique_ptr<Buffer> buffer;
    size_t hostSize = 0;
    bool written = false;
  };

  StatusOr<DeviceCopy *> deviceCopy(const DispatchBinding &binding) {
    auto found = copies.find(binding.buffer);
    if (found != copies.end()) {
      if (found->second.hostSize != binding.bufferSize)
        return Status::error("a host buffer changed size within a batch");
      return &found->second;
    }
    // Vulkan has no empty buffers.
    auto buffer = device->allocate(std::max<size_t>(binding.bufferSize, 4));
    if (!buffer)
      return buffer.status();
    if (Status s = (*buffer)->upload(binding.buffer, binding.bufferSize); !s)
      return s;
    DeviceCopy &copy = copies[binding.buffer];
    copy.buffer = std::move(*buffer);
    copy.hostSize = binding.bufferSize;
    return &copy;
  }

  std::shared_ptr<Device> device;
  std::vector<DispatchCommand> commands;
  std::map<uint8_t *, DeviceCopy> copies;
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
    auto executable = std::make_unique<VulkanExecutable>(name);
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
  std::unique_ptr<AcceleratorBatch> beginBatch() override {
    return std::make_unique<VulkanBatch>(device);
  }

private:
  std::shared_ptr<Device> device;
};

} // namespace

std::shared_ptr<Accelerator> makeAccelerator(std::shared_ptr<Device> device) {
  return std::make_shared<VulkanAccelerator>(std::move(device));
}

} // namespace tessera::rt::vulkan

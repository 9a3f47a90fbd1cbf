//===- VulkanModuleDevice.cpp - Modules' Vulkan executables ---------------===//

#include "tessera/runtime/VulkanModuleDevice.h"

#include "tessera/runtime/DeviceRegistry.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

namespace tessera::rt::vulkan {

namespace {

constexpr std::string_view kFormat = "vulkan-spirv-fb";

class VulkanExecutable final : public Executable {
public:
  explicit VulkanExecutable(std::string name) : name(std::move(name)) {}
  std::string name;
  std::vector<std::unique_ptr<Kernel>> kernels;
};

/// Host buffers get a device copy on first use in the batch (uploaded
/// whole) and are downloaded at the flush if a dispatch wrote them.
class VulkanBatch final : public DispatchBatch {
public:
  VulkanBatch(std::shared_ptr<Device> device, const BatchOptions &options)
      : device(std::move(device)), options(options) {}

  std::optional<DispatchFailure> record(DispatchRequest request) override {
    // Only this device loads executables of its format.
    const auto &executable =
        static_cast<const VulkanExecutable &>(*request.executable);
    unsigned ordinal = request.record.ordinal;
    std::string what = "dispatch of '" + request.record.exportName + "': ";
    if (ordinal >= executable.kernels.size())
      return DispatchFailure{std::nullopt,
                             what + "export " + std::to_string(ordinal) +
                                 " out of range for '" + executable.name + "'"};
    DispatchCommand command;
    command.kernel = executable.kernels[ordinal].get();
    command.pushConstants = std::move(request.pushConstants);
    command.workgroups = request.record.workgroupCount;
    for (const DispatchBinding &binding : request.bindings) {
      auto copy = deviceCopy(binding);
      if (!copy)
        return DispatchFailure{std::nullopt, what + copy.status().message()};
      (*copy)->written |= !binding.readOnly;
      command.bindings.push_back(
          {(*copy)->buffer.get(), binding.offset, binding.length});
    }
    commands.push_back(std::move(command));
    records.push_back(std::move(request.record));
    return std::nullopt;
  }

  size_t pending() const override { return commands.size(); }

  std::optional<DispatchFailure> flush() override {
    auto start = std::chrono::steady_clock::now();
    auto times = device->submit(commands);
    commands.clear();
    if (times)
      for (auto &[host, copy] : copies)
        if (copy.written)
          if (Status s =
                  copy.buffer->download(copy.host->data(), copy.host->size());
              !s)
            times = s;
    copies.clear();
    double wall = std::chrono::duration<double, std::micro>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    std::vector<DispatchRecord> ran = std::move(records);
    records.clear();
    if (!times)
      return DispatchFailure{
          std::nullopt,
          "running " + std::to_string(ran.size()) +
              " dispatches on the device: " + times.status().message()};
    if (options.observer) {
      double next =
          std::chrono::duration<double, std::micro>(start - options.origin)
              .count();
      for (size_t i = 0; i < ran.size(); ++i) {
        // Without device timers, the submission's time is shared out.
        double time = i < times->size() ? (*times)[i] : -1;
        ran[i].microseconds = time >= 0 ? time : wall / ran.size();
        ran[i].startMicroseconds = next;
        next += ran[i].microseconds;
        (*options.observer)(ran[i]);
      }
    }
    return std::nullopt;
  }

private:
  struct DeviceCopy {
    std::unique_ptr<Buffer> buffer;
    /// Alive until the results are back.
    std::shared_ptr<rt::Buffer> host;
    bool written = false;
  };

  StatusOr<DeviceCopy *> deviceCopy(const DispatchBinding &binding) {
    uint8_t *host = binding.buffer->data();
    size_t hostSize = binding.buffer->size();
    auto found = copies.find(host);
    if (found != copies.end()) {
      if (found->second.host->size() != hostSize)
        return Status::error("a host buffer changed size within a batch");
      return &found->second;
    }
    // Vulkan has no empty buffers.
    auto buffer = device->allocate(std::max<size_t>(hostSize, 4));
    if (!buffer)
      return buffer.status();
    if (Status s = (*buffer)->upload(host, hostSize); !s)
      return s;
    DeviceCopy &copy = copies[host];
    copy.buffer = std::move(*buffer);
    copy.host = binding.buffer;
    return &copy;
  }

  std::shared_ptr<Device> device;
  BatchOptions options;
  std::vector<DispatchCommand> commands;
  std::vector<DispatchRecord> records;
  std::map<uint8_t *, DeviceCopy> copies;
};

class VulkanModuleDevice final : public rt::Device {
public:
  explicit VulkanModuleDevice(std::shared_ptr<vulkan::Device> device)
      : device(std::move(device)) {}

  std::string name() const override {
    return "vulkan://" + std::to_string(device->info().index);
  }
  std::string describe() const override {
    return name() + " (" + device->info().name + ")";
  }
  std::vector<std::string> formats() const override {
    return {std::string(kFormat)};
  }
  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const override {
    return device->query(category, key);
  }
  StatusOr<std::unique_ptr<Executable>>
  load(const std::string &name, std::string_view format, const uint8_t *data,
       size_t size, const std::vector<ExportSignature> &exports) override {
    if (format != kFormat)
      return Status::error("executable '" + name + "' has format '" +
                           std::string(format) + "', which " + describe() +
                           " cannot load (it loads '" + std::string(kFormat) +
                           "')");
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
    return std::unique_ptr<Executable>(std::move(executable));
  }
  std::unique_ptr<DispatchBatch>
  beginBatch(const BatchOptions &options) override {
    return std::make_unique<VulkanBatch>(device, options);
  }
  std::vector<std::string> diagnostics() const override {
    return device->validationMessages();
  }

private:
  std::shared_ptr<vulkan::Device> device;
};

StatusOr<std::shared_ptr<rt::Device>> create(const DeviceSpec &spec) {
  if (Status s = spec.checkParameters({"validation"}); !s)
    return s;
  DeviceOptions options;
  if (spec.path) {
    auto index = parseDeviceName(spec.scheme + "://" + *spec.path);
    if (!index)
      return index.status();
    options.index = *index;
  }
  if (const std::string *validation = spec.parameter("validation")) {
    if (*validation != "0" && *validation != "1")
      return Status::error("device '" + spec.text + "': validation='" +
                           *validation + "' must be 0 or 1");
    options.validation = *validation == "1";
  }
  auto device = Device::create(options);
  if (!device)
    return device.status();
  return makeModuleDevice(std::move(*device));
}

} // namespace

std::shared_ptr<rt::Device> makeModuleDevice(std::shared_ptr<Device> device) {
  return std::make_shared<VulkanModuleDevice>(std::move(device));
}

} // namespace tessera::rt::vulkan

/// Registers the scheme when the library is linked; CMake makes every
/// program that links TesseraRuntimeVulkan reference this symbol, so that
/// the linker keeps this file.
extern "C" const bool tessera_vulkan_device_registered = [] {
  tessera::rt::registerDeviceFactory("vulkan", "vulkan, vulkan://N",
                                     tessera::rt::vulkan::create);
  return true;
}();

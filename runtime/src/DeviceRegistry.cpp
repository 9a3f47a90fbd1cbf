//===- DeviceRegistry.cpp - Devices by name -------------------------------===//

#include "tessera/runtime/DeviceRegistry.h"

#include "CpuDevice.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace tessera::rt {

namespace {

struct Factory {
  std::string usage;
  DeviceFactory create;
};

/// Registered schemes, the CPU's spellings first.
struct Registry {
  std::mutex mutex;
  std::vector<std::pair<std::string, Factory>> factories = {
      {"cpu", {"cpu", createCpuDevice}},
      // IREE's name for the inline CPU device.
      {"local-sync", {"", createCpuDevice}}};

  const Factory *find(std::string_view scheme) {
    for (const auto &[name, factory] : factories)
      if (name == scheme)
        return &factory;
    return nullptr;
  }
};

Registry &registry() {
  static Registry instance;
  return instance;
}

} // namespace

void registerDeviceFactory(std::string scheme, std::string usage,
                           DeviceFactory factory) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto found =
      std::find_if(r.factories.begin(), r.factories.end(),
                   [&](const auto &entry) { return entry.first == scheme; });
  if (found != r.factories.end())
    found->second = {std::move(usage), std::move(factory)};
  else
    r.factories.push_back(
        {std::move(scheme), {std::move(usage), std::move(factory)}});
}

StatusOr<DeviceSpec> DeviceSpec::parse(std::string_view text) {
  DeviceSpec spec;
  spec.text = std::string(text);
  std::string_view base = text.substr(0, text.find('?'));
  size_t separator = base.find("://");
  spec.scheme = std::string(base.substr(0, separator));
  if (separator != std::string_view::npos)
    spec.path = std::string(base.substr(separator + 3));

  Registry &r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    if (!r.find(spec.scheme)) {
      std::string available;
      for (const auto &[name, factory] : r.factories)
        if (!factory.usage.empty())
          available += (available.empty() ? "" : ", ") + factory.usage;
      // The Vulkan device is a library of its own: an embedder may not
      // have linked it.
      std::string hint = spec.scheme == "vulkan"
                             ? "; the Vulkan device comes with the "
                               "TesseraRuntimeVulkan library "
                               "(Tessera::RuntimeVulkan)"
                             : "";
      return Status::error("unknown device '" + spec.text +
                           "' (available: " + available + ")" + hint);
    }
  }

  if (base.size() == text.size())
    return spec;
  std::string_view query = text.substr(base.size() + 1);
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = std::min(query.find('&', start), query.size());
    std::string_view item = query.substr(start, end - start);
    size_t equals = item.find('=');
    if (item.empty() || equals == 0 || equals == std::string_view::npos)
      return Status::error("device '" + spec.text + "': parameter '" +
                           std::string(item) + "' is not key=value");
    std::string_view key = item.substr(0, equals);
    if (spec.parameter(key))
      return Status::error("device '" + spec.text + "': parameter '" +
                           std::string(key) + "' is given twice");
    spec.parameters.emplace_back(key, item.substr(equals + 1));
    start = end + 1;
  }
  return spec;
}

const std::string *DeviceSpec::parameter(std::string_view key) const {
  // parse() refuses a key given twice.
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it)
    if (it->first == key)
      return &it->second;
  return nullptr;
}

Status DeviceSpec::checkParameters(
    std::initializer_list<std::string_view> known) const {
  for (const auto &[key, value] : parameters)
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (std::string_view name : known)
        names += (names.empty() ? "" : ", ") + std::string(name);
      return Status::error("device '" + text + "': unknown parameter '" + key +
                           "' (" + scheme + " takes: " + names + ")");
    }
  return Status();
}

StatusOr<std::shared_ptr<Device>> createDevice(const DeviceSpec &spec) {
  DeviceFactory create;
  {
    Registry &r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    const Factory *factory = r.find(spec.scheme);
    if (!factory)
      return Status::error("unknown device '" + spec.text + "'");
    create = factory->create;
  }
  return create(spec);
}

} // namespace tessera::rt

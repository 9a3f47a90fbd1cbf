//===- DeviceRegistry.h - Devices by name -----------------------*- C++ -*-===//
//
// A device is named the way `tessera run --device` takes it:
//   scheme[://path][?key=value[&key=value]...]
// "cpu", "cpu?workers=8", "cpu?features=-avx512f,+avx2", "vulkan",
// "vulkan://1", "vulkan://0?validation=1". The CPU is built in; other
// device libraries register their scheme (runtime/vulkan registers
// "vulkan"), so the core runtime depends on none of them.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_DEVICEREGISTRY_H
#define TESSERA_RUNTIME_DEVICEREGISTRY_H

#include "tessera/runtime/Device.h"

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::rt {

/// A device name, split.
struct DeviceSpec {
  /// As given, for messages.
  std::string text;
  std::string scheme;
  /// After "://", when there is one.
  std::optional<std::string> path;
  std::vector<std::pair<std::string, std::string>> parameters;

  /// Fails on a malformed name or a scheme no device registered.
  static StatusOr<DeviceSpec> parse(std::string_view text);
  /// Null when the parameter is absent.
  const std::string *parameter(std::string_view key) const;
  /// Fails naming the first parameter not in `known`.
  Status checkParameters(std::initializer_list<std::string_view> known) const;
};

using DeviceFactory =
    std::function<StatusOr<std::shared_ptr<Device>>(const DeviceSpec &)>;

/// Makes `scheme` known to Runtime::createDevice. `usage` lists its
/// spellings for messages ("vulkan, vulkan://N"). A later registration of
/// the same scheme replaces the earlier one.
void registerDeviceFactory(std::string scheme, std::string usage,
                           DeviceFactory factory);

/// Opens the device `spec` names (Runtime::createDevice).
StatusOr<std::shared_ptr<Device>> createDevice(const DeviceSpec &spec);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_DEVICEREGISTRY_H

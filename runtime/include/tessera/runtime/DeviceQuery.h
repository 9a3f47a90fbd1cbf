//===- DeviceQuery.h - What hal.device.query asks of a device ---*- C++ -*-===//
//
// The answers a device gives to `hal.device.query<%device> key("category" ::
// "key")`: variant conditions and count regions of extern dispatches ask
// them when an executable is loaded. The CPU device answers
//   "cpu.features" :: "avx2" | "avx512f" | ...  1 when the host has it, else 0
//   "cpu.arch" :: "x86_64" | "aarch64"          1 for the host's architecture
//   "cpu" :: "cores"                            the hardware threads
// and nothing else (ok = false: the caller falls back to its default).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_DEVICEQUERY_H
#define TESSERA_RUNTIME_DEVICEQUERY_H

#include "tessera/runtime/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::rt {

struct DeviceQueryAnswer {
  /// Whether the device knows the key.
  bool ok = false;
  int64_t value = 0;
};

/// The local CPU's answer.
DeviceQueryAnswer queryCpuDevice(std::string_view category,
                                 std::string_view key);

/// The "cpu.features" keys this runtime can answer on this architecture.
std::vector<std::string_view> knownCpuFeatures();

/// The local CPU as modules see it: its answers to queries, with
/// "cpu.features" keys forced on or off ("+avx2", "-avx512f") to run a
/// module as a machine with (or without) them would.
class CpuInfo {
public:
  CpuInfo() = default;
  /// Fails on an override that is not "+name" or "-name" of a known feature.
  static StatusOr<CpuInfo>
  create(const std::vector<std::string> &featureOverrides);

  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const;
  /// "-avx512f,+avx2", or empty.
  std::string describeOverrides() const;

private:
  std::vector<std::pair<std::string, bool>> overrides;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_DEVICEQUERY_H

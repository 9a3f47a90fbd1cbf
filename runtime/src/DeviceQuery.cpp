//===- DeviceQuery.cpp - What hal.device.query asks of a device -----------===//

#include "tessera/runtime/DeviceQuery.h"

#include <thread>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace tessera::rt {

namespace {

struct Feature {
  std::string_view name;
  bool (*present)();
};

// __builtin_cpu_supports takes string literals only: one function each.
#if defined(__x86_64__) || defined(__i386__)
#define TESSERA_X86_FEATURE(NAME)                                              \
  Feature {                                                                    \
    NAME, [] { return __builtin_cpu_supports(NAME) != 0; }                     \
  }
const Feature kFeatures[] = {
    TESSERA_X86_FEATURE("sse2"),       TESSERA_X86_FEATURE("sse3"),
    TESSERA_X86_FEATURE("ssse3"),      TESSERA_X86_FEATURE("sse4.1"),
    TESSERA_X86_FEATURE("sse4.2"),     TESSERA_X86_FEATURE("popcnt"),
    TESSERA_X86_FEATURE("avx"),        TESSERA_X86_FEATURE("avx2"),
    TESSERA_X86_FEATURE("fma"),        TESSERA_X86_FEATURE("bmi"),
    TESSERA_X86_FEATURE("bmi2"),       TESSERA_X86_FEATURE("avx512f"),
    TESSERA_X86_FEATURE("avx512cd"),   TESSERA_X86_FEATURE("avx512bw"),
    TESSERA_X86_FEATURE("avx512dq"),   TESSERA_X86_FEATURE("avx512vl"),
    TESSERA_X86_FEATURE("avx512vnni"),
};
#undef TESSERA_X86_FEATURE
constexpr std::string_view kArch = "x86_64";
#elif defined(__aarch64__)
const Feature kFeatures[] = {
    {"neon", [] { return true; }},
#if defined(__linux__) && defined(HWCAP_SVE)
    {"sve", [] { return (getauxval(AT_HWCAP) & HWCAP_SVE) != 0; }},
#endif
};
constexpr std::string_view kArch = "aarch64";
#else
const Feature kFeatures[] = {{"", [] { return false; }}};
constexpr std::string_view kArch = "unknown";
#endif

} // namespace

DeviceQueryAnswer queryCpuDevice(std::string_view category,
                                 std::string_view key) {
  if (category == "cpu.features") {
    for (const Feature &feature : kFeatures)
      if (!feature.name.empty() && feature.name == key)
        return {true, feature.present() ? 1 : 0};
    return {};
  }
  if (category == "cpu.arch")
    return {true, key == kArch ? 1 : 0};
  if (category == "cpu" && key == "cores") {
    unsigned cores = std::thread::hardware_concurrency();
    return {true, cores ? int64_t(cores) : 1};
  }
  return {};
}

std::vector<std::string_view> knownCpuFeatures() {
  std::vector<std::string_view> names;
  for (const Feature &feature : kFeatures)
    if (!feature.name.empty())
      names.push_back(feature.name);
  return names;
}

StatusOr<CpuInfo>
CpuInfo::create(const std::vector<std::string> &featureOverrides) {
  CpuInfo device;
  std::vector<std::string_view> known = knownCpuFeatures();
  for (const std::string &text : featureOverrides) {
    if (text.size() < 2 || (text[0] != '+' && text[0] != '-'))
      return Status::error("device feature override '" + text +
                           "' must be +name or -name");
    std::string name = text.substr(1);
    bool isKnown = false;
    for (std::string_view feature : known)
      isKnown |= feature == name;
    if (!isKnown) {
      std::string list;
      for (std::string_view feature : known)
        list += (list.empty() ? "" : " ") + std::string(feature);
      return Status::error("unknown CPU feature '" + name + "' in override '" +
                           text + "' (known: " + list + ")");
    }
    device.overrides.emplace_back(name, text[0] == '+');
  }
  return device;
}

DeviceQueryAnswer CpuInfo::query(std::string_view category,
                                 std::string_view key) const {
  if (category == "cpu.features")
    // The last override of a feature wins.
    for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
      if (it->first == key)
        return {true, it->second ? 1 : 0};
  return queryCpuDevice(category, key);
}

std::string CpuInfo::describeOverrides() const {
  std::string text;
  for (const auto &[name, enabled] : overrides)
    text += (text.empty() ? "" : ",") + std::string(enabled ? "+" : "-") + name;
  return text;
}

} // namespace tessera::rt

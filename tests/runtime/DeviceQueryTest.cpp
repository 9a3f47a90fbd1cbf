//===- DeviceQueryTest.cpp - The CPU device's answers ---------------------===//

#include "tessera/runtime/DeviceQuery.h"

#include "gtest/gtest.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

using namespace tessera::rt;

namespace {

/// The kernel's view of the CPU's flags (x86 Linux).
std::set<std::string> procCpuFlags() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::set<std::string> flags;
      for (std::string word; words >> word;)
        flags.insert(word);
      return flags;
    }
  return {};
}

TEST(DeviceQuery, CpuFeaturesMatchTheKernel) {
#if defined(__x86_64__) && defined(__linux__)
  std::set<std::string> flags = procCpuFlags();
  ASSERT_FALSE(flags.empty());
  // /proc/cpuinfo spells a few differently.
  auto kernelName = [](std::string_view name) {
    std::string spelled(name);
    if (spelled == "sse4.1")
      return std::string("sse4_1");
    if (spelled == "sse4.2")
      return std::string("sse4_2");
    if (spelled == "sse3")
      return std::string("pni");
    if (spelled == "bmi")
      return std::string("bmi1");
    if (spelled == "avx512vnni")
      return std::string("avx512_vnni");
    return spelled;
  };
  ASSERT_GE(knownCpuFeatures().size(), 10u);
  for (std::string_view feature : knownCpuFeatures()) {
    DeviceQueryAnswer answer = queryCpuDevice("cpu.features", feature);
    EXPECT_TRUE(answer.ok) << feature;
    EXPECT_EQ(answer.value, flags.count(kernelName(feature)) ? 1 : 0)
        << feature;
  }
  // Every x86_64 CPU has SSE2.
  EXPECT_EQ(queryCpuDevice("cpu.features", "sse2").value, 1);
#else
  GTEST_SKIP() << "compares with /proc/cpuinfo flags on x86_64 Linux";
#endif
}

TEST(DeviceQuery, ArchitectureCoresAndUnknownKeys) {
#if defined(__x86_64__)
  EXPECT_EQ(queryCpuDevice("cpu.arch", "x86_64").value, 1);
  EXPECT_EQ(queryCpuDevice("cpu.arch", "aarch64").value, 0);
  EXPECT_TRUE(queryCpuDevice("cpu.arch", "aarch64").ok);
#endif
  DeviceQueryAnswer cores = queryCpuDevice("cpu", "cores");
  EXPECT_TRUE(cores.ok);
  EXPECT_GE(cores.value, 1);
  if (std::thread::hardware_concurrency()) {
    EXPECT_EQ(cores.value, int64_t(std::thread::hardware_concurrency()));
  }
  // Unknown: not ok, so the query's default applies.
  EXPECT_FALSE(queryCpuDevice("cpu.features", "no-such-feature").ok);
  EXPECT_FALSE(queryCpuDevice("vulkan", "subgroup_size").ok);
  EXPECT_FALSE(queryCpuDevice("", "").ok);
}

} // namespace

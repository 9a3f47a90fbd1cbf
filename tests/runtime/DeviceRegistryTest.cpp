//===- DeviceRegistryTest.cpp - Runtime::createDevice ---------------------===//
//
// Device names as `tessera run --device` takes them: what each makes, and
// the messages for names that are wrong. Vulkan is registered by linking
// TesseraRuntimeVulkan; opening it needs a driver, so only its refusals
// are checked here.
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/Session.h"

#include <gtest/gtest.h>

using namespace tessera::rt;

namespace {

std::string errorOf(const std::string &spec) {
  auto device = Runtime::createDevice(spec);
  return device.ok() ? "<created " + (*device)->describe() + ">"
                     : device.status().message();
}

TEST(DeviceRegistry, CpuSpellings) {
  for (const char *spec :
       {"cpu", "local-sync", "cpu?workers=0", "cpu?workers=3",
        "cpu?workers=2&features=-avx512f", "cpu?features=+avx2,-avx512f"}) {
    auto device = Runtime::createDevice(spec);
    ASSERT_TRUE(device.ok()) << spec << ": " << device.status().message();
    EXPECT_EQ((*device)->name(), "cpu") << spec;
    EXPECT_TRUE((*device)->supportsFormat((*device)->formats().front()));
    EXPECT_FALSE((*device)->supportsFormat("vulkan-spirv-fb"));
  }
  EXPECT_EQ((*Runtime::createDevice("cpu"))->describe(), "cpu");
  auto overridden = Runtime::createDevice("cpu?features=+avx2,-avx512f");
  EXPECT_EQ((*overridden)->describe(),
            "cpu with feature overrides +avx2,-avx512f");
  EXPECT_EQ((*overridden)->query("cpu.features", "avx512f").value, 0);
  EXPECT_EQ((*overridden)->query("cpu.features", "avx2").value, 1);
  EXPECT_FALSE((*overridden)->query("vulkan", "subgroup_size").ok);
}

TEST(DeviceRegistry, BadNamesSayWhatIsWrong) {
  // (Another test registers one more scheme, listed after these.)
  EXPECT_EQ(errorOf("tpu").rfind(
                "unknown device 'tpu' (available: cpu, vulkan, vulkan://N", 0),
            0u)
      << errorOf("tpu");
  EXPECT_EQ(errorOf("").rfind("unknown device '' (available: cpu, vulkan", 0),
            0u);
  EXPECT_EQ(errorOf("cpu?workers=x"),
            "device 'cpu?workers=x': workers='x' must be 0 (inline) to 1024");
  EXPECT_EQ(errorOf("cpu?workers=2000"), "device 'cpu?workers=2000': "
                                         "workers='2000' must be 0 (inline) "
                                         "to 1024");
  EXPECT_EQ(errorOf("cpu?workers"),
            "device 'cpu?workers': parameter 'workers' is not key=value");
  EXPECT_EQ(errorOf("cpu?"), "device 'cpu?': parameter '' is not key=value");
  EXPECT_EQ(errorOf("cpu?speed=2"), "device 'cpu?speed=2': unknown parameter "
                                    "'speed' (cpu takes: workers, features)");
  EXPECT_EQ(errorOf("cpu://1"),
            "device 'cpu://1': the CPU takes no path (cpu?workers=N)");
  EXPECT_NE(errorOf("cpu?features=-avx9000")
                .find("unknown CPU feature 'avx9000' in override '-avx9000'"),
            std::string::npos);
  EXPECT_EQ(errorOf("vulkan://x"), "bad Vulkan device index in 'vulkan://x'");
  EXPECT_EQ(errorOf("vulkan://"), "bad Vulkan device index in 'vulkan://'");
  EXPECT_EQ(errorOf("vulkan?validation=2"),
            "device 'vulkan?validation=2': validation='2' must be 0 or 1");
  EXPECT_EQ(errorOf("vulkan://0?workers=2"),
            "device 'vulkan://0?workers=2': unknown parameter 'workers' "
            "(vulkan takes: validation)");
}

TEST(DeviceRegistry, SpecsSplit) {
  auto spec = DeviceSpec::parse("vulkan://1?validation=1&x=2");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->scheme, "vulkan");
  EXPECT_EQ(spec->path, "1");
  ASSERT_EQ(spec->parameters.size(), 2u);
  EXPECT_EQ(*spec->parameter("validation"), "1");
  EXPECT_EQ(*spec->parameter("x"), "2");
  EXPECT_EQ(spec->parameter("workers"), nullptr);
  // A parameter given twice is refused: neither would silently win.
  auto twice = DeviceSpec::parse("vulkan://1?validation=1&validation=0");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "device 'vulkan://1?validation=1&"
                                      "validation=0': parameter 'validation' "
                                      "is given twice");
  EXPECT_FALSE(DeviceSpec::parse("cpu")->path);
}

TEST(DeviceRegistry, OtherLibrariesRegisterSchemes) {
  std::vector<std::string> made;
  registerDeviceFactory(
      "test-device", "test-device://NAME",
      [&](const DeviceSpec &spec) -> StatusOr<std::shared_ptr<Device>> {
        made.push_back(spec.path.value_or(""));
        return Runtime::createDevice("cpu");
      });
  auto device = Runtime::createDevice("test-device://a");
  ASSERT_TRUE(device.ok()) << device.status().message();
  EXPECT_EQ(made, std::vector<std::string>({"a"}));
  EXPECT_NE(errorOf("tpu").find("test-device://NAME"), std::string::npos);
}

TEST(DeviceRegistry, TheRuntimeLoadsOnTheCpuBesideItsDevice) {
  auto runtime = Runtime::create("cpu?workers=2");
  ASSERT_TRUE(runtime.ok()) << runtime.status().message();
  EXPECT_EQ(runtime->device(), "cpu");
  EXPECT_EQ(runtime->devices().size(), 1u);
  EXPECT_FALSE(Runtime::create("tpu").ok());
}

/// A device beside the CPU that loads nothing: enough to set up a runtime.
class AsideDevice : public Device {
public:
  std::string name() const override { return "aside"; }
  std::string describe() const override { return "aside (test)"; }
  std::vector<std::string> formats() const override { return {"aside-fb"}; }
  DeviceQueryAnswer query(std::string_view, std::string_view) const override {
    return {};
  }
  StatusOr<std::unique_ptr<Executable>>
  load(const std::string &, std::string_view, const uint8_t *, size_t,
       const std::vector<ExportSignature> &) override {
    return Status::error("aside loads nothing");
  }
  std::unique_ptr<DispatchBatch> beginBatch(const BatchOptions &) override {
    return nullptr;
  }
};

TEST(DeviceRegistry, TheRuntimeSetsUpTheCpuItIsGivenBesideItsDevice) {
  registerDeviceFactory(
      "aside", "aside",
      [](const DeviceSpec &) -> StatusOr<std::shared_ptr<Device>> {
        return std::shared_ptr<Device>(std::make_shared<AsideDevice>());
      });
  auto runtime = Runtime::create("aside", "cpu?workers=2");
  ASSERT_TRUE(runtime.ok()) << runtime.status().message();
  EXPECT_EQ(runtime->device(), "aside");
  ASSERT_EQ(runtime->devices().size(), 2u);
  EXPECT_EQ(runtime->devices()[0]->name(), "cpu");
  EXPECT_EQ(runtime->devices()[1]->name(), "aside");
  // The device beside must be a CPU, and its spec is checked.
  auto notCpu = Runtime::create("aside", "aside");
  ASSERT_FALSE(notCpu.ok());
  EXPECT_EQ(notCpu.status().message(), "'aside' is not a CPU device");
  EXPECT_FALSE(Runtime::create("aside", "cpu?workers=x").ok());
}

} // namespace

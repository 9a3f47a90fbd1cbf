//===- VulkanDeviceTest.cpp - The Vulkan device on a real driver ----------===//
//
// Runs on whatever device the loader reports (lavapipe in CI), with the
// Khronos validation layer on: every test also checks it said nothing.
// Without a loader or a device the tests skip and say why.
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/VulkanDevice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

using namespace tessera::rt;

namespace {

std::vector<uint32_t> readShader() {
  std::ifstream file(TESSERA_TEST_SHADER, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());
  std::vector<uint32_t> words(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), words.size() * 4);
  return words;
}

uint32_t bits(float value) {
  uint32_t word;
  std::memcpy(&word, &value, 4);
  return word;
}

class VulkanDevice : public ::testing::Test {
protected:
  void SetUp() override {
    auto created = vulkan::Device::create({-1, /*validation=*/true});
    if (!created) {
      // The reason is part of the output: a skip is never silent.
      GTEST_SKIP() << "no Vulkan device: " << created.status().message();
    }
    device = std::move(*created);
  }
  void TearDown() override {
    if (device) {
      for (const std::string &message : device->validationMessages())
        ADD_FAILURE() << "validation: " << message;
    }
  }
  std::unique_ptr<vulkan::Device> device;
};

TEST(VulkanDeviceNames, Parse) {
  EXPECT_EQ(*vulkan::parseDeviceName("vulkan"), -1);
  EXPECT_EQ(*vulkan::parseDeviceName("vulkan://2"), 2);
  EXPECT_FALSE(vulkan::parseDeviceName("vulkan://").ok());
  EXPECT_FALSE(vulkan::parseDeviceName("vulkan://x1").ok());
  EXPECT_FALSE(vulkan::parseDeviceName("cuda").ok());
}

TEST_F(VulkanDevice, DescribesItselfAndAnswersQueries) {
  const vulkan::DeviceInfo &info = device->info();
  EXPECT_FALSE(info.name.empty());
  EXPECT_GT(info.subgroupSize, 0u);
  EXPECT_GE(info.maxWorkgroupInvocations, 128u); // Vulkan's minimum.
  EXPECT_GE(info.maxPushConstantsSize, 128u);
  DeviceQueryAnswer subgroup = device->query("vulkan", "subgroup_size");
  EXPECT_TRUE(subgroup.ok);
  EXPECT_EQ(subgroup.value, int64_t(info.subgroupSize));
  EXPECT_EQ(device->query("vulkan.device", info.type).value, 1);
  EXPECT_FALSE(device->query("vulkan", "no_such_key").ok);
  auto all = vulkan::Device::enumerate();
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_GT(all->size(), info.index);
  EXPECT_EQ((*all)[info.index].name, info.name);
}

TEST_F(VulkanDevice, RunsAComputeShader) {
  constexpr uint32_t n = 1000;
  auto x = device->allocate(n * 4);
  auto y = device->allocate(n * 4);
  ASSERT_TRUE(x.ok() && y.ok());
  std::vector<float> input(n);
  for (uint32_t i = 0; i < n; ++i)
    input[i] = float(i) - 500.0f;
  ASSERT_TRUE((*x)->upload(input.data(), n * 4).ok());
  auto kernel = device->createKernel(readShader(), "main", 2, 12);
  ASSERT_TRUE(kernel.ok()) << kernel.status().message();
  auto time =
      device->dispatch(**kernel, {x->get(), y->get()},
                       {bits(3.0f), bits(0.5f), n}, {(n + 63) / 64, 1, 1});
  ASSERT_TRUE(time.ok()) << time.status().message();
  if (device->info().timestampPeriod > 0) {
    EXPECT_GE(*time, 0.0);
  }
  std::vector<float> output(n);
  ASSERT_TRUE((*y)->download(output.data(), n * 4).ok());
  for (uint32_t i = 0; i < n; ++i)
    ASSERT_FLOAT_EQ(output[i], input[i] * 3.0f + 0.5f) << "at " << i;
  // Buffers and kernels are reusable: a second dispatch with other
  // constants.
  ASSERT_TRUE(device
                  ->dispatch(**kernel, {x->get(), y->get()},
                             {bits(-1.0f), bits(0.0f), n},
                             {(n + 63) / 64, 1, 1})
                  .ok());
  ASSERT_TRUE((*y)->download(output.data(), n * 4).ok());
  EXPECT_FLOAT_EQ(output[7], -input[7]);
}

TEST_F(VulkanDevice, SubmitsDependentDispatchesOnce) {
  // y = 2x, then x[half..] = y[half..] + 1 through a binding range: the
  // second dispatch reads the first's writes (the barrier between them).
  constexpr uint32_t n = 256, half = 128;
  auto x = device->allocate(n * 4);
  auto y = device->allocate(n * 4);
  ASSERT_TRUE(x.ok() && y.ok());
  std::vector<float> input(n);
  for (uint32_t i = 0; i < n; ++i)
    input[i] = float(i);
  ASSERT_TRUE((*x)->upload(input.data(), n * 4).ok());
  auto kernel = device->createKernel(readShader(), "main", 2, 12);
  ASSERT_TRUE(kernel.ok()) << kernel.status().message();
  size_t offset = half * 4;
  ASSERT_EQ(offset % device->info().minStorageBufferOffsetAlignment, 0u);
  vulkan::DispatchCommand first{kernel->get(),
                                {{x->get(), 0, 0}, {y->get(), 0, 0}},
                                {bits(2.0f), bits(0.0f), n},
                                {n / 64, 1, 1}};
  vulkan::DispatchCommand second{
      kernel->get(),
      {{y->get(), offset, half * 4}, {x->get(), offset, half * 4}},
      {bits(1.0f), bits(1.0f), half},
      {half / 64, 1, 1}};
  uint64_t before = device->submissionCount();
  auto times = device->submit({first, second});
  ASSERT_TRUE(times.ok()) << times.status().message();
  EXPECT_EQ(times->size(), 2u);
  EXPECT_EQ(device->submissionCount(), before + 1);
  std::vector<float> output(n);
  ASSERT_TRUE((*x)->download(output.data(), n * 4).ok());
  for (uint32_t i = 0; i < n; ++i)
    ASSERT_FLOAT_EQ(output[i], i < half ? input[i] : 2.0f * input[i] + 1.0f)
        << "at " << i;

  // A binding offset the device cannot address is refused, saying why.
  vulkan::DispatchCommand unaligned = second;
  unaligned.bindings[0].offset = 2;
  unaligned.bindings[0].length = 4;
  auto refused = device->submit({unaligned});
  if (device->info().minStorageBufferOffsetAlignment > 2) {
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("offsets are multiples of"),
              std::string::npos);
  }
  vulkan::DispatchCommand outside = second;
  outside.bindings[0].length = n * 4;
  auto beyond = device->submit({outside});
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.status().message().find("-byte buffer"), std::string::npos);
}

TEST_F(VulkanDevice, RefusesBadKernelsAndDispatches) {
  auto notSpirv = device->createKernel({1, 2, 3, 4, 5, 6}, "main", 2, 12);
  ASSERT_FALSE(notSpirv.ok());
  EXPECT_NE(notSpirv.status().message().find("not a SPIR-V module"),
            std::string::npos);
  auto kernel = device->createKernel(readShader(), "main", 2, 12);
  ASSERT_TRUE(kernel.ok()) << kernel.status().message();
  auto x = device->allocate(64);
  ASSERT_TRUE(x.ok());
  auto wrongBindings =
      device->dispatch(**kernel, {x->get()}, {0, 0, 0}, {1, 1, 1});
  ASSERT_FALSE(wrongBindings.ok());
  EXPECT_NE(wrongBindings.status().message().find("binds 1 buffers, the "
                                                  "kernel has 2"),
            std::string::npos);
  auto wrongConstants =
      device->dispatch(**kernel, {x->get(), x->get()}, {0}, {1, 1, 1});
  ASSERT_FALSE(wrongConstants.ok());
  auto tooMany = device->dispatch(**kernel, {x->get(), x->get()}, {0, 0, 0},
                                  {0xffffffffu, 1, 1});
  ASSERT_FALSE(tooMany.ok());
  EXPECT_NE(tooMany.status().message().find("exceeds the device limit"),
            std::string::npos);
  std::vector<char> big(100);
  EXPECT_FALSE((*x)->upload(big.data(), big.size()).ok());
}

TEST(VulkanDeviceSelection, AnIndexBeyondTheDevicesIsRefused) {
  auto all = vulkan::Device::enumerate();
  if (!all.ok())
    GTEST_SKIP() << "no Vulkan loader: " << all.status().message();
  auto device = vulkan::Device::create({int(all->size()) + 3, false});
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().message().find("no device vulkan://"),
            std::string::npos)
      << device.status().message();
}

} // namespace

namespace {
TEST(VulkanValidation, ReportsMisuse) {
  // The layer is really on: a pipeline layout missing binding 1, which the
  // shader uses, is reported (and collected, not printed).
  auto device = vulkan::Device::create({-1, true});
  if (!device.ok())
    GTEST_SKIP() << "no Vulkan device: " << device.status().message();
  auto kernel = (*device)->createKernel(readShader(), "main", 1, 12);
  (void)kernel;
  ASSERT_FALSE((*device)->validationMessages().empty());
  EXPECT_NE((*device)->validationMessages()[0].find(
                "not declared in pipeline layout"),
            std::string::npos)
      << (*device)->validationMessages()[0];
}
} // namespace

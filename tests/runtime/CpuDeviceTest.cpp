//===- CpuDeviceTest.cpp - The CPU as a device ----------------------------===//
//
// A hand-written executable (kernels/cpu_kernels.c, built by clang) loaded
// on CPU devices made by Runtime::createDevice, its dispatches recorded in
// batches: dependent dispatches are ordered, independent ones share a wave,
// and each workgroup sees its worker's index and scratch memory.
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/Session.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

using namespace tessera::rt;

namespace {

#ifdef TESSERA_TEST_CPU_KERNELS

constexpr uint32_t kWorkgroups = 256;

class CpuDeviceTest : public ::testing::Test {
protected:
  std::shared_ptr<Device> device(const std::string &spec) {
    auto created = Runtime::createDevice(spec);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? *created : nullptr;
  }
  std::unique_ptr<Executable> load(Device &device) {
    std::ifstream file(TESSERA_TEST_CPU_KERNELS, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    EXPECT_FALSE(bytes.empty()) << "cannot read " TESSERA_TEST_CPU_KERNELS;
    auto buffer = Buffer::allocate(bytes.size());
    EXPECT_TRUE(buffer.ok());
    std::copy(bytes.begin(), bytes.end(), (*buffer)->data());
    auto loaded = device.load("cpu_kernels", device.formats().front(),
                              (*buffer)->data(), (*buffer)->size(),
                              {{"iota", 0, {false}},
                               {"twice", 0, {true, false}},
                               {"processor_id", 0, {false}},
                               {"fail_at_7", 0, {false}}});
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? std::move(*loaded) : nullptr;
  }
  static std::shared_ptr<Buffer> words(uint32_t count = kWorkgroups) {
    auto buffer = Buffer::allocate(count * sizeof(uint32_t));
    std::fill_n(reinterpret_cast<uint32_t *>((*buffer)->data()), count,
                0xffffffffu);
    return *buffer;
  }
  /// A request as the interpreter makes it. Its flop count says how much
  /// work it is: these kernels are tiny, so by default it claims a large
  /// one (the device splits it over its workers); `flops` = 0 leaves it as
  /// small as it is (run inline).
  static DispatchRequest request(const Executable &executable, unsigned ordinal,
                                 const char *name,
                                 std::vector<DispatchBinding> bindings,
                                 unsigned tag,
                                 uint64_t flops = uint64_t(1) << 30) {
    DispatchRequest request;
    request.record.flops = flops;
    request.executable = &executable;
    request.bindings = std::move(bindings);
    request.record.ordinal = ordinal;
    request.record.exportName = name;
    request.record.workgroupCount = {kWorkgroups, 1, 1};
    request.tag = tag;
    return request;
  }
  static const uint32_t *data(const std::shared_ptr<Buffer> &buffer) {
    return reinterpret_cast<const uint32_t *>(buffer->data());
  }
  /// A batch whose dispatch records land in `ran`.
  std::unique_ptr<DispatchBatch> observedBatch(Device &device) {
    ran.clear();
    BatchOptions options;
    options.observer = &observer;
    options.origin = std::chrono::steady_clock::now();
    return device.beginBatch(options);
  }
  std::vector<DispatchRecord> ran;
  DispatchObserver observer = [this](const DispatchRecord &record) {
    ran.push_back(record);
  };
};

TEST_F(CpuDeviceTest, ReadsAfterWritesWaitIndependentDispatchesRunTogether) {
  std::shared_ptr<Device> cpu = device("cpu?workers=4");
  ASSERT_TRUE(cpu);
  std::unique_ptr<Executable> executable = load(*cpu);
  ASSERT_TRUE(executable);
  std::unique_ptr<DispatchBatch> batch = observedBatch(*cpu);

  // x = iota; y = 2 x (reads x: waits for it); z = iota (touches neither:
  // joins y's wave).
  std::shared_ptr<Buffer> x = words(), y = words(), z = words();
  size_t bytes = kWorkgroups * sizeof(uint32_t);
  ASSERT_FALSE(batch->record(
      request(*executable, 0, "iota", {{x, 0, bytes, false}}, 10)));
  EXPECT_EQ(batch->pending(), 1u);
  ASSERT_FALSE(
      batch->record(request(*executable, 1, "twice",
                            {{x, 0, bytes, true}, {y, 0, bytes, false}}, 11)));
  ASSERT_FALSE(batch->record(
      request(*executable, 0, "iota", {{z, 0, bytes, false}}, 12)));
  EXPECT_EQ(batch->pending(), 2u);
  ASSERT_FALSE(batch->flush());
  EXPECT_EQ(batch->pending(), 0u);

  for (uint32_t i = 0; i < kWorkgroups; ++i) {
    ASSERT_EQ(data(x)[i], i + 1) << i;
    ASSERT_EQ(data(y)[i], 2 * (i + 1)) << i;
    ASSERT_EQ(data(z)[i], i + 1) << i;
  }
  ASSERT_EQ(ran.size(), 3u);
  EXPECT_EQ(ran[0].exportName, "iota");
  EXPECT_EQ(ran[1].exportName, "twice");
  EXPECT_EQ(ran[2].exportName, "iota");
  EXPECT_EQ(ran[0].concurrentSlot, 0u);
  // A new wave for the dependent dispatch, the independent one beside it.
  EXPECT_EQ(ran[1].concurrentSlot, 0u);
  EXPECT_EQ(ran[2].concurrentSlot, 1u);
  for (const DispatchRecord &record : ran)
    EXPECT_EQ(record.workers.size(), 4u);
}

TEST_F(CpuDeviceTest, ManyWorkgroupsRunInChunksOfSeveral) {
  // Past 256 chunks per worker a chunk takes several workgroups: every one
  // still runs once, in a wave of two dispatches and alone.
  std::shared_ptr<Device> cpu = device("cpu?workers=2");
  ASSERT_TRUE(cpu);
  std::unique_ptr<Executable> executable = load(*cpu);
  ASSERT_TRUE(executable);
  constexpr uint32_t kMany = 20011;
  size_t bytes = kMany * sizeof(uint32_t);
  std::shared_ptr<Buffer> x = words(kMany), y = words(kMany), z = words(kMany);
  for (uint32_t i = 0; i < kMany; ++i)
    reinterpret_cast<uint32_t *>(x->data())[i] = i;
  std::unique_ptr<DispatchBatch> batch = observedBatch(*cpu);
  for (auto [out, tag] : {std::pair(y, 1u), std::pair(z, 2u)}) {
    DispatchRequest twice =
        request(*executable, 1, "twice",
                {{x, 0, bytes, true}, {out, 0, bytes, false}}, tag);
    twice.record.workgroupCount = {kMany, 1, 1};
    ASSERT_FALSE(batch->record(std::move(twice)));
  }
  ASSERT_FALSE(batch->flush());
  for (uint32_t i = 0; i < kMany; ++i) {
    ASSERT_EQ(data(y)[i], 2 * i) << i;
    ASSERT_EQ(data(z)[i], 2 * i) << i;
  }
  ASSERT_EQ(ran.size(), 2u);
  for (const DispatchRecord &record : ran) {
    uint64_t workgroups = 0;
    for (const DispatchRecord::WorkerShare &share : record.workers)
      workgroups += share.workgroups;
    EXPECT_EQ(workgroups, kMany);
  }
}

TEST_F(CpuDeviceTest, InlineRunsEachDispatchWhenRecorded) {
  std::shared_ptr<Device> cpu = device("cpu");
  ASSERT_TRUE(cpu);
  std::unique_ptr<Executable> executable = load(*cpu);
  ASSERT_TRUE(executable);
  std::unique_ptr<DispatchBatch> batch = cpu->beginBatch({});
  std::shared_ptr<Buffer> x = words();
  ASSERT_FALSE(batch->record(
      request(*executable, 0, "iota", {{x, 0, kWorkgroups * 4, false}}, 0)));
  EXPECT_EQ(batch->pending(), 0u);
  EXPECT_EQ(data(x)[kWorkgroups - 1], kWorkgroups);
}

TEST_F(CpuDeviceTest, ProcessorIdIsTheWorkersIndex) {
  for (unsigned workers : {0u, 4u}) {
    std::shared_ptr<Device> cpu =
        device("cpu?workers=" + std::to_string(workers));
    ASSERT_TRUE(cpu);
    std::unique_ptr<Executable> executable = load(*cpu);
    ASSERT_TRUE(executable);
    std::unique_ptr<DispatchBatch> batch = cpu->beginBatch({});
    std::shared_ptr<Buffer> ids = words();
    std::optional<DispatchFailure> failure = batch->record(request(
        *executable, 2, "processor_id", {{ids, 0, kWorkgroups * 4, false}}, 7));
    if (!failure)
      failure = batch->flush();
    ASSERT_FALSE(failure) << failure->message;
    std::set<uint32_t> seen(data(ids), data(ids) + kWorkgroups);
    if (workers == 0) {
      EXPECT_EQ(seen, std::set<uint32_t>({0}));
      continue;
    }
    // Every workgroup ran on one of the workers; the threads took some.
    EXPECT_LT(*seen.rbegin(), workers);
    EXPECT_GT(seen.size(), 1u);
  }
}

// Dispatches too small to pay for waking the workers (no flops, a few
// hundred bytes) run on the calling thread even with 4 workers: one alone,
// and independent ones that are small together, one after another in the
// order recorded instead of as a wave. Every workgroup sees processor 0
// and no worker shares are recorded.
TEST_F(CpuDeviceTest, SmallDispatchesAndWavesRunInline) {
  for (unsigned count : {1u, 2u}) {
    std::shared_ptr<Device> cpu = device("cpu?workers=4");
    ASSERT_TRUE(cpu);
    std::unique_ptr<Executable> executable = load(*cpu);
    ASSERT_TRUE(executable);
    std::unique_ptr<DispatchBatch> batch = observedBatch(*cpu);
    std::vector<std::shared_ptr<Buffer>> ids;
    for (unsigned i = 0; i < count; ++i) {
      ids.push_back(words());
      ASSERT_FALSE(batch->record(
          request(*executable, 2, "processor_id",
                  {{ids.back(), 0, kWorkgroups * 4, false}}, i, 0)));
    }
    ASSERT_FALSE(batch->flush());
    for (const auto &buffer : ids)
      EXPECT_EQ(std::set<uint32_t>(data(buffer), data(buffer) + kWorkgroups),
                std::set<uint32_t>({0}))
          << count << " dispatches";
    ASSERT_EQ(ran.size(), count);
    for (const DispatchRecord &record : ran)
      EXPECT_TRUE(record.workers.empty()) << count << " dispatches";
  }
}

TEST_F(CpuDeviceTest, AFailureInAWaveNamesItsDispatch) {
  std::shared_ptr<Device> cpu = device("cpu?workers=4");
  ASSERT_TRUE(cpu);
  std::unique_ptr<Executable> executable = load(*cpu);
  ASSERT_TRUE(executable);
  std::unique_ptr<DispatchBatch> batch = cpu->beginBatch({});
  std::shared_ptr<Buffer> x = words(), y = words();
  size_t bytes = kWorkgroups * sizeof(uint32_t);
  ASSERT_FALSE(batch->record(
      request(*executable, 0, "iota", {{x, 0, bytes, false}}, 20)));
  ASSERT_FALSE(batch->record(
      request(*executable, 3, "fail_at_7", {{y, 0, bytes, false}}, 21)));
  std::optional<DispatchFailure> failure = batch->flush();
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->tag, 21u);
  EXPECT_EQ(
      failure->message,
      "dispatch of 'fail_at_7' failed with code 1 in workgroup (7, 0, 0)");
}

#else

TEST(CpuDeviceTest, NeedsClang) {
  GTEST_SKIP() << "clang was not found: the hand-written executable of "
                  "these tests was not built";
}

#endif

} // namespace

//===- CpuDevice.cpp - The local CPU as a device --------------------------===//

#include "CpuDevice.h"

#include "CpuExecutable.h"
#include "DispatchWave.h"
#include "HostAllocator.h"

namespace tessera::rt {

namespace {

using Clock = std::chrono::steady_clock;

class CpuBatch final : public DispatchBatch {
public:
  CpuBatch(const BatchOptions &options, TaskExecutor *executor)
      : options(options), executor(executor) {}

  std::optional<DispatchFailure> record(DispatchRequest request) override {
    // Only the CPU device loads CpuExecutables.
    const auto &executable =
        static_cast<const CpuExecutable &>(*request.executable);
    CpuDispatch dispatch{executable.exportFunction(request.record.ordinal),
                         request.record.workgroupCount,
                         std::move(request.pushConstants),
                         {},
                         {}};
    dispatch.bindingPtrs.reserve(request.bindings.size());
    dispatch.bindingLengths.reserve(request.bindings.size());
    for (const DispatchBinding &binding : request.bindings) {
      dispatch.bindingPtrs.push_back(binding.buffer->data() + binding.offset);
      dispatch.bindingLengths.push_back(binding.length);
    }
    dispatch.flops = request.record.flops;
    if (collectsWaves()) {
      DispatchWave::Entry entry{
          std::move(dispatch), {}, {}, std::move(request.record), request.tag};
      entry.bindingWritten.reserve(request.bindings.size());
      entry.keepAlive.reserve(request.bindings.size());
      for (DispatchBinding &binding : request.bindings) {
        entry.bindingWritten.push_back(!binding.readOnly);
        entry.keepAlive.push_back(std::move(binding.buffer));
      }
      if (wave.conflictsWith(entry))
        if (std::optional<DispatchFailure> failure = flush())
          return failure;
      wave.add(std::move(entry));
      return std::nullopt;
    }

    DispatchRecord &record = request.record;
    Clock::time_point start = Clock::now();
    if (Status s = runOnCpu(dispatch, executor,
                            options.observer ? &record.workers : nullptr,
                            options.origin);
        !s)
      return DispatchFailure{request.tag, "dispatch of '" + record.exportName +
                                              "' " + s.message()};
    if (options.observer) {
      record.startMicroseconds = since(start);
      record.microseconds = since(Clock::now()) - record.startMicroseconds;
      (*options.observer)(record);
    }
    return std::nullopt;
  }

  size_t pending() const override { return wave.size(); }

  std::optional<DispatchFailure> flush() override {
    if (wave.empty())
      return std::nullopt;
    std::vector<DispatchRecord> records;
    std::optional<DispatchWave::Failure> failure = wave.run(
        *executor, options.observer != nullptr, options.origin, records);
    if (failure)
      return DispatchFailure{failure->tag, "dispatch of '" +
                                               failure->exportName + "' " +
                                               failure->message};
    for (const DispatchRecord &record : records)
      (*options.observer)(record);
    return std::nullopt;
  }

private:
  /// Dispatches wait in a wave when they may run together on several
  /// workers; otherwise each runs when recorded.
  bool collectsWaves() const {
    return options.concurrent && executor && executor->workerCount() > 1;
  }
  double since(Clock::time_point time) const {
    return std::chrono::duration<double, std::micro>(time - options.origin)
        .count();
  }

  BatchOptions options;
  TaskExecutor *executor;
  DispatchWave wave;
};

} // namespace

CpuDevice::CpuDevice(CpuInfo info, unsigned workerCount)
    : info(std::move(info)) {
  if (workerCount > 1)
    workers = std::make_shared<TaskExecutor>(workerCount);
  noteHostMemoryWriters(workers ? workers->workerCount() : 1);
}

std::string CpuDevice::describe() const {
  std::string overrides = info.describeOverrides();
  return overrides.empty() ? "cpu" : "cpu with feature overrides " + overrides;
}

std::vector<std::string> CpuDevice::formats() const {
  return {CpuExecutable::hostFormat()};
}

DeviceQueryAnswer CpuDevice::query(std::string_view category,
                                   std::string_view key) const {
  return info.query(category, key);
}

StatusOr<std::unique_ptr<Executable>>
CpuDevice::load(const std::string &name, std::string_view format,
                const uint8_t *data, size_t size,
                const std::vector<ExportSignature> &exports) {
  std::vector<std::string> exportNames;
  for (const ExportSignature &signature : exports)
    exportNames.push_back(signature.name);
  auto loaded =
      CpuExecutable::load(name, std::string(format), data, size, exportNames);
  if (!loaded)
    return loaded.status();
  return std::unique_ptr<Executable>(std::move(*loaded));
}

std::unique_ptr<DispatchBatch>
CpuDevice::beginBatch(const BatchOptions &options) {
  return std::make_unique<CpuBatch>(options, options.executor ? options.executor
                                                              : workers.get());
}

StatusOr<std::shared_ptr<Device>> createCpuDevice(const DeviceSpec &spec) {
  if (spec.path)
    return Status::error("device '" + spec.text +
                         "': the CPU takes no path (cpu?workers=N)");
  if (Status s = spec.checkParameters({"workers", "features"}); !s)
    return s;
  unsigned workers = 0;
  if (const std::string *text = spec.parameter("workers")) {
    bool digits = !text->empty() && text->size() <= 4 &&
                  text->find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(*text) > 1024)
      return Status::error("device '" + spec.text + "': workers='" + *text +
                           "' must be 0 (inline) to 1024");
    workers = std::stoi(*text);
  }
  std::vector<std::string> overrides;
  if (const std::string *text = spec.parameter("features")) {
    size_t start = 0;
    while (start <= text->size()) {
      size_t end = std::min(text->find(',', start), text->size());
      overrides.push_back(text->substr(start, end - start));
      start = end + 1;
    }
  }
  auto info = CpuInfo::create(overrides);
  if (!info)
    return info.status();
  return std::shared_ptr<Device>(
      std::make_shared<CpuDevice>(std::move(*info), workers));
}

} // namespace tessera::rt

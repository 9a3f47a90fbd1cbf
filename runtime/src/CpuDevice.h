//===- CpuDevice.h - The local CPU as a device ------------------*- C++ -*-===//
//
// Loads ELF executables (CpuExecutable) and runs their workgroups on the
// calling thread or split over a task executor's workers. Its batch runs
// each dispatch when it is recorded, or, with several workers and
// concurrency allowed, collects dispatches that do not touch each other's
// buffers into a wave (DispatchWave) run at the next conflict or flush.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_CPUDEVICE_H
#define TESSERA_RUNTIME_CPUDEVICE_H

#include "tessera/runtime/Device.h"
#include "tessera/runtime/DeviceRegistry.h"
#include "tessera/runtime/TaskExecutor.h"

namespace tessera::rt {

class CpuDevice final : public Device {
public:
  /// `workers` <= 1: dispatches run inline on the calling thread.
  CpuDevice(CpuInfo info, unsigned workers);

  std::string name() const override { return "cpu"; }
  std::string describe() const override;
  std::vector<std::string> formats() const override;
  DeviceQueryAnswer query(std::string_view category,
                          std::string_view key) const override;
  StatusOr<std::unique_ptr<Executable>>
  load(const std::string &name, std::string_view format, const uint8_t *data,
       size_t size, const std::vector<ExportSignature> &exports) override;
  std::unique_ptr<DispatchBatch>
  beginBatch(const BatchOptions &options) override;

  /// Null when dispatches run inline.
  TaskExecutor *executor() const { return workers.get(); }

private:
  CpuInfo info;
  std::shared_ptr<TaskExecutor> workers;
};

/// "cpu", "local-sync", "cpu?workers=N&features=+a,-b" (Runtime::createDevice).
StatusOr<std::shared_ptr<Device>> createCpuDevice(const DeviceSpec &spec);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_CPUDEVICE_H

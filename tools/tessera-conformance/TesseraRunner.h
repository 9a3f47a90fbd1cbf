//===- TesseraRunner.h - A program through Tessera's compiler and devices -*-
// C++ -*-===//
//
// Compiles a program with CompileSession (what every tool uses) into a
// module and runs it with the runtime: on the CPU inline, on the CPU with
// task workers, or on a Vulkan device with validation.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CONFORMANCE_TESSERARUNNER_H
#define TESSERA_CONFORMANCE_TESSERARUNNER_H

#include "HostTensor.h"

#include <memory>

namespace tessera::conformance {

enum class DeviceKind { CpuInline, CpuThreaded, Vulkan };
const char *deviceKindName(DeviceKind kind);

/// What one run gave.
struct RunOutcome {
  enum class Kind {
    Ok,
    Refused,
    CompileFailure,
    RuntimeFailure
  } kind = Kind::Ok;
  std::string message;
  std::vector<HostTensor> results;
};

class TesseraRunner {
public:
  /// `vulkanValidation`: with the Khronos layer; its messages fail a run.
  explicit TesseraRunner(bool vulkanValidation = true);
  ~TesseraRunner();
  /// Whether a Vulkan device could be opened (the reason when not).
  bool hasVulkan(std::string *why = nullptr);
  RunOutcome run(const Program &program, const std::vector<HostTensor> &inputs,
                 DeviceKind device);

private:
  struct State;
  std::unique_ptr<State> state;
};

/// Whether a compile error is a refusal a user can act on (it names an op
/// of the program at its source line and says why), rather than a pass's
/// internal message.
bool isUserLevelRefusal(const std::string &formattedDiagnostic);

} // namespace tessera::conformance

#endif // TESSERA_CONFORMANCE_TESSERARUNNER_H

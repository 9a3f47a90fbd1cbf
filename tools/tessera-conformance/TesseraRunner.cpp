//===- TesseraRunner.cpp - A program through Tessera's compiler and devices
//-===//

#include "TesseraRunner.h"

#include "Pipeline/CompileSession.h"
#include "tessera/runtime/Session.h"
#include "tessera/runtime/TaskExecutor.h"

#include "llvm/ADT/StringRef.h"

#include <cstring>
#include <regex>

namespace tessera::conformance {

const char *deviceKindName(DeviceKind kind) {
  switch (kind) {
  case DeviceKind::CpuInline:
    return "cpu";
  case DeviceKind::CpuThreaded:
    return "cpu-threaded";
  case DeviceKind::Vulkan:
    return "vulkan";
  }
  return "?";
}

bool isUserLevelRefusal(const std::string &diagnostic) {
  // "file:line:col: error: ..." at a line of the program, naming no op of
  // the compiler's own lowering (loops, buffers, vectors, SPIR-V, LLVM,
  // Tessera's dialects): those are passes talking to themselves.
  static const std::regex located(R"(^[^:]*:[1-9][0-9]*:[0-9]+: error: )");
  if (!std::regex_search(diagnostic, located))
    return false;
  // "'linalg.generic' op ..." is an op verifier speaking: an op the
  // compiler built is invalid.
  static const std::regex verifier(R"(error: '[a-z_0-9.]+' op )");
  if (std::regex_search(diagnostic, verifier))
    return false;
  static const char *internal[] = {"'scf.",
                                   "'memref.",
                                   "'vector.",
                                   "'spirv.",
                                   "'llvm.",
                                   "'affine.",
                                   "'gpu.",
                                   "'hal.",
                                   "'hal_loader.",
                                   "'flow.",
                                   "'bufferization.",
                                   "'cf.",
                                   "failed to legalize",
                                   "failed to materialize"};
  for (const char *marker : internal)
    if (diagnostic.find(marker) != std::string::npos)
      return false;
  return true;
}

struct TesseraRunner::State {
  bool validation;
  bool vulkanTried = false;
  std::string vulkanError;
  std::shared_ptr<rt::Device> cpu, vulkan;
  std::shared_ptr<rt::TaskExecutor> executor;
  std::string compiledText;
  bool compiledForVulkan = false;
  RunOutcome compiled;
  std::string moduleBytes;
};

/// Compiles `text` into module bytes as `tessera compile` would.
static RunOutcome compile(const std::string &text, bool forVulkan,
                          std::string &moduleBytes) {
  RunOutcome outcome;
  mlir::tessera::CompileSession session;
  mlir::tessera::CompileOptions options;
  options.captureIR = false;
  options.buildModule = true;
  if (forVulkan)
    options.targets = {"vulkan-spirv"};
  bool compiled =
      mlir::succeeded(session.loadBuffer(text, "conformance.mlir")) &&
      mlir::succeeded(session.compile(options));
  if (compiled) {
    moduleBytes = session.getModuleBytes();
    return outcome;
  }
  std::string messages;
  bool userLevel = true;
  for (const auto &diagnostic : session.getDiagnostics()) {
    if (diagnostic.severity != mlir::tessera::Diagnostic::Severity::Error)
      continue;
    std::string formatted = diagnostic.format();
    messages += (messages.empty() ? "" : "\n") + formatted;
    userLevel = userLevel && isUserLevelRefusal(formatted);
  }
  if (messages.empty()) {
    messages = "the compile failed without an error message";
    userLevel = false;
  }
  outcome.kind =
      userLevel ? RunOutcome::Kind::Refused : RunOutcome::Kind::CompileFailure;
  outcome.message = messages;
  return outcome;
}

TesseraRunner::TesseraRunner(bool vulkanValidation)
    : state(std::make_unique<State>()) {
  state->validation = vulkanValidation;
}

TesseraRunner::~TesseraRunner() = default;

bool TesseraRunner::hasVulkan(std::string *why) {
  if (!state->vulkanTried) {
    state->vulkanTried = true;
    auto device = rt::Runtime::createDevice(
        state->validation ? "vulkan?validation=1" : "vulkan");
    if (device) {
      state->vulkan = std::move(*device);
    } else {
      state->vulkanError = device.status().message();
    }
  }
  if (why)
    *why = state->vulkanError;
  return state->vulkan != nullptr;
}

static rt::ElementType runtimeType(Element element) {
  switch (element) {
  case Element::F32:
    return rt::ElementType::F32;
  case Element::F16:
    return rt::ElementType::F16;
  case Element::I32:
    return rt::ElementType::I32;
  case Element::I8:
    return rt::ElementType::I8;
  }
  return rt::ElementType::F32;
}

RunOutcome TesseraRunner::run(const Program &program,
                              const std::vector<HostTensor> &inputs,
                              DeviceKind device) {
  RunOutcome outcome;
  // One compile per program and target: the CPU's inline and threaded runs
  // share the module.
  bool forVulkan = device == DeviceKind::Vulkan;
  if (state->compiledText != program.text ||
      state->compiledForVulkan != forVulkan) {
    state->compiledText = program.text;
    state->compiledForVulkan = forVulkan;
    state->compiled = compile(program.text, forVulkan, state->moduleBytes);
  }
  if (state->compiled.kind != RunOutcome::Kind::Ok)
    return state->compiled;
  auto fail = [&](const std::string &message) {
    outcome.kind = RunOutcome::Kind::RuntimeFailure;
    outcome.message = message;
    return outcome;
  };

  rt::LoadOptions load;
  size_t validationBefore = 0;
  if (device == DeviceKind::Vulkan) {
    if (!hasVulkan())
      return fail("no Vulkan device: " + state->vulkanError);
    if (!state->cpu)
      state->cpu = *rt::Runtime::createDevice("cpu");
    load.devices = {state->cpu, state->vulkan};
    validationBefore = state->vulkan->diagnostics().size();
  }
  const std::string &bytes = state->moduleBytes;
  auto module = rt::Module::loadBytes(bytes.data(), bytes.size(),
                                      "conformance.mlir", load);
  if (!module)
    return fail("loading: " + module.status().message());
  rt::Session call(*module);
  if (device == DeviceKind::CpuThreaded) {
    if (!state->executor)
      state->executor = std::make_shared<rt::TaskExecutor>(4);
    call.setTaskExecutor(state->executor);
  }
  std::vector<rt::Tensor> arguments;
  for (const HostTensor &input : inputs) {
    auto tensor =
        rt::Tensor::allocate(runtimeType(input.spec.element), input.spec.shape);
    if (!tensor)
      return fail(tensor.status().message());
    std::memcpy(tensor->mutableBytes(), input.bytes.data(), input.bytes.size());
    arguments.push_back(std::move(*tensor));
  }
  auto results = call.call(program.function, arguments);
  if (!results)
    return fail("call: " + results.status().message());
  if (device == DeviceKind::Vulkan &&
      state->vulkan->diagnostics().size() != validationBefore) {
    std::string messages;
    const std::vector<std::string> all = state->vulkan->diagnostics();
    for (size_t i = validationBefore;
         i < all.size() && i < validationBefore + 3; ++i)
      messages += "\n  " + all[i];
    return fail(
        "Vulkan validation: " + std::to_string(all.size() - validationBefore) +
        " messages" + messages);
  }
  if (results->size() != program.results.size())
    return fail(std::to_string(results->size()) + " results, expected " +
                std::to_string(program.results.size()));
  for (size_t i = 0; i < results->size(); ++i) {
    const rt::Tensor &tensor = (*results)[i];
    HostTensor result;
    result.spec = program.results[i];
    result.spec.shape = tensor.shape();
    if (tensor.elementType() != runtimeType(result.spec.element))
      return fail("result #" + std::to_string(i) + " has the wrong type");
    result.bytes.assign(tensor.bytes(), tensor.bytes() + tensor.byteSize());
    outcome.results.push_back(std::move(result));
  }
  return outcome;
}

} // namespace tessera::conformance

//===- Session.cpp --------------------------------------------------------===//

#include "tessera/runtime/Session.h"

#include "Interpreter.h"

namespace tessera::rt {

StatusOr<std::shared_ptr<Device>> Runtime::createDevice(std::string_view spec) {
  auto parsed = DeviceSpec::parse(spec);
  if (!parsed)
    return parsed.status();
  return rt::createDevice(*parsed);
}

StatusOr<Runtime> Runtime::create(const std::string &device,
                                  const std::string &cpu) {
  auto created = createDevice(device);
  if (!created)
    return created.status();
  Runtime runtime;
  runtime.deviceName = (*created)->name();
  if (runtime.deviceName != "cpu") {
    auto beside = createDevice(cpu);
    if (!beside)
      return beside.status();
    if ((*beside)->name() != "cpu")
      return Status::error("'" + cpu + "' is not a CPU device");
    runtime.deviceList.push_back(std::move(*beside));
  }
  runtime.deviceList.push_back(std::move(*created));
  return runtime;
}

/// `options` with the runtime's devices when it names none.
static LoadOptions
withDevices(const LoadOptions &options,
            const std::vector<std::shared_ptr<Device>> &devices) {
  LoadOptions result = options;
  if (result.devices.empty())
    result.devices = devices;
  return result;
}

StatusOr<std::shared_ptr<Module>>
Runtime::loadModule(const std::string &path, const LoadOptions &options) const {
  return Module::loadFile(path, withDevices(options, deviceList));
}

StatusOr<std::shared_ptr<Module>>
Runtime::loadModule(const void *data, size_t size, std::string name,
                    const LoadOptions &options) const {
  return Module::loadBytes(data, size, std::move(name),
                           withDevices(options, deviceList));
}

Session::Session(std::shared_ptr<Module> module)
    : loadedModule(std::move(module)) {}

static std::string describe(const TensorType &type) {
  return type.scalar ? "scalar " + type.str() : "tensor<" + type.str() + ">";
}

StatusOr<std::vector<Tensor>> Session::call(std::string_view function,
                                            const std::vector<Tensor> &inputs) {
  const auto &signatures = loadedModule->functions();
  unsigned index = 0;
  while (index < signatures.size() && signatures[index].name != function)
    ++index;
  if (index == signatures.size()) {
    std::string names;
    for (const FunctionSignature &signature : signatures)
      names += (names.empty() ? "" : ", ") + signature.name;
    return Status::error("no function '" + std::string(function) +
                         "' in the module (it has: " + names + ")");
  }
  const FunctionSignature &signature = signatures[index];
  if (inputs.size() != signature.inputs.size())
    return Status::error("function '" + signature.name + "' takes " +
                         std::to_string(signature.inputs.size()) +
                         " inputs, got " + std::to_string(inputs.size()) +
                         "; its signature is " + signature.str());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorType &expected = signature.inputs[i];
    TensorType actual = inputs[i].tensorType();
    bool matches = expected.scalar == actual.scalar &&
                   expected.elementType == actual.elementType &&
                   expected.shape.size() == actual.shape.size();
    for (size_t d = 0; matches && d < expected.shape.size(); ++d)
      matches = actual.shape[d] >= 0 &&
                (expected.shape[d] < 0 || expected.shape[d] == actual.shape[d]);
    if (!matches)
      return Status::error("input " + std::to_string(i) + " of '" +
                           signature.name + "': expected " +
                           describe(expected) + ", got " + describe(actual));
    if (!inputs[i].storage() ||
        inputs[i].byteSize() > inputs[i].storage()->size())
      return Status::error("input " + std::to_string(i) +
                           " has no data for its shape");
  }
  return interpret(*loadedModule, index, inputs, observer, capture,
                   executor.get(), concurrent);
}

StatusOr<DispatchReplay>
Session::replayDispatch(const DispatchCapture &dispatch,
                        int repetitions) const {
  return replay(*loadedModule, dispatch, repetitions, executor.get());
}

} // namespace tessera::rt

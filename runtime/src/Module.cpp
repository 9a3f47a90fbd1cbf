//===- Module.cpp - Loading a module --------------------------------------===//

#include "tessera/runtime/Module.h"

#include "tessera/runtime/FileRead.h"
#include "tessera/runtime/ModuleSignature.h"

#include "CpuDevice.h"
#include "Interpreter.h"
#include "ModuleInternals.h"
#include "tessera/schema/module_generated.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tessera::rt {

namespace {

TensorType toTensorType(const schema::TensorType *type) {
  TensorType result;
  result.elementType = static_cast<ElementType>(type->element_type());
  if (type->shape())
    result.shape.assign(type->shape()->begin(), type->shape()->end());
  result.scalar = type->scalar();
  return result;
}

std::string typeString(const TensorType &type) {
  if (type.scalar)
    return type.str();
  return "tensor<" + type.str() + ">";
}

} // namespace

std::string FunctionSignature::str() const {
  std::string text = "(";
  for (size_t i = 0; i < inputs.size(); ++i)
    text += (i ? ", " : "") + typeString(inputs[i]);
  text += ") -> ";
  if (outputs.size() != 1)
    text += "(";
  for (size_t i = 0; i < outputs.size(); ++i)
    text += (i ? ", " : "") + typeString(outputs[i]);
  if (outputs.size() != 1)
    text += ")";
  return text;
}

StatusOr<std::shared_ptr<Module>> Module::loadFile(const std::string &path,
                                                   const LoadOptions &options) {
  auto file = RegularFile::open(path);
  if (!file)
    return Status::error("cannot load module " + file.status().message());
  auto buffer = Buffer::allocate(file->size());
  if (!buffer)
    return Status::error(path + ": " + buffer.status().message());
  if (Status s = file->readAll((*buffer)->data()); !s)
    return s;

  return loadOwned(std::move(*buffer), path, options);
}

StatusOr<std::shared_ptr<Module>>
Module::loadBytes(const void *data, size_t size, std::string name,
                  const LoadOptions &options) {
  // Copied: the module needs 64-byte aligned bytes it owns.
  auto buffer = Buffer::allocate(size);
  if (!buffer)
    return buffer.status();
  std::memcpy((*buffer)->data(), data, size);
  return loadOwned(std::move(*buffer), std::move(name), options);
}

StatusOr<std::shared_ptr<Module>>
Module::loadOwned(std::shared_ptr<Buffer> bytes, std::string name,
                  const LoadOptions &options) {
  // The signature first: nothing of an untrusted module is even parsed.
  if (!options.trustedKeys.empty())
    if (Status s = verifyModuleSignature(bytes->data(), bytes->size(),
                                         options.trustedKeys);
        !s)
      return Status::error(name + ": " + s.message());
  std::shared_ptr<Module> module(new Module());
  module->sourceName = std::move(name);
  module->bytes = std::move(bytes);
  module->loadOptions = options;
  if (module->loadOptions.devices.empty())
    module->loadOptions.devices = {std::make_shared<CpuDevice>(CpuInfo(), 0)};
  if (Status s = verifyModule(module->bytes->data(), module->bytes->size()); !s)
    return Status::error(module->sourceName + ": " + s.message());
  if (Status s = module->initialize(); !s)
    return Status::error(module->sourceName + ": " + s.message());
  return module;
}

Module::~Module() = default;

namespace {
std::vector<FunctionSignature> signaturesOf(const schema::Module &fb) {
  std::vector<FunctionSignature> signatures;
  for (const schema::Function *fn : *fb.functions()) {
    FunctionSignature signature;
    signature.name = fn->name()->str();
    if (fn->inputs())
      for (const schema::TensorType *type : *fn->inputs())
        signature.inputs.push_back(toTensorType(type));
    if (fn->outputs())
      for (const schema::TensorType *type : *fn->outputs())
        signature.outputs.push_back(toTensorType(type));
    signatures.push_back(std::move(signature));
  }
  return signatures;
}
} // namespace

StatusOr<std::vector<FunctionSignature>>
Module::readSignatures(const void *data, size_t size) {
  auto buffer = Buffer::allocate(size);
  if (!buffer)
    return buffer.status();
  std::memcpy((*buffer)->data(), data, size);
  if (Status s = verifyModule((*buffer)->data(), size); !s)
    return s;
  return signaturesOf(*schema::GetModule((*buffer)->data()));
}

Status Module::initialize() {
  const schema::Module &fb = *schema::GetModule(bytes->data());
  signatures = signaturesOf(fb);
  executables.resize(fb.executables() ? fb.executables()->size() : 0);
  globals.assign(fb.global_count(), -1);
  if (fb.constants()) {
    // Verified: each lies within rodata (absent only when all are empty).
    const uint8_t *rodata = fb.rodata() ? fb.rodata()->data() : nullptr;
    for (const schema::ConstantRef *ref : *fb.constants())
      constants.push_back(Buffer::wrap(
          rodata ? rodata + ref->offset() : nullptr, ref->length(), bytes));
  }
  if (!fb.initializer())
    return Status();
  ModuleInternals internals(*this);
  const std::vector<std::shared_ptr<Device>> &devices = loadOptions.devices;
  if (devices.front()->describe() != devices.front()->name())
    internals.log("device: " + devices.front()->describe());
  for (size_t d = 1; d < devices.size(); ++d)
    internals.log("device: " + devices[d]->describe() + " beside the " +
                  devices.front()->name());
  if (Status s = runInitializer(*this); !s) {
    std::string formats;
    for (const std::shared_ptr<Device> &device : devices)
      for (const std::string &format : device->formats())
        formats += (formats.empty() ? "'" : ", '") + format + "'";
    return Status::error(s.message() + " (this runtime loads " + formats + ")");
  }
  return Status();
}

const FunctionSignature *Module::findFunction(std::string_view name) const {
  for (const FunctionSignature &signature : signatures)
    if (signature.name == name)
      return &signature;
  return nullptr;
}

std::string Module::executableName(unsigned index) const {
  return ModuleInternals(*this)
      .schema()
      .executables()
      ->Get(index)
      ->name()
      ->str();
}

const schema::Module &ModuleInternals::schema() const {
  return *schema::GetModule(module->bytes->data());
}

Status ModuleInternals::loadExecutable(unsigned index) const {
  assert(writable && "only the initializer loads executables");
  Module::Loaded &loaded = writable->executables[index];
  if (loaded.executable)
    return Status();
  const schema::Executable *executable = schema().executables()->Get(index);
  std::string format = executable->format()->str();
  const std::vector<std::shared_ptr<Device>> &devices =
      module->loadOptions.devices;
  auto device = std::find_if(devices.begin(), devices.end(),
                             [&](const std::shared_ptr<Device> &candidate) {
                               return candidate->supportsFormat(format);
                             });
  // The first device's loader explains a format none of them loads.
  Device &chosen = device == devices.end() ? *devices.front() : **device;
  std::vector<ExportSignature> exports;
  for (const schema::ExportInfo *info : *executable->exports()) {
    ExportSignature signature{
        info->name()->str(), info->push_constant_count(), {}};
    if (info->binding_read_only())
      for (bool readOnly : *info->binding_read_only())
        signature.bindingReadOnly.push_back(readOnly);
    exports.push_back(std::move(signature));
  }
  auto result =
      chosen.load(executable->name()->str(), format, executable->data()->data(),
                  executable->data()->size(), exports);
  if (!result)
    return result.status();
  loaded.executable = std::move(*result);
  loaded.device = &chosen;
  log("loaded executable '" + executable->name()->str() + "' (" + format +
      ", " + std::to_string(executable->data()->size()) + " bytes, " +
      std::to_string(exports.size()) + " exports)" +
      (&chosen == devices.front().get() ? "" : " on " + chosen.describe()));
  return Status();
}

bool ModuleInternals::supportsFormat(const std::string &format) const {
  for (const std::shared_ptr<Device> &device : module->loadOptions.devices)
    if (device->supportsFormat(format))
      return true;
  return false;
}

DeviceQueryAnswer ModuleInternals::query(std::string_view category,
                                         std::string_view key) const {
  for (const std::shared_ptr<Device> &device : module->loadOptions.devices)
    if (DeviceQueryAnswer answer = device->query(category, key); answer.ok)
      return answer;
  return {};
}

const std::shared_ptr<Buffer> &ModuleInternals::constant(unsigned index) const {
  return module->constants[index];
}

} // namespace tessera::rt

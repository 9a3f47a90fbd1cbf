//===- Module.cpp - Loading a module --------------------------------------===//

#include "tessera/runtime/Module.h"

#include "tessera/runtime/FileRead.h"
#include "tessera/runtime/ModuleSignature.h"

#include "CpuExecutable.h"
#include "Interpreter.h"
#include "tessera/schema/module_generated.h"

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
  const schema::Module &fb = schema();
  signatures = signaturesOf(fb);
  executables.resize(fb.executables() ? fb.executables()->size() : 0);
  accelerated.resize(executables.size());
  globals.assign(fb.global_count(), -1);
  if (!fb.initializer())
    return Status();
  std::string overrides = device().describeOverrides();
  if (!overrides.empty())
    log("device: cpu with feature overrides " + overrides);
  if (loadOptions.accelerator)
    log("device: " + loadOptions.accelerator->describe() + " beside the cpu");
  if (Status s = runInitializer(*this); !s)
    return Status::error(
        s.message() + " (this runtime loads '" + CpuExecutable::hostFormat() +
        "'" + (overrides.empty() ? "" : "; features " + overrides) + ")");
  return Status();
}

Status Module::loadExecutable(unsigned index) {
  if (executables[index] || accelerated[index])
    return Status();
  const schema::Executable *executable = schema().executables()->Get(index);
  std::vector<std::string> exportNames;
  for (const schema::ExportInfo *info : *executable->exports())
    exportNames.push_back(info->name()->str());
  std::string format = executable->format()->str();
  if (!CpuExecutable::supportsFormat(format) && loadOptions.accelerator &&
      loadOptions.accelerator->supportsFormat(format)) {
    std::vector<ExportSignature> exports;
    for (const schema::ExportInfo *info : *executable->exports()) {
      ExportSignature signature{
          info->name()->str(), info->push_constant_count(), {}};
      if (info->binding_read_only())
        for (bool readOnly : *info->binding_read_only())
          signature.bindingReadOnly.push_back(readOnly);
      exports.push_back(std::move(signature));
    }
    auto loaded = loadOptions.accelerator->load(
        executable->name()->str(), executable->data()->data(),
        executable->data()->size(), exports);
    if (!loaded)
      return loaded.status();
    accelerated[index] = std::move(*loaded);
    log("loaded executable '" + executable->name()->str() + "' (" + format +
        ", " + std::to_string(executable->data()->size()) + " bytes, " +
        std::to_string(exports.size()) + " exports) on " +
        loadOptions.accelerator->describe());
    return Status();
  }
  auto loaded = CpuExecutable::load(
      executable->name()->str(), executable->format()->str(),
      executable->data()->data(), executable->data()->size(), exportNames);
  if (!loaded)
    return loaded.status();
  executables[index] = std::move(*loaded);
  log("loaded executable '" + executable->name()->str() + "' (" +
      executable->format()->str() + ", " +
      std::to_string(executable->data()->size()) + " bytes, " +
      std::to_string(exportNames.size()) + " exports)");
  return Status();
}

const FunctionSignature *Module::findFunction(std::string_view name) const {
  for (const FunctionSignature &signature : signatures)
    if (signature.name == name)
      return &signature;
  return nullptr;
}

const schema::Module &Module::schema() const {
  return *schema::GetModule(bytes->data());
}

std::string Module::executableName(unsigned index) const {
  return schema().executables()->Get(index)->name()->str();
}

const CpuExecutable *Module::executable(unsigned index) const {
  return executables[index].get();
}

AcceleratorExecutable *Module::acceleratorExecutable(unsigned index) const {
  return accelerated[index].get();
}

bool Module::supportsFormat(const std::string &format) const {
  return CpuExecutable::supportsFormat(format) ||
         (loadOptions.accelerator &&
          loadOptions.accelerator->supportsFormat(format));
}

DeviceQueryAnswer Module::query(std::string_view category,
                                std::string_view key) const {
  DeviceQueryAnswer answer = loadOptions.device.query(category, key);
  if (!answer.ok && loadOptions.accelerator)
    answer = loadOptions.accelerator->query(category, key);
  return answer;
}

std::shared_ptr<Buffer> Module::constant(unsigned index) const {
  const schema::ConstantRef *ref = schema().constants()->Get(index);
  return Buffer::wrap(schema().rodata()->data() + ref->offset(), ref->length(),
                      bytes);
}

} // namespace tessera::rt

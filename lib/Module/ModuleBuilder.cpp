//===- ModuleBuilder.cpp - Writes a Tessera module ------------------------===//

#include "Module/ModuleBuilder.h"
#include "Module/ModuleText.h"

#include "Dialect/HAL/IR/HALOps.h"
#include "Dialect/HALLoader/IR/HALLoaderOps.h"
#include "Module/HostProgramLowering.h"
#include "tessera/runtime/Hash.h"
#include "tessera/runtime/Module.h"
#include "tessera/schema/module_generated.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <map>

namespace mlir::tessera::module {

namespace schema = ::tessera::schema;
namespace rt = ::tessera::rt;

namespace {
constexpr uint64_t kConstantAlignment = 64;

struct ExportEntry {
  std::string name;
  uint32_t pushConstants = 0;
  std::vector<uint8_t> bindingReadOnly;
  uint64_t flops = 0;
};

struct ExecutableEntry {
  std::string executable, variant, format;
  std::vector<ExportEntry> exports;
  ArrayRef<char> data;
};

struct ConstantEntry {
  ArrayRef<char> bytes;       // Borrowed from the attribute...
  std::vector<char> unpacked; // ...or unpacked here (i1).
  uint64_t offset = 0;
  ArrayRef<char> data() const {
    return unpacked.empty() ? bytes : ArrayRef<char>(unpacked);
  }
};
} // namespace

struct ModuleBuilder::Impl {
  std::string name;
  flatbuffers::FlatBufferBuilder fbb{1 << 20};
  std::vector<flatbuffers::Offset<schema::Function>> functions;
  flatbuffers::Offset<schema::Function> initializer;
  std::map<std::string, uint32_t> globalIndex;
  std::vector<ExecutableEntry> executables;
  std::map<std::pair<std::string, std::string>, uint32_t> executableIndex;
  std::vector<ConstantEntry> constants;
  DenseMap<Attribute, uint32_t> constantIndex;
  uint64_t rodataSize = 0;
};

ModuleBuilder::ModuleBuilder(StringRef name) : impl(std::make_unique<Impl>()) {
  // Zeros are stored too: fields stay present (and patchable in tests).
  impl->fbb.ForceDefaults(true);
  impl->name = name.str();
}

ModuleBuilder::~ModuleBuilder() = default;

LogicalResult ModuleBuilder::addExecutables(ModuleOp module) {
  for (auto executable : module.getOps<hal::ExecutableOp>()) {
    for (auto variant : executable.getOps<hal::ExecutableVariantOp>()) {
      ExecutableEntry entry;
      entry.executable = executable.getSymName().str();
      entry.variant = variant.getSymName().str();
      entry.format = variant.getTarget().getFormat().getValue().str();
      for (auto exportOp : variant.getOps<hal::ExecutableExportOp>()) {
        uint64_t ordinal = exportOp.getOrdinal().getZExtValue();
        if (ordinal >= entry.exports.size())
          entry.exports.resize(ordinal + 1);
        ExportEntry &info = entry.exports[ordinal];
        if (!info.name.empty())
          return exportOp.emitError()
                 << "ordinal " << ordinal << " is used twice";
        info.name = exportOp.getSymName().str();
        hal::PipelineLayoutAttr layout = exportOp.getLayout();
        info.pushConstants = layout.getPushConstants();
        if (std::optional<int64_t> flops = exportOp.getFlopCount())
          info.flops = static_cast<uint64_t>(std::max<int64_t>(0, *flops));
        for (auto set : layout.getSets()) {
          if (set.getOrdinal() != 0)
            return exportOp.emitError() << "only descriptor set 0 is supported";
          for (auto binding : set.getBindings())
            info.bindingReadOnly.push_back(binding.getReadOnly());
        }
      }
      for (auto [ordinal, info] : llvm::enumerate(entry.exports))
        if (info.name.empty())
          return variant.emitError()
                 << "export ordinals are not dense: " << ordinal
                 << " is missing";
      impl->executableIndex[{entry.executable, entry.variant}] =
          impl->executables.size();
      impl->executables.push_back(std::move(entry));
    }
  }
  return success();
}

LogicalResult ModuleBuilder::addHostPrograms(ModuleOp module) {
  for (auto executable : module.getOps<hal::ExecutableOp>())
    return executable.emitError()
           << "executable @" << executable.getSymName()
           << " was not materialized (the loader phase makes it a "
              "hal_loader.executable.global)";
  SmallVector<hal_loader::ExecutableGlobalOp> globals;
  for (auto global : module.getOps<hal_loader::ExecutableGlobalOp>()) {
    impl->globalIndex[global.getSymName().str()] = globals.size();
    globals.push_back(global);
  }
  bool failed = false;
  if (!globals.empty()) {
    FailureOr<uint32_t> offset = lowerInitializer(globals, *this, impl->fbb);
    if (mlir::failed(offset))
      failed = true;
    else
      impl->initializer = flatbuffers::Offset<schema::Function>(*offset);
  }
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    FailureOr<uint32_t> offset = lowerHostFunction(func, *this, impl->fbb);
    if (mlir::failed(offset)) {
      failed = true;
      continue;
    }
    impl->functions.push_back(flatbuffers::Offset<schema::Function>(*offset));
  }
  if (failed)
    return failure();
  if (impl->functions.empty())
    return module.emitError() << "the module has no public function to run";
  for (const ExecutableEntry &entry : impl->executables)
    if (entry.data.empty())
      return module.emitError()
             << "no binary for @" << entry.executable << "::@" << entry.variant
             << " (serialization did not produce it)";
  return success();
}

FailureOr<uint32_t> ModuleBuilder::getOrAddConstant(ElementsAttr attr,
                                                    Operation *user) {
  auto it = impl->constantIndex.find(attr);
  if (it != impl->constantIndex.end())
    return it->second;
  ConstantEntry entry;
  Type elementType = attr.getElementType();
  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
    if (dense.isSplat())
      return user->emitError() << "splat constants are filled, not stored";
    if (elementType.isInteger(1)) {
      for (bool value : dense.getValues<bool>())
        entry.unpacked.push_back(value);
    } else {
      entry.bytes = dense.getRawData();
    }
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return user->emitError()
             << "constant resource '" << resource.getRawHandle().getKey()
             << "' has no data";
    entry.bytes = blob->getData();
  } else {
    return user->emitError() << "unsupported constant attribute " << attr;
  }
  entry.offset = impl->rodataSize;
  uint64_t size = entry.data().size();
  impl->rodataSize +=
      (size + kConstantAlignment - 1) / kConstantAlignment * kConstantAlignment;
  uint32_t index = impl->constants.size();
  impl->constants.push_back(std::move(entry));
  impl->constantIndex[attr] = index;
  return index;
}

FailureOr<uint32_t> ModuleBuilder::getExecutableIndex(StringRef executable,
                                                      StringRef variant,
                                                      Operation *user) {
  auto it = impl->executableIndex.find({executable.str(), variant.str()});
  if (it == impl->executableIndex.end())
    return user->emitError()
           << "no export table for @" << executable << "::@" << variant;
  return it->second;
}

void ModuleBuilder::setBinaryData(uint32_t executable, ArrayRef<char> data) {
  impl->executables[executable].data = data;
}

int64_t ModuleBuilder::getGlobalIndex(StringRef name) {
  auto it = impl->globalIndex.find(name.str());
  return it == impl->globalIndex.end() ? -1 : int64_t(it->second);
}

std::vector<uint32_t> ModuleBuilder::getGlobalCandidates(StringRef name) {
  std::vector<uint32_t> candidates;
  for (auto [index, entry] : llvm::enumerate(impl->executables))
    if (entry.executable == name)
      candidates.push_back(index);
  return candidates;
}

std::string ModuleBuilder::finish() {
  flatbuffers::FlatBufferBuilder &fbb = impl->fbb;

  // Constant data: one 64-byte aligned vector, each constant at a multiple
  // of 64, written in place.
  fbb.ForceVectorAlignment(impl->rodataSize, 1, kConstantAlignment);
  uint8_t *rodataBytes = nullptr;
  auto rodata =
      fbb.CreateUninitializedVector(impl->rodataSize, 1, &rodataBytes);
  std::memset(rodataBytes, 0, impl->rodataSize);
  std::vector<schema::ConstantRef> constantRefs;
  for (const ConstantEntry &entry : impl->constants) {
    ArrayRef<char> data = entry.data();
    std::memcpy(rodataBytes + entry.offset, data.data(), data.size());
    constantRefs.emplace_back(entry.offset, data.size());
  }
  auto constants = fbb.CreateVectorOfStructs(constantRefs);

  std::vector<flatbuffers::Offset<schema::Executable>> executables;
  for (const ExecutableEntry &entry : impl->executables) {
    std::vector<flatbuffers::Offset<schema::ExportInfo>> exports;
    for (const ExportEntry &info : entry.exports)
      exports.push_back(schema::CreateExportInfo(
          fbb, createText(fbb, info.name), info.pushConstants,
          fbb.CreateVector(info.bindingReadOnly), info.flops));
    auto data =
        fbb.CreateVector(reinterpret_cast<const uint8_t *>(entry.data.data()),
                         entry.data.size());
    uint64_t hash =
        rt::fnv1a64(reinterpret_cast<const uint8_t *>(entry.data.data()),
                    entry.data.size());
    executables.push_back(schema::CreateExecutable(
        fbb, createText(fbb, entry.executable + "::" + entry.variant),
        createText(fbb, entry.format), data, hash, fbb.CreateVector(exports)));
  }
  auto root =
      schema::CreateModule(fbb, rt::kModuleVersion, createText(fbb, impl->name),
                           fbb.CreateVector(impl->functions), impl->initializer,
                           impl->globalIndex.size(),
                           fbb.CreateVector(executables), constants, rodata);
  schema::FinishModuleBuffer(fbb, root);
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

} // namespace mlir::tessera::module

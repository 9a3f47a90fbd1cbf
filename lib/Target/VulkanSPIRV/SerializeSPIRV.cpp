//===- SerializeSPIRV.cpp - vulkan-spirv variants to binaries -------------===//

#include "Target/VulkanSPIRV/Passes.h"

#include "Dialect/HAL/IR/HALOps.h"
#include "Inspect/SpirvModule.h"
#include "Target/ExecutableObjectFiles.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "spirv-tools/libspirv.hpp"

namespace mlir::tessera::target {

#define GEN_PASS_DEF_SERIALIZESPIRVEXECUTABLESPASS
#include "Target/VulkanSPIRV/Passes.h.inc"

namespace {

constexpr llvm::StringLiteral kBackend = "vulkan-spirv";

/// Checks `bytes` as a Vulkan SPIR-V module; the validator's messages join.
LogicalResult validate(hal::ExecutableVariantOp variant, const ObjectFile &file,
                       ArrayRef<hal::ExecutableExportOp> exports) {
  if (!isSpirvModule(file.bytes) || file.bytes.size() % 4 != 0)
    return variant.emitOpError()
           << "object '" << file.name << "' is not a SPIR-V module";
  std::vector<uint32_t> words(file.bytes.size() / 4);
  std::memcpy(words.data(), file.bytes.data(), file.bytes.size());
  std::string messages;
  spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_2);
  tools.SetMessageConsumer([&](spv_message_level_t, const char *,
                               const spv_position_t &position,
                               const char *message) {
    messages += "\n  word " + std::to_string(position.index) + ": " + message;
  });
  if (!tools.Validate(words))
    return variant.emitOpError()
           << "object '" << file.name
           << "' is not valid SPIR-V for Vulkan 1.2:" << messages;
  auto summary = summarizeSpirvModule(file.bytes);
  if (!summary)
    return variant.emitOpError()
           << "object '" << file.name
           << "': " << llvm::toString(summary.takeError());
  for (hal::ExecutableExportOp exportOp : exports) {
    bool found = llvm::any_of(summary->symbols, [&](const auto &symbol) {
      return symbol.name == exportOp.getSymName();
    });
    if (!found) {
      InFlightDiagnostic diag = exportOp.emitOpError()
                                << "has no entry point in '" << file.name
                                << "' (it has:";
      for (const auto &symbol : summary->symbols)
        diag << " " << symbol.name;
      return diag << ")";
    }
  }
  return success();
}

/// The variant's SPIR-V: its compiled spirv.module, else its one object.
FailureOr<ObjectFile> spirvOf(hal::ExecutableVariantOp variant) {
  ModuleOp inner = variant.getInnerModule();
  if (inner && !inner.getBody()->empty()) {
    auto modules = llvm::to_vector(inner.getOps<spirv::ModuleOp>());
    if (modules.size() != 1)
      return variant.emitOpError()
             << "needs one spirv.module after code generation, has "
             << modules.size();
    SmallVector<uint32_t> words;
    if (failed(spirv::serialize(modules.front(), words)))
      return variant.emitOpError() << "cannot serialize its spirv.module";
    ObjectFile file;
    file.name = "<compiled " + variant.getSymName().str() + ">";
    file.bytes.assign(reinterpret_cast<const char *>(words.data()),
                      words.size() * 4);
    return file;
  }
  auto files = readExecutableObjects(variant);
  if (failed(files))
    return failure();
  if (files->size() != 1)
    return variant.emitOpError()
           << "needs exactly one SPIR-V object, has " << files->size();
  return std::move(files->front());
}

LogicalResult serialize(hal::ExecutableVariantOp variant) {
  FailureOr<ObjectFile> file = spirvOf(variant);
  if (failed(file))
    return failure();
  auto files = std::vector<ObjectFile>{std::move(*file)};
  auto exports = llvm::to_vector(variant.getOps<hal::ExecutableExportOp>());
  if (failed(validate(variant, files.front(), exports)))
    return failure();
  OpBuilder builder(variant);
  const std::string &bytes = files.front().bytes;
  auto type = VectorType::get({static_cast<int64_t>(bytes.size())},
                              builder.getIntegerType(8));
  auto data = DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size()));
  auto binary = hal::ExecutableBinaryOp::create(
      builder, variant.getLoc(), variant.getSymVisibilityAttr(),
      variant.getSymNameAttr(), variant.getTarget().getFormat(), data,
      builder.getStringAttr("application/x-spirv"));
  for (auto condition : variant.getOps<hal::ExecutableConditionOp>())
    binary.getCondition().takeBody(condition.getBody());
  variant.erase();
  return success();
}

struct SerializeSPIRVExecutablesPass
    : public impl::SerializeSPIRVExecutablesPassBase<
          SerializeSPIRVExecutablesPass> {
  void runOnOperation() override {
    for (auto variant : llvm::make_early_inc_range(
             getOperation().getOps<hal::ExecutableVariantOp>()))
      if (variant.getTarget().getBackend().getValue() == kBackend &&
          failed(serialize(variant)))
        return signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::target

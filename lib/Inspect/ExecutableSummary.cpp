//===- ExecutableSummary.cpp - The executables of a compiled module -------===//

#include "Inspect/ExecutableSummary.h"

#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tessera {

static std::string print(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

static std::string printOp(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os, OpPrintingFlags().useLocalScope().assumeVerified());
  return text;
}

static ExportSummary summarizeExport(hal::ExecutableExportOp exportOp) {
  ExportSummary summary;
  summary.name = exportOp.getSymName().str();
  summary.ordinal = exportOp.getOrdinal().getSExtValue();
  hal::PipelineLayoutAttr layout = exportOp.getLayout();
  summary.layout = print(layout);
  summary.pushConstants = layout.getPushConstants();
  for (hal::DescriptorSetLayoutAttr set : layout.getSets())
    for (hal::DescriptorSetBindingAttr binding : set.getBindings())
      summary.bindings.push_back("set " + std::to_string(set.getOrdinal()) +
                                 " binding " +
                                 std::to_string(binding.getOrdinal()) + " " +
                                 binding.getType().getValue().str());
  summary.text = printOp(exportOp);
  return summary;
}

std::vector<ExecutableSummary> summarizeExecutables(ModuleOp module) {
  std::vector<ExecutableSummary> executables;
  for (auto executable : module.getOps<hal::ExecutableOp>()) {
    ExecutableSummary summary;
    summary.name = executable.getSymName().str();
    for (auto variant : executable.getOps<hal::ExecutableVariantOp>()) {
      VariantSummary entry;
      entry.name = variant.getSymName().str();
      hal::ExecutableTargetAttr target = variant.getTarget();
      entry.backend = target.getBackend().getValue().str();
      entry.format = target.getFormat().getValue().str();
      entry.target = print(target);
      for (auto condition : variant.getOps<hal::ExecutableConditionOp>())
        entry.condition = printOp(condition);
      for (auto exportOp : variant.getOps<hal::ExecutableExportOp>())
        entry.exports.push_back(summarizeExport(exportOp));
      summary.variants.push_back(std::move(entry));
    }
    executables.push_back(std::move(summary));
  }
  return executables;
}

void addBinaries(ModuleOp module, std::vector<ExecutableSummary> &executables) {
  for (auto executable : module.getOps<hal::ExecutableOp>()) {
    auto summary = llvm::find_if(executables, [&](const ExecutableSummary &s) {
      return s.name == executable.getSymName();
    });
    if (summary == executables.end())
      continue;
    for (auto binary : executable.getOps<hal::ExecutableBinaryOp>()) {
      auto variant =
          llvm::find_if(summary->variants, [&](const VariantSummary &v) {
            return v.name == binary.getSymName();
          });
      if (variant == summary->variants.end())
        continue;
      variant->binaryFormat = binary.getFormat().str();
      variant->binary.clear();
      // Serialization stores the bytes as dense i8 elements (never splat).
      if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(binary.getData()))
        if (!dense.isSplat()) {
          ArrayRef<char> raw = dense.getRawData();
          variant->binary.assign(raw.begin(), raw.end());
        }
    }
  }
}

} // namespace mlir::tessera

//===- TargetOptionsCheck.h - Target options checked up front ---*- C++ -*-===//
//
// Every tool checks CompileOptions' target fields before compiling, with
// the same messages: LLVM itself only warns about an unknown CPU or feature
// and compiles for a generic CPU; an unknown backend or triple would surface
// phases later; and a few features LLVM accepts end the process when code
// is generated (floats in software, an x86-64 without its SSE registers).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_TARGETOPTIONSCHECK_H
#define TESSERA_PIPELINE_TARGETOPTIONSCHECK_H

#include "Pipeline/Options.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace mlir::tessera {

/// How a tool spells an option in messages: `option` is one of "target",
/// "vulkan-device-type", "target-triple", "cpu", "cpu-features" (the CLI
/// writes "--cpu", Python "cpu=").
using OptionSpelling = llvm::function_ref<std::string(llvm::StringRef option)>;

/// Why `options`' targets, triple, CPU, CPU features or Vulkan device type
/// cannot be compiled for; empty when they can.
std::string checkTargetOptions(const CompileOptions &options,
                               OptionSpelling spell);

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_TARGETOPTIONSCHECK_H

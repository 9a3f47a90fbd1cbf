//===- Pipelines.h - The pass pipeline of each phase ----------*- C++ -*-===//
#ifndef TESSERA_PIPELINE_PIPELINES_H
#define TESSERA_PIPELINE_PIPELINES_H

#include "Pipeline/Options.h"
#include "Target/LLVMCPU/Passes.h"

namespace mlir {
class OpPassManager;
namespace tessera {

/// Adds the passes of `phase` (anchored on builtin.module) to `pm`.
/// `targetTriple`/`cpu`/`cpuFeatures` in `options` must already be resolved
/// (no "host"). `sink` receives serialization artifacts when set.
void buildPhasePipeline(OpPassManager &pm, Phase phase,
                        const CompileOptions &options,
                        target::ArtifactSink sink = nullptr);

} // namespace tessera
} // namespace mlir

#endif // TESSERA_PIPELINE_PIPELINES_H

//===- Registration.h - Dialects and passes of the compiler ---*- C++ -*-===//
#ifndef TESSERA_PIPELINE_REGISTRATION_H
#define TESSERA_PIPELINE_REGISTRATION_H

namespace mlir {
class DialectRegistry;
namespace tessera {

/// Tessera's dialects, the upstream dialects the pipeline produces, and the
/// interface models (bufferization, tiling, LLVM translation) they need.
void registerAllDialects(DialectRegistry &registry);

/// Tessera's passes and pipelines plus the upstream passes the pipeline
/// uses, for tessera-opt.
void registerAllPasses();

} // namespace tessera
} // namespace mlir

#endif // TESSERA_PIPELINE_REGISTRATION_H

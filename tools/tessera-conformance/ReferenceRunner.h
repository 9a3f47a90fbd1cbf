//===- ReferenceRunner.h - Upstream MLIR's reference lowering ---*- C++ -*-===//
//
// The oracle: a program lowered by upstream MLIR alone (one-shot
// bufferization, linalg to loops, libm calls for math functions, LLVM) and
// run in-process by mlir::ExecutionEngine. None of Tessera's passes take
// part, so a disagreement points at Tessera.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CONFORMANCE_REFERENCERUNNER_H
#define TESSERA_CONFORMANCE_REFERENCERUNNER_H

#include "HostTensor.h"

#include <memory>

namespace tessera::conformance {

class ReferenceRunner {
public:
  ReferenceRunner();
  ~ReferenceRunner();
  /// Runs `program` on `inputs`; results in `results` (shapes from the
  /// program). Returns an error message, empty on success.
  std::string run(const Program &program, const std::vector<HostTensor> &inputs,
                  std::vector<HostTensor> &results);

private:
  struct State;
  std::unique_ptr<State> state;
};

} // namespace tessera::conformance

#endif // TESSERA_CONFORMANCE_REFERENCERUNNER_H

//===- Interpreter.h - Runs a function's host program -----------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_INTERPRETER_H
#define TESSERA_RUNTIME_INTERPRETER_H

#include "tessera/runtime/Session.h"

namespace tessera::rt {

/// Runs function `index` of a verified module on inputs already checked
/// against its signature. With `concurrent` and an executor, independent
/// CPU dispatches run together (DispatchWave).
StatusOr<std::vector<Tensor>>
interpret(const Module &module, unsigned index,
          const std::vector<Tensor> &inputs, const DispatchObserver &observer,
          const DispatchCaptureObserver &capture = nullptr,
          TaskExecutor *executor = nullptr, bool concurrent = true);

/// Runs a captured dispatch alone (Session::replayDispatch).
StatusOr<DispatchReplay> replay(const Module &module,
                                const DispatchCapture &dispatch,
                                int repetitions,
                                TaskExecutor *executor = nullptr);

/// Runs the module's initializer (at load, before any call).
Status runInitializer(Module &module);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_INTERPRETER_H

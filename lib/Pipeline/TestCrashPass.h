//===- TestCrashPass.h - A pass that crashes, for tests ---------*- C++ -*-===//
//
// Crash isolation (a batch going on without the input that crashed, the
// server answering after a compile crashed) is tested with a real crash:
// with TESSERA_TEST_CRASH_PASS set in the environment, the input phase
// starts with tessera-test-crash (Pipeline/Passes.td), which crashes on a
// module marked `attributes {tessera.test_crash}` and does nothing to any
// other (`tessera.test_crash = 1 : i64`: it crashes where it starts the
// global-opt phase instead, after passes that ended; with the variable
// set to "fatal" the crash is an LLVM fatal error, not a SIGSEGV); the server's
// analysis crashes on a top-level op marked tessera.test_crash_analysis.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_TESTCRASHPASS_H
#define TESSERA_PIPELINE_TESTCRASHPASS_H

#include "llvm/ADT/StringRef.h"

#include <memory>

namespace mlir {
class Operation;
class Pass;
namespace tessera {

/// Whether TESSERA_TEST_CRASH_PASS asks for the pass.
bool isTestCrashPassEnabled();

/// With TESSERA_TEST_CRASH_PASS set, crashes when `op` has the attribute
/// `marker`.
void crashIfMarkedForTests(Operation *op, llvm::StringRef marker);

} // namespace tessera
} // namespace mlir

#endif // TESSERA_PIPELINE_TESTCRASHPASS_H

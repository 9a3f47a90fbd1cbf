//===- TestCrashPass.cpp - A pass that crashes, for tests -----------------===//

#include "Pipeline/TestCrashPass.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <csignal>
#include <cstdlib>

namespace mlir::tessera {

namespace {

/// A segmentation fault, as a bug would make.
[[noreturn]] void crash() {
  std::raise(SIGSEGV);
  std::abort();
}

struct TestCrashPass
    : public PassWrapper<TestCrashPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestCrashPass)
  StringRef getArgument() const override { return "tessera-test-crash"; }
  StringRef getDescription() const override {
    return "Crashes on a module marked tessera.test_crash (tests only)";
  }
  void runOnOperation() override {
    // The variable is checked here too: a crash reproducer naming this
    // pass replays the crash only where the test asked for it.
    if (getOperation()->hasAttr("tessera.test_crash") &&
        isTestCrashPassEnabled())
      crash();
  }
};

} // namespace

bool isTestCrashPassEnabled() {
  const char *value = std::getenv("TESSERA_TEST_CRASH_PASS");
  return value && *value && std::string(value) != "0";
}

std::unique_ptr<Pass> createTestCrashPass() {
  return std::make_unique<TestCrashPass>();
}

void registerTestCrashPass() { PassRegistration<TestCrashPass>(); }

void crashIfMarkedForTests(Operation *op, llvm::StringRef marker) {
  if (op->hasAttr(marker) && isTestCrashPassEnabled())
    crash();
}

} // namespace mlir::tessera

//===- TestCrashPass.cpp - A pass that crashes, for tests -----------------===//

#include "Pipeline/TestCrashPass.h"

#include "Pipeline/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/ErrorHandling.h"

#include <csignal>
#include <cstdlib>

namespace mlir::tessera {

#define GEN_PASS_DEF_TESTCRASHPASS
#include "Pipeline/Passes.h.inc"

namespace {

/// A segmentation fault, as a bug would make; with
/// TESSERA_TEST_CRASH_PASS=fatal an LLVM fatal error instead (what an
/// assertion of LLVM's or report_fatal_error does to a process).
[[noreturn]] void crash() {
  const char *value = std::getenv("TESSERA_TEST_CRASH_PASS");
  if (value && std::string(value) == "fatal")
    llvm::report_fatal_error("tessera-test-crash: a fatal error, for tests");
  std::raise(SIGSEGV);
  std::abort();
}

struct TestCrashPass : public impl::TestCrashPassBase<TestCrashPass> {
  void runOnOperation() override {
    // The variable is checked here too: a crash reproducer naming this
    // pass replays the crash only where the test asked for it.
    Attribute mark = getOperation()->getAttr("tessera.test_crash");
    if (!mark || !isTestCrashPassEnabled())
      return;
    // A count: this run lets the module pass and counts down.
    if (auto count = dyn_cast<IntegerAttr>(mark);
        count && count.getValue().isStrictlyPositive()) {
      getOperation()->setAttr(
          "tessera.test_crash",
          IntegerAttr::get(count.getType(), count.getValue() - 1));
      return;
    }
    crash();
  }
};

} // namespace

bool isTestCrashPassEnabled() {
  const char *value = std::getenv("TESSERA_TEST_CRASH_PASS");
  return value && *value && std::string(value) != "0";
}

void crashIfMarkedForTests(Operation *op, llvm::StringRef marker) {
  if (op->hasAttr(marker) && isTestCrashPassEnabled())
    crash();
}

} // namespace mlir::tessera

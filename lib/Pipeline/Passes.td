//===- Passes.td - Passes of the phase pipelines -----------*- tablegen -*-===//
#ifndef TESSERA_PIPELINE_PASSES
#define TESSERA_PIPELINE_PASSES

include "mlir/Pass/PassBase.td"

def CodegenVariantPass
    : Pass<"tessera-codegen-variant", "mlir::tessera::hal::ExecutableVariantOp"> {
  let summary = "Runs each variant's backend codegen pipeline";
  let description = [{
    With several target backends, each variant runs its backend's codegen
    pipeline (llvm-cpu or vulkan-spirv), as a dynamic pipeline: the pass
    capture records its passes.
  }];
}

def TestCrashPass : Pass<"tessera-test-crash", "mlir::ModuleOp"> {
  let summary = "Crashes on a module marked tessera.test_crash (tests only)";
  let description = [{
    With TESSERA_TEST_CRASH_PASS set in the environment, raises SIGSEGV on
    a module marked `attributes {tessera.test_crash}`, as a bug would; does
    nothing otherwise, also when a crash reproducer's pipeline names it.
    The pass starts the input and the global-opt phases: a module marked
    `tessera.test_crash = 1 : i64` passes the first (which counts the mark
    down to 0) and crashes in the second, after passes that ended.
  }];
}

#endif // TESSERA_PIPELINE_PASSES

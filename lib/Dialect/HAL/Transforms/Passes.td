//===- Passes.td - hal transformations ---------------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HAL_TRANSFORMS_PASSES
#define TESSERA_DIALECT_HAL_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def MaterializeInterfacesPass
    : Pass<"tessera-hal-materialize-interfaces", "mlir::ModuleOp"> {
  let summary = "Turns flow executables into hal executables per target";
  let description = [{
    Each `flow.executable` becomes a `hal.executable` with one variant per
    target. Every export gets a pipeline layout (one binding per tensor
    operand, read-only unless a result is tied to it, then one per result;
    one 32-bit push constant per scalar operand and per dynamic dimension)
    and a count region that maps the workload to a grid. The implementing
    function is rewritten to read its operands through
    `hal.interface.binding.subspan` / `hal.interface.constant.load` and to
    store its results into the result bindings. Dispatches are rewritten to
    name `@executable::@variant::@export` for every variant.
  }];
  let options = [
    ListOption<"targets", "targets", "std::string",
               "Target backends (llvm-cpu)">,
    Option<"targetTriple", "triple", "std::string", "\"x86_64-unknown-linux-gnu\"",
           "Target triple of llvm-cpu variants">,
    Option<"targetCpu", "cpu", "std::string", "\"generic\"",
           "CPU name of llvm-cpu variants">,
    Option<"targetCpuFeatures", "cpu-features", "std::string", "\"\"",
           "CPU features of llvm-cpu variants (+avx2,...)">,
    Option<"vulkanDeviceType", "vulkan-device-type", "std::string",
           "\"unknown\"",
           "Kind of Vulkan device vulkan-spirv variants are tuned for "
           "(discrete-gpu, integrated-gpu, cpu, unknown)">,
  ];
  let dependentDialects = [
    "mlir::tessera::hal::HALDialect", "mlir::arith::ArithDialect",
    "mlir::bufferization::BufferizationDialect",
    "mlir::memref::MemRefDialect"];
}

def LinkExecutablesPass
    : Pass<"tessera-hal-link-executables", "mlir::ModuleOp"> {
  let summary = "Links the variants of each target into one executable";
  let description = [{
    All variants with the same `#hal.executable.target` move into one
    variant (named like the sources) of a private `hal.executable
    @linked_<backend>` (`@linked` when several backends link): exports get
    dense ordinals in order of appearance, the inner modules are merged
    (identical symbols shared, different ones with the same name renamed,
    never dropped; functions nested in a symbol table such as spirv.module
    are found), dispatch sites are rewritten and executables left without
    variants are removed. Each other configuration becomes another variant
    of the same executable, with the same ordinals, so that a dispatch
    names one executable and the runtime loads the variant it can.
    Backends not listed in `backends` (default: llvm-cpu) are left as they
    are. Layouts are attributes: equivalent ones are shared by
    construction.
  }];
  let options = [
    ListOption<"backends", "backends", "std::string",
               "Backends whose variants are linked (default: llvm-cpu)">
  ];
}

#endif // TESSERA_DIALECT_HAL_TRANSFORMS_PASSES

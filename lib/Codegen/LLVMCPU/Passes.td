//===- Passes.td - llvm-cpu code generation ----------------*- tablegen -*-===//
#ifndef TESSERA_CODEGEN_LLVMCPU_PASSES
#define TESSERA_CODEGEN_LLVMCPU_PASSES

include "mlir/Pass/PassBase.td"

def SelectLoweringConfigPass
    : Pass<"tessera-llvmcpu-select-lowering-config", "mlir::ModuleOp"> {
  let summary = "Chooses workgroup tile sizes for each dispatch's root op";
  let description = [{
    Marks the root op of every dispatch function (the op whose result is
    stored to a binding) with `#tessera_codegen.lowering_config<workgroup = [...]>`,
    by op class. A register-tiled contraction (a matmul or convolution the
    llvm-cpu backend turns into vector outer products), as root or as the
    producer of an elementwise root: 64 output columns and up to 512 rows
    (the output's second-innermost dimension, then outer ones). Anything
    else: about 16384 elements of the parallel loops, innermost first.
    Both are split (outer loops first) until the dispatch has 16
    workgroups where its shape allows. Reductions, and parallel loops along
    which a fused reduction would be recomputed, get 0 (untiled).
  }];
  let dependentDialects = ["mlir::tessera::codegen::TesseraCodegenDialect"];
}

def HoistContractionReductionsPass
    : Pass<"tessera-llvmcpu-hoist-contraction-reductions", "mlir::ModuleOp"> {
  let summary = "Puts a contraction's reduction loops outside its output's "
                "innermost dimension";
  let description = [{
    A matmul tile lowered as written (i, j, k) reads its right-hand side
    down a column in the innermost loop and carries one accumulator: the
    loop neither vectorizes nor uses the cache. Generalized and interchanged
    to (i, k, j), its innermost loop runs along a row of the output and of
    the right-hand side, and vectorizes. Each output element still adds its
    products in the same k order, so results are bit for bit the same.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FillPadBordersPass
    : Pass<"tessera-llvmcpu-fill-pad-borders", "mlir::ModuleOp"> {
  let summary = "Fills only the border of a padded window whose interior a "
                "copy overwrites";
  let description = [{
    On buffers: a stack buffer filled whole (linalg.fill, or a linalg.map
    yielding one value) and then, after side-effect-free ops only, given
    its interior by a linalg.copy into a unit-stride subview (a tensor.pad
    as bufferization leaves it) is filled on the border only: per
    dimension, the slabs before and after the interior.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::memref::MemRefDialect",
    "mlir::affine::AffineDialect"];
}

def VectorizeContractionsPass
    : Pass<"tessera-llvmcpu-vectorize-contractions", "mlir::ModuleOp"> {
  let summary = "Register-tiles contractions into vector outer products";
  let description = [{
    Rewrites every f32 multiply-accumulate contraction on buffers whose
    output's innermost loop runs contiguously along the output and one
    input (B), and whose next output loop indexes only the other input (A)
    -- matmuls and NHWC/HWCF convolutions -- into register tiles of 8 rows
    by 2 vectors of columns: per reduction step, vector loads of B,
    broadcasts of A and vector FMAs into accumulators kept in registers.
    Panels of B that depend on the reductions and columns only are first
    packed into a contiguous stack buffer reused by every row tile.
    Columns past the last full vector take one masked vector. An init
    writing all of the output just before (a bias broadcast, a fill) gives
    the accumulators their starting values; an elementwise op reading the
    output (a stack temporary) once just after, into another buffer (an
    activation, a residual add), runs on the accumulators before they are
    stored, to its output; both ops are then erased.
    The vector width comes from the variant's CPU features (16 lanes with
    AVX-512, 8 with AVX, else 4), or `vector-width` outside a variant.
    A packed panel holds at most `cached-panel-depth` reduction steps per
    block (C is reloaded per block), except on CPUs TargetTuning.cpp
    lists (AMD Zen 4: 2048).
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "f32 lanes per vector when no target variant encloses the op">,
    Option<"cachedPanelDepth", "cached-panel-depth", "int64_t", "256",
           "Reduction steps per block of a packed panel of B, at most, "
           "on targets without their own (TargetTuning.cpp)">
  ];
  let dependentDialects = [
    "mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
    "mlir::affine::AffineDialect", "mlir::memref::MemRefDialect"];
}

def VectorizeElementwisePass
    : Pass<"tessera-llvmcpu-vectorize-elementwise", "mlir::ModuleOp"> {
  let summary = "Turns elementwise linalg.generic ops on buffers into vector "
                "loops";
  let description = [{
    An all-parallel linalg.generic on buffers whose outputs run with unit
    stride along one loop (their innermost index), and whose inputs run
    along it the same way or do not depend on it, becomes loops over the
    other loops around a loop over that one in steps of vectors (4 per
    step, then single vectors, then one masked vector): vector loads (or a
    scalar for the inputs that do not depend on it), its body on vectors,
    vector stores. Bodies with linalg.index, integer division or ops with
    regions, and innermost extents under half a vector, are left to LLVM.
    The vector width is as for tessera-llvmcpu-vectorize-contractions.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "f32 lanes per vector when no target variant encloses the op">
  ];
  let dependentDialects = [
    "mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
    "mlir::affine::AffineDialect", "mlir::memref::MemRefDialect"];
}

def ReassociateReductionsPass
    : Pass<"tessera-llvmcpu-reassociate-reductions", "mlir::ModuleOp"> {
  let summary = "Lets float sums of linalg reductions be reassociated";
  let description = [{
    Marks the addf combiner of every linalg.generic reduction (the add
    whose operand is the output's block argument) `fastmath<reassoc>`, so
    that LLVM's loop vectorizer may keep vector partial sums. Results change
    in the last bits (another summation order), as with any vectorized
    reduction. Max/min combiners are exact in any order and stay as they
    are.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def BroadcastFilledTemporariesPass
    : Pass<"tessera-llvmcpu-broadcast-filled-temporaries", "mlir::ModuleOp"> {
  let summary = "Reads a splat's temporary through a broadcast of one line";
  let description = [{
    A stack temporary that only a linalg.fill writes, whole, and that is
    otherwise only read as a linalg input (a splat constant's), becomes
    one line of the value (its innermost extent) viewed at the full shape
    with outer strides 0: one line of stack instead of the tensor's size.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def CheckStackTemporariesPass
    : Pass<"tessera-llvmcpu-check-stack-temporaries", "mlir::ModuleOp"> {
  let summary = "Bounds each dispatch function's stack temporaries";
  let description = [{
    An executable links no C library: a workgroup's temporaries (a padded
    window, packed panels) are stack allocations, on the stack of the
    thread that runs it. Their sizes are summed per function, a dynamic
    size by its upper bound where one is known. Past `max-bytes` the
    dispatch is refused with an error at the largest temporary's location;
    a temporary whose size has no known bound gets a check before it
    (cf.assert) that the lowering turns into
    TESSERA_DISPATCH_ERROR_STACK_TEMPORARIES, which the runtime reports,
    instead of overrunning the thread's stack.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", "6 << 20",
           "Most bytes of stack temporaries per dispatch function">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::cf::ControlFlowDialect"];
}

def LowerToLLVMPass
    : Pass<"tessera-llvmcpu-lower-to-llvm",
           "mlir::tessera::hal::ExecutableVariantOp"> {
  let summary = "Lowers dispatch functions to the LLVM dialect with the "
                "executable-library ABI";
  let description = [{
    Each export becomes `i32 @name(ptr %environment, ptr %dispatch_state,
    ptr %workgroup_state)` (runtime/include/tessera/executable_library.h);
    interface ops read bindings, push constants and workgroup ids from the
    two state structs. Math ops use polynomial approximations so that no
    libm call remains.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // TESSERA_CODEGEN_LLVMCPU_PASSES

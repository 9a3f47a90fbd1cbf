//===- Passes.td - flow transformations --------------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_FLOW_TRANSFORMS_PASSES
#define TESSERA_DIALECT_FLOW_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def VerifyInputLegalityPass
    : Pass<"tessera-verify-input-legality", "mlir::ModuleOp"> {
  let summary = "Rejects input ops the compiler does not support";
  let description = [{
    Accepts func, arith, math, tensor, linalg and tosa ops (inside linalg
    regions: arith, math, linalg.yield/index and tensor.extract); tosa ops
    are lowered next, by tessera-flow-lower-tosa. Anything else gets an error naming
    the op at its location.
  }];
}

def LowerTOSAPass : Pass<"tessera-flow-lower-tosa", "mlir::ModuleOp"> {
  let summary = "Lowers TOSA ops to linalg, tensor and arith by upstream's "
                "conversions";
  let description = [{
    The input phase accepts TOSA (the ONNX importer writes it, and users may)
    besides linalg on tensors. Functions that hold tosa ops go through
    upstream's tosa-to-linalg-named, tosa-to-linalg, tosa-to-arith and
    tosa-to-tensor; the shape values left unused are erased. Functions
    without tosa ops are not touched, so the pass costs nothing on a linalg
    program. A tosa op no conversion handles is an error naming it.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

def WinogradConvolutionsPass
    : Pass<"tessera-flow-winograd-convolutions", "mlir::ModuleOp"> {
  let summary = "Rewrites stride-1 3x3 convolutions with constant filters "
                "as Winograd F(4x4, 3x3) or F(2x2, 3x3): transforms around "
                "a batch matmul";
  let description = [{
    A `linalg.conv_2d_nhwc_hwcf` with a constant 3x3 filter, strides and
    dilations 1, static f32 shapes and at least `min-channels` input and
    output channels becomes an input transform (a generic), a batch matmul
    over the alpha x alpha elements of an input tile (alpha = m + 2, for
    output tiles of m x m) against the filter's transform (a constant
    computed here, stored in panels of 32 columns: [alpha^2][F/32][C][32])
    and an output transform (a generic adding the convolution's init, on
    the output reshaped to [N][H/m][m][W/m][m][F/32][32]). A height or
    width that is no multiple of m gets up to m - 1 more rows or columns of
    tiles, above or left of the output (more zero padding), dropped
    afterwards by a generic adding the init. m is `output-tile` (4: 4x
    fewer multiplications) where the output has at least 48 tiles of 4x4,
    otherwise 2 (2.25x fewer). The sums' order differs from the direct
    convolution.
  }];
  let options = [
    Option<"minChannels", "min-channels", "int64_t", /*default=*/"32",
           "Fewest input and output channels a rewritten convolution has">,
    Option<"outputTile", "output-tile", "int64_t", /*default=*/"4",
           "Edge of an output tile: 2 for F(2x2, 3x3), 4 for F(4x4, 3x3)">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def PanelMajorFiltersPass
    : Pass<"tessera-flow-panel-major-filters", "mlir::ModuleOp"> {
  let summary = "Stores constant convolution filters in the panels the "
                "register-tiled kernel reads";
  let description = [{
    A `linalg.conv_2d_nhwc_hwcf` with a constant filter, static f32 shapes
    and a multiple of 32 output channels becomes a generic over its output
    reshaped to [N][OH][OW][F/32][32], reading the filter stored (a constant
    computed here) as [F/32][KH][KW][C][32]: each 32-channel panel of the
    filter one contiguous run, which the kernel reads in place instead of
    copying strided rows at every call. The init is expanded and the result
    collapsed back (reshapes only); the sums keep their order. More than 32
    output channels that are no multiple of 32 (over 16+ output pixels), and
    the constant B (1 MiB or more) of a `linalg.matmul` of at most 8 rows, are stored with
    a padded last panel and read as B[j floordiv 32, ..., j mod 32] by a
    generic over the unchanged output.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def DecomposeAggregatedOpsPass
    : Pass<"tessera-flow-decompose-aggregated-ops", "mlir::ModuleOp"> {
  let summary = "Rewrites ops made of several computations (linalg.softmax) "
                "as the linalg ops they stand for";
  let description = [{
    Dispatch formation places linalg structured ops; an aggregated op such
    as `linalg.softmax` is none, so it would be left to the host, which
    cannot run it. Upstream's decomposition (AggregatedOpInterface) turns
    it into its reductions and elementwise generics, which fuse and
    dispatch like any others.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::tensor::TensorDialect"];
}

def BoundGatherIndicesPass
    : Pass<"tessera-flow-bound-gather-indices", "mlir::ModuleOp"> {
  let summary = "Clamps the indices of tensor.extract inside linalg payloads "
                "into the tensor";
  let description = [{
    A payload may read a tensor at a computed index (a gather, an embedding
    lookup). The index comes from data, so nothing proves it in range, and a
    kernel reading outside its buffer is memory corruption: each such index
    is clamped into [0, dim - 1] (the dim taken outside the op).
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def ConvertTensorSlicesToLinalgPass
    : Pass<"tessera-flow-convert-tensor-slices-to-linalg", "mlir::ModuleOp"> {
  let summary = "Turns tensor.extract_slice, insert_slice and concat into "
                "linalg.generic ops that dispatches can hold";
  let description = [{
    The host program only moves buffers, so data movement inside a tensor
    must be a dispatch. `tensor.extract_slice` with static offsets and
    strides becomes a copy whose input map is `d * stride + offset` (tiling
    reads only the slice); with dynamic ones, and `tensor.insert_slice` and
    `tensor.concat`, become a `linalg.generic` over the result that reads
    each element with `tensor.extract` at an index computed from
    `linalg.index` (clamped into range, the value chosen by `arith.select`).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def FuseElementwiseChainsPass
    : Pass<"tessera-flow-fuse-elementwise-chains", "mlir::ModuleOp"> {
  let summary = "Fuses trees of single-use elementwise linalg.generic ops "
                "into one generic in a linear sweep";
  let description = [{
    Builds, in one bottom-up sweep per block, the ops that upstream
    `linalg-fuse-elementwise-ops` would build by fusing single-use,
    all-parallel generic producers into their consumers one pair at a time
    (which copies the growing body at every step: quadratic along a chain).
    Inits the payload does not read first become `tensor.empty` (as
    upstream's RemoveOutsDependency does), so a producer that is also its
    consumer's init has one use. Each group is a root generic (all loops parallel, its inits giving every
    loop's extent) and the producers fused into it, transitively; the fused
    op's inputs are the leaves in pairwise-fusion order (a value read again
    with the same map once), its maps composed into the root's loops, its
    body every member's body cloned once. A producer does not join a group
    whose body would cost more than `max-body-cost` (see getBodyCost: about
    its LLVM instructions, a math function 16, other ops 1): LLVM's loop
    vectorizer and machine schedulers take time quadratic in a loop body's
    length, so an unbounded chain becomes several dispatches of at most that
    cost (the values are the same: no contraction or reassociation
    crosses ops). Then, unless `pairwise=false`, upstream's elementwise
    fusion patterns (as `linalg-fuse-elementwise-ops` runs them: roots with
    reductions, fills, splat constants, reshapes, multi-result producers)
    with the same bound; each of their steps copies at most that many ops.
  }];
  let options = [
    Option<"maxBodyCost", "max-body-cost", "unsigned", /*default=*/"1024",
           "Fuse no further once a generic's body would cost more (math "
           "functions 16, other ops 1; 0: no bound)">,
    Option<"pairwise", "pairwise", "bool", /*default=*/"true",
           "Then run upstream's pairwise elementwise fusion patterns">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def InsertSliceChecksPass
    : Pass<"tessera-flow-insert-slice-checks", "mlir::ModuleOp"> {
  let summary = "Checks at run time that dynamic slices stay inside their tensors";
  let description = [{
    For every tensor.extract_slice / tensor.insert_slice with a dynamic
    offset, size, stride or tensor dim, inserts per such dimension
    `cf.assert` that offset >= 0, size >= 0, stride >= 1 and (unless the
    slice is empty) its last element lies inside the source (destination):
    "'tensor.extract_slice': dimension 0 of the slice (offset, size, stride)
    is not inside the source". The host program evaluates the asserts before
    the dispatch that would read or write out of bounds; static ones fold.
  }];
  let dependentDialects = ["mlir::cf::ControlFlowDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def InsertShapeChecksPass
    : Pass<"tessera-flow-insert-shape-checks", "mlir::ModuleOp"> {
  let summary = "Checks at run time that dynamic dims of linalg operands agree";
  let description = [{
    For every loop dimension of a linalg op that indexes two operands
    directly, and where one of the sizes is dynamic, inserts
    `cf.assert (dim a == dim b), "'linalg.generic': dimension 0 of operand 1
    does not match dimension 0 of operand 0"` before the op. The host
    program evaluates the asserts; those that hold by construction fold away.
  }];
  let dependentDialects = ["mlir::cf::ControlFlowDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def FormDispatchesPass : Pass<"tessera-flow-form-dispatches", "mlir::ModuleOp"> {
  let options = [
    Option<"maxBodyCost", "max-body-cost", "unsigned", /*default=*/"1024",
           "A producer joins no dispatch whose linalg bodies would cost "
           "more (math functions 16, other ops 1; 0: no bound)">,
    Option<"fusePads", "fuse-pads", "bool", /*default=*/"true",
           "A tensor.pad read only by a convolution or pooling joins its "
           "dispatch (false: pads root dispatches of their own, for "
           "backends that cannot keep a padded input window per tile)">,
  ];
  let summary = "Groups linalg ops into dispatches and outlines them";
  let description = [{
    Each root op (the last linalg op of a chain, or a tensor.pad) becomes one
    dispatch together with the producers used only by it: tensor.empty,
    fills, broadcasts, elementwise ops and reductions feeding an elementwise
    consumer, and (fuse-pads) the tensor.pad of a convolution's or a
    pooling's input, while the linalg bodies of the dispatch cost at most `max-body-cost`
    (a kernel's compile time grows faster than its length).
    Splat and scalar constants are cloned in. Each dispatch is outlined into
    a `flow.executable` with one export and replaced by a `flow.dispatch`
    whose workload is the root's result shape.
  }];
  let dependentDialects = ["mlir::tessera::flow::FlowDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def SplitBatchIntoImagesPass
    : Pass<"tessera-flow-split-batch-into-images", "mlir::ModuleOp"> {
  let options = [
    Option<"maxFlopsPerByte", "max-flops-per-byte", "double",
           /*default=*/"12.0",
           "A dispatch joins the prefix while it does at most this many "
           "floating-point operations per byte of batched operands and "
           "results (memory-bound)">,
    Option<"minDispatches", "min-dispatches", "int64_t", /*default=*/"3",
           "Shorter prefixes stay batched">,
    Option<"minImageBytes", "min-image-bytes", "int64_t", /*default=*/"65536",
           "The first dispatch's result for one image must be at least this "
           "large (smaller images stay in the caches batched)">,
  ];
  let summary = "Runs the memory-bound first dispatches of a batch image by "
                "image";
  let description = [{
    Finds the longest prefix of each host function's dispatches (from the
    first one, host reshapes between them allowed) whose executables keep
    images apart (the batch, dimension 0 of the first dispatch's result, is a
    parallel loop that indexes dimension 0 of every batched value and nothing
    else) and do at most `max-flops-per-byte` operations per byte of batched
    tensors, cut where each value read after it is a dispatch result the
    prefix does not read. An operand from outside the prefix is batched when
    its dimension 0 is the batch, it is not a (reshaped) constant, and the
    executable reads it so (else it is a weight, passed whole to each
    image). Its executables are retyped to one image (an
    executable called by other dispatches too is not), the prefix is emitted
    once per image on `tensor.extract_slice`s of its batched inputs, and the
    values read after it are gathered with `tensor.concat` along dimension 0.
    One image's layers then fit in the caches, and the next image's layers
    get the blocks it frees.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def TieDyingOperandsPass
    : Pass<"tessera-flow-tie-dying-operands", "mlir::ModuleOp"> {
  let summary = "Ties a dispatch's elementwise result to an operand it "
                "reads at the same element and that dies there";
  let description = [{
    A `flow.dispatch` result gets `tied_operands` to operand k when
    (1) the executable's function returns it
    from an all-parallel `linalg.generic` whose init is a `tensor.empty`,
    whose output map is a permutation, and which reads argument k with the
    output's map, k having no other use in the function; and (2) in the
    host function, operand k is the result of an earlier dispatch in the
    same block, of the result's type and dynamic dims, read by nothing after
    this dispatch (and only by dispatches before it). An executable called
    by several dispatches (a batch run image by image) has one interface:
    its result is tied only where (2) holds at every call. The host then
    writes the result into the operand's buffer rather than a new one: one
    activation-sized block fewer alive.
  }];
}

def OutlineDispatchExternsPass
    : Pass<"tessera-flow-outline-dispatch-externs", "mlir::ModuleOp"> {
  let summary = "Turns hal.dispatch.extern ops into executables and dispatches";
  let description = [{
    Each `hal.dispatch.extern` becomes a `hal.executable`
    (`@<function>_extern_dispatch_<n>`) with one variant per target of its
    objects (named after the target's format; a repeated format gets a
    `_<k>` suffix), the target's condition as a `hal.executable.condition`,
    and an export with the given name, ordinal, layout and count region.
    The op is replaced by a `flow.dispatch` naming every variant's export in
    order, with its interface bindings (one per tensor operand, then one
    per untied tensor result, in set 0, unless given).
  }];
  let dependentDialects = ["mlir::tessera::flow::FlowDialect",
                           "mlir::tessera::hal::HALDialect"];
}

#endif // TESSERA_DIALECT_FLOW_TRANSFORMS_PASSES

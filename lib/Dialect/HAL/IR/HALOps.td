//===- HALOps.td - hal dialect operations ------------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HAL_HALOPS
#define TESSERA_DIALECT_HAL_HALOPS

include "Dialect/HAL/IR/HALAttrs.td"
include "Dialect/HAL/IR/HALBase.td"
include "Dialect/HAL/IR/HALTypes.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class HAL_Op<string mnemonic, list<Trait> traits = []>
    : Op<HAL_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Executables
//===----------------------------------------------------------------------===//

def HAL_ExecutableOp : HAL_Op<"executable", [
    IsolatedFromAbove, SingleBlock, NoTerminator, Symbol, SymbolTable]> {
  let summary = "An executable: target variants and/or serialized binaries";
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name
    attr-dict-with-keyword $body
  }];
  let builders = [OpBuilder<(ins "StringRef":$name)>];
  let extraClassDeclaration = [{
    Block &getBlock() { return getBody().front(); }
  }];
  let hasVerifier = 1;
}

def HAL_ExecutableVariantOp : HAL_Op<"executable.variant", [
    IsolatedFromAbove, SingleBlock, NoTerminator, Symbol, SymbolTable,
    HasParent<"ExecutableOp">]> {
  let summary = "The executable compiled for one target";
  let description = [{
    ```mlir
    hal.executable.variant public @embedded_elf_x86_64
        target(#hal.executable.target<"llvm-cpu", "embedded-elf-x86_64">)
        objects([#hal.executable.object<{path = "a.o"}>]) {
      hal.executable.export public @entry ordinal(0) layout(...)
      builtin.module { ... }
    }
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name,
                       HAL_ExecutableTargetAttr:$target,
                       OptionalAttr<TypedArrayAttrBase<HAL_ExecutableObjectAttr,
                           "executable objects">>:$objects);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name
    `target` `(` $target `)`
    (`objects` `(` $objects^ `)`)?
    attr-dict-with-keyword $body
  }];
  let builders = [OpBuilder<(ins "StringRef":$name,
                                 "ExecutableTargetAttr":$target)>];
  let extraClassDeclaration = [{
    Block &getBlock() { return getBody().front(); }
    /// The module holding the implementations, or null.
    ::mlir::ModuleOp getInnerModule();
  }];
  let hasVerifier = 1;
}

def HAL_ExecutableExportOp : HAL_Op<"executable.export", [
    IsolatedFromAbove, Symbol, HasParent<"ExecutableVariantOp">]> {
  let summary = "An entry point of an executable variant";
  let description = [{
    ```mlir
    hal.executable.export public @entry ordinal(0)
        layout(#hal.pipeline.layout<push_constants = 0, sets = [...]>)
        count(%device: !hal.device, %w0: index) -> (index, index, index) {
      hal.return %w0, %c1, %c1 : index, index, index
    }
    ```
    The `count` region computes the XYZ workgroup grid from the workload.
    `flop_count`, when present, is the floating-point operations of one
    dispatch of the export (known for static shapes): profilers report
    GFLOP/s from it.
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name,
                       IndexAttr:$ordinal,
                       HAL_PipelineLayoutAttr:$layout,
                       OptionalAttr<I64Attr>:$flop_count);
  let regions = (region AnyRegion:$workgroup_count);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name
    `ordinal` `(` $ordinal `)`
    `layout` `(` $layout `)`
    custom<HALCountRegion>($workgroup_count)
    attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def HAL_ExecutableBinaryOp : HAL_Op<"executable.binary", [
    IsolatedFromAbove, Symbol, HasParent<"ExecutableOp">]> {
  let summary = "A serialized executable for one binary format";
  let description = [{
    ```mlir
    hal.executable.binary public @embedded_elf_x86_64 attributes {
      data = dense<...> : vector<1234xi8>, format = "embedded-elf-x86_64",
      mime_type = "application/x-elf"}
    ```
    A binary serialized from a variant with a `hal.executable.condition`
    keeps it (`if(%device: !hal.device) -> i1 { ... }` after the name):
    whoever loads the binary checks it first.
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name,
                       StrAttr:$format,
                       ElementsAttr:$data,
                       OptionalAttr<StrAttr>:$mime_type);
  let regions = (region AnyRegion:$condition);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name ``
    custom<OptionalCondition>($condition) attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def HAL_ExecutableConditionOp : HAL_Op<"executable.condition", [
    IsolatedFromAbove, HasParent<"ExecutableVariantOp">]> {
  let summary = "Whether a variant can run on the device, decided at load";
  let description = [{
    The runtime evaluates the region against the device when it loads the
    executable; the first variant whose condition holds (or that has none)
    is the one used.

    ```mlir
    hal.executable.condition(%device: !hal.device) -> i1 {
      %ok, %has = hal.device.query<%device : !hal.device>
          key("cpu.features" :: "avx512f") : i1, i1
      hal.return %has : i1
    }
    ```
  }];
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def HAL_DeviceLocalOp : HAL_Op<"device.local", [Pure]> {
  let summary = "The device the host program runs on, inline";
  let description = [{
    With inline execution the host program and its dispatches run on the
    same local device; count regions and conditions ask it their queries.

    ```mlir
    %device = hal.device.local : !hal.device
    ```
  }];
  let results = (outs HAL_Device:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def HAL_DeviceQueryOp : HAL_Op<"device.query", [Pure]> {
  let summary = "Asks the device for a value by category and key";
  let description = [{
    `%ok` tells whether the device knows the key; `%value` is its value, or
    the default (zero without one) when it does not.

    ```mlir
    %ok, %value = hal.device.query<%device : !hal.device>
        key("cpu.features" :: "avx2") : i1, i1
    %ok2, %size = hal.device.query<%device : !hal.device>
        key("vulkan" :: "subgroup_size") : i1, i32 = 32 : i32
    ```
  }];
  let arguments = (ins HAL_Device:$device, StrAttr:$category, StrAttr:$key,
                       OptionalAttr<TypedAttrInterface>:$default_value);
  let results = (outs I1:$ok,
                      AnyTypeOf<[AnySignlessInteger, AnyFloat, Index]>:$value);
  let assemblyFormat = [{
    `<` $device `:` type($device) `>`
    `key` `(` custom<QueryKey>($category, $key) `)`
    `:` type($ok) `,` type($value)
    (`=` $default_value^)?
    attr-dict
  }];
  let hasVerifier = 1;
}

def HAL_DispatchExternOp : HAL_Op<"dispatch.extern", [
    AttrSizedOperandSegments, IsolatedFromAbove]> {
  let summary = "Dispatches a function defined outside the program";
  let description = [{
    Runs export `name` of hand-written objects (one set per target, each
    optionally guarded by a condition on the device) over the workgroup
    grid the count region computes from the workload. The layout must
    match the external definition; bindings default to one per tensor
    operand in order.

    ```mlir
    %r = hal.dispatch.extern "scale"[%n](%x, %n) : (tensor<?xf32>{%n}, index)
        -> tensor<?xf32>{%n}
      count(%device: !hal.device, %w: index) -> (index, index, index) {
        %c1 = arith.constant 1 : index
        hal.return %w, %c1, %c1 : index, index, index
      }
      layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [
          <0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
      objects({
        #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64"> if(%device: !hal.device) -> i1 {
          %ok, %avx = hal.device.query<%device : !hal.device>
              key("cpu.features" :: "avx512f") : i1, i1
          hal.return %avx : i1
        } ordinal(0) = [#hal.executable.object<{path = "scale_avx512.o"}>],
        #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64"> ordinal(0) =
            [#hal.executable.object<{path = "scale.o"}>]
      })
    ```
  }];
  let arguments = (ins StrAttr:$export_name,
                       Variadic<Index>:$workload,
                       Variadic<AnyType>:$arguments,
                       Variadic<Index>:$argument_dims,
                       Variadic<Index>:$result_dims,
                       HAL_PipelineLayoutAttr:$layout,
                       OptionalAttr<TypedArrayAttrBase<HAL_InterfaceBindingAttr,
                           "interface bindings">>:$bindings,
                       TypedArrayAttrBase<HAL_ExecutableTargetAttr,
                           "targets">:$targets,
                       TypedArrayAttrBase<IndexAttr, "ordinals">:$target_ordinals,
                       ArrayAttr:$target_objects,
                       OptionalAttr<DenseI64ArrayAttr>:$tied_operands);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region AnyRegion:$workgroup_count,
                        VariadicRegion<AnyRegion>:$target_regions);
  let assemblyFormat = [{
    $export_name (`[` $workload^ `]`)? ``
    `(` $arguments `)` `:`
    custom<ShapedFunctionType>(ref($arguments), type($arguments),
                               $argument_dims, type($results), $result_dims,
                               $tied_operands)
    custom<HALCountRegion>($workgroup_count)
    `layout` `(` $layout `)`
    (`bindings` `(` $bindings^ `)`)?
    `objects` `(` custom<TargetConditionObjects>($targets, $target_ordinals,
                                                $target_objects,
                                                $target_regions) `)`
    attr-dict-with-keyword
  }];
  let extraClassDeclaration = [{
    /// Index of the operand tied to result `index`, if any.
    std::optional<unsigned> getTiedOperandIndex(unsigned index);
  }];
  let hasVerifier = 1;
}

def HAL_ReturnOp : HAL_Op<"return", [Pure, ReturnLike, Terminator]> {
  let summary = "Returns values from a hal region";
  let arguments = (ins Variadic<AnyType>:$operands);
  let assemblyFormat = "($operands^ `:` type($operands))? attr-dict";
}

//===----------------------------------------------------------------------===//
// Host-local buffers
//===----------------------------------------------------------------------===//

def HAL_BufferSubspanOp : HAL_Op<"buffer.subspan", [Pure]> {
  let summary = "A byte range of a host-local buffer, as a buffer";
  let description = [{
    ```mlir
    %view = hal.buffer.subspan %buffer[%offset, %length] : !hal.buffer
    ```
    Dispatches binding a subspan bind its source buffer at the summed
    offset (the hal_loader dispatch canonicalizers fold it).
  }];
  let arguments = (ins HAL_Buffer:$source, Index:$offset, Index:$length);
  let results = (outs HAL_Buffer:$result);
  let assemblyFormat = [{
    $source `[` $offset `,` $length `]` attr-dict `:` type($result)
  }];
}

def HAL_BufferAllocateOp : HAL_Op<"buffer.allocate", [
    MemoryEffects<[MemAlloc]>]> {
  let summary = "A new host-local buffer, its contents undefined";
  let description = [{
    ```mlir
    %buffer = hal.buffer.allocate size(%bytes) : !hal.buffer
    ```
    The buffer a dispatch's result is written to: the dispatch (or the copy
    of the operand the result is tied to) writes all of it, so nothing
    clears it first.
  }];
  let arguments = (ins Index:$size);
  let results = (outs HAL_Buffer:$result);
  let assemblyFormat = "`size` `(` $size `)` attr-dict `:` type($result)";
}

def HAL_BufferConstantOp : HAL_Op<"buffer.constant", [Pure]> {
  let summary = "A read-only host-local buffer holding constant bytes";
  let description = [{
    ```mlir
    %binary = hal.buffer.constant "embedded_elf_x86_64"
        {alignment = 64 : index, mime_type = "application/x-elf"}
        : !hal.buffer = dense<...> : vector<1234xi8>
    ```
  }];
  let arguments = (ins StrAttr:$name, ElementsAttr:$value,
                       OptionalAttr<IndexAttr>:$alignment,
                       OptionalAttr<StrAttr>:$mime_type);
  let results = (outs HAL_Buffer:$result);
  let assemblyFormat = [{
    $name attr-dict `:` type($result) `=` $value
  }];
}

def HAL_BufferCopyOp : HAL_Op<"buffer.copy"> {
  let summary = "Copies bytes between host-local buffers";
  let description = [{
    ```mlir
    hal.buffer.copy source(%a)[%c0] target(%b)[%c0] length(%bytes)
    ```
  }];
  let arguments = (ins HAL_Buffer:$source, Index:$source_offset,
                       HAL_Buffer:$target, Index:$target_offset,
                       Index:$length);
  let assemblyFormat = [{
    `source` `(` $source `)` `` `[` $source_offset `]`
    `target` `(` $target `)` `` `[` $target_offset `]`
    `length` `(` $length `)` attr-dict
  }];
}

def HAL_BufferLengthOp : HAL_Op<"buffer.length", [Pure]> {
  let summary = "The length in bytes of a host-local buffer";
  let arguments = (ins HAL_Buffer:$buffer);
  let results = (outs Index:$result);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Tensors at the host's buffer boundary
//===----------------------------------------------------------------------===//

def HAL_TensorExportOp : HAL_Op<"tensor.export", [Pure]> {
  let summary = "The storage of a host tensor, as a host-local buffer";
  let description = [{
    Dense row-major bytes; a dispatch binds them.

    ```mlir
    %buffer = hal.tensor.export %t : tensor<?x4xf32>{%d0} -> !hal.buffer
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, Variadic<Index>:$source_dims);
  let results = (outs HAL_Buffer:$result);
  let assemblyFormat = [{
    $source `:` type($source) (`{` $source_dims^ `}`)? `->` type($result)
    attr-dict
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def HAL_TensorImportOp : HAL_Op<"tensor.import", [Pure]> {
  let summary = "A host tensor whose storage is a host-local buffer";
  let description = [{
    ```mlir
    %t = hal.tensor.import %buffer : !hal.buffer -> tensor<?x4xf32>{%d0}
    ```
  }];
  let arguments = (ins HAL_Buffer:$source, Variadic<Index>:$result_dims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $source `:` type($source) `->` type($result) (`{` $result_dims^ `}`)?
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dispatch interface (inside executable variants)
//===----------------------------------------------------------------------===//

def HAL_InterfaceBindingSubspanOp : HAL_Op<"interface.binding.subspan",
    [Pure]> {
  let summary = "The memory of one binding of the dispatch, as a memref";
  let description = [{
    ```mlir
    %0 = hal.interface.binding.subspan set(0) binding(1) : memref<?x4xf32>{%d0}
    ```
  }];
  let arguments = (ins IndexAttr:$set, IndexAttr:$binding,
                       Variadic<Index>:$dynamic_dims);
  let results = (outs AnyMemRef:$result);
  let assemblyFormat = [{
    `set` `(` $set `)` `binding` `(` $binding `)` attr-dict `:` type($result)
    (`{` $dynamic_dims^ `}`)?
  }];
  let hasVerifier = 1;
}

def HAL_InterfaceConstantLoadOp : HAL_Op<"interface.constant.load", [Pure]> {
  let summary = "Loads a 32-bit push constant of the dispatch";
  let arguments = (ins IndexAttr:$ordinal);
  let results = (outs I32:$result);
  let assemblyFormat = "`[` $ordinal `]` attr-dict `:` type($result)";
}

class HAL_InterfaceWorkgroupOp<string mnemonic, string what>
    : HAL_Op<mnemonic, [Pure]> {
  let summary = "The " # what # " of the running workgroup along one axis";
  let arguments = (ins IndexAttr:$dimension);
  let results = (outs Index:$result);
  let assemblyFormat = "`[` $dimension `]` attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def HAL_InterfaceWorkgroupIDOp
    : HAL_InterfaceWorkgroupOp<"interface.workgroup.id", "id">;
def HAL_InterfaceWorkgroupCountOp
    : HAL_InterfaceWorkgroupOp<"interface.workgroup.count", "grid size">;

#endif // TESSERA_DIALECT_HAL_HALOPS

//===- HALOps.td - hal dialect operations ------------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HAL_HALOPS
#define TESSERA_DIALECT_HAL_HALOPS

include "Dialect/HAL/IR/HALBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

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
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name,
                       IndexAttr:$ordinal,
                       HAL_PipelineLayoutAttr:$layout);
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
    Symbol, HasParent<"ExecutableOp">]> {
  let summary = "A serialized executable for one binary format";
  let description = [{
    ```mlir
    hal.executable.binary public @embedded_elf_x86_64 attributes {
      data = dense<...> : vector<1234xi8>, format = "embedded-elf-x86_64",
      mime_type = "application/x-elf"}
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name,
                       StrAttr:$format,
                       ElementsAttr:$data,
                       OptionalAttr<StrAttr>:$mime_type);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name attr-dict-with-keyword
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

def HAL_BufferLengthOp : HAL_Op<"buffer.length", [Pure]> {
  let summary = "The length in bytes of a host-local buffer";
  let arguments = (ins HAL_Buffer:$buffer);
  let results = (outs Index:$result);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasFolder = 1;
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

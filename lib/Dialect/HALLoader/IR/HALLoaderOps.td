//===- HALLoaderOps.td - hal_loader dialect ----------------*- tablegen -*-===//
//
// Inline-dynamic execution: the host program loads executable binaries at
// run time (after asking whether their format is supported) and dispatches
// them synchronously on host-local buffers.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_HALLOADER_OPS
#define TESSERA_DIALECT_HALLOADER_OPS

include "Dialect/HAL/IR/HALTypes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def HALLoader_Dialect : Dialect {
  let name = "hal_loader";
  let cppNamespace = "::mlir::tessera::hal_loader";
  let summary = "Loads executables at run time and dispatches them inline";
  let dependentDialects = ["::mlir::tessera::hal::HALDialect",
                           "::mlir::arith::ArithDialect"];
}

class HALLoader_Op<string mnemonic, list<Trait> traits = []>
    : Op<HALLoader_Dialect, mnemonic, traits>;

def HALLoader_ExecutableQuerySupportOp
    : HALLoader_Op<"executable.query_support", [Pure,
        DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Whether the loader supports an executable format";
  let description = [{
    True when the runtime can load binaries of `format`; loading may still
    fail when the binary needs what the host lacks.

    ```mlir
    %ok = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
    ```
  }];
  let arguments = (ins StrAttr:$executable_format);
  let results = (outs I1:$supported);
  let assemblyFormat = [{
    `format` `(` $executable_format `)` `:` type($supported)
    attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def HALLoader_ExecutableLoadOp
    : HALLoader_Op<"executable.load", [Pure,
        DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Loads and links an executable binary";
  let description = [{
    Optional 32-bit constants specialize the executable.

    ```mlir
    %exe = hal_loader.executable.load format("embedded-elf-x86_64")
        data(%binary) : !hal.executable
    ```
  }];
  let arguments = (ins StrAttr:$format, HAL_Buffer:$data,
                       Variadic<I32>:$constants);
  let results = (outs HAL_Executable:$result);
  let assemblyFormat = [{
    `format` `(` $format `)` `data` `(` $data `)`
    (`constants` `(` `[` $constants^ `]` `)`)?
    `:` type($result) attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def HALLoader_ExecutableLookupOp
    : HALLoader_Op<"executable.lookup", [Pure,
        DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>,
        DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "The loaded form of an executable of the module";
  let description = [{
    A placeholder for the executable's global, which materialization
    creates and initializes (eagerly or on first use).

    ```mlir
    %exe = hal_loader.executable.lookup executable(@ex) : !hal.executable
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$executable);
  let results = (outs HAL_Executable:$result);
  let assemblyFormat = [{
    `executable` `(` $executable `)` `:` type($result) attr-dict-with-keyword
  }];
}

def HALLoader_ExecutableIsVariantOp
    : HALLoader_Op<"executable.is_variant", [Pure]> {
  let summary = "Whether a loaded executable is the binary of one variant";
  let description = [{
    The loader picks one variant of an executable when the module loads;
    what depends on the variant (the workgroup count of an export tiled
    differently per target) selects on this.

    ```mlir
    %exe = hal_loader.executable.lookup executable(@linked) : !hal.executable
    %is = hal_loader.executable.is_variant %exe variant("vulkan_spirv_fb") : i1
    ```
  }];
  let arguments = (ins HAL_Executable:$executable, StrAttr:$variant);
  let results = (outs I1:$result);
  let assemblyFormat = [{
    $executable `variant` `(` $variant `)` `:` type($result)
    attr-dict-with-keyword
  }];
}

def HALLoader_ExecutableGlobalOp : HALLoader_Op<"executable.global", [
    IsolatedFromAbove, Symbol]> {
  let summary = "An executable loaded once, by its initializer";
  let description = [{
    What `hal.executable` becomes once materialized: the initializer picks
    a binary the runtime supports (and whose condition holds on the device),
    loads it and returns it; `hal_loader.fail` ends a path on which nothing
    can be loaded. The runtime runs it when the module is loaded;
    `hal_loader.executable.lookup` reads the result.

    ```mlir
    hal_loader.executable.global private @ex initializer {
      %ok = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
      cf.cond_br %ok, ^load, ^fail
    ^load:
      %data = hal.buffer.constant "embedded_elf_x86_64" : !hal.buffer = dense<...>
      %exe = hal_loader.executable.load format("embedded-elf-x86_64") data(%data) : !hal.executable
      hal_loader.return %exe : !hal.executable
    ^fail:
      hal_loader.fail "no binary of @ex can be loaded"
    }
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name);
  let regions = (region MinSizedRegion<1>:$initializer);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name `initializer`
    $initializer attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def HALLoader_ReturnOp : HALLoader_Op<"return", [
    Pure, ReturnLike, Terminator, HasParent<"ExecutableGlobalOp">]> {
  let summary = "Ends an initializer with the executable it loaded";
  let arguments = (ins HAL_Executable:$executable);
  let assemblyFormat = "$executable `:` type($executable) attr-dict";
}

def HALLoader_FailOp : HALLoader_Op<"fail", [
    Terminator, HasParent<"ExecutableGlobalOp">]> {
  let summary = "Ends an initializer path on which nothing can be loaded";
  let description = [{
    Loading the module fails with `message`.
  }];
  let arguments = (ins StrAttr:$message);
  let assemblyFormat = "$message attr-dict";
}

class HALLoader_DispatchBase<string mnemonic, list<Trait> traits = []>
    : HALLoader_Op<mnemonic, !listconcat(traits, [AttrSizedOperandSegments])> {
  code dispatchDeclarations = [{
    /// The number of (buffer, offset, length) bindings.
    unsigned getBindingCount() { return getBindingBuffers().size(); }
  }];
}

def HALLoader_ExecutableDispatchSymbolOp
    : HALLoader_DispatchBase<"executable.dispatch.symbol", [
        DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Dispatches an export named by symbol";
  let description = [{
    Runs the export `@executable::@variant::@export` over the workgroup grid
    with the push constants and the bindings (buffer, byte offset, byte
    length) its layout declares. Folds to `hal_loader.executable.dispatch`
    once the export's ordinal is known.

    ```mlir
    hal_loader.executable.dispatch.symbol
        executable(%exe : !hal.executable)
        target(@ex::@cpu::@entry)
        workgroups([%x, %y, %z])
        constants([%c0_i32])
        bindings([(%buf : !hal.buffer)[%offset, %length]])
    ```
  }];
  let arguments = (ins HAL_Executable:$executable,
                       SymbolRefAttr:$entry_point,
                       Index:$workgroup_x, Index:$workgroup_y,
                       Index:$workgroup_z,
                       Variadic<I32>:$push_constants,
                       Variadic<HAL_Buffer>:$binding_buffers,
                       Variadic<Index>:$binding_offsets,
                       Variadic<Index>:$binding_lengths);
  let assemblyFormat = [{
    `executable` `(` $executable `:` type($executable) `)`
    `target` `(` $entry_point `)`
    `workgroups` `(` `[` $workgroup_x `,` $workgroup_y `,` $workgroup_z `]` `)`
    (`constants` `(` `[` $push_constants^ `]` `)`)?
    `bindings` `(` `[`
    custom<DispatchBindings>($binding_buffers, type($binding_buffers),
                             $binding_offsets, $binding_lengths)
    `]` `)`
    attr-dict-with-keyword
  }];
  let extraClassDeclaration = dispatchDeclarations;
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def HALLoader_ExecutableDispatchOp
    : HALLoader_DispatchBase<"executable.dispatch"> {
  let summary = "Dispatches an export by ordinal";
  let description = [{
    ```mlir
    hal_loader.executable.dispatch executable(%exe : !hal.executable)[2]
        workgroups([%x, %y, %z])
        bindings([(%buf : !hal.buffer)[%offset, %length]])
    ```
  }];
  let arguments = (ins HAL_Executable:$executable,
                       IndexAttr:$entry_point,
                       Index:$workgroup_x, Index:$workgroup_y,
                       Index:$workgroup_z,
                       Variadic<I32>:$push_constants,
                       Variadic<HAL_Buffer>:$binding_buffers,
                       Variadic<Index>:$binding_offsets,
                       Variadic<Index>:$binding_lengths);
  let assemblyFormat = [{
    `executable` `(` $executable `:` type($executable) `)`
    `` `[` $entry_point `]`
    `workgroups` `(` `[` $workgroup_x `,` $workgroup_y `,` $workgroup_z `]` `)`
    (`constants` `(` `[` $push_constants^ `]` `)`)?
    `bindings` `(` `[`
    custom<DispatchBindings>($binding_buffers, type($binding_buffers),
                             $binding_offsets, $binding_lengths)
    `]` `)`
    attr-dict-with-keyword
  }];
  let extraClassDeclaration = dispatchDeclarations;
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

#endif // TESSERA_DIALECT_HALLOADER_OPS

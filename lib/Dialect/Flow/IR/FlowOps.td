//===- FlowOps.td - flow dialect operations ----------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_FLOW_FLOWOPS
#define TESSERA_DIALECT_FLOW_FLOWOPS

include "Dialect/Flow/IR/FlowBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Flow_ExecutableOp : Flow_Op<"executable", [
    IsolatedFromAbove, SingleBlock, NoTerminator, Symbol, SymbolTable]> {
  let summary = "An outlined executable: exports plus the module defining them";
  let description = [{
    Holds `flow.executable.export` ops and one `builtin.module` whose
    functions (on tensors) implement the exports.

    ```mlir
    flow.executable private @main_dispatch_0 {
      flow.executable.export public @main_dispatch_0_matmul_4x8
      builtin.module {
        func.func @main_dispatch_0_matmul_4x8(...) -> tensor<4x8xf32> {...}
      }
    }
    ```
  }];
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
    /// The module holding the implementations, or null.
    ::mlir::ModuleOp getInnerModule();
  }];
  let hasVerifier = 1;
}

def Flow_ExecutableExportOp : Flow_Op<"executable.export", [
    HasParent<"ExecutableOp">, IsolatedFromAbove, Symbol]> {
  let summary = "An entry point of a flow.executable";
  let description = [{
    Names a function of the executable's inner module. The optional
    `workgroups` region maps the workload of a dispatch to an XYZ grid.
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$sym_visibility,
                       SymbolNameAttr:$sym_name);
  let regions = (region AnyRegion:$workgroup_count);
  let assemblyFormat = [{
    custom<SymbolVisibility>($sym_visibility) $sym_name
    custom<FlowWorkgroupsRegion>($workgroup_count) attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def Flow_ReturnOp : Flow_Op<"return", [
    Pure, ReturnLike, Terminator, HasParent<"ExecutableExportOp">]> {
  let summary = "Returns the workgroup count from a workgroups region";
  let arguments = (ins Variadic<AnyType>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
}

def Flow_DispatchOp : Flow_Op<"dispatch", [
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Dispatches an executable export over a workload";
  let description = [{
    Runs the entry point over a grid derived from the workload. Dynamic
    dimensions of shaped operands and results follow their types in braces;
    a result may be tied to (written in place of) an operand by naming it.

    ```mlir
    %0 = flow.dispatch @ex::@entry[%c4, %c8](%a, %b)
        : (tensor<4x3xf32>, tensor<3x8xf32>) -> tensor<4x8xf32>
    %1 = flow.dispatch {@ex::@cpu::@entry}[%d](%x, %d)
        : (tensor<?xf32>{%d}, index) -> %x{%d}
    ```
    After HAL materialization the entry points name
    `@executable::@variant::@export`, one per variant that can run it.
  }];
  let arguments = (ins
    ArrayAttr:$entry_points,
    Variadic<Index>:$workload,
    Variadic<AnyType>:$arguments,
    Variadic<Index>:$argument_dims,
    Variadic<Index>:$result_dims,
    OptionalAttr<DenseI64ArrayAttr>:$tied_operands
  );
  let results = (outs Variadic<AnyType>:$results);
  let assemblyFormat = [{
    custom<DispatchEntryPoints>($entry_points)
    (`[` $workload^ `]`)? ``
    `(` $arguments `)` attr-dict `:`
    custom<ShapedFunctionType>(ref($arguments), type($arguments),
                               $argument_dims, type($results), $result_dims,
                               $tied_operands)
  }];
  let extraClassDeclaration = [{
    /// Entry points as symbol references.
    SmallVector<::mlir::SymbolRefAttr> getEntryPointRefs();
    /// Index of the operand tied to result `index`, if any.
    std::optional<unsigned> getTiedOperandIndex(unsigned index);
    /// Dynamic dimension values of argument/result `index`.
    ValueRange getArgumentDynamicDims(unsigned index);
    ValueRange getResultDynamicDims(unsigned index);
  }];
  let hasVerifier = 1;
}

#endif // TESSERA_DIALECT_FLOW_FLOWOPS

//===- HALAttrs.td - hal dialect attributes ----------------*- tablegen -*-===//
#ifndef TESSERA_DIALECT_HAL_HALATTRS
#define TESSERA_DIALECT_HAL_HALATTRS

include "Dialect/HAL/IR/HALBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

// A list of attributes in brackets, possibly empty: `[]`, `[<...>, <...>]`.
class HAL_BracketedListParameter<string element>
    : ArrayRefParameter<element, ""> {
  let parser = "::mlir::tessera::hal::parseBracketedList<" # element #
               ">($_parser)";
  let printer = "::mlir::tessera::hal::printBracketedList($_printer, $_self)";
}

class HAL_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<HAL_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def HAL_ExecutableTargetAttr
    : HAL_Attr<"ExecutableTarget", "executable.target"> {
  let summary = "A compilation target: backend, binary format, configuration";
  let description = [{
    `#hal.executable.target<"llvm-cpu", "embedded-elf-x86_64",
      {target_triple = "x86_64-unknown-linux-gnu", cpu = "skylake-avx512",
       cpu_features = "+avx512f"}>`
  }];
  let parameters = (ins "StringAttr":$backend, "StringAttr":$format,
                        OptionalParameter<"DictionaryAttr">:$configuration);
  let assemblyFormat = "`<` $backend `,` $format (`,` $configuration^)? `>`";
  let extraClassDeclaration = [{
    /// A string configuration entry or "" when absent.
    StringRef getConfigString(StringRef key) const;
  }];
}

def HAL_ExecutableObjectAttr
    : HAL_Attr<"ExecutableObject", "executable.object"> {
  let summary = "An object file linked into an executable (path or data)";
  let parameters = (ins OptionalParameter<"StringAttr">:$path,
                        OptionalParameter<"DenseIntElementsAttr">:$data);
  let assemblyFormat = "`<` `{` struct(params) `}` `>`";
  let genVerifyDecl = 1;
}

def HAL_DescriptorSetBindingAttr
    : HAL_Attr<"DescriptorSetBinding", "descriptor_set.binding"> {
  let summary = "One binding of a descriptor set: `<0, storage_buffer, ReadOnly>`";
  let parameters = (ins "int64_t":$ordinal, "StringAttr":$type,
                        "bool":$readOnly);
  let hasCustomAssemblyFormat = 1;
}

def HAL_DescriptorSetLayoutAttr
    : HAL_Attr<"DescriptorSetLayout", "descriptor_set.layout"> {
  let summary = "A descriptor set: `<0, bindings = [...]>`";
  let parameters = (ins "int64_t":$ordinal,
      HAL_BracketedListParameter<"DescriptorSetBindingAttr">:$bindings);
  let assemblyFormat = "`<` $ordinal `,` `bindings` `=` $bindings `>`";
}

def HAL_PipelineLayoutAttr : HAL_Attr<"PipelineLayout", "pipeline.layout"> {
  let summary = "Push constants and descriptor sets an export expects";
  let description = [{
    `#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [
       <0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>`
  }];
  let parameters = (ins "int64_t":$pushConstants,
      HAL_BracketedListParameter<"DescriptorSetLayoutAttr">:$sets);
  let assemblyFormat = [{
    `<` `push_constants` `=` $pushConstants `,` `sets` `=` $sets `>`
  }];
  let extraClassDeclaration = [{
    /// Total number of bindings over all sets.
    unsigned getBindingCount() const;
  }];
}

def HAL_InterfaceBindingAttr
    : HAL_Attr<"InterfaceBinding", "interface.binding"> {
  let summary = "Which set and binding an operand is bound to: `<0, 1>`";
  let parameters = (ins "int64_t":$set, "int64_t":$binding);
  let assemblyFormat = "`<` $set `,` $binding `>`";
}

#endif // TESSERA_DIALECT_HAL_HALATTRS

//===- CodegenAttrs.td - tessera_codegen attributes --------*- tablegen -*-===//
#ifndef TESSERA_CODEGEN_DIALECT_CODEGENATTRS
#define TESSERA_CODEGEN_DIALECT_CODEGENATTRS

include "Codegen/Dialect/CodegenBase.td"
include "mlir/IR/AttrTypeBase.td"

class TesseraCodegen_Attr<string name, string attrMnemonic,
                          list<Trait> traits = []>
    : AttrDef<TesseraCodegen_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def TesseraCodegen_LoweringConfigAttr
    : TesseraCodegen_Attr<"LoweringConfig", "lowering_config"> {
  let summary = "Codegen decisions for a dispatch's root op";
  let description = [{
    `#tessera_codegen.lowering_config<workgroup = [64, 64, 0]>`: tile sizes
    per loop of the root op used to distribute it over workgroups (0: not
    tiled).
  }];
  let parameters = (ins ArrayRefParameter<"int64_t", "">:$workgroupTileSizes);
  // `[]` too: a 0-d root op has no loops, and what is printed parses back.
  let assemblyFormat =
      "`<` `workgroup` `=` custom<TileSizes>($workgroupTileSizes) `>`";
  let genVerifyDecl = 1;
}

#endif // TESSERA_CODEGEN_DIALECT_CODEGENATTRS

// RUN: tessera-opt --split-input-file --verify-diagnostics %s | FileCheck %s

// The lowering config round-trips on any op: one tile size per loop, 0 for
// an untiled loop.

// CHECK-LABEL: func.func @tiles
// CHECK: arith.constant {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 0, 1]>} 0 : index
func.func @tiles() {
  %0 = arith.constant {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 0, 1]>} 0 : index
  return
}

// -----

// A 0-d root op has no loops: what the compiler prints for it parses back.
// CHECK-LABEL: func.func @no_loops
// CHECK: arith.constant {lowering_config = #tessera_codegen.lowering_config<workgroup = []>} 0 : index
func.func @no_loops() {
  %0 = arith.constant {lowering_config = #tessera_codegen.lowering_config<workgroup = []>} 0 : index
  return
}

// -----

func.func @negative() {
  // expected-error @+1 {{workgroup tile sizes must be >= 0 (0: not tiled), got -5}}
  %0 = arith.constant {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, -5]>} 0 : index
  return
}

// -----

func.func @misspelled() {
  // expected-error @+1 {{expected 'workgroup'}}
  %0 = arith.constant {lowering_config = #tessera_codegen.lowering_config<tiles = [64]>} 0 : index
  return
}

// -----

// It is no longer a hal attribute.
func.func @old_name() {
  // expected-error @+1 {{unknown attribute `lowering_config` in dialect `hal`}}
  %0 = arith.constant {lowering_config = #hal.lowering_config<workgroup = [64]>} 0 : index
  return
}

"""Writes a batch of .mlir programs into a directory, some broken in
different ways, and manifest.json saying what compiling each must give.

usage: generate.py OUT_DIR [COUNT]
"""
import json
import os
import sys


def add(name, n, m):
    return f"""// {name}: elementwise add
func.func @add(%a: tensor<{n}x{m}xf32>, %b: tensor<{n}x{m}xf32>) -> tensor<{n}x{m}xf32> {{
  %e = tensor.empty() : tensor<{n}x{m}xf32>
  %r = linalg.add ins(%a, %b : tensor<{n}x{m}xf32>, tensor<{n}x{m}xf32>) outs(%e : tensor<{n}x{m}xf32>) -> tensor<{n}x{m}xf32>
  return %r : tensor<{n}x{m}xf32>
}}
""", 1


def matmul(name, m, k, n):
    return f"""// {name}: matmul
func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %r : tensor<{m}x{n}xf32>
}}
""", 1


def two_layers(name, m, k, n):
    return f"""// {name}: a matmul, then another on its result
func.func @mlp(%x: tensor<{m}x{k}xf32>, %w1: tensor<{k}x{n}xf32>, %w2: tensor<{n}x{k}xf32>) -> tensor<{m}x{k}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<{m}x{n}xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f1 : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %e2 = tensor.empty() : tensor<{m}x{k}xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<{m}x{k}xf32>) -> tensor<{m}x{k}xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<{m}x{n}xf32>, tensor<{n}x{k}xf32>) outs(%f2 : tensor<{m}x{k}xf32>) -> tensor<{m}x{k}xf32>
  return %y : tensor<{m}x{k}xf32>
}}
""", 2


# Broken programs: the text, and the error expected (line, column, phase,
# pass, part of the message).
def syntax_error(name):
    return f"""// {name}: a missing operand list
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {{
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.add ins( : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}}
""", {"line": 4, "column": 24, "phase": "", "pass": "",
      "message": "number of operands and types do not match"}


def undefined_value(name):
    return f"""// {name}: uses a value nobody defined
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {{
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.add ins(%a, %nope : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}}
""", {"line": 4, "column": 27, "phase": "", "pass": "",
      "message": "use of undeclared SSA value name"}


def shape_mismatch(name):
    return f"""// {name}: a matmul whose reduction sizes differ
func.func @f(%a: tensor<4x8xf32>, %b: tensor<5x3xf32>) -> tensor<4x3xf32> {{
  %e = tensor.empty() : tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<5x3xf32>) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}}
""", {"line": 4, "column": 8, "phase": "", "pass": "",
      "message": "'linalg.matmul' op"}


def unsupported_op(name):
    return f"""// {name}: a memref program, which tessera does not take as input
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {{
  %m = memref.alloc() : memref<4xf32>
  return %a : tensor<4xf32>
}}
""", {"line": 3, "column": 8, "phase": "input",
      "pass": "tessera-verify-input-legality",
      "message": "'memref.alloc' is not supported by tessera"}


def missing_object(name):
    return f"""// {name}: an extern dispatch whose object file does not exist
func.func @f(%x: tensor<16xf32>) -> tensor<16xf32> {{
  %n = arith.constant 16 : index
  %r = hal.dispatch.extern "k"[%n](%x) : (tensor<16xf32>) -> tensor<16xf32>
    count(%device: !hal.device, %w: index) -> (index, index, index) {{
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }}
    layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
    objects({{
      #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {{target_triple = "x86_64-unknown-linux-gnu"}}> ordinal(0) = [#hal.executable.object<{{path = "{name}_missing.o"}}>]
    }})
  return %r : tensor<16xf32>
}}
""", {"line": 4, "column": 8, "phase": "serialize",
      "pass": "tessera-llvmcpu-serialize",
      "message": "executable object '" + name + "_missing.o' not found"}


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    broken = [syntax_error, undefined_value, shape_mismatch, unsupported_op,
              missing_object]
    manifest = {}
    os.makedirs(os.path.join(out, "nested"), exist_ok=True)
    for i in range(count):
        # Every fourth program is broken, cycling through the kinds; some
        # programs sit in a subdirectory.
        name = f"p{i:03d}"
        relative = (f"nested/{name}.mlir" if i % 7 == 3 else f"{name}.mlir")
        if i % 4 == 1:
            text, error = broken[(i // 4) % len(broken)](name)
            manifest[relative] = {"status": "failed", "error": error}
        else:
            size = 4 + i
            kind = i % 3
            if kind == 0:
                text, dispatches = add(name, size, 8 + i % 5)
            elif kind == 1:
                text, dispatches = matmul(name, size, 16, 8 + i % 4)
            else:
                text, dispatches = two_layers(name, size, 12, 8)
            manifest[relative] = {"status": "succeeded",
                                  "dispatches": dispatches}
        with open(os.path.join(out, relative), "w") as f:
            f.write(text)
    with open(os.path.join(out, "..", "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


main()

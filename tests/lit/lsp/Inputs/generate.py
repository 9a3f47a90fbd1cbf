"""Writes hostile inputs for the robustness tests: generate.py KIND FILE."""
import sys

kind, path = sys.argv[1], sys.argv[2]
if kind == "deep":  # 10k nested regions
    n = 10000
    text = "func.func @deep() {\n" + "scf.execute_region {\n" * n
    text += "scf.yield\n}\n" * n + "return\n}\n"
elif kind == "deep-type":  # 10k nested types
    text = "func.func @f(%a: " + "tuple<" * 10000 + "f32" + ">" * 10000
    text += ") {\n  return\n}\n"
elif kind == "long-line":  # a 1 MB line
    text = ("func.func @f() {\n  %0 = arith.constant dense<["
            + ",".join(["1.0"] * 250000) + "]> : tensor<250000xf32>\n"
            "  return\n}\n")
elif kind == "bad-utf8":
    text = None
    data = (b"func.func @f() {\n  // \xff\xfe bad \xc3\x28\n"
            b"  %0 = arith.constant \xe2\x82 1 : i32\n  return\n}\n")
else:
    sys.exit("unknown kind " + kind)
if text is not None:
    data = text.encode()
with open(path, "wb") as f:
    f.write(data)

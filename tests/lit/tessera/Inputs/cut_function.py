"""Cuts a one-function model after one of its values: the function then
returns that value (its type becomes the result type). Dispatch by dispatch
comparisons of a model between devices use it: a model with placeholder
weights ends in a uniform output that proves little, its intermediate
values do not.

usage: cut_function.py MODEL.mlir VALUE OUT.mlir   (VALUE like %800)

The model is the printed form of upstream MLIR: one func.func whose
top-level ops are indented by two spaces, regions closed by '  }'.
"""
import re
import sys

model, value, out = sys.argv[1:4]
lines = open(model).read().split("\n")
function = next(i for i, l in enumerate(lines) if l.startswith("func.func @"))
i = function + 1
while i < len(lines):
    match = re.match(r"^  (%[\w]+) = ", lines[i])
    end = i
    if lines[i].rstrip().endswith("{"):
        while not lines[end].startswith("  }"):
            end += 1
    if match and match.group(1) == value:
        last = lines[end]
        if " to " in last:  # tensor.pad ... : T to U
            type_ = last.split(" to ")[-1].strip()
        elif "->" in last:  # linalg ops: ... -> T
            type_ = last.split("->")[-1].strip()
        else:  # arith ops: ... : T
            type_ = last.split(" : ")[-1].strip()
        header = re.sub(r"-> [^{]*\{$", "-> " + type_ + " {", lines[function])
        body = lines[function + 1:end + 1]
        text = lines[:function] + [header] + body + [
            "  return %s : %s" % (value, type_), "}"]
        # What follows the function (the module's closing brace, if any).
        closing = [l for l in lines[end + 1:] if l.startswith("}")][1:]
        open(out, "w").write("\n".join(text + closing) + "\n")
        sys.exit(0)
    i = end + 1
sys.exit("cut_function.py: no top-level value %s in %s" % (value, model))

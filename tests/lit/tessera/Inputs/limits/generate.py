"""Writes inputs beyond the compiler's limits: generate.py KIND FILE [N].

minus: an affine map of N unary minus (10,000); sum: an affine map of N
terms (200,000); aliases: N attribute aliases, each an array of the last
(100,000); bytecode: N nested `module {}` as MLIR bytecode (20,000),
which no text parser could read back: the IR section is written here,
every level alike, around the other sections of a 3-deep file that
mlir-opt wrote (below, in hex).
"""
import sys

kind, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else None

# mlir-opt --emit-bytecode of "module {\n module {\n module {\n}\n}\n}\n".
TEMPLATE = bytes.fromhex(
    "4d4cef520d4d4c495232322e312e3800010d030103010307031109010109"
    "0b131313021d050517010303170105031701070304" "3f0501500301070"
    "42f0301050150050107041b03010501500701070407030101060301050100"
    "370711"
    "0f116275696c74696e006d6f64756c65006d332e6d6c6972000809030501"
    "01")


def varint(value):
    """MLIR bytecode's prefix varint: n-1 trailing zero bits, n bytes."""
    for size in range(1, 9):
        if value < 1 << (7 * size):
            return ((value << size) | (1 << (size - 1))).to_bytes(size,
                                                                  "little")
    return b"\0" + value.to_bytes(8, "little")


def sections(data):
    """(id, payload) of each section after the header."""
    pos = data.index(b"\0", 5) + 1
    out = []
    while pos < len(data):
        ident = data[pos]
        pos += 1
        first = data[pos]
        size = 1
        while not first & 1 and size < 9:
            first >>= 1
            size += 1
        length = int.from_bytes(data[pos:pos + size], "little") >> size
        pos += size
        assert not ident & 0x80, "aligned sections are not expected"
        out.append((ident, data[pos:pos + length]))
        pos += length
    return data[:data.index(b"\0", 5) + 1], out


def nested_modules(depth):
    # One module op: name 0, regions + properties, location 1, properties
    # 0, one isolated region (its body a nested IR section).
    op = bytes([0x01, 0x50, 0x03, 0x01, 0x07])
    region = bytes([0x03, 0x01])  # one block, no values
    one_op = bytes([0x05])  # a block of one op, no arguments
    innermost = region + bytes([0x01])  # its block has no ops
    # Lengths from the inside out, then the bytes from the outside in (no
    # copying of ever larger strings).
    lengths = [len(innermost)]
    for _ in range(depth - 1):
        inner = lengths[-1]
        lengths.append(len(region + one_op + op) + 1 + len(varint(inner)) +
                       inner)
    parts = [one_op + op]
    for level in range(depth - 1, 0, -1):
        parts += [b"\x04", varint(lengths[level]), region + one_op + op]
    parts += [b"\x04", varint(lengths[0]), innermost]
    return b"".join(parts)


if kind == "minus":
    data = ("#map = affine_map<(d0) -> (" + "-" * (n or 10000) + "d0)>\n"
            "func.func @f() {\n  return\n}\n").encode()
elif kind == "sum":
    data = ("#map = affine_map<(d0) -> (" +
            " + ".join(["d0"] * (n or 200000)) + ")>\n"
            "func.func @f() {\n  return\n}\n").encode()
elif kind == "aliases":
    count = n or 100000
    lines = ["#a0 = [1]"] + ["#a%d = [#a%d]" % (i, i - 1)
                             for i in range(1, count)]
    data = ("\n".join(lines) + "\nfunc.func @f() attributes {x = #a%d} {\n"
            "  return\n}\n" % (count - 1)).encode()
elif kind == "bytecode":
    header, parts = sections(TEMPLATE)
    data = header
    for ident, payload in parts:
        if ident == 4:
            payload = nested_modules(n or 20000)
        data += bytes([ident]) + varint(len(payload)) + payload
else:
    sys.exit("unknown kind " + kind)
with open(path, "wb") as f:
    f.write(data)

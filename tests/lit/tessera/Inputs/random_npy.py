"""Writes a float32 .npy of the given shape (like 1x224x224x3) with
uniform pseudo-random values in [-1, 1) from the given seed.

usage: random_npy.py SHAPE SEED OUT.npy
"""
import array
import random
import struct
import sys

shape = [int(d) for d in sys.argv[1].split("x")]
random.seed(int(sys.argv[2]))
count = 1
for d in shape:
    count *= d
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s,), }" % (
    ", ".join(map(str, shape)))
header += " " * (64 - (11 + len(header)) % 64) + "\n"
with open(sys.argv[3], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
    f.write(header.encode())
    f.write(array.array("f", (random.uniform(-1, 1) for _ in range(count)))
            .tobytes())

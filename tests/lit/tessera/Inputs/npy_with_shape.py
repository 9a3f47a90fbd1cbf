"""Writes a float32 .npy whose header says 'shape': SHAPE_TEXT verbatim
(well-formed or not), followed by COUNT zero elements.

usage: npy_with_shape.py SHAPE_TEXT COUNT OUT.npy
"""
import struct
import sys

header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % sys.argv[1]
header += " " * (64 - (11 + len(header)) % 64) + "\n"
with open(sys.argv[3], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
    f.write(header.encode())
    f.write(b"\0" * (4 * int(sys.argv[2])))

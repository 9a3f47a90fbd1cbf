#!/usr/bin/python3
"""Compares an actual .npy result with an expected one (ONNX Runtime's).

    compare.py ACTUAL.npy EXPECTED.npy [--rtol=1e-4] [--floor=1]

Prints `max abs error X, max rel error Y (N elements)` and exits 0 when the
two match, 1 when they do not (or cannot be compared), 2 on usage errors.

What "match" means:
  * shapes and dtypes must be identical (no broadcasting, no casts);
  * a NaN anywhere, in either array, fails;
  * infinities must be equal, sign included;
  * integer and bool results must be equal exactly;
  * float results: every element must satisfy

        |a - e| <= rtol * max(|e|, floor * max|expected|)

    with rtol 1e-4 and floor 1 by default, i.e. the largest error must be
    at most 1e-4 of the output's largest magnitude (a normwise, infinity-norm
    relative error). Why not elementwise: float32 rounding error of an output
    element comes from its summands, not from its own size. A logit of 0.02
    computed from 2048 products next to logits of 2 carries errors of the
    size of the large ones: ResNet-50 (random weights, calibrated BatchNorm),
    ONNX Runtime against PyTorch, differs by 4.4e-5 on logits up to 1.93,
    2.3e-5 normwise but up to 1.3e-3 elementwise (floor 1e-2). A smaller
    --floor (e.g. 1e-2: elements below 1% of the largest are judged against
    that 1%) is stricter for outputs without such cancellation. The "max rel
    error" printed is the largest |a - e| / max(|e|, floor * max|expected|),
    so the check passes iff it is <= rtol. If every expected element is 0,
    the float32 smallest normal number stands in for floor * max|expected|.
"""
import argparse
import sys

import numpy as np


def compare(actual, expected, rtol=1e-4, floor=1.0):
    """Returns (ok, line): whether actual matches expected, and the report."""
    if actual.shape != expected.shape:
        return False, f"shape mismatch: actual {actual.shape}, expected {expected.shape}"
    if actual.dtype != expected.dtype:
        return False, f"dtype mismatch: actual {actual.dtype}, expected {expected.dtype}"
    n = actual.size
    if n == 0:
        return True, "max abs error 0, max rel error 0 (0 elements)"
    if actual.dtype.kind in "iub":
        diff = np.abs(actual.astype(np.int64) - expected.astype(np.int64)) if actual.dtype.kind != "b" \
            else (actual != expected).astype(np.int64)
        bad = int(np.count_nonzero(diff))
        line = f"max abs error {int(diff.max())}, max rel error {'0' if bad == 0 else 'inf'} ({n} elements)"
        if bad:
            line += f"; {bad} elements differ (integer results must be equal)"
        return bad == 0, line
    if actual.dtype.kind != "f":
        return False, f"unsupported dtype {actual.dtype}"
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    nan_a, nan_e = int(np.isnan(a).sum()), int(np.isnan(e).sum())
    if nan_a or nan_e:
        return False, f"NaN: {nan_a} in actual, {nan_e} in expected ({n} elements)"
    inf_a, inf_e = np.isinf(a), np.isinf(e)
    if np.any(inf_a | inf_e):
        if not np.array_equal(np.where(inf_a, a, 0), np.where(inf_e, e, 0)) or \
                not np.array_equal(inf_a, inf_e):
            return False, (f"infinities differ: {int(inf_a.sum())} in actual, "
                           f"{int(inf_e.sum())} in expected ({n} elements)")
        finite = ~inf_e
        a, e = a[finite], e[finite]
        if a.size == 0:
            return True, f"max abs error 0, max rel error 0 ({n} elements, all infinite)"
    absdiff = np.abs(a - e)
    scale = float(np.abs(e).max()) * floor
    if scale == 0:
        scale = float(np.finfo(np.float32).tiny)
    rel = absdiff / np.maximum(np.abs(e), scale)
    worst = int(np.argmax(rel))
    max_rel = float(rel.flat[worst])
    ok = max_rel <= rtol
    line = (f"max abs error {absdiff.max():.3g}, max rel error {max_rel:.3g} "
            f"({n} elements)")
    if not ok:
        bad = int(np.count_nonzero(rel > rtol))
        line += (f"; {bad} elements exceed rtol={rtol:g} (worst: actual {a.flat[worst]:.9g}, "
                 f"expected {e.flat[worst]:.9g}, max|expected| {scale / floor if floor else 0:.6g})")
    return ok, line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("actual")
    parser.add_argument("expected")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--floor", type=float, default=1.0,
                        help="fraction of max|expected| below which errors are "
                             "judged against it (default 1: normwise)")
    args = parser.parse_args(argv)
    if not (args.rtol >= 0 and np.isfinite(args.rtol)) or not (0 <= args.floor <= 1):
        parser.error("--rtol must be a finite number >= 0, --floor in [0, 1]")
    arrays = []
    for path in (args.actual, args.expected):
        try:
            arrays.append(np.load(path, allow_pickle=False))
        except (OSError, ValueError) as error:
            print(f"compare.py: error: cannot read {path}: {error}", file=sys.stderr)
            return 1
    ok, line = compare(arrays[0], arrays[1], args.rtol, args.floor)
    print(line)
    if not ok:
        print(f"compare.py: FAIL: {args.actual} does not match {args.expected}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

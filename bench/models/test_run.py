"""Unit tests of bench/models/run.py's reporting: the placement probe and
the table's marks (run by ctest as bench-models-table)."""
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

SPLIT, SHARED, MOVED = [344.0, 351.0], [61.0, 58.0], [60.0, 340.0]


def row(threads, tessera_ns=None, ort_ns=None, failed=None):
    """A measured row as main builds it: each engine's rounds' [before,
    after] readings, and the rounds compared."""
    latencies = {}
    if tessera_ns:
        latencies["Tessera"] = tessera_ns
    if ort_ns:
        latencies["ONNX Runtime"] = ort_ns
    compared = run.like_for_like(latencies)
    return dict(model="encoder", batch=1, threads=threads, Tessera=0.25,
                **{"ONNX Runtime": 0.5, "PyTorch": 1.0},
                core_latency_ns=latencies, failed=failed or {},
                placement=compared[0] if compared else None,
                compared_rounds=compared[1] if compared else {})


def test_a_round_is_near_far_or_moved():
    assert run.round_placement(SHARED, 58.0) == "near"
    assert run.round_placement([60.0, 116.0], 58.0) == "near"
    assert run.round_placement(SPLIT, 58.0) == "far"
    assert run.round_placement(MOVED, 58.0) is None
    assert run.round_placement([60.0, None], 58.0) is None
    assert run.round_placement(None, 58.0) is None


def test_like_for_like_prefers_near_rounds_of_both_engines():
    placement, rounds = run.like_for_like(
        {"Tessera": [SHARED, SPLIT, MOVED], "ONNX Runtime": [SPLIT, SHARED, SHARED]})
    assert placement == "near"
    assert rounds == {"Tessera": [0], "ONNX Runtime": [1, 2]}
    # No near round of ONNX Runtime: both engines' far rounds.
    placement, rounds = run.like_for_like(
        {"Tessera": [SHARED, SPLIT], "ONNX Runtime": [SPLIT, MOVED]})
    assert placement == "far"
    assert rounds == {"Tessera": [1], "ONNX Runtime": [0]}
    # A whole run split: its readings are the lowest, so "near".
    assert run.like_for_like({"Tessera": [SPLIT], "ONNX Runtime": [SPLIT]})[0] == "near"


def test_like_for_like_needs_both_engines_in_one_placement():
    assert run.like_for_like({"Tessera": [SHARED], "ONNX Runtime": [SPLIT, MOVED]}) is None
    assert run.like_for_like({"Tessera": [MOVED], "ONNX Runtime": [SHARED]}) is None
    # No reading for one engine (no probe, one CPU): nothing to compare.
    assert run.like_for_like({"Tessera": [SPLIT]}) is None
    assert run.like_for_like({}) is None


def test_table_marks_cells_without_a_common_placement():
    table = run.format_table([row(1), row(2, [SHARED], [SHARED]),
                              row(2, [SHARED], [SPLIT, MOVED]),
                              row(2, [SPLIT, SHARED], [SHARED, SPLIT])])
    lines = table.splitlines()
    assert lines[0].endswith("| core ns Tessera / ORT |")
    one, same, different, chosen = lines[2:6]
    assert one == "| encoder | 1 | 1 | 0.250 | 0.500 | 1.00 | 0.50 | 0.25 | 0.50 |  |"
    assert same.endswith("| 0.50 | 0.25 | 0.50 | 60 / 60 |")
    # Not comparable: every reading's median, and the mark.
    assert different.endswith("| 0.50* | 0.25 | 0.50 | 60 / 342 |")
    # The readings of the rounds compared (the near ones) only.
    assert chosen.endswith("| 0.50 | 0.25 | 0.50 | 60 / 60 |")
    assert lines[-1].startswith("\\* 1 cell(s): no round of Tessera and one of ONNX Runtime")


def test_table_without_marks_has_no_footnote():
    table = run.format_table([row(2, [SPLIT], [SPLIT]), row(2, [[70.0, 71.0]], None)])
    assert "*" not in table
    assert table.splitlines()[-1].endswith("| 70 / - |")


def test_failed_engine_is_marked_fail():
    table = run.format_table([row(2, [SHARED], [SHARED], failed={"Tessera": "no"})])
    assert "| fail | 0.500 | 1.00 | — |" in table


def test_probe_without_the_tool_reads_nothing(tmp_path):
    assert run.CoreLatency(str(tmp_path)).nanoseconds() is None


def test_probe_reads_the_tool():
    bin_dir = os.environ.get("TESSERA_BIN_DIR")
    exe = os.path.join(bin_dir or "", "tessera-cpu-bench")
    if not bin_dir or not os.access(exe, os.X_OK):
        import pytest
        pytest.skip("tessera-cpu-bench not built (no OpenBLAS)")
    value = run.CoreLatency(bin_dir).nanoseconds()
    if len(os.sched_getaffinity(0)) >= 2:
        assert value is not None and 1 <= value < 1e6
    else:
        assert value is None
    # Pinned to one CPU the tool has no second one to time: NaN, which the
    # probe reads as no reading.
    one = min(os.sched_getaffinity(0))
    out = subprocess.run(["taskset", "-c", str(one), exe, "--core-latency"],
                         capture_output=True, text=True, check=True).stdout
    assert math.isnan(float(out))

"""Unit tests of bench/models/run.py's reporting: the placement probe and
the table's marks (run by ctest as bench-models-table)."""
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

SPLIT, SHARED = [344.0, 351.0], [61.0, 58.0]


def row(threads, tessera_ns=None, ort_ns=None, failed=None):
    latencies = {}
    if tessera_ns:
        latencies["Tessera"] = tessera_ns
    if ort_ns:
        latencies["ONNX Runtime"] = ort_ns
    return dict(model="encoder", batch=1, threads=threads, Tessera=0.25,
                **{"ONNX Runtime": 0.5, "PyTorch": 1.0},
                core_latency_ns=latencies, failed=failed or {})


def test_placement_differs_only_past_twice():
    assert run.placement_differs({"Tessera": SHARED, "ONNX Runtime": SPLIT})
    assert run.placement_differs({"Tessera": SPLIT, "ONNX Runtime": SHARED})
    assert not run.placement_differs({"Tessera": SPLIT, "ONNX Runtime": SPLIT})
    assert not run.placement_differs({"Tessera": [60.0], "ONNX Runtime": [119.0]})
    # No reading for one engine (no probe, one CPU): nothing to compare.
    assert not run.placement_differs({"Tessera": SPLIT})
    assert not run.placement_differs({})


def test_table_marks_cells_of_different_placements():
    table = run.format_table([row(1), row(2, SHARED, SHARED), row(2, SHARED, SPLIT)])
    lines = table.splitlines()
    assert lines[0].endswith("| core ns Tessera / ORT |")
    one, same, different = lines[2:5]
    assert one == "| encoder | 1 | 1 | 0.250 | 0.500 | 1.00 | 0.50 | 0.25 | 0.50 |  |"
    assert same.endswith("| 0.50 | 0.25 | 0.50 | 60 / 60 |")
    assert different.endswith("| 0.50* | 0.25 | 0.50 | 60 / 348 |")
    assert lines[-1].startswith("\\* 1 cell(s): Tessera and ONNX Runtime ran")


def test_table_without_marks_has_no_footnote():
    table = run.format_table([row(2, SPLIT, SPLIT), row(2, [70.0], None)])
    assert "*" not in table
    assert table.splitlines()[-1].endswith("| 70 / - |")


def test_failed_engine_is_marked_fail():
    table = run.format_table([row(2, SHARED, SHARED, failed={"Tessera": "no"})])
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

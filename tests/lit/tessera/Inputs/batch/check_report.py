"""Checks a batch compile's JSON report, JUnit report and outputs against
the manifest generate.py wrote; prints a summary line, exits 1 on the first
difference.

usage: check_report.py SRC_DIR OUT_DIR MANIFEST REPORT.json REPORT.xml
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

PHASES = ["input", "global-opt", "flow", "hal", "codegen", "link", "host",
          "serialize", "loader"]


def fail(message):
    print("MISMATCH:", message)
    sys.exit(1)


def main():
    src, out, manifest_path, report_path, junit_path = sys.argv[1:6]
    manifest = json.load(open(manifest_path))
    report = json.load(open(report_path))
    entries = {os.path.relpath(e["input"], src): e for e in report["inputs"]}
    if sorted(entries) != sorted(manifest):
        fail(f"inputs {sorted(entries)} != {sorted(manifest)}")
    failed = sum(1 for m in manifest.values() if m["status"] == "failed")
    summary = report["summary"]
    if (summary["inputs"], summary["failed"], summary["succeeded"],
            summary["cancelled"]) != (len(manifest), failed,
                                      len(manifest) - failed, 0):
        fail(f"summary {summary}")
    for name, want in sorted(manifest.items()):
        entry = entries[name]
        if entry["status"] != want["status"]:
            fail(f"{name}: status {entry['status']}, expected {want['status']}")
        expected_output = os.path.join(out, os.path.splitext(name)[0] + ".tsm")
        errors = [d for d in entry["diagnostics"] if d["severity"] == "error"]
        if want["status"] == "succeeded":
            if os.path.normpath(entry["output"]) != os.path.normpath(expected_output):
                fail(f"{name}: output {entry['output']}")
            size = os.path.getsize(expected_output)
            sizes = entry["sizes"]
            if sizes["output_bytes"] != size:
                fail(f"{name}: output_bytes {sizes['output_bytes']} != {size}")
            if not 0 < sizes["executable_bytes"] < size:
                fail(f"{name}: executable_bytes {sizes['executable_bytes']}")
            if entry["dispatches"] != want["dispatches"] or entry["executables"] != 1:
                fail(f"{name}: {entry['dispatches']} dispatches, "
                     f"{entry['executables']} executables")
            if list(entry["phase_ms"]) != PHASES or min(entry["phase_ms"].values()) < 0:
                fail(f"{name}: phase_ms {entry['phase_ms']}")
            if not entry["total_ms"] >= sum(entry["phase_ms"].values()) * 0.99:
                fail(f"{name}: total_ms {entry['total_ms']}")
            if errors:
                fail(f"{name}: errors {errors}")
        else:
            if entry["output"] is not None or os.path.exists(expected_output):
                fail(f"{name}: a failed input has an output")
            if len(errors) != 1:
                fail(f"{name}: {len(errors)} errors: {errors}")
            error, expected = errors[0], want["error"]
            if os.path.relpath(error["file"], src) != name:
                fail(f"{name}: diagnostic file {error['file']}")
            for key in ("line", "column", "phase", "pass"):
                if error[key] != expected[key]:
                    fail(f"{name}: {key} {error[key]!r}, expected {expected[key]!r}")
            if expected["message"] not in error["message"]:
                fail(f"{name}: message {error['message']!r}")
    # Nothing else in the output directory: no temporary files.
    written = sorted(os.path.relpath(os.path.join(d, f), out)
                     for d, _, files in os.walk(out) for f in files)
    expected_files = sorted(os.path.splitext(n)[0] + ".tsm"
                            for n, m in manifest.items()
                            if m["status"] == "succeeded")
    if written != expected_files:
        fail(f"output directory holds {written}")

    suites = ET.parse(junit_path).getroot()
    suite = suites.find("testsuite")
    for node in (suites, suite):
        if (node.get("tests"), node.get("failures"), node.get("errors")) != (
                str(len(manifest)), str(failed), "0"):
            fail(f"junit counts {node.attrib}")
    cases = {os.path.relpath(c.get("name"), src): c for c in suite.findall("testcase")}
    if sorted(cases) != sorted(manifest):
        fail("junit test cases differ from the inputs")
    for name, want in manifest.items():
        failure = cases[name].find("failure")
        if (failure is not None) != (want["status"] == "failed"):
            fail(f"{name}: junit failure element")
        if failure is not None:
            e = want["error"]
            prefix = f"{os.path.join(src, name)}:{e['line']}:{e['column']}: error: "
            if not failure.get("message").startswith(prefix) or \
                    e["message"] not in failure.text:
                fail(f"{name}: junit failure {failure.get('message')!r}")
        if float(cases[name].get("time")) < 0:
            fail(f"{name}: junit time")
    print(f"report OK: {len(manifest)} inputs, {failed} failed")


main()

"""Reads the dispatch table `tessera run --profile*` prints on stderr and
its CSV: prints the row count, whether the rows are sorted by total time
(longest first) and whether every row's device column starts where the
header's does; then the first row's export name and the CSV's."""
import sys

lines = open(sys.argv[1]).read().splitlines()
header = next(i for i, line in enumerate(lines) if line.startswith("export "))
column = lines[header].index("device")
rows = [line for line in lines[header + 1:] if line.strip()]
totals = [float(row[column:].split()[2]) for row in rows]
print("rows %d %s %s" % (
    len(rows),
    "sorted" if totals == sorted(totals, reverse=True) else "unsorted",
    "aligned" if all(row[column - 1] == " " and row[column:].startswith("cpu")
                     for row in rows) else "misaligned"))
print(rows[0][:column].rstrip())
csv = open(sys.argv[2]).read().splitlines()
print("csv " + csv[1].split(",")[0])

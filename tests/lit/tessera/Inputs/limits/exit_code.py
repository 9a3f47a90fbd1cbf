"""Runs a command, passes its output on, and prints how it ended: a crash
(a signal) reads differently from `exit 1`, which `not` cannot tell apart.
"""
import subprocess
import sys

result = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
sys.stdout.write(result.stdout.decode(errors="replace"))
if result.returncode < 0:
    print("killed by signal %d" % -result.returncode)
else:
    print("exit code %d" % result.returncode)

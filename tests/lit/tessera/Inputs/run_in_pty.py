"""Runs a command with its stderr on a pseudo-terminal (stdout stays a
pipe) and prints what the terminal received, control characters made
visible: <CR> for a carriage return, <ESC> for an escape; then how the
command ended."""
import os
import pty
import subprocess
import sys

master, slave = pty.openpty()
process = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=slave)
os.close(slave)
received = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the command closed the terminal
        break
    if not chunk:
        break
    received += chunk
stdout = process.stdout.read()
code = process.wait()
text = received.decode(errors="replace")
# The terminal turns "\n" into "\r\n"; only the command's own "\r" count.
text = text.replace("\r\n", "\n")
text = text.replace("\r", "<CR>").replace("\x1b", "<ESC>")
sys.stdout.write(text)
if text and not text.endswith("\n"):
    sys.stdout.write("\n")
sys.stdout.write(stdout.decode(errors="replace"))
print("exit code %d" % code)

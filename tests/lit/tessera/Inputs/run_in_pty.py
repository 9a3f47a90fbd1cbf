"""Runs a command with its stderr on a pseudo-terminal (stdout stays a
pipe) and prints what the terminal received, control characters made
visible: <CR> for a carriage return, <ESC> for an escape; then how the
command ended (a negative code: the signal that ended it).

--interrupt (first argument): send SIGINT as Ctrl-C would once the first
progress line has arrived."""
import os
import pty
import re
import signal
import subprocess
import sys

interrupt = sys.argv[1] == "--interrupt"
command = sys.argv[2:] if interrupt else sys.argv[1:]

master, slave = pty.openpty()
# lit runs tests with SIGINT ignored, which a child inherits; a terminal's
# Ctrl-C reaches a process that has the default.
process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=slave,
                           preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                            signal.SIG_DFL))
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
    # The first line's text, not just its "\x1b[K" (which may come alone).
    if interrupt and re.search(rb"\[[a-z-]+ \d+/\d+\]", received):
        process.send_signal(signal.SIGINT)
        interrupt = False
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

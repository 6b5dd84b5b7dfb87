#!/usr/bin/env python3
"""What clients that reset cost a keep-open relay (issue 9): RSS, descriptors and diagnostic mappings.

    python3 bench/reset-footprint.py [DOTCAT] [PORT]

DOTCAT defaults to the JIT build (src/Dotcat/bin/Release/net10.0/dotcat). `dotcat -lk` gets /dev/zero on stdin, so it
uploads to every client. Six clients reset (SO_LINGER 0): three while dotcat uploads to them, three while it reads
what they sent. The listener's RSS, its open descriptors and any stack-trace machinery in /proc/PID/maps
(System.Diagnostics.StackTrace, System.Reflection.Metadata, a .pdb) are printed at `listening on` and after the
resets. A build that formats an exception's stack trace on the reset path maps those files for the rest of its run.
"""
import os
import re
import socket
import struct
import subprocess
import sys
import time

binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "src", "Dotcat", "bin", "Release", "net10.0", "dotcat")
port = int(sys.argv[2]) if len(sys.argv) > 2 else 47311
MACHINERY = re.compile(r"System\.Diagnostics\.StackTrace|System\.Reflection\.Metadata|\.pdb$")


def snapshot(pid):
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/maps") as maps:
        paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    return rss, fds, sorted(os.path.basename(p) for p in paths if MACHINERY.search(p))


def reset(client):
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()


producer = subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE)
listener = subprocess.Popen([binary, "-lk", "-v", "127.0.0.1", str(port)], stdin=producer.stdout,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
producer.stdout.close()
try:
    while "listening on" not in listener.stderr.readline():
        pass
    before = snapshot(listener.pid)
    failures = 0
    for _ in range(3):
        uploading = socket.create_connection(("127.0.0.1", port), timeout=10)
        uploading.recv(1 << 20)                       # dotcat is sending: its next sends meet the reset
        reset(uploading)
        reading = socket.create_connection(("127.0.0.1", port), timeout=10)
        reading.sendall(b"x" * 100000)                # dotcat is reading: its next read meets the reset
        reset(reading)
    while failures < 6:
        line = listener.stderr.readline()
        if not line:
            break
        failures += "connection reset by peer" in line
    time.sleep(0.5)                                   # let the six sessions close their sockets
    after = snapshot(listener.pid)
    for name, (rss, fds, machinery) in (("listening", before), ("after 6 resets", after)):
        print(f"{name:>15}: RSS {rss / 1024:.1f} MiB, {fds} fds, stack-trace machinery: {', '.join(machinery) or 'none'}")
    print(f"{'difference':>15}: RSS {(after[0] - before[0]) / 1024:+.1f} MiB, {after[1] - before[1]:+d} fds")
finally:
    listener.terminate()
    producer.kill()
    listener.wait(timeout=10)

#!/bin/sh
# Memory of a keep-open relay's idle clients (issue 9): N clients connect to `dotcat -lk`, each sends one line and
# then stays connected and quiet; the listener's RSS is read before and after. Usage: bench/idle-clients.sh [N] [DLL]
set -eu
n=${1:-1000}
dll=${2:-$(dirname "$0")/../src/Dotcat/bin/Release/net10.0/dotcat.dll}
ulimit -n 4096
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fifo=$(mktemp -u); mkfifo "$fifo"
# stdin: a pipe that stays open and quiet (nothing is broadcast), so only the clients' side moves.
sleep 600 > "$fifo" & holder=$!
dotnet "$dll" -lk -m $((n + 10)) 127.0.0.1 "$port" < "$fifo" > /dev/null 2>&1 & pid=$!
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
python3 - "$port" "$n" "$pid" <<'PY'
import socket, sys, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1])
for _ in range(100):
    try: socket.create_connection(("127.0.0.1", port)).close(); break
    except OSError: time.sleep(0.05)
warm = socket.create_connection(("127.0.0.1", port)); warm.sendall(b"warm-up\n"); time.sleep(1)
before = rss()
clients = []
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port)); c.sendall(b"hello %d\n" % i); clients.append(c)
time.sleep(3)
after = rss()
print(f"{n} idle clients: RSS {before} KiB before, {after} KiB after: {(after - before) / 1024:.1f} MiB in all, {(after - before) * 1024 / n / 1024:.1f} KiB per client")
PY
kill "$pid" "$holder" 2>/dev/null || true
rm -f "$fifo"

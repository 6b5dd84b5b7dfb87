#!/usr/bin/env bash
# Runs upstream ncat's own test suite (ncat/test/ncat-test.pl from github.com/nmap/nmap) against a dotcat binary.
# Not part of CI: it needs the nmap sources and Perl modules (HTTP::Message, Socket6, URI), and listens on ports
# 40000-40001 and a Unix socket in a temporary folder.
#
#   tests/ncat-suite/run.sh PATH/TO/ncat/test/ncat-test.pl PATH/TO/dotcat
#
# Only the start-up is adapted, on a copy in a temporary folder: $NCAT names the binary under test, and the
# `--test` flag (ncat's hidden "print NCAT TEST: LISTEN" switch, which dotcat does not have) is dropped, so the
# suite's wait_listen falls back to its 0.3 s wait. A fresh self-signed test-cert.pem is made, as the suite itself
# does when its copy has expired. Prints every PASS/FAIL line, then two summaries: all cases, and the cases that
# need none of TLS, proxies, access control, SCTP or Lua. A failure's reason is the indented line under it.
set -euo pipefail

suite=${1:?usage: run.sh PATH/TO/ncat-test.pl PATH/TO/dotcat}
binary=$(realpath "${2:?usage: run.sh PATH/TO/ncat-test.pl PATH/TO/dotcat}")
source_dir=$(dirname "$(realpath "$suite")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The suite's helper files (test-environment.sh, *.lua) come along; the certificate is made fresh.
cp "$source_dir"/*.sh "$source_dir"/*.lua "$work"/ 2>/dev/null || true
openssl req -new -x509 -nodes -subj /O=ncat-test/CN=localhost/ -keyout "$work/test-cert.pem" \
    -out "$work/test-cert.pem" >/dev/null 2>&1
sed -e 's|^\(\s*\)\$NCAT = "\.\./ncat";|\1$NCAT = $ENV{NCAT_UNDER_TEST};|' \
    -e 's|ncat(\$PORT, "--test", "-l", @_)|ncat($PORT, "-l", @_)|' \
    -e 's|ncat("--test", "-l", @_)|ncat("-l", @_)|' \
    "$suite" > "$work/ncat-test.pl"
grep -q 'NCAT_UNDER_TEST' "$work/ncat-test.pl" || { echo "run.sh: could not adapt the suite's start-up" >&2; exit 2; }

cd "$work"
# A case whose program never ends hangs the suite in a waitpid without a timeout ("Listen success exit code": a
# listener whose stdin is a pipe that stays open keeps sending after its client's EOF, SPEC section 3). A watchdog
# ends such a program (a child of the suite's perl) with SIGTERM after 60 s (no case runs one that long) and says so; dotcat then exits 143, so the
# case fails with that code instead of passing vacuously.
watchdog() {
    while sleep 5; do
        ps -eo pid=,ppid=,etimes=,args= | while read -r pid parent seconds command; do
            if [[ $command == "$binary "* && $seconds -gt 60 \
                  && $(ps -o args= -p "$parent" 2>/dev/null) == "perl ncat-test.pl" ]]; then
                echo "run.sh: ended '${command:0:80}' after ${seconds} s (the case waited for it forever)" >> "$work/watchdog.txt"
                kill -TERM "$pid" 2>/dev/null || true
            fi
        done
    done
}
watchdog &
watchdog_pid=$!
trap 'kill "$watchdog_pid" 2>/dev/null; rm -rf "$work"' EXIT
# setsid: the suite ends its children with kill(-$$), which needs perl to lead its own process group.
NCAT_UNDER_TEST=$binary timeout 1800 setsid --wait perl ncat-test.pl 2>/dev/null | tee results.txt || true
[[ -f watchdog.txt ]] && cat watchdog.txt

# Cases that need TLS, an HTTP/SOCKS proxy, --allow/--deny, SCTP or Lua are left out of the second summary.
excluded='ssl|sctp|proxy|socks|http|lua|allow|deny'
summary() {
    local lines pass fail
    lines=$(cat)
    pass=$(grep -cE '^(PASS|XFAIL) ' <<< "$lines" || true)
    fail=$(grep -cE '^(FAIL|UNEXPECTED PASS) ' <<< "$lines" || true)
    echo "$1: $pass passed, $fail failed"
}
echo
summary "all cases" < results.txt
grep -viE "$excluded" results.txt | summary "cases without TLS, proxies, access control, SCTP or Lua"

#!/usr/bin/env bash
# dotcat benchmark: dotcat against OpenBSD nc, ncat, socat and iperf3 on loopback.
#
#   bench/run.sh [SECTION...]      SECTION: tcp startup memory unix udp echo roundtrip oneway udpflow tls proxy
#                                  (default: all, in that order)
#
#   roundtrip  one whole client run (connect, send "ping", read the echo, exit) against an echo server that is
#              already running: what a script that calls the tool once per request pays (hyperfine)
#   startup    --version (nc.openbsd: -h) of every tool, and an empty .NET app
#   oneway     2 GiB one way over TCP and Unix stream: plain, --recv-only listener with a --send-only client,
#              and the listener with -o /dev/null or --progress -v, against nc.openbsd and ncat
#   udpflow    a file sent tool to tool over UDP (same tool on both ends): bytes delivered
#   tls        TLS bulk through dotcat, ncat --ssl and socat OPENSSL pairs; one TLS round trip per client
#   proxy      1 GiB through a SOCKS5 proxy (microsocks, dotcat's own) for dotcat and ncat; 500 concurrent clients
#
# "dotcat" is the Native AOT build (what the tool package installs on linux-x64); "dotcat R2R" is the ReadyToRun
# framework-dependent build (the portable package, precompiled), for reference.
#
# Environment:
#   RUNS=5           repetitions per measurement (medians are printed)
#   ECHO_RUNS=1      repetitions per echo load point (each point already aggregates 5 s of round trips)
#   ECHO_SECS=5      seconds per echo load point (after a 0.5 s warm-up)
#   UDP_PPS=0        UDP sender rate in datagrams/s (0 = as fast as it can, the default)
#   TIMEOUT=120      seconds any one transfer may take before it is killed and reported n/a
#   HF_RUNS=30 HF_ROUNDS=5   hyperfine runs per command per round, and rounds (startup, roundtrip); every tool runs
#                    in each round and the ratios are the median of the rounds' own
#   BENCH_TMP=/tmp/dotcat-bench   where the 2 GiB test file is cached and logs go
#   DOTCAT_BIN=...   use this dotcat binary instead of publishing src/Dotcat (skips the native build)
#   DOTCAT_R2R_BIN=...  likewise for the ReadyToRun reference build (skips that build)
#   NO_BUILD=1       reuse bench/.out/* from an earlier run
#   ONLY_TOOLS="dotcat dotcat-oneway ..."   run only these rows (the names in have()); the others print n/a. For an
#                    A/B of two dotcat builds: ONLY_TOOLS="dotcat dotcat-oneway dotcat-o dotcat-progress" DOTCAT_BIN=A ...
#
# Only loopback (127.0.0.1) and socket paths in a fresh temp dir are ever used. Every wait loop is bounded by a
# count, and every tool runs under `timeout`, so a tool that hangs or lacks a feature costs at most TIMEOUT seconds
# and shows up as n/a. It prints one Markdown table per section and writes them all to bench/results/latest.md.
# This is a benchmark, never part of the test suite.

set -uo pipefail # no -e: a failing tool must become an n/a row, not end the run
export LC_ALL=C  # '.' as decimal point in EPOCHREALTIME, printf and awk

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BENCH=$ROOT/bench
OUT=$BENCH/.out
RESULTS=$BENCH/results
WORK=${BENCH_TMP:-/tmp/dotcat-bench}
RUNS=${RUNS:-5}
ECHO_RUNS=${ECHO_RUNS:-1}
ECHO_SECS=${ECHO_SECS:-5}
TIMEOUT=${TIMEOUT:-120}
DOTCAT=${DOTCAT_BIN:-$OUT/dotcat-native/dotcat}
DOTCAT_R2R=${DOTCAT_R2R_BIN:-$OUT/dotcat-r2r/dotcat}
EMPTY=$OUT/empty/empty
LOG=$WORK/tools.log # stderr of every tool run, for when a row says n/a
BIG=$((2 * 1024 * 1024 * 1024))
SMALL=$((256 * 1024 * 1024))
BIGFILE=$WORK/data-2GiB.bin
SMALLFILE=$WORK/data-256MiB.bin
ALL_SECTIONS=(tcp startup memory unix udp echo roundtrip oneway udpflow tls proxy)

mkdir -p "$WORK" "$OUT" "$RESULTS"
: >"$LOG"
REPORT="" # Markdown, one table per section, printed at the end

say() { printf '==> %s\n' "$*" >&2; }
md() { REPORT+="$*"$'\n'; }

# ---------------------------------------------------------------------------------------------------------------
# Process helpers. We only ever signal processes we started: a PID we have not reaped yet, or a descendant of this
# script, found by parent PID (never by name).

descendants() { # PID: the PIDs of all its descendants, from one ps snapshot (a server may have 1,000 children)
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1 }
        END { n = split(kids[root], q, " "); for (i = 1; i <= n; i++) { print q[i]; m = split(kids[q[i]], more, " "); for (j = 1; j <= m; j++) q[++n] = more[j] } }'
}

kill_tree() { # PID: TERM the process and its descendants
    local -a pids
    mapfile -t pids < <(descendants "$1")
    ((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null
    [[ $1 != "$$" ]] && kill -TERM "$1" 2>/dev/null
}

cleanup() { # on exit, Ctrl+C or TERM: whatever we started and is still running (listeners, load generators)
    kill_tree $$
    [[ -n ${HOLD_FD:-} ]] && exec {HOLD_FD}>&-
    [[ -n ${SOCKDIR:-} ]] && rm -rf "$SOCKDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# kill_wait PID: stop a background job and reap it (bounded: kill -KILL after 2 s).
kill_wait() {
    local pid=$1 i
    kill_tree "$pid"
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# A free loopback port: bind port 0, read what the kernel picked, release it. A tiny race with other programs is
# possible but harmless here (the listener would fail to bind and the row would say n/a).
free_port() { # tcp|udp
    local kind=${1:-tcp}
    python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$kind"
}

# wait_ready tcp|udp|unix ADDR PID: poll (at most 10 s) until the listener's socket shows up in ss; a fixed sleep
# would be either too slow or flaky. Fails early if PID died (missing feature, bad option).
wait_ready() {
    local kind=$1 addr=$2 pid=$3 i filter
    for ((i = 0; i < 200; i++)); do
        case $kind in
            tcp) filter=$(ss -Hltn "sport = :$addr" 2>/dev/null) ;;
            udp) filter=$(ss -Hlun "sport = :$addr" 2>/dev/null) ;;
            unix) filter=$(ss -Hxl "src = $addr" 2>/dev/null) ;;
        esac
        [[ -n $filter ]] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# Statistics ------------------------------------------------------------------------------------------------------
median() { # numbers... -> median, or n/a when there are none
    printf '%s\n' "$@" | grep -E '^[0-9.eE+-]+$' | sort -g |
        awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
fmt() { # FORMAT NUMBER -> formatted, n/a passes through
    [[ $2 == n/a || -z $2 ]] && { echo n/a; return; }
    # shellcheck disable=SC2059 # the format is the caller's, by design
    printf "$1" "$2"
}
ratio() { # A B -> A/B with 2 decimals and a ×, n/a if either is missing or B is 0
    awk -v a="$1" -v b="$2" 'BEGIN { if (a=="n/a" || b=="n/a" || a=="" || b=="" || b+0==0) print "n/a"; else printf "%.2f×\n", a/b }'
}

# ---------------------------------------------------------------------------------------------------------------
# Setup: peers from Debian, dotcat and the empty app from source, the C helpers with gcc, the test files.

ensure_peers() {
    local -a missing=()
    command -v nc.openbsd >/dev/null || missing+=(netcat-openbsd)
    command -v ncat >/dev/null || missing+=(ncat)
    command -v socat >/dev/null || missing+=(socat)
    command -v iperf3 >/dev/null || missing+=(iperf3)
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    [[ -x /usr/bin/time ]] || missing+=(time)
    command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    command -v python3 >/dev/null || missing+=(python3)
    command -v ss >/dev/null || missing+=(iproute2)
    ((${#missing[@]})) || return 0
    say "installing ${missing[*]} from Debian"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    # DPkg::Lock::Timeout waits for an apt run already in progress instead of failing on the lock.
    local -a apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
    if ! "${apt[@]}" install "${missing[@]}" >>"$WORK/apt.log" 2>&1; then
        "${apt[@]}" update >>"$WORK/apt.log" 2>&1
        "${apt[@]}" install "${missing[@]}" >>"$WORK/apt.log" 2>&1 || say "apt-get install failed, see $WORK/apt.log"
    fi
}

build_dotcat() {
    local rid
    rid=$(dotnet msbuild src/Dotcat -getProperty:NETCoreSdkRuntimeIdentifier 2>/dev/null)
    # The same build `dotnet tool install` gives this machine: Native AOT (PublishAot in the csproj).
    if [[ -n ${DOTCAT_BIN:-} || -n ${NO_BUILD:-} ]]; then
        [[ -x $DOTCAT ]] || say "no dotcat at $DOTCAT: dotcat rows will be n/a"
    else
        say "publishing dotcat (Release, Native AOT for $rid) to bench/.out/dotcat-native"
        if ! dotnet publish src/Dotcat -c Release -r "$rid" -o "$OUT/dotcat-native" >"$WORK/build-dotcat.log" 2>&1; then
            say "dotcat failed to build (see $WORK/build-dotcat.log; Native AOT needs clang): dotcat rows will be n/a"
            rm -f "$DOTCAT"
        fi
    fi
    # The reference: ReadyToRun, framework-dependent (what the pre-AOT tool package installed).
    if [[ -n ${DOTCAT_R2R_BIN:-} || -n ${NO_BUILD:-} ]]; then
        [[ -x $DOTCAT_R2R ]] || say "no R2R dotcat at $DOTCAT_R2R: dotcat R2R rows will be n/a"
    else
        say "publishing dotcat (Release, ReadyToRun, framework-dependent) to bench/.out/dotcat-r2r"
        if ! dotnet publish src/Dotcat -c Release -r "$rid" --self-contained false -p:PublishAot=false \
            -p:PublishReadyToRun=true -o "$OUT/dotcat-r2r" >"$WORK/build-dotcat-r2r.log" 2>&1; then
            say "the R2R dotcat failed to build (see $WORK/build-dotcat-r2r.log): dotcat R2R rows will be n/a"
            rm -f "$DOTCAT_R2R"
        fi
    fi
}

build_empty() {
    [[ -n ${NO_BUILD:-} && -x $EMPTY ]] && return
    say "publishing the empty console app to bench/.out/empty"
    dotnet publish bench/empty -c Release -o "$OUT/empty" >"$WORK/build-empty.log" 2>&1 ||
        say "the empty app failed to build (see $WORK/build-empty.log)"
}

build_helpers() {
    local h
    for h in "$@"; do
        [[ -x $OUT/$h && $OUT/$h -nt $BENCH/$h.c ]] && continue
        gcc -O2 -Wall -o "$OUT/$h" "$BENCH/$h.c" || say "gcc failed for bench/$h.c"
    done
}

make_file() { # PATH BYTES: random data, generated once and cached (regenerated if the size is off)
    local path=$1 bytes=$2
    [[ -f $path && $(stat -c %s "$path") -eq $bytes ]] && return
    say "generating $path ($((bytes / 1024 / 1024)) MiB from /dev/urandom)"
    head -c "$bytes" /dev/urandom >"$path.tmp" && mv "$path.tmp" "$path"
}

have() { # TOOL: can this row run at all?
    [[ -z ${ONLY_TOOLS:-} || " $ONLY_TOOLS " == *" $1 "* ]] || return 1
    case $1 in
        dotcat | dotcat-oneway | dotcat-o | dotcat-progress) [[ -x $DOTCAT ]] ;;
        dotcat-r2r) [[ -x $DOTCAT_R2R ]] ;;
        ncat-oneway) command -v ncat >/dev/null ;;
        nc) command -v nc.openbsd >/dev/null ;;
        ncat) command -v ncat >/dev/null ;;
        socat*) command -v socat >/dev/null ;;
        iperf3) command -v iperf3 >/dev/null ;;
        ceiling) [[ -x $OUT/echoserver ]] ;;
        *) return 1 ;;
    esac
}

label() { # row names as they appear in the tables
    case $1 in
        nc) echo "nc.openbsd" ;;
        dotcat-r2r) echo "dotcat R2R" ;;
        dotcat-oneway) echo "dotcat --recv-only / --send-only" ;;
        dotcat-o) echo "dotcat, listener -o /dev/null" ;;
        dotcat-progress) echo "dotcat, listener --progress -v" ;;
        ncat-oneway) echo "ncat --recv-only / --send-only" ;;
        socat-b256k) echo "socat -b 262144" ;;
        ceiling) echo "C epoll echo server (ceiling)" ;;
        *) echo "$1" ;;
    esac
}

# ---------------------------------------------------------------------------------------------------------------
# Stream transfers (tcp, unix, memory). The listener writes to /dev/null, the client reads the file.

# stream_cmds TOOL tcp PORT | TOOL unix PATH: sets L (listener argv) and C (client argv).
# Ending: every client half-closes at stdin EOF and every listener exits when its peer is done. OpenBSD nc needs
# -N on the client for that (it does not send FIN at EOF by default, and would wait forever).
stream_cmds() {
    local tool=$1 kind=$2 a=$3
    local -a sb=()
    [[ $tool == socat-b256k ]] && sb=(-b 262144)
    case $tool:$kind in
        dotcat:tcp) L=("$DOTCAT" -l 127.0.0.1 "$a") C=("$DOTCAT" 127.0.0.1 "$a") ;;
        dotcat:unix) L=("$DOTCAT" -l -U "$a") C=("$DOTCAT" -U "$a") ;;
        dotcat-r2r:tcp) L=("$DOTCAT_R2R" -l 127.0.0.1 "$a") C=("$DOTCAT_R2R" 127.0.0.1 "$a") ;;
        dotcat-r2r:unix) L=("$DOTCAT_R2R" -l -U "$a") C=("$DOTCAT_R2R" -U "$a") ;;
        dotcat-oneway:tcp) L=("$DOTCAT" -l --recv-only 127.0.0.1 "$a") C=("$DOTCAT" --send-only 127.0.0.1 "$a") ;;
        dotcat-oneway:unix) L=("$DOTCAT" -l --recv-only -U "$a") C=("$DOTCAT" --send-only -U "$a") ;;
        dotcat-o:tcp) L=("$DOTCAT" -l -o /dev/null 127.0.0.1 "$a") C=("$DOTCAT" 127.0.0.1 "$a") ;;
        dotcat-o:unix) L=("$DOTCAT" -l -o /dev/null -U "$a") C=("$DOTCAT" -U "$a") ;;
        dotcat-progress:tcp) L=("$DOTCAT" -l --progress -v 127.0.0.1 "$a") C=("$DOTCAT" 127.0.0.1 "$a") ;;
        dotcat-progress:unix) L=("$DOTCAT" -l --progress -v -U "$a") C=("$DOTCAT" -U "$a") ;;
        ncat-oneway:tcp) L=(ncat -l --recv-only 127.0.0.1 "$a") C=(ncat --send-only 127.0.0.1 "$a") ;;
        ncat-oneway:unix) L=(ncat -l --recv-only -U "$a") C=(ncat --send-only -U "$a") ;;
        nc:tcp) L=(nc.openbsd -l 127.0.0.1 "$a") C=(nc.openbsd -N 127.0.0.1 "$a") ;;
        nc:unix) L=(nc.openbsd -l -U "$a") C=(nc.openbsd -N -U "$a") ;;
        ncat:tcp) L=(ncat -l 127.0.0.1 "$a") C=(ncat 127.0.0.1 "$a") ;;
        ncat:unix) L=(ncat -l -U "$a") C=(ncat -U "$a") ;;
        socat*:tcp)
            L=(socat "${sb[@]}" -u "TCP-LISTEN:$a,bind=127.0.0.1,reuseaddr" STDOUT)
            C=(socat "${sb[@]}" -u STDIN "TCP:127.0.0.1:$a") ;;
        socat*:unix)
            L=(socat "${sb[@]}" -u "UNIX-LISTEN:$a" STDOUT)
            C=(socat "${sb[@]}" -u STDIN "UNIX-CONNECT:$a") ;;
        *) return 1 ;;
    esac
}

# new_addr tcp|unix: a fresh port, or a fresh socket path in SOCKDIR.
new_addr() {
    if [[ $1 == unix ]]; then
        mktemp -u "$SOCKDIR/sXXXXXXXX" # unique per run: ncat and socat refuse a leftover socket file
    else
        free_port tcp
    fi
}

# transfer KIND ADDR FILE [COUNTFILE|RSSFILE MODE]: one transfer with L and C already set. Prints the seconds from
# client start until both client and listener have exited. The listener's stdin is listener_stdin: the never-ending
# HOLD_FD for the other tools (a listener at stdin EOF half-closes toward its client, and a client that quits on the
# peer's FIN, such as ncat >= 7.96, could then stop before it has sent everything; each of them still ends when its
# client closes), /dev/null for dotcat (a dotcat listener whose stdin is a pipe keeps sending until that pipe's EOF,
# README "How a session ends"; with /dev/null it half-closes at once and its client still sends everything, which
# is the README's own recipe for a receiver). MODE "count" pipes the listener through wc -c into
# COUNTFILE (the warm-up run verifies every byte arrived); MODE "rss" runs it under GNU time -f %M into RSSFILE.
listener_stdin() { # the stdin for the stream listener in L (see transfer)
    case ${L[0]} in
        "$DOTCAT" | "$DOTCAT_R2R") echo /dev/null ;;
        *) echo "/dev/fd/$HOLD_FD" ;;
    esac
}

transfer() {
    local kind=$1 addr=$2 file=$3 extra=${4:-} mode=${5:-} lpid t0 t1 crc lrc lin
    lin=$(listener_stdin)
    case $mode in
        count) (timeout -k 2 "$TIMEOUT" "${L[@]}" <"$lin" 2>>"$LOG" | wc -c >"$extra") & ;;
        rss) timeout -k 2 "$TIMEOUT" /usr/bin/time -f %M -o "$extra" "${L[@]}" <"$lin" >/dev/null 2>>"$LOG" & ;;
        *) timeout -k 2 "$TIMEOUT" "${L[@]}" <"$lin" >/dev/null 2>>"$LOG" & ;;
    esac
    lpid=$!
    if ! wait_ready "$kind" "$addr" "$lpid"; then
        echo "listener not ready: ${L[*]}" >>"$LOG"
        kill_wait "$lpid"
        return 1
    fi
    t0=$EPOCHREALTIME
    timeout -k 2 "$TIMEOUT" "${C[@]}" <"$file" >/dev/null 2>>"$LOG"
    crc=$?
    wait "$lpid"
    lrc=$?
    t1=$EPOCHREALTIME
    if ((crc != 0 || lrc != 0)); then
        echo "transfer failed (client rc=$crc, listener rc=$lrc): ${C[*]}" >>"$LOG"
        return 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

# stream_bench TOOL KIND FILE BYTES: a verified warm-up, then RUNS timed runs; prints the median GiB/s or n/a.
stream_bench() {
    local tool=$1 kind=$2 file=$3 bytes=$4 addr secs got i
    local -a rates=()
    have "$tool" || { echo n/a; return; }
    addr=$(new_addr "$kind")
    stream_cmds "$tool" "$kind" "$addr"
    if ! transfer "$kind" "$addr" "$file" "$WORK/count" count >/dev/null; then
        say "  $(label "$tool"): warm-up failed (see $LOG)"
        echo n/a
        return
    fi
    got=$(tr -d ' ' <"$WORK/count")
    if [[ $got != "$bytes" ]]; then
        say "  $(label "$tool"): listener received $got of $bytes bytes"
        echo n/a
        return
    fi
    for ((i = 0; i < RUNS; i++)); do
        addr=$(new_addr "$kind")
        stream_cmds "$tool" "$kind" "$addr"
        secs=$(transfer "$kind" "$addr" "$file") || { say "  $(label "$tool"): run $((i + 1)) failed"; break; }
        rates+=("$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.4f\n", b / s / 1073741824 }')")
    done
    say "  $(label "$tool"): ${rates[*]:-none} GiB/s"
    median "${rates[@]}"
}

# iperf3 single stream: the kernel's loopback ceiling. We use its own receiver-side figure.
iperf_bench() {
    local i port lpid
    local -a rates=()
    have iperf3 || { echo n/a; return; }
    for ((i = 0; i < RUNS; i++)); do
        port=$(free_port tcp)
        timeout -k 2 "$TIMEOUT" iperf3 -s -1 -p "$port" >/dev/null 2>>"$LOG" &
        lpid=$!
        wait_ready tcp "$port" "$lpid" || { kill_wait "$lpid"; continue; }
        timeout -k 2 "$TIMEOUT" iperf3 -c 127.0.0.1 -p "$port" -n 2G -J >"$WORK/iperf.json" 2>>"$LOG"
        wait "$lpid"
        rates+=("$(python3 -c 'import json,sys
print("%.4f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 8 / 2**30))' \
            "$WORK/iperf.json" 2>>"$LOG")")
    done
    say "  iperf3: ${rates[*]:-none} GiB/s"
    median "${rates[@]}"
}

# 1. TCP bulk throughput ---------------------------------------------------------------------------------------
section_tcp() {
    say "tcp: 2 GiB over 127.0.0.1, $RUNS runs each"
    make_file "$BIGFILE" "$BIG"
    cat "$BIGFILE" >/dev/null # into the page cache, so the first tool does not pay for the disk
    local tool r nc ip
    local -A rate=()
    for tool in dotcat nc ncat socat socat-b256k; do
        rate[$tool]=$(stream_bench "$tool" tcp "$BIGFILE" "$BIG")
    done
    rate[iperf3]=$(iperf_bench)
    nc=${rate[nc]} ip=${rate[iperf3]}
    md "### TCP bulk throughput (2 GiB, 127.0.0.1, median of $RUNS)"
    md ""
    md "| tool | GiB/s | vs nc.openbsd | vs iperf3 |"
    md "|---|---:|---:|---:|"
    for tool in dotcat nc ncat socat socat-b256k iperf3; do
        r=${rate[$tool]}
        md "| $(label "$tool") | $(fmt %.2f "$r") | $(ratio "$r" "$nc") | $(ratio "$r" "$ip") |"
    done
    md ""
    md "dotcat/nc = $(ratio "${rate[dotcat]}" "$nc"), dotcat/iperf3 = $(ratio "${rate[dotcat]}" "$ip"). Time runs from client start until both client and listener have exited; iperf3 is its own receiver-side figure (single stream)."
    md ""
}

# 2. Start-up time ----------------------------------------------------------------------------------------------
# hyperfine_rows JSON: one line per command, "name<TAB>median_ms<TAB>mean_ms<TAB>stddev_ms".
hyperfine_rows() {
    python3 -c 'import json,sys
for x in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%.2f\t%.2f\t%.2f" % (x["command"], x["median"]*1e3, x["mean"]*1e3, x["stddev"]*1e3))' "$1"
}

# hyperfine_table TITLE BASE_NAME NAME=COMMAND...: every command side by side, in HF_ROUNDS rounds (default 5) of one
# hyperfine run each, so that a drift of the machine reaches every tool alike; a Markdown table of the median over the
# rounds of each round's median and mean ± σ, and of each round's ratio to BASE_NAME. Commands that exit non-zero
# still count (-i): nc -h does. HF_EXTRA: more hyperfine options (-N: no intermediate shell, for commands that need
# none).
HF_EXTRA=()
hyperfine_table() {
    local title=$1 base=$2 json=$WORK/hyperfine.json rows=$WORK/hyperfine-rounds.tsv name med mean sd rel round
    local rounds=${HF_ROUNDS:-5} ok=1
    shift 2
    local -a hf=(hyperfine --warmup 3 --runs "${HF_RUNS:-30}" -i --export-json "$json" --style basic "${HF_EXTRA[@]}") names=() cmds=()
    local pair
    for pair in "$@"; do names+=("${pair%%=*}") cmds+=("${pair#*=}"); hf+=(-n "${pair%%=*}" "${pair#*=}"); done
    md "### $title (hyperfine, $rounds rounds of 3 warm-up + ${HF_RUNS:-30} runs, every tool in each round; medians over the rounds)"
    md ""
    md "| what | median ms | mean ± σ ms | vs $base (median of the rounds' ratios) |"
    md "|---|---:|---:|---:|"
    : >"$rows"
    ((${#cmds[@]})) || ok=
    for ((round = 0; round < rounds && ok; round++)); do
        timeout 600 "${hf[@]}" >&2 2>>"$LOG" || { ok=; break; }
        hyperfine_rows "$json" | sed "s/^/$round\t/" >>"$rows"
    done
    if [[ -n $ok ]]; then
        while IFS=$'\t' read -r name med mean sd rel; do
            md "| $name | $med | $mean ± $sd | $rel |"
            say "  $name: $med ms ($rel)"
        done < <(python3 -c 'import statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    r, name, med, mean, sd = line.rstrip("\n").split("\t")
    rounds.setdefault(name, []).append((int(r), float(med), float(mean), float(sd)))
base = {r: med for r, med, _, _ in rounds.get(sys.argv[2], [])}
for name, runs in rounds.items():
    ratios = [med / base[r] for r, med, _, _ in runs if base.get(r)]
    rel = "%.2f×" % statistics.median(ratios) if ratios else "n/a"
    print("%s\t%.2f\t%.2f\t%.2f\t%s" % (name, statistics.median(m for _, m, _, _ in runs),
        statistics.median(m for _, _, m, _ in runs), statistics.median(s for _, _, _, s in runs), rel))' "$rows" "$base")
    else
        say "  n/a (hyperfine failed or nothing to run)"
        for name in "${names[@]}"; do md "| $name | n/a | n/a | n/a |"; done
    fi
    md ""
}

section_startup() {
    say "startup: hyperfine --version of every tool, and an empty .NET console app"
    local -a c=()
    have dotcat && c+=("dotcat --version=$DOTCAT --version")
    have nc && c+=("nc.openbsd -h=nc.openbsd -h")
    have dotcat-r2r && c+=("dotcat R2R --version=$DOTCAT_R2R --version")
    have socat && c+=("socat -V=socat -V")
    have ncat && c+=("ncat --version=ncat --version")
    [[ -x $EMPTY ]] && c+=("empty .NET app (JIT)=$EMPTY")
    # -N (no intermediate shell, hyperfine >= 1.13): a 1 ms program is not lost in the shell's start-up correction.
    hyperfine --help 2>/dev/null | grep -qE '^ +-N\b' && HF_EXTRA=(-N)
    hyperfine_table "Start-up time" "nc.openbsd -h" "${c[@]}"
    HF_EXTRA=()
}

# 7. One round trip ------------------------------------------------------------------------------------------------
# What a script pays per call: start the client, connect, send "ping", read the echo, exit. The server is the C epoll
# echo server, started once; every client is started by sh so that each sees stdin EOF after the line. Each client's
# flags make it exit once the server has echoed and closed (nc.openbsd needs -N to send the FIN at stdin EOF).
section_roundtrip() {
    say "roundtrip: hyperfine one client run against an echo server that is already running"
    build_helpers echoserver
    local port spid i tool cmd got
    local -a c=()
    : >"$WORK/echoserver.out" # emptied here: the child's own truncation may come after our first read
    timeout -k 2 900 "$OUT/echoserver" 0 900 >"$WORK/echoserver.out" 2>>"$LOG" &
    spid=$!
    for ((i = 0; i < 200; i++)); do
        port=$(awk '/^listening/ { print $2 }' "$WORK/echoserver.out")
        [[ -n $port ]] && break
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.05
    done
    if [[ -z ${port:-} ]]; then
        say "  the echo server did not start"
        md "### One round trip: n/a (the echo server did not start)"
        md ""
        kill_wait "$spid"
        return
    fi
    # nc.openbsd right after dotcat: the ratio is theirs, and the slow rows (R2R, ncat) would put seconds between them.
    for tool in dotcat nc dotcat-r2r ncat socat; do
        have "$tool" || continue
        case $tool in
            dotcat) cmd="$DOTCAT 127.0.0.1 $port" ;;
            dotcat-r2r) cmd="$DOTCAT_R2R 127.0.0.1 $port" ;;
            nc) cmd="nc.openbsd -N 127.0.0.1 $port" ;;
            ncat) cmd="ncat 127.0.0.1 $port" ;;
            socat) cmd="socat - TCP:127.0.0.1:$port" ;;
        esac
        # A client that does not get its echo back, or does not exit, is not timed (its row would mean nothing).
        got=$(timeout 10 sh -c "echo ping | $cmd" 2>>"$LOG")
        if [[ $got != ping ]]; then
            say "  $(label "$tool"): no echo (got '$got'), left out"
            continue
        fi
        c+=("$(label "$tool")=sh -c 'echo ping | $cmd'")
    done
    hyperfine_table "One round trip: connect, send ping, read the echo, exit (each a fresh process)" "nc.openbsd" "${c[@]}"
    md "Each command is \`sh -c 'echo ping | TOOL 127.0.0.1 PORT'\` (nc.openbsd with -N, socat with \`- TCP:\`) against a C epoll echo server that is already running; the shell's own start-up is in every row."
    md ""
    kill_wait "$spid"
}

# 8. One-way transfers: every toolbox option on the fast path ---------------------------------------------------
section_oneway() {
    say "oneway: 2 GiB over TCP and Unix stream, plain and with --recv-only/--send-only, -o, --progress; $RUNS runs each"
    make_file "$BIGFILE" "$BIG"
    cat "$BIGFILE" >/dev/null
    SOCKDIR=$(mktemp -d /tmp/dotcat-bench-sock.XXXXXX)
    local kind tool plain
    local -a tools=(nc nc-oneway dotcat dotcat-oneway dotcat-o dotcat-progress ncat ncat-oneway)
    local -A rate=()
    for kind in tcp unix; do
        for tool in "${tools[@]}"; do
            [[ $tool == nc-oneway ]] && continue # OpenBSD nc has no one-way flags (-d only ignores stdin)
            rate[$kind:$tool]=$(stream_bench "$tool" "$kind" "$BIGFILE" "$BIG")
        done
    done
    rm -rf "$SOCKDIR"
    SOCKDIR=""
    md "### One-way transfers (2 GiB, listener → /dev/null, median of $RUNS)"
    md ""
    md "| tool | TCP GiB/s | vs nc.openbsd | vs dotcat plain | Unix stream GiB/s | vs nc.openbsd | vs dotcat plain |"
    md "|---|---:|---:|---:|---:|---:|---:|"
    for tool in "${tools[@]}"; do
        [[ $tool == nc-oneway ]] && continue
        md "| $(label "$tool") | $(fmt %.2f "${rate[tcp:$tool]}") | $(ratio "${rate[tcp:$tool]}" "${rate[tcp:nc]}") | $(ratio "${rate[tcp:$tool]}" "${rate[tcp:dotcat]}") | $(fmt %.2f "${rate[unix:$tool]}") | $(ratio "${rate[unix:$tool]}" "${rate[unix:nc]}") | $(ratio "${rate[unix:$tool]}" "${rate[unix:dotcat]}") |"
    done
    md ""
    md "\"--recv-only / --send-only\": the listener runs with --recv-only, the client with --send-only. -o and --progress are on the listener (the receiving side)."
    md ""
}

# 9. UDP tool to tool ---------------------------------------------------------------------------------------------
UDPFLOW_BYTES=$((64 * 1024 * 1024))
UDPFLOW_FILE=$WORK/data-64MiB.bin

udpflow_cmds() { # TOOL PORT -> L and C, the same tool on both ends
    case $1 in
        dotcat) L=("$DOTCAT" -lu 127.0.0.1 "$2") C=("$DOTCAT" -u -q 0 127.0.0.1 "$2") ;;
        dotcat-oneway) L=("$DOTCAT" -lu --recv-only 127.0.0.1 "$2") C=("$DOTCAT" -u --send-only 127.0.0.1 "$2") ;;
        nc) L=(nc.openbsd -lu 127.0.0.1 "$2") C=(nc.openbsd -u -q 0 127.0.0.1 "$2") ;;
        ncat) L=(ncat -lu 127.0.0.1 "$2") C=(ncat -u 127.0.0.1 "$2") ;;
        ncat-oneway) L=(ncat -lu --recv-only 127.0.0.1 "$2") C=(ncat -u --send-only 127.0.0.1 "$2") ;;
        *) return 1 ;;
    esac
}

# udpflow_run TOOL: one run; prints the bytes the listener wrote to stdout.
udpflow_run() {
    local tool=$1 port lpid out=$WORK/udpflow.out size prev=-1 i stable=0
    port=$(free_port udp)
    udpflow_cmds "$tool" "$port"
    : >"$out"
    timeout -k 2 "$TIMEOUT" "${L[@]}" <&"$HOLD_FD" >"$out" 2>>"$LOG" &
    lpid=$!
    wait_ready udp "$port" "$lpid" || { kill_wait "$lpid"; return 1; }
    timeout -k 2 "$TIMEOUT" "${C[@]}" <"$UDPFLOW_FILE" >/dev/null 2>>"$LOG"
    # Drain: stop after 1 s without growth (at most 15 s).
    for ((i = 0; i < 750 && stable < 50; i++)); do
        size=$(stat -c %s "$out")
        if ((size != prev)); then prev=$size stable=0; else ((stable++)); fi
        kill -0 "$lpid" 2>/dev/null || break
        sleep 0.02
    done
    kill_wait "$lpid"
    stat -c %s "$out"
}

section_udpflow() {
    say "udpflow: a 64 MiB file tool to tool over UDP, $RUNS runs each"
    make_file "$UDPFLOW_FILE" "$UDPFLOW_BYTES"
    local tool i b
    local -a tools=(dotcat dotcat-oneway nc ncat ncat-oneway)
    local -A got=()
    for tool in "${tools[@]}"; do
        local -a bs=()
        if have "$tool"; then
            for ((i = 0; i < RUNS; i++)); do
                b=$(udpflow_run "$tool") || { say "  $(label "$tool"): run failed"; break; }
                bs+=("$b")
            done
        fi
        got[$tool]=$(median "${bs[@]}")
        say "  $(label "$tool"): ${bs[*]:-none} bytes"
    done
    md "### UDP tool to tool (64 MiB file through stdin, the same tool on both ends, median of $RUNS)"
    md ""
    md "| tool | bytes delivered | delivered % | vs ncat |"
    md "|---|---:|---:|---:|"
    for tool in "${tools[@]}"; do
        b=${got[$tool]}
        md "| $(label "$tool") | $(fmt %.0f "$b") | $(awk -v d="$b" -v n="$UDPFLOW_BYTES" 'BEGIN { if (d=="n/a") print "n/a"; else printf "%.1f\n", 100*d/n }') | $(ratio "$b" "${got[ncat]}") |"
    done
    md ""
    md "Each tool reads the file from stdin and sends each read as one datagram; loopback UDP drops what the listener's receive buffer cannot hold, so this measures how fast the listener drains while the sender competes for the same cores."
    md ""
}

# 3. Listener memory ---------------------------------------------------------------------------------------------
# Peak RSS of the listener (GNU time %M) while it receives a file. The client is the same for every listener
# (OpenBSD nc -N), so only the listener differs.
memory_bench() { # TOOL FILE BYTES -> median peak RSS in MiB
    local tool=$1 file=$2 i port kib
    local -a m=()
    if ! have "$tool" || ! have nc; then echo n/a; return; fi
    for ((i = 0; i < RUNS; i++)); do
        port=$(free_port tcp)
        stream_cmds "$tool" tcp "$port"
        C=(nc.openbsd -N 127.0.0.1 "$port")
        transfer tcp "$port" "$file" "$WORK/rss" rss >/dev/null || { say "  $(label "$tool"): run failed"; break; }
        kib=$(tail -n 1 "$WORK/rss")
        m+=("$(awk -v k="$kib" 'BEGIN { printf "%.1f\n", k / 1024 }')")
    done
    median "${m[@]}"
}

section_memory() {
    say "memory: listener peak RSS receiving 256 MiB and 2 GiB, $RUNS runs each"
    make_file "$BIGFILE" "$BIG"
    make_file "$SMALLFILE" "$SMALL"
    local tool s b nc2
    local -A small=() big=()
    for tool in dotcat dotcat-r2r nc ncat socat; do
        small[$tool]=$(memory_bench "$tool" "$SMALLFILE")
        big[$tool]=$(memory_bench "$tool" "$BIGFILE")
        say "  $(label "$tool"): ${small[$tool]} / ${big[$tool]} MiB"
    done
    nc2=${big[nc]}
    md "### Listener peak RSS (GNU time %M, median of $RUNS)"
    md ""
    md "| listener | 256 MiB received: MiB | 2 GiB received: MiB | vs nc.openbsd (2 GiB) |"
    md "|---|---:|---:|---:|"
    for tool in dotcat dotcat-r2r nc ncat socat; do
        s=${small[$tool]} b=${big[$tool]}
        md "| $(label "$tool") | $(fmt %.1f "$s") | $(fmt %.1f "$b") | $(ratio "$b" "$nc2") |"
    done
    md ""
}

# 4. Unix stream throughput ---------------------------------------------------------------------------------------
section_unix() {
    say "unix: 2 GiB over a Unix stream socket, $RUNS runs each"
    make_file "$BIGFILE" "$BIG"
    SOCKDIR=$(mktemp -d /tmp/dotcat-bench-sock.XXXXXX)
    local tool r nc
    local -A rate=()
    for tool in dotcat nc ncat socat socat-b256k; do
        rate[$tool]=$(stream_bench "$tool" unix "$BIGFILE" "$BIG")
    done
    rm -rf "$SOCKDIR"
    SOCKDIR=""
    nc=${rate[nc]}
    md "### Unix stream throughput (2 GiB, median of $RUNS)"
    md ""
    md "| tool | GiB/s | vs nc.openbsd |"
    md "|---|---:|---:|"
    for tool in dotcat nc ncat socat socat-b256k; do
        r=${rate[$tool]}
        md "| $(label "$tool") | $(fmt %.2f "$r") | $(ratio "$r" "$nc") |"
    done
    md ""
}

# 5. UDP datagram delivery ---------------------------------------------------------------------------------------
UDP_COUNT=200000
UDP_SIZE=1024
UDP_PPS=${UDP_PPS:-0}

udp_listen_cmd() { # TOOL PORT -> L
    case $1 in
        dotcat) L=("$DOTCAT" -lu 127.0.0.1 "$2") ;;
        nc) L=(nc.openbsd -lu 127.0.0.1 "$2") ;;
        ncat) L=(ncat -lu 127.0.0.1 "$2") ;;
        socat) L=(socat -u "UDP-RECV:$2,bind=127.0.0.1" STDOUT) ;;
        *) return 1 ;;
    esac
}

# udp_run TOOL: one run; prints "delivered_datagrams datagrams_per_second sender_pps" or fails.
# The listener's stdin is HOLD_FD, which never reaches EOF: ncat 7.93 ends a UDP listener at stdin EOF (nmap#2685)
# and we want every listener to keep receiving until we stop it.
udp_run() {
    local tool=$1 port lpid out=$WORK/udp.out sent t0 size prev=-1 t_last i stable=0
    port=$(free_port udp)
    udp_listen_cmd "$tool" "$port"
    : >"$out"
    timeout -k 2 "$TIMEOUT" "${L[@]}" <&"$HOLD_FD" >"$out" 2>>"$LOG" &
    lpid=$!
    wait_ready udp "$port" "$lpid" || { kill_wait "$lpid"; return 1; }
    t0=$EPOCHREALTIME
    t_last=$t0
    sent=$("$OUT/udpsend" 127.0.0.1 "$port" "$UDP_COUNT" "$UDP_SIZE" 30 "$UDP_PPS" 2>>"$LOG") || { kill_wait "$lpid"; return 1; }
    # Drain: the listener may still be writing what the kernel queued; stop after 1 s without growth (max 15 s).
    for ((i = 0; i < 750 && stable < 50; i++)); do
        size=$(stat -c %s "$out")
        if ((size != prev)); then prev=$size t_last=$EPOCHREALTIME stable=0; else ((stable++)); fi
        kill -0 "$lpid" 2>/dev/null || break
        sleep 0.02
    done
    kill_wait "$lpid"
    size=$(stat -c %s "$out")
    # Datagrams per second: delivered over the time from the first send until output stopped growing.
    awk -v b="$size" -v s="$UDP_SIZE" -v a="$t0" -v z="$t_last" -v snd="$sent" 'BEGIN {
        d = int(b / s); t = z - a; if (t < 0.001) t = 0.001
        split(snd, f, /[= ]/); printf "%d %.0f %s\n", d, d / t, f[6] }'
}

section_udp() {
    local pace="one unpaced sender"
    ((UDP_PPS > 0)) && pace="one sender paced at $UDP_PPS/s"
    say "udp: $UDP_COUNT datagrams of $UDP_SIZE bytes from $pace, $RUNS runs each"
    build_helpers udpsend
    local tool i d r p nc
    local -A dlv=() rate=() spps=()
    for tool in dotcat nc ncat socat; do
        local -a ds=() rs=() ps=()
        if have "$tool" && [[ -x $OUT/udpsend ]]; then
            for ((i = 0; i < RUNS; i++)); do
                read -r d r p < <(udp_run "$tool") || { say "  $(label "$tool"): run failed"; break; }
                [[ -n ${d:-} ]] || break
                ds+=("$d") rs+=("$r") ps+=("$p")
            done
        fi
        dlv[$tool]=$(median "${ds[@]}") rate[$tool]=$(median "${rs[@]}") spps[$tool]=$(median "${ps[@]}")
        say "  $(label "$tool"): delivered ${ds[*]:-none}"
    done
    nc=${rate[nc]}
    md "### UDP delivery ($UDP_COUNT × $UDP_SIZE B datagrams, $pace, median of $RUNS)"
    md ""
    md "| listener | delivered | delivery % | datagrams/s delivered | vs nc.openbsd | sender datagrams/s |"
    md "|---|---:|---:|---:|---:|---:|"
    for tool in dotcat nc ncat socat; do
        d=${dlv[$tool]}
        md "| $(label "$tool") | $(fmt %.0f "$d") | $(awk -v d="$d" -v n="$UDP_COUNT" 'BEGIN { if (d=="n/a") print "n/a"; else printf "%.1f\n", 100*d/n }') | $(fmt %.0f "${rate[$tool]}") | $(ratio "${rate[$tool]}" "$nc") | $(fmt %.0f "${spps[$tool]}") |"
    done
    md ""
    md "Loopback UDP drops silently when the listener's receive buffer is full, so delivery % measures how fast the listener drains it while the sender competes for the same 2 cores."
    md ""
}

# 6. Echo round trips and idle-connection memory ------------------------------------------------------------------
# -m / backlog: dotcat and ncat serve at most 100 clients at once by default, and socat's listen backlog is 5;
# both are raised so the 200-connection point and the 1,000 idle connections measure the server, not its limit.
echo_server_cmd() { # TOOL PORT -> L
    case $1 in
        ceiling) L=("$OUT/echoserver" "$2" 600) ;;
        dotcat) L=("$DOTCAT" -lk 127.0.0.1 "$2" --respond echo -m 2000) ;;
        ncat) L=(ncat -lk 127.0.0.1 "$2" -m 2000 --exec /bin/cat) ;;
        socat) L=(socat "TCP-LISTEN:$2,bind=127.0.0.1,reuseaddr,fork,backlog=1024" PIPE) ;;
        *) return 1 ;;
    esac
}

start_server() { # TOOL -> sets SPORT and SPID (the timeout wrapper's PID)
    SPORT=$(free_port tcp)
    echo_server_cmd "$1" "$SPORT"
    timeout -k 2 900 "${L[@]}" </dev/null >/dev/null 2>>"$LOG" &
    SPID=$!
    wait_ready tcp "$SPORT" "$SPID"
}

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
tree_rss_kib() { # PID: RSS in KiB of the process and all its descendants (shared pages counted in each)
    ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1; rss[$1] = $3 }
        END { q[1] = root; n = 1; sum = 0
              for (i = 1; i <= n; i++) { sum += rss[q[i]]; m = split(kids[q[i]], more, " "); for (j = 1; j <= m; j++) q[++n] = more[j] }
              print sum }'
}

# idle_mem TOOL: prints "before_kib after_kib after_tree_kib held" for 1,000 idle connections.
idle_mem() {
    local tool=$1 srv before after tree held="" lpid i
    start_server "$tool" || { kill_wait "$SPID"; return 1; }
    srv=$(pgrep -P "$SPID" | head -n 1) # the server itself, under timeout
    # Warm up first (in .NET the first connections JIT the accept and echo paths), then measure the baseline.
    "$OUT/echoload" 127.0.0.1 "$SPORT" 10 0.5 >/dev/null 2>>"$LOG"
    sleep 1
    before=$(rss_kib "$srv")
    timeout -k 2 120 "$OUT/echoload" -i 127.0.0.1 "$SPORT" 1000 60 >"$WORK/idle.out" 2>>"$LOG" &
    lpid=$!
    for ((i = 0; i < 600; i++)); do # at most 60 s for 1,000 connects and round trips
        held=$(awk '/^held/ { print $2 }' "$WORK/idle.out")
        [[ -n $held ]] && break
        kill -0 "$lpid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 0.5
    after=$(rss_kib "$srv")
    tree=$(tree_rss_kib "$srv")
    kill_wait "$lpid"
    kill_wait "$SPID"
    [[ -n $before && -n $after && -n $held ]] || return 1
    echo "$before $after $tree $held"
}

section_echo() {
    say "echo: round trips with 1, 50, 200 connections, ${ECHO_SECS}s per point; idle memory with 1,000 connections"
    build_helpers echoload echoserver
    ulimit -n "$(ulimit -Hn)" 2>/dev/null # 1,000 connections (and ncat's pipes to 1,000 cats) need the fds
    local tool c run line rps p50 p99 errs ceil
    local -A R=() P50=() P99=() ERR=()
    md "### Echo round trips (64-byte messages, ${ECHO_SECS} s per point after 0.5 s warm-up, median of $ECHO_RUNS)"
    md ""
    md "| server | connections | round trips/s | p50 µs | p99 µs | vs ceiling |"
    md "|---|---:|---:|---:|---:|---:|"
    for tool in ceiling dotcat ncat socat; do
        for c in 1 50 200; do R[$tool:$c]=n/a P50[$tool:$c]=n/a P99[$tool:$c]=n/a ERR[$tool:$c]=""; done
        { have "$tool" && [[ -x $OUT/echoload ]]; } || continue
        if ! start_server "$tool"; then
            say "  $(label "$tool"): server did not start"
            kill_wait "$SPID"
            continue
        fi
        for c in 1 50 200; do
            local -a rs=() a50=() a99=()
            for ((run = 0; run < ECHO_RUNS; run++)); do
                line=$(timeout -k 2 $((ECHO_SECS + 30)) "$OUT/echoload" 127.0.0.1 "$SPORT" "$c" "$ECHO_SECS" 2>>"$LOG") || true
                [[ $line == conns=* ]] || continue
                rps=${line#*rps=} rps=${rps%% *}
                p50=${line#*p50_us=} p50=${p50%% *}
                p99=${line#*p99_us=} p99=${p99%% *}
                errs=${line#*errors=}
                ((errs > 0)) && ERR[$tool:$c]=" ($errs conns failed)"
                [[ $line == *" rt=0 "* ]] && continue
                rs+=("$rps") a50+=("$p50") a99+=("$p99")
            done
            R[$tool:$c]=$(median "${rs[@]}") P50[$tool:$c]=$(median "${a50[@]}") P99[$tool:$c]=$(median "${a99[@]}")
            say "  $(label "$tool") x$c: ${R[$tool:$c]} rt/s, p50 ${P50[$tool:$c]} µs, p99 ${P99[$tool:$c]} µs${ERR[$tool:$c]}"
        done
        kill_wait "$SPID"
    done
    for tool in ceiling dotcat ncat socat; do
        for c in 1 50 200; do
            ceil=${R[ceiling:$c]}
            md "| $(label "$tool") | $c | $(fmt %.0f "${R[$tool:$c]}")${ERR[$tool:$c]} | ${P50[$tool:$c]} | ${P99[$tool:$c]} | $(ratio "${R[$tool:$c]}" "$ceil") |"
        done
    done
    md ""

    md "### Listener memory with 1,000 idle connections (VmRSS)"
    md ""
    md "| listener | RSS before, MiB | RSS with 1,000, MiB | KiB per connection | incl. child processes, KiB per connection |"
    md "|---|---:|---:|---:|---:|"
    local b a t h
    for tool in dotcat ncat socat; do
        if have "$tool" && [[ -x $OUT/echoload ]] && read -r b a t h < <(idle_mem "$tool") && [[ -n ${h:-} ]]; then
            say "  $(label "$tool"): ${b} -> ${a} KiB (tree ${t} KiB), $h connections held"
            md "| $(label "$tool") | $(awk -v k="$b" 'BEGIN{printf "%.1f", k/1024}') | $(awk -v k="$a" 'BEGIN{printf "%.1f", k/1024}') | $(awk -v a="$a" -v b="$b" -v h="$h" 'BEGIN{ if (h>0) printf "%.1f", (a-b)/h; else print "n/a" }')$( ((h < 1000)) && echo " (only $h held)") | $(awk -v a="$t" -v b="$b" -v h="$h" 'BEGIN{ if (h>0) printf "%.1f", (a-b)/h; else print "n/a" }') |"
        else
            say "  $(label "$tool"): idle memory n/a"
            md "| $(label "$tool") | n/a | n/a | n/a | n/a |"
        fi
        b="" a="" t="" h=""
    done
    md ""
    md "ncat --exec and socat fork run a process per connection (cat, socat); the last column adds their RSS."
    md ""
}

# TLS (issue 11): bulk through a TLS client and listener of each tool, and one TLS round trip -------------------
# Certificates are made here (openssl req: ECDSA P-256, self-signed for 127.0.0.1). dotcat verifies (the
# certificate is its --ssl-trustfile); ncat (--ssl without --ssl-verify) and socat (verify=0) do not, as they are
# usually run. Bulk: 1 GiB client -> listener, the listener's stdin never ends (see transfer). Round trip: connect,
# handshake, send one line, read its echo, exit, against one socat OPENSSL-LISTEN fork server running EXEC:cat.
TLS_BYTES=$((1024 * 1024 * 1024))
tls_cmds() { # TOOL PORT: sets L and C for a TLS transfer
    local tool=$1 p=$2 d=$WORK/tls
    case $tool in
        dotcat) L=("$DOTCAT" -l --ssl --ssl-cert "$d/cert.pem" --ssl-key "$d/key.pem" 127.0.0.1 "$p")
            C=("$DOTCAT" --ssl --ssl-trustfile "$d/cert.pem" 127.0.0.1 "$p") ;;
        ncat) L=(ncat -l --ssl --ssl-cert "$d/cert.pem" --ssl-key "$d/key.pem" 127.0.0.1 "$p") C=(ncat --ssl 127.0.0.1 "$p") ;;
        socat) L=(socat -u "OPENSSL-LISTEN:$p,bind=127.0.0.1,reuseaddr,cert=$d/cert.pem,key=$d/key.pem,verify=0" STDOUT)
            C=(socat -u STDIN "OPENSSL:127.0.0.1:$p,verify=0") ;;
        *) return 1 ;;
    esac
}

tls_bench() { # TOOL FILE BYTES: a verified warm-up, then RUNS timed runs; prints the median GiB/s or n/a
    local tool=$1 file=$2 bytes=$3 port secs got i
    local -a rates=()
    have "$tool" || { echo n/a; return; }
    port=$(free_port tcp)
    tls_cmds "$tool" "$port"
    if ! transfer tcp "$port" "$file" "$WORK/count" count >/dev/null; then
        say "  $tool --ssl: warm-up failed (see $LOG)"
        echo n/a
        return
    fi
    got=$(tr -d ' ' <"$WORK/count")
    [[ $got == "$bytes" ]] || { say "  $tool --ssl: listener received $got of $bytes bytes"; echo n/a; return; }
    for ((i = 0; i < RUNS; i++)); do
        port=$(free_port tcp)
        tls_cmds "$tool" "$port"
        secs=$(transfer tcp "$port" "$file") || { say "  $tool --ssl: run $((i + 1)) failed"; break; }
        rates+=("$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.4f\n", b / s / 1073741824 }')")
    done
    say "  $tool --ssl: ${rates[*]:-none} GiB/s"
    median "${rates[@]}"
}

section_tls() {
    say "tls: 1 GiB through each tool's TLS client and listener, $RUNS runs each; one TLS round trip with hyperfine"
    local d=$WORK/tls file=$WORK/data-1GiB.bin tool r port spid json=$WORK/hyperfine-tls.json line=$WORK/tls/line.txt
    local -A rate=()
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$d/key.pem" -out "$d/cert.pem" >>"$LOG" 2>&1 ||
        say "  tls: openssl req failed (see $LOG)"
    echo ping >"$line"
    make_file "$file" "$TLS_BYTES"
    cat "$file" >/dev/null
    for tool in dotcat ncat socat; do rate[$tool]=$(tls_bench "$tool" "$file" "$TLS_BYTES"); done
    md "### TLS bulk throughput (1 GiB, 127.0.0.1, median of $RUNS)"
    md ""
    md "| tool (client and listener) | GiB/s | vs ncat --ssl | vs socat OPENSSL |"
    md "|---|---:|---:|---:|"
    for tool in dotcat ncat socat; do
        r=${rate[$tool]}
        md "| $tool | $(fmt %.2f "$r") | $(ratio "$r" "${rate[ncat]}") | $(ratio "$r" "${rate[socat]}") |"
    done
    md ""

    port=$(free_port tcp)
    timeout -k 2 600 socat "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,cert=$d/cert.pem,key=$d/key.pem,verify=0" EXEC:cat \
        <&"$HOLD_FD" >/dev/null 2>>"$LOG" &
    spid=$!
    md "### One TLS round trip (connect, handshake, send a line, read its echo, exit; hyperfine, 3 warm-up + 20 runs)"
    md ""
    md "| client | median ms | mean ± σ ms |"
    md "|---|---:|---:|"
    if wait_ready tcp "$port" "$spid" && timeout 300 hyperfine -i --warmup 3 --runs 20 --style basic --export-json "$json" \
        -n "dotcat --ssl (verified)" "$DOTCAT --ssl --ssl-trustfile $d/cert.pem 127.0.0.1 $port < $line" \
        -n "dotcat --ssl --ssl-insecure" "$DOTCAT --ssl --ssl-insecure 127.0.0.1 $port < $line 2>/dev/null" \
        -n "ncat --ssl" "ncat --ssl 127.0.0.1 $port < $line" \
        -n "socat OPENSSL" "socat - OPENSSL:127.0.0.1:$port,verify=0 < $line" >&2; then
        while IFS=, read -r name m mean sd; do md "| $name | $m | $mean ± $sd |"; done < <(python3 -c 'import json,sys
for x in json.load(open(sys.argv[1]))["results"]: print("%s,%.1f,%.1f,%.1f" % (x["command"], x["median"]*1e3, x["mean"]*1e3, x["stddev"]*1e3))' "$json")
    else
        say "  tls: round trip n/a (echo server not ready or hyperfine failed; see $LOG)"
        md "| (all) | n/a | n/a |"
    fi
    kill_wait "$spid"
    md ""
    md "dotcat verifies the server against the certificate given as --ssl-trustfile; ncat --ssl and socat verify=0 do not verify."
    md ""
}

# 7. Through a SOCKS5 proxy ---------------------------------------------------------------------------------------
# proxy_bench CLIENT PROXYPORT FILE BYTES: like stream_bench, the client reaching a dotcat sink through the SOCKS5
# proxy on PROXYPORT. Prints the median GiB/s or n/a.
proxy_bench() {
    local client=$1 pport=$2 file=$3 bytes=$4 addr secs got i
    local -a rates=()
    have "$client" || { echo n/a; return; }
    for ((i = -1; i < RUNS; i++)); do
        addr=$(free_port tcp)
        L=("$DOTCAT" -l 127.0.0.1 "$addr")
        case $client in
            dotcat) C=("$DOTCAT" --proxy "127.0.0.1:$pport" --proxy-type socks5 127.0.0.1 "$addr") ;;
            ncat) C=(ncat --proxy "127.0.0.1:$pport" --proxy-type socks5 127.0.0.1 "$addr") ;;
        esac
        if ((i < 0)); then # the warm-up verifies every byte arrived
            transfer tcp "$addr" "$file" "$WORK/count" count >/dev/null || { say "  $client via :$pport: warm-up failed (see $LOG)"; echo n/a; return; }
            got=$(tr -d ' ' <"$WORK/count")
            [[ $got == "$bytes" ]] || { say "  $client via :$pport: sink received $got of $bytes bytes"; echo n/a; return; }
            continue
        fi
        secs=$(transfer tcp "$addr" "$file") || { say "  $client via :$pport: run $((i + 1)) failed"; break; }
        rates+=("$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.4f\n", b / s / 1073741824 }')")
    done
    say "  $client via :$pport: ${rates[*]:-none} GiB/s"
    median "${rates[@]}"
}

# proxy_concurrent PROXYPORT ECHOPORT N: N SOCKS5 clients at once through the proxy to the echo server, 64 KiB each
# way; prints "ok=N lost=BYTES secs=S" (python3 asyncio, bounded by a 60 s timeout).
proxy_concurrent() {
    timeout -k 2 90 python3 - "$@" <<'PY' 2>>"$LOG"
import asyncio, os, sys, time
pport, eport, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
async def one():
    r, w = await asyncio.open_connection("127.0.0.1", pport)
    w.write(b"\x05\x01\x00"); await w.drain()
    if await r.readexactly(2) != b"\x05\x00": raise RuntimeError("method")
    w.write(b"\x05\x01\x00\x01\x7f\x00\x00\x01" + eport.to_bytes(2, "big")); await w.drain()
    reply = await r.readexactly(10)
    if reply[1] != 0: raise RuntimeError("refused %d" % reply[1])
    data = os.urandom(65536)
    w.write(data); await w.drain()
    back = await r.readexactly(len(data))
    w.close()
    return 0 if back == data else len(data)
async def main():
    t0 = time.time()
    results = await asyncio.wait_for(asyncio.gather(*(one() for _ in range(n)), return_exceptions=True), 60)
    ok = sum(1 for x in results if x == 0)
    lost = sum(65536 for x in results if x != 0)
    print("ok=%d lost=%d secs=%.2f" % (ok, lost, time.time() - t0))
asyncio.run(main())
PY
}

section_proxy() {
    say "proxy: 1 GiB through a SOCKS5 proxy (microsocks, dotcat -l --proxy-type socks5), $RUNS runs each"
    local file=$WORK/data-1GiB.bin bytes=$((1024 * 1024 * 1024)) mport dport eport mpid dpid epid r line
    local -A rate=()
    make_file "$file" "$bytes"
    cat "$file" >/dev/null
    build_helpers echoserver
    md "### Through a SOCKS5 proxy (1 GiB, 127.0.0.1, median of $RUNS)"
    md ""
    md "| client | proxy | GiB/s |"
    md "|---|---|---:|"
    mport=$(free_port tcp)
    if command -v microsocks >/dev/null; then
        timeout -k 2 1800 microsocks -i 127.0.0.1 -p "$mport" >/dev/null 2>>"$LOG" &
        mpid=$!
        if wait_ready tcp "$mport" "$mpid"; then
            rate[dotcat:microsocks]=$(proxy_bench dotcat "$mport" "$file" "$bytes")
            rate[ncat:microsocks]=$(proxy_bench ncat "$mport" "$file" "$bytes")
        fi
        kill_wait "$mpid"
    fi
    dport=$(free_port tcp)
    # -m 1000: the 500-client point needs more than the default 100 clients at once.
    timeout -k 2 1800 "$DOTCAT" -l 127.0.0.1 "$dport" --proxy-type socks5 -m 1000 </dev/null >/dev/null 2>>"$LOG" &
    dpid=$!
    if wait_ready tcp "$dport" "$dpid"; then
        rate[dotcat:dotcat]=$(proxy_bench dotcat "$dport" "$file" "$bytes")
        rate[ncat:dotcat]=$(proxy_bench ncat "$dport" "$file" "$bytes")
        eport=$(free_port tcp)
        "$OUT/echoserver" "$eport" 300 >/dev/null 2>>"$LOG" &
        epid=$!
        if wait_ready tcp "$eport" "$epid"; then
            line=$(proxy_concurrent "$dport" "$eport" 500)
            say "  500 concurrent through dotcat's server: ${line:-failed}"
        fi
        kill_wait "$epid"
    fi
    kill_wait "$dpid"
    for r in dotcat:microsocks ncat:microsocks dotcat:dotcat ncat:dotcat; do
        md "| ${r%%:*} | $( [[ ${r#*:} == dotcat ]] && echo "dotcat -l --proxy-type socks5" || echo microsocks) | $(fmt %.2f "${rate[$r]:-n/a}") |"
    done
    md ""
    md "dotcat/ncat through microsocks = $(ratio "${rate[dotcat:microsocks]:-n/a}" "${rate[ncat:microsocks]:-n/a}"); dotcat's server/microsocks with the dotcat client = $(ratio "${rate[dotcat:dotcat]:-n/a}" "${rate[dotcat:microsocks]:-n/a}"), with the ncat client = $(ratio "${rate[ncat:dotcat]:-n/a}" "${rate[ncat:microsocks]:-n/a}"). The sink is dotcat -l."
    md ""
    md "500 SOCKS5 clients at once through dotcat's server to an echo server, 64 KiB each way: ${line:-n/a}."
    md ""
}

# ---------------------------------------------------------------------------------------------------------------
main() {
    local -a sections=("$@")
    ((${#sections[@]})) || sections=("${ALL_SECTIONS[@]}")
    local s ok
    for s in "${sections[@]}"; do
        ok=""
        for a in "${ALL_SECTIONS[@]}"; do [[ $s == "$a" ]] && ok=1; done
        [[ -n $ok ]] || { echo "usage: bench/run.sh [${ALL_SECTIONS[*]}]..." >&2; exit 2; }
    done
    local start=$EPOCHREALTIME load
    # Loopback numbers are CPU numbers: on a busy machine (a build or test run beside us) they mean little.
    read -r load _ </proc/loadavg
    awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
        say "warning: load average $load on $(nproc) cores at start; results will be noisy"
    ensure_peers
    build_dotcat
    [[ " ${sections[*]} " == *" startup "* ]] && build_empty
    say "tool stderr goes to $LOG"
    # A FIFO opened read-write never reaches EOF and never fills (nobody writes): the stdin for listeners that must
    # not see EOF on stdin (see transfer and udp_run). Opened once; closed by cleanup.
    [[ -p $WORK/hold.fifo ]] || mkfifo "$WORK/hold.fifo"
    exec {HOLD_FD}<>"$WORK/hold.fifo"
    for s in "${sections[@]}"; do "section_$s"; done

    local header
    header="## dotcat benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r), load average $load at start"
    REPORT="$header"$'\n\n'"$REPORT"
    REPORT+="Full run took $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s (sections: ${sections[*]}; RUNS=$RUNS)."$'\n'
    printf '\n%s' "$REPORT"
    printf '%s' "$REPORT" >"$RESULTS/latest.md"
    say "written to bench/results/latest.md"
}

main "$@"

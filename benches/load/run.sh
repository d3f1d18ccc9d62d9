#!/usr/bin/env bash
# Load bench for `healthdex serve`: a mixed query stream from 64 concurrent
# connections (wrk), with a full re-index of the corpus in the middle of the run.
# Reports requests, errors, latency percentiles and the server's peak memory.
#
#   benches/load/run.sh [DATA_DIR] [--seconds N] [--connections N]
#   benches/load/run.sh [DATA_DIR] --baseline OTHER_HEALTHDEX [--rounds N] [--seconds N]
#                       [--stream repeat|distinct]
#
# DATA_DIR defaults to ../shared/data/medquad (skipped with a message if absent).
# With --baseline (a build of another commit, e.g. main), the two servers are
# measured in alternating steady-state rounds of the same query stream on the same
# index, with no re-index, and the medians and the requests/s ratio are printed.
# --stream repeat (the default) sends the 20-query mix of queries.lua over and over,
# as a site's search box sees its popular queries; --stream distinct sends every
# heading of the corpus once as a question (shuffled, 16,000 on MedQuAD) and turns
# off the servers' answer cache, so each request is a search that was not asked before.
# Needs wrk (Debian package `wrk`; installed if missing and apt-get is usable).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="$repo/../shared/data/medquad"
seconds=20
connections=64
baseline=""
rounds=3
stream=repeat
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --baseline) baseline="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --stream) stream="$2"; shift 2 ;;
        *) data="$1"; shift ;;
    esac
done
if [ ! -d "$data" ]; then
    echo "skipping: $data not found (pass a folder of Markdown articles)"
    exit 0
fi
if ! command -v wrk >/dev/null 2>&1; then
    apt-get install -y wrk >/dev/null 2>&1 || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
fi
healthdex="${HEALTHDEX:-}"
if [ -z "$healthdex" ]; then
    (cd "$repo" && cargo build --release --quiet)
    healthdex="$repo/target/release/healthdex"
fi

work="$(mktemp -d)"
server=""
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$data" "$work/corpus"
"$healthdex" index "$work/corpus" --index "$work/index" -q 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

case "$stream" in
    repeat) ;;
    distinct)
        # Every heading once, as a reader would type it, in a fixed shuffled order.
        python3 - "$work/corpus" "$work/distinct.txt" <<'PY'
import pathlib, random, sys, urllib.parse
seen, out = set(), []
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.md")):
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("#"):
            q = line.lstrip("#").strip()
            if q and q.lower() not in seen:
                seen.add(q.lower()); out.append(urllib.parse.quote_plus(q[:200]))
random.Random(7).shuffle(out)
pathlib.Path(sys.argv[2]).write_text("\n".join(out) + "\n")
PY
        export HX_QUERIES="$work/distinct.txt"
        echo "distinct stream: $(wc -l <"$work/distinct.txt") queries, answer cache off" ;;
    *) echo "--stream is repeat or distinct, not $stream"; exit 2 ;;
esac

# Starts `$1 serve` on the index $2 and waits until it answers. With the distinct
# stream, a server that keeps answers (--answer-cache) keeps none.
start_server() {
    local extra=()
    if [ "$stream" = distinct ] && "$1" serve --help 2>/dev/null | grep -q -- --answer-cache; then
        extra=(--answer-cache 0)
    fi
    "$1" serve --index "$2" --port "$port" --no-refresh "${extra[@]}" 2>"$work/serve.log" &
    server=$!
    for _ in $(seq 50); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
}

if [ -n "$baseline" ]; then
    # The baseline reads the same index only if its schema matches; otherwise it
    # gets its own, built from the same copy.
    "$baseline" index "$work/corpus" --index "$work/index-baseline" -q 2>/dev/null
    echo "healthdex serve A/B $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $connections connections, ${seconds}s x $rounds rounds each, alternating; data: $data"
    echo "candidate: $healthdex"
    echo "baseline:  $baseline"
    for round in $(seq "$rounds"); do
        for who in candidate baseline; do
            bin="$healthdex" index="$work/index"
            if [ "$who" = baseline ]; then bin="$baseline" index="$work/index-baseline"; fi
            start_server "$bin" "$index"
            # A short warm-up, then the measured run.
            wrk -t2 -c"$connections" -d2s -s "$repo/benches/load/queries.lua" "http://127.0.0.1:$port" >/dev/null
            wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$repo/benches/load/queries.lua" \
                "http://127.0.0.1:$port" >"$work/wrk-$who-$round.txt"
            kill "$server"; wait "$server" 2>/dev/null || true
            echo "round $round $who: $(grep -E '^Requests/sec' "$work/wrk-$who-$round.txt") $(grep -E '^latency ms' "$work/wrk-$who-$round.txt")"
        done
    done
    python3 - "$work" "$rounds" <<'PY'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def read(who):
    rps, p50, p99, bad = [], [], [], 0
    for r in range(1, rounds + 1):
        text = open(f"{work}/wrk-{who}-{r}.txt").read()
        rps.append(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)))
        m = re.search(r"p50 ([\d.]+)\s+p90 [\d.]+\s+p99 ([\d.]+)", text)
        p50.append(float(m.group(1))); p99.append(float(m.group(2)))
        b = re.search(r"bad statuses (\d+), socket errors connect (\d+) read (\d+) write (\d+) timeout (\d+)", text)
        bad += sum(int(x) for x in b.groups())
    return statistics.median(rps), statistics.median(p50), statistics.median(p99), bad
c, b = read("candidate"), read("baseline")
print(f"candidate: {c[0]:.0f} requests/s, p50 {c[1]:.1f} ms, p99 {c[2]:.1f} ms, errors {c[3]} (medians of {rounds} rounds)")
print(f"baseline:  {b[0]:.0f} requests/s, p50 {b[1]:.1f} ms, p99 {b[2]:.1f} ms, errors {b[3]}")
print(f"ratio (candidate / baseline): requests/s {c[0] / b[0]:.2f}x, p99 {c[2] / b[2]:.2f}x")
PY
    exit 0
fi

start_server "$healthdex" "$work/index"

# Halfway through, change every article and rebuild the index while queries run.
(
    sleep $((seconds / 2))
    find "$work/corpus" -name '*.md' -exec sh -c 'printf "\nEdited during the load test.\n" >> "$1"' _ {} \;
    start=$(date +%s.%N)
    "$healthdex" index "$work/corpus" --index "$work/index" -q 2>/dev/null
    echo "re-index during load: $(echo "$(date +%s.%N) - $start" | bc) s" > "$work/reindex.txt"
) &
reindexer=$!

echo "healthdex load bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPUs; $connections connections, ${seconds}s, data: $data"
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$repo/benches/load/queries.lua" "http://127.0.0.1:$port"
wait "$reindexer"
cat "$work/reindex.txt"
echo "server peak RSS: $(grep VmHWM "/proc/$server/status" | awk '{print $2, $3}')"
after=$(curl -s "http://127.0.0.1:$port/api/search?q=edited+during+the+load+test&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "sections matching the text added mid-run, served after the re-index without restart: $after"

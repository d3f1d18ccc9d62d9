#!/usr/bin/env bash
# Load bench for `healthdex serve`: a mixed query stream from 64 concurrent
# connections (wrk), with a full re-index of the corpus in the middle of the run.
# Reports requests, errors, latency percentiles and the server's peak memory.
#
#   benches/load/run.sh [DATA_DIR] [--seconds N] [--connections N]
#
# DATA_DIR defaults to ../shared/data/medquad (skipped with a message if absent).
# Needs wrk (Debian package `wrk`; installed if missing and apt-get is usable).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="$repo/../shared/data/medquad"
seconds=20
connections=64
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
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
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$data" "$work/corpus"
"$healthdex" index "$work/corpus" --index "$work/index" -q 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$healthdex" serve --index "$work/index" --port "$port" --no-refresh 2>"$work/serve.log" &
server=$!
for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

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

#!/usr/bin/env bash
# Replicas behind a real nginx, with a zero-downtime index switch and a replica
# killed mid-run. Three `healthdex serve --read-only` processes read the same
# index link; nginx (the README's recipe, with the three as its upstream) spreads
# wrk's query stream over them. During the run:
#   at 1/6: a new index is built beside the live one and `healthdex switch`
#           points the link at it; each replica's /healthz says since when it
#           serves its index, which gives how long the switch took to reach all;
#   at 2/3 (and after the switch): one replica is killed with SIGKILL.
# Reports wrk's requests, failed requests (non-2xx and socket errors), latency
# percentiles, and each replica's peak RSS. Loopback only; bounded in time.
#
#   benches/replicas/run.sh [DATA_DIR] [--seconds N] [--connections N]
#
# DATA_DIR defaults to ../shared/data/medquad, else the bundled corpus/.
# Needs nginx and wrk (Debian packages; installed if missing and apt-get works).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
data="$repo/../shared/data/medquad"
[ -d "$data" ] || data="$repo/corpus"
seconds=60
connections=64
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        *) data="$1"; shift ;;
    esac
done
for tool in nginx wrk; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null 2>&1 \
            || { echo "$tool is not installed (apt-get install $tool)"; exit 1; }
    fi
done
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
healthdex="${HEALTHDEX:-}"
if [ -z "$healthdex" ]; then
    (cd "$repo" && cargo build --release --quiet)
    healthdex="$repo/target/release/healthdex"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work="$(mktemp -d)"
pids=()
cleanup() {
    # TERM, so nginx's master stops its workers too.
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
cp -r "$data" "$work/corpus"
"$healthdex" index "$work/corpus" --index "$work/releases/1" -q 2>/dev/null
"$healthdex" switch "$work/current" "$work/releases/1" 2>/dev/null

ports=()
for n in 0 1 2; do
    port=$(free_port)
    ports+=("$port")
    "$healthdex" serve --read-only --index "$work/current" --port "$port" \
        --trusted-proxy 127.0.0.1 2>"$work/replica$n.log" &
    pids+=($!)
done
replica_pids=("${pids[@]}")
for port in "${ports[@]}"; do
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
done

# nginx: the README's block, listening on a free port, with the three replicas.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
python3 - "$repo/README.md" "$work/nginx" "$nginx_port" "${ports[@]}" <<'EOF'
import sys
readme, root, port, upstreams = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
blocks = [b.split("```")[0] for b in open(readme).read().split("```nginx\n")[1:]]
recipe = next(b for b in blocks if "location /search/" in b)
servers = "\n    ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams)
recipe = recipe.replace("listen 80;", f"listen 127.0.0.1:{port};")
recipe = recipe.replace("server 127.0.0.1:8080 max_fails=1 fail_timeout=2s;", servers)
temp = "\n".join(f"  {kind}_temp_path {root}/{kind};" for kind in
                 ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
open(f"{root}/nginx.conf", "w").write(f"""daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}
{recipe}
}}
""")
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$nginx_port/search/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

serving() { curl -s "http://127.0.0.1:$1/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])' 2>/dev/null || echo down; }
peak_rss() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
(
    sleep $((seconds / 6))
    start=$(date +%s.%N)
    "$healthdex" index "$work/corpus" --index "$work/releases/2" -q 2>/dev/null
    built=$(date +%s.%N)
    "$healthdex" switch "$work/current" "$work/releases/2" 2>/dev/null
    switched=$(date +%s.%N)
    target="$(cd "$work/releases/2" && pwd -P)"
    # Until every replica serves the new index (at most 30 s).
    for _ in $(seq 1500); do
        moved=0
        for port in "${ports[@]}"; do
            [ "$(serving "$port")" = "$target" ] && moved=$((moved + 1))
        done
        [ "$moved" -eq 3 ] && break
        sleep 0.02
    done
    # Each replica says since when it serves its index: the latest of those, less
    # the moment of the switch, is how long the switch took to reach all of them.
    last=$(for port in "${ports[@]}"; do
        curl -s "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys,datetime; print(datetime.datetime.fromisoformat(json.load(sys.stdin)["since"]).timestamp())'
    done | sort -n | tail -1)
    echo "new index built beside the live one in $(elapsed "$start" "$built") s; $moved of 3 replicas serving it, the last $(elapsed "$switched" "$last") s after the switch" > "$work/switch.txt"
) &
switcher=$!
# The kill comes after the switch (and at least 2/3 into the run), so both happen.
(
    sleep $((seconds * 2 / 3))
    while [ ! -e "$work/switch.txt" ]; do sleep 0.1; done
    victim=${replica_pids[1]}
    echo "replica 2 (pid $victim) killed with SIGKILL after the switch; its peak RSS was $(peak_rss "$victim") kB" > "$work/kill.txt"
    kill -9 "$victim"
    date +%s.%N > "$work/killed-at"
) &
killer=$!

echo "healthdex replica bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPUs: 3 replicas behind nginx, $connections connections, ${seconds}s, data: $data"
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$repo/benches/load/queries.lua" \
    "http://127.0.0.1:$nginx_port/search/"
ended=$(date +%s.%N)
wait "$switcher" "$killer"
cat "$work/switch.txt" "$work/kill.txt"
if awk -v k="$(cat "$work/killed-at")" -v e="$ended" 'BEGIN { exit !(k > e) }'; then
    echo "WARNING: the kill came after the load ended (the rebuild was slow); rerun with a larger --seconds"
fi
for n in 0 2; do
    echo "replica $((n + 1)) peak RSS: $(peak_rss "${replica_pids[$n]}") kB, serving $(serving "${ports[$n]}")"
done

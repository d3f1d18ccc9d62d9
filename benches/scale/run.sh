#!/usr/bin/env bash
# Scale benchmark for healthdex: generates synthetic corpora of N sections, builds an
# index of each from scratch and measures build time, peak memory, index size and
# query latency. See benches/scale/README.md.
#
#   benches/scale/run.sh [--sizes 10000,100000,1000000] [--work DIR] [--seed N]
#                        [--runs N] [--cleanup]
#
# HEALTHDEX: the binary to measure (default: target/release/healthdex, built with
# `cargo build --release` first when HEALTHDEX is not set).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SIZES=10000,100000,1000000
WORK=$REPO/target/scale
SEED=1
RUNS=5
CLEANUP=0

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

while [ $# -gt 0 ]; do
    case $1 in
        --sizes) SIZES=${2:?--sizes needs a value}; shift 2 ;;
        --sizes=*) SIZES=${1#*=}; shift ;;
        --work) WORK=${2:?--work needs a value}; shift 2 ;;
        --work=*) WORK=${1#*=}; shift ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --runs=*) RUNS=${1#*=}; shift ;;
        --cleanup) CLEANUP=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage 2 >&2 ;;
    esac
done

[[ $SIZES =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "run.sh: --sizes must be a comma-separated list of numbers" >&2; exit 2; }
[[ $SEED =~ ^[0-9]+$ && $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --seed and --runs must be numbers" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "run.sh: python3 is needed" >&2; exit 1; }

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

if [ -z "${HEALTHDEX:-}" ]; then
    echo "== building healthdex (cargo build --release)"
    (cd "$REPO" && cargo build --release --quiet)
    HEALTHDEX=$REPO/target/release/healthdex
fi
case $HEALTHDEX in
    /*) ;;
    */*) HEALTHDEX=$(cd "$(dirname "$HEALTHDEX")" && pwd)/$(basename "$HEALTHDEX") ;;
    *) HEALTHDEX=$(command -v "$HEALTHDEX") ;;
esac
[ -x "$HEALTHDEX" ] || { echo "run.sh: not an executable: $HEALTHDEX" >&2; exit 1; }
# Measure a private copy, so a rebuild of the original during the run cannot mix
# two versions in one set of numbers.
HEALTHDEX_SOURCE=$HEALTHDEX
HEALTHDEX_SHA=$(sha256sum "$HEALTHDEX" | cut -c1-16)
mkdir -p "$WORK/bin"
if [ ! -x "$WORK/bin/healthdex-$HEALTHDEX_SHA" ]; then
    cp "$HEALTHDEX" "$WORK/bin/healthdex-$HEALTHDEX_SHA.tmp"
    mv "$WORK/bin/healthdex-$HEALTHDEX_SHA.tmp" "$WORK/bin/healthdex-$HEALTHDEX_SHA"
fi
HEALTHDEX=$WORK/bin/healthdex-$HEALTHDEX_SHA
export HEALTHDEX HEALTHDEX_SOURCE

GEN=$HERE/generate.py
GEN_SHA=$(sha256sum "$GEN" | cut -d' ' -f1)
QUERIES=$WORK/queries-s$SEED.txt
python3 "$GEN" --seed "$SEED" --queries "$QUERIES"
echo "== healthdex: $HEALTHDEX_SOURCE (sha256 $HEALTHDEX_SHA…, run from a copy in $WORK/bin)"
echo "== queries:   $QUERIES ($(wc -l <"$QUERIES") queries, $RUNS runs each)"

HAS_BENCH=0
if "$HEALTHDEX" bench --help >/dev/null 2>&1; then HAS_BENCH=1; fi

# Prints "yes" if DIR holds a complete corpus from this generator, seed and size.
corpus_is_current() {
    python3 - "$1" "$2" "$SEED" "$GEN_SHA" <<'PY'
import json, os, sys
path, sections, seed, sha = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
try:
    with open(os.path.join(path, ".generated.json")) as f:
        s = json.load(f)
except (OSError, ValueError):
    sys.exit(0)
if s.get("sections") == sections and s.get("seed") == seed and s.get("generator_sha256") == sha:
    print("yes")
PY
}

# Runs every query RUNS times as a whole `healthdex search` process and prints
# one JSON object with the latencies.
measure_latency() {
    python3 - "$1" "$QUERIES" "$RUNS" <<'PY'
import json, math, os, subprocess, sys, time
idx, qfile, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
hd = os.environ["HEALTHDEX"]
queries = [q for q in open(qfile, encoding="utf-8").read().splitlines() if q.strip()]

def cmd(q, *extra):
    return [hd, "search", "--no-refresh", "--index", idx, "--limit", "10", *extra, "--", q]

def pct(xs, p):
    xs = sorted(xs)
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]

# One untimed run so the binary itself is in the page cache.
subprocess.run(cmd(queries[0]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = {q: [] for q in queries}
failures = []
for _ in range(runs):
    for q in queries:
        t0 = time.perf_counter()
        p = subprocess.run(cmd(q), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - t0) * 1000
        times[q].append(ms)
        if p.returncode != 0:
            failures.append({"query": q, "exit": p.returncode,
                             "stderr": p.stderr.decode(errors="replace")[-300:]})
per_query = []
for q in queries:
    total = None
    p = subprocess.run(cmd(q, "--format", "json"), capture_output=True)
    try:
        total = json.loads(p.stdout).get("total")
    except ValueError:
        pass
    per_query.append({"query": q, "p50_ms": round(pct(times[q], 50), 2),
                      "max_ms": round(max(times[q]), 2), "total_hits": total})
allt = [t for ts in times.values() for t in ts]
print(json.dumps({"p50_ms": round(pct(allt, 50), 2), "p99_ms": round(pct(allt, 99), 2),
                  "runs": len(allt), "failures": failures, "per_query": per_query}))
PY
}

# Pulls p50_ms / p99_ms out of `healthdex bench --format json` output, wherever they are.
bench_summary() {
    python3 - "$1" <<'PY'
import json, sys
def find(node, key):
    if isinstance(node, dict):
        if key in node and isinstance(node[key], (int, float)):
            return node[key]
        for v in node.values():
            r = find(v, key)
            if r is not None:
                return r
    elif isinstance(node, list):
        for v in node:
            r = find(v, key)
            if r is not None:
                return r
    return None
try:
    data = json.load(open(sys.argv[1]))
except ValueError as e:
    print(json.dumps({"note": f"bench output is not JSON: {e}"}))
    sys.exit(0)
summary = {k: v for k, v in data.items() if not isinstance(v, (dict, list))} if isinstance(data, dict) else {}
summary["p50_ms"] = find(data, "p50_ms")
summary["p99_ms"] = find(data, "p99_ms")
print(json.dumps(summary))
PY
}

IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for N in "${SIZE_LIST[@]}"; do
    CORPUS=$WORK/corpus-$N-s$SEED
    IDX=$WORK/idx-$N
    echo
    echo "== $N sections"
    if [ "$(corpus_is_current "$CORPUS" "$N")" = yes ]; then
        echo "   corpus: cached in $CORPUS"
    else
        echo "   corpus: generating in $CORPUS"
        rm -rf "$CORPUS"
        python3 "$GEN" --seed "$SEED" --sections "$N" --out "$CORPUS" | sed 's/^/   /'
    fi

    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "   index:  building $IDX from scratch (load average before: $LOAD_BEFORE)"
    rm -rf "$IDX"
    set +e
    /usr/bin/time -f '%e %M' -o "$WORK/time-$N.txt" \
        "$HEALTHDEX" index "$CORPUS" --index "$IDX" -q 2>"$WORK/index-$N.log"
    INDEX_RC=$?
    set -e
    BUILD_S=- PEAK_KB=-
    read -r BUILD_S PEAK_KB < <(tail -n 1 "$WORK/time-$N.txt" 2>/dev/null) || true
    PEAK_MB=-
    [[ $PEAK_KB =~ ^[0-9]+$ ]] && PEAK_MB=$((PEAK_KB / 1024))
    echo "          exit $INDEX_RC, ${BUILD_S} s, peak RSS $PEAK_MB MB (log: $WORK/index-$N.log)"

    INDEX_BYTES=0
    rm -f "$WORK/latency-$N.json" "$WORK/bench-summary-$N.json"
    if [ "$INDEX_RC" -eq 0 ]; then
        INDEX_BYTES=$(du -sb "$IDX" | cut -f1)
        echo "   search: $(wc -l <"$QUERIES") queries x $RUNS runs (whole process)"
        measure_latency "$IDX" >"$WORK/latency-$N.json"
        if [ "$HAS_BENCH" = 1 ]; then
            echo "   bench:  healthdex bench (in-process)"
            if "$HEALTHDEX" bench --index "$IDX" --queries "$QUERIES" --format json \
                >"$WORK/bench-$N.json" 2>"$WORK/bench-$N.log"; then
                bench_summary "$WORK/bench-$N.json" >"$WORK/bench-summary-$N.json"
            else
                python3 -c 'import json,sys; print(json.dumps({"note": "failed: " + sys.argv[1]}))' \
                    "$(tail -c 300 "$WORK/bench-$N.log")" >"$WORK/bench-summary-$N.json"
            fi
        else
            echo '{"note": "skipped: this healthdex has no bench command"}' >"$WORK/bench-summary-$N.json"
        fi
    else
        echo "   index build FAILED; last lines of the log:"
        tail -n 5 "$WORK/index-$N.log" | sed 's/^/     /'
    fi

    LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

    # Merge this size's row into the results file.
    python3 - "$WORK" "$N" "$SEED" "$CORPUS/.generated.json" "$INDEX_RC" "$BUILD_S" "$PEAK_KB" \
        "$INDEX_BYTES" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import datetime, hashlib, json, os, sys
work, n, seed, stamp_path, rc, build_s, peak_kb, index_bytes, load_before, load_after = sys.argv[1:]
n, seed, rc, index_bytes = int(n), int(seed), int(rc), int(index_bytes)
results_path = os.path.join(work, "scale-results.json")

def load(name):
    try:
        with open(os.path.join(work, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

stamp = json.load(open(stamp_path))
latency = load(f"latency-{n}.json") if rc == 0 else None
bench = load(f"bench-summary-{n}.json") if rc == 0 else None
hd = os.environ["HEALTHDEX"]
h = hashlib.sha256()
with open(hd, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
MIB = 1024 * 1024
try:
    build_s = float(build_s)
except ValueError:
    build_s = None
peak_mb = round(int(peak_kb) / 1024, 1) if peak_kb.isdigit() else None
row = {
    "sections": n,
    "articles": stamp["articles"],
    "corpus_bytes": stamp["bytes"],
    "corpus_mb": round(stamp["bytes"] / MIB, 1),
    "seed": seed,
    "index_exit_code": rc,
    "build_s": build_s,
    "peak_rss_mb": peak_mb,
    "index_bytes": index_bytes,
    "index_mb": round(index_bytes / MIB, 1),
    "query_p50_ms": latency and latency["p50_ms"],
    "query_p99_ms": latency and latency["p99_ms"],
    "query_runs": latency and latency["runs"],
    "query_failures": latency and latency["failures"],
    "bench_p50_ms": bench and bench.get("p50_ms"),
    "bench_p99_ms": bench and bench.get("p99_ms"),
    "bench_note": bench and bench.get("note"),
    "bench": bench,
    "per_query": latency and latency["per_query"],
    "load_average_before": load_before,
    "load_average_after": load_after,
    "cpus": os.cpu_count(),
    "healthdex": os.environ["HEALTHDEX_SOURCE"],
    "healthdex_sha256": h.hexdigest()[:16],
    "measured_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
}
if rc != 0:
    with open(os.path.join(work, f"index-{n}.log"), errors="replace") as f:
        row["index_log_tail"] = f.read()[-2000:]
try:
    data = json.load(open(results_path))
except (OSError, ValueError):
    data = {}
rows = [r for r in data.get("results", []) if r.get("sections") != n]
rows.append(row)
rows.sort(key=lambda r: r["sections"])
data = {
    "targets": {"sections": 1000000, "build_s_max": 60, "peak_rss_mb_max": 700,
                "query_p99_ms_max": 20, "bench_p99_ms_max": 15, "bench_p50_ms_max": 1.5},
    "units": "MB = MiB (2^20 bytes); latencies in milliseconds",
    "results": rows,
}
tmp = results_path + ".tmp"
with open(tmp, "w") as f:
    json.dump(data, f, indent=2)
    f.write("\n")
os.replace(tmp, results_path)
PY

    if [ "$CLEANUP" = 1 ]; then
        echo "   cleanup: removing $CORPUS and $IDX"
        rm -rf "$CORPUS" "$IDX"
    fi
done

# The table, from every row in the results file (earlier runs included).
echo
python3 - "$WORK/scale-results.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
t = data["targets"]
def f(v, fmt="{:.1f}"):
    return "-" if v is None else fmt.format(v)
head = ["sections", "articles", "corpus MB", "build s", "peak RSS MB", "index MB",
        "query p50 ms", "p99 ms", "bench p50/p99 ms"]
rows = []
notes = []
for r in data["results"]:
    bench = "-" if r.get("bench_p50_ms") is None else f"{r['bench_p50_ms']:.2f}/{r['bench_p99_ms']:.2f}"
    cells = [f"{r['sections']:,}", f"{r['articles']:,}", f(r["corpus_mb"]), f(r["build_s"], "{:.2f}"),
             f(r["peak_rss_mb"]), f(r["index_mb"]) if r["index_exit_code"] == 0 else "-",
             f(r["query_p50_ms"]), f(r["query_p99_ms"]), bench]
    if r["index_exit_code"] != 0:
        cells[3] += f" (exit {r['index_exit_code']})"
    verdict = ""
    if r["sections"] == t["sections"]:
        ok = lambda b: "PASS" if b else "FAIL"
        within = lambda v, limit: v is not None and v <= limit
        built = r["index_exit_code"] == 0
        verdict = (f"build<={t['build_s_max']}s {ok(built and within(r['build_s'], t['build_s_max']))}, "
                   f"RSS<={t['peak_rss_mb_max']}MB {ok(built and within(r['peak_rss_mb'], t['peak_rss_mb_max']))}, "
                   f"p99<={t['query_p99_ms_max']}ms {ok(within(r['query_p99_ms'], t['query_p99_ms_max']))}")
        if r.get("bench_p99_ms") is not None:
            verdict += (f", in-process p50<={t.get('bench_p50_ms_max', 1.5)}ms "
                        f"{ok(within(r['bench_p50_ms'], t.get('bench_p50_ms_max', 1.5)))}"
                        f" p99<={t.get('bench_p99_ms_max', 15)}ms "
                        f"{ok(within(r['bench_p99_ms'], t.get('bench_p99_ms_max', 15)))}")
    rows.append((cells, verdict))
    if r.get("bench_note"):
        notes.append(f"{r['sections']:,}: bench {r['bench_note']}")
    if r.get("query_failures"):
        notes.append(f"{r['sections']:,}: {len(r['query_failures'])} search runs failed")
    notes.append(f"{r['sections']:,}: measured {r['measured_at']} with {r['healthdex']} ({r['healthdex_sha256']}); "
                 f"load average {r.get('load_average_before', '?')} before, {r.get('load_average_after', '?')} after, "
                 f"{r.get('cpus', '?')} CPUs")
widths = [max(len(head[i]), *(len(c[i]) for c, _ in rows)) for i in range(len(head))]
line = lambda cells: " | ".join(c.rjust(w) for c, w in zip(cells, widths))
print(line(head))
print("-|-".join("-" * w for w in widths))
for cells, verdict in rows:
    print(line(cells) + ("   " + verdict if verdict else ""))
# How each figure grows per 10x sections, between consecutive built sizes:
# (b / a) ** (1 / log10(n_b / n_a)); 10.0x is linear, 1.0x is flat.
import math
built = sorted((r for r in data["results"] if r["index_exit_code"] == 0), key=lambda r: r["sections"])
growth = [("build s", "build_s"), ("peak RSS MB", "peak_rss_mb"), ("index MB", "index_mb"),
          ("query p50 ms", "query_p50_ms"), ("p99 ms", "query_p99_ms"),
          ("bench p50 ms", "bench_p50_ms"), ("bench p99 ms", "bench_p99_ms")]
for a, b in zip(built, built[1:]):
    decades = math.log10(b["sections"] / a["sections"])
    per = []
    for name, key in growth:
        if a.get(key) and b.get(key) and decades > 0:
            per.append(f"{name} {(b[key] / a[key]) ** (1 / decades):.2f}x")
    print(f"growth per 10x sections, {a['sections']:,} -> {b['sections']:,}: " + ", ".join(per))
print()
print(f"targets at {t['sections']:,} sections: build <= {t['build_s_max']} s within "
      f"{t['peak_rss_mb_max']} MB peak RSS; whole-process query p99 <= {t['query_p99_ms_max']} ms; "
      f"in-process p50 <= {t.get('bench_p50_ms_max', 1.5)} ms, p99 <= {t.get('bench_p99_ms_max', 15)} ms")
print("query p50/p99: whole `healthdex search` processes; bench: in-process (healthdex bench)")
for n in notes:
    print("note: " + n)
print(f"results: {sys.argv[1]}")
PY

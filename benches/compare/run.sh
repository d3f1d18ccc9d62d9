#!/usr/bin/env bash
# Compare healthdex with the tools a user would otherwise pick (tantivy-cli,
# SQLite FTS5, Pagefind) on the same articles, same machine, one run.
#
# usage: benches/compare/run.sh [DATA_DIR] [--rounds N] [--work DIR] [--query-runs N] [--baseline BIN]
#
#   DATA_DIR        folder of Markdown articles (default: ../shared/data/medquad,
#                   relative to the repository root); missing => message, exit 0
#   --rounds N      rounds of every measurement, tools in alternating order (default 5)
#   --work DIR      scratch folder for indexes, tools and results (default: target/compare)
#   --query-runs N  timed runs of each query per round (default 10)
#   --baseline BIN  also index with another healthdex build (say, today's main) in
#                   every round, for the healthdex/baseline ratio of the same run
#
# HEALTHDEX=/path/to/healthdex selects the binary; unset, the script runs
# `cargo build --release` and uses target/release/healthdex.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

COMMAND="$(printf '%q ' "$0" "$@")"
COMMAND=${COMMAND% }
if [[ -n ${HEALTHDEX:-} ]]; then COMMAND="HEALTHDEX=$(printf '%q' "$HEALTHDEX") $COMMAND"; fi

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

DATA="" ROUNDS=5 WORK="" QUERY_RUNS=10 BASELINE=""
while (($#)); do
    case $1 in
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --work) WORK=${2:?--work needs a folder}; shift 2 ;;
        --work=*) WORK=${1#*=}; shift ;;
        --query-runs) QUERY_RUNS=${2:?--query-runs needs a number}; shift 2 ;;
        --query-runs=*) QUERY_RUNS=${1#*=}; shift ;;
        --baseline) BASELINE=${2:?--baseline needs a healthdex binary}; shift 2 ;;
        --baseline=*) BASELINE=${1#*=}; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *)
            if [[ -n $DATA ]]; then echo "run.sh: more than one DATA_DIR" >&2; exit 2; fi
            DATA=$1; shift ;;
    esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds must be a positive integer" >&2; exit 2; }
[[ $QUERY_RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --query-runs must be a positive integer" >&2; exit 2; }

DATA=${DATA:-$ROOT/../shared/data/medquad}
if [[ ! -d $DATA ]]; then
    echo "benches/compare: data folder '$DATA' does not exist; skipping the comparison."
    exit 0
fi
DATA=$(cd "$DATA" && pwd)
WORK=${WORK:-$ROOT/target/compare}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

LOGS=$WORK/logs PREP=$WORK/prep TIMING=$WORK/timing RAW=$WORK/raw.jsonl META=$WORK/meta.tsv
rm -rf "$LOGS" "$TIMING" "$WORK/results.json" "$WORK/results.txt"
mkdir -p "$LOGS" "$TIMING"
: >"$RAW"
: >"$META"

say() { printf '[compare %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
unavailable() { # TOOL NOTE
    say "$1 unavailable: $2"
    printf '{"kind":"unavailable","tool":"%s","note":%s}\n' "$1" "$(json_str "$2")" >>"$RAW"
}
skipped() { # TASK TOOL NOTE
    say "$1 ($2) skipped: $3"
    printf '{"kind":"skipped","task":"%s","tool":"%s","note":%s}\n' "$1" "$2" "$(json_str "$3")" >>"$RAW"
}
note() { printf '{"kind":"note","text":%s}\n' "$(json_str "$1")" >>"$RAW"; }

apt_install() { # PACKAGE: quietly, as root only; `apt-get update` only if the first try fails
    command -v apt-get >/dev/null && [[ $(id -u) == 0 ]] || return 1
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "$1" >>"$LOGS/apt.log" 2>&1 && return 0
    apt-get update >>"$LOGS/apt.log" 2>&1 && apt-get install -y "$1" >>"$LOGS/apt.log" 2>&1
}

# measure TASK TOOL ROUND LOG -- COMMAND...: run COMMAND under /usr/bin/time and
# append one record to raw.jsonl. Wall time is taken with bash's microsecond clock
# around the command (GNU time's %e, kept too, has only 10 ms resolution); peak
# RSS is GNU time's %M. A failing command is recorded, never fatal. With
# MEASURE_OUT set, the command's stdout goes to that file instead of LOG. `sync` first
# (untimed), so that no tool pays for write-back of the previous one's files.
MEASURE_EXTRA="" MEASURE_OUT=""
measure() {
    local task=$1 tool=$2 round=$3 log=$4
    shift 4
    [[ ${1:-} == -- ]] && shift
    local tf=$WORK/.time-output t0 t1 rc=0 line e m
    : >"$tf"
    echo "### round $round: $*" >>"$log"
    sync
    t0=$EPOCHREALTIME
    if [[ -n $MEASURE_OUT ]]; then # keep stdout apart, to be parsed
        /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$MEASURE_OUT" 2>>"$log" || rc=$?
    else
        /usr/bin/time -f '%e %M' -o "$tf" "$@" >>"$log" 2>&1 || rc=$?
    fi
    t1=$EPOCHREALTIME
    line=$(tail -n 1 "$tf" 2>/dev/null || true)
    e=${line%% *} m=${line##* }
    [[ $e =~ ^[0-9.]+$ ]] || e=null
    [[ $m =~ ^[0-9]+$ ]] || m=null
    printf '{"kind":"run","task":"%s","tool":"%s","round":%d,"t0":%s,"t1":%s,"e":%s,"rss_kb":%s,"rc":%d%s}\n' \
        "$task" "$tool" "$round" "$t0" "$t1" "$e" "$m" "$rc" "$MEASURE_EXTRA" >>"$RAW"
    if ((rc != 0)); then say "  $tool $task (round $round) exited $rc; see $log"; fi
    return 0
}

# ---------------------------------------------------------------- tools
say "work folder: $WORK"
if [[ ! -x /usr/bin/time ]]; then
    apt_install time || true
    [[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time (GNU time) is needed for peak RSS; apt-get install time" >&2; exit 1; }
fi

if [[ -z ${HEALTHDEX:-} ]]; then
    say "HEALTHDEX unset: cargo build --release in $ROOT"
    (cd "$ROOT" && cargo build --release) >"$LOGS/healthdex-build.log" 2>&1 ||
        { echo "run.sh: cargo build --release failed; see $LOGS/healthdex-build.log" >&2; exit 1; }
    HEALTHDEX=$ROOT/target/release/healthdex
fi
[[ -x $HEALTHDEX ]] || HEALTHDEX=$(command -v "$HEALTHDEX" || true)
[[ -n $HEALTHDEX && -x $HEALTHDEX ]] || { echo "run.sh: healthdex binary not found (HEALTHDEX=${HEALTHDEX:-})" >&2; exit 1; }
HX_VERSION=$("$HEALTHDEX" --version 2>/dev/null | sed -n 1p || echo "healthdex ?")

# tantivy-cli, cached in WORK/tools
TANTIVY=$WORK/tools/bin/tantivy TANTIVY_VERSION=""
if [[ ! -x $TANTIVY ]]; then
    if command -v cargo >/dev/null; then
        say "installing tantivy-cli 0.24.0 into $WORK/tools (several minutes, once)"
        if ! CARGO_TARGET_DIR=$WORK/tools/build cargo install tantivy-cli --version 0.24.0 --root "$WORK/tools" \
            >"$LOGS/tantivy-install.log" 2>&1; then
            say "tantivy-cli 0.24.0 did not install; trying the latest version"
            CARGO_TARGET_DIR=$WORK/tools/build cargo install tantivy-cli --root "$WORK/tools" \
                >>"$LOGS/tantivy-install.log" 2>&1 || true
        fi
        rm -rf "$WORK/tools/build"
    fi
fi
if [[ -x $TANTIVY ]]; then
    TANTIVY_VERSION=$("$TANTIVY" --version 2>/dev/null | awk '{print $NF}')
    [[ $TANTIVY_VERSION == 0.24.0 ]] || note "tantivy-cli 0.24.0 could not be installed; used tantivy-cli $TANTIVY_VERSION"
else
    unavailable tantivy-cli "cargo install tantivy-cli failed or cargo is missing; see WORK/logs/tantivy-install.log"
fi

# sqlite3 with FTS5
SQLITE=$(command -v sqlite3 || true) SQLITE_VERSION=""
if [[ -z $SQLITE ]] && apt_install sqlite3; then SQLITE=$(command -v sqlite3 || true); fi
if [[ -z $SQLITE ]]; then
    unavailable sqlite-fts5 "sqlite3 is not installed and apt-get install -y sqlite3 failed"
elif ! "$SQLITE" :memory: "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter');" >/dev/null 2>&1; then
    unavailable sqlite-fts5 "$SQLITE has no FTS5"
    SQLITE=""
else
    SQLITE_VERSION=$("$SQLITE" --version | awk '{print $1}')
fi

# Pagefind from npm, cached in WORK/node; the native binary is used directly
find_pagefind() {
    [[ -d $WORK/node/node_modules/@pagefind ]] || return 0
    find "$WORK/node/node_modules/@pagefind" -path '*/bin/pagefind*' -type f -perm -u+x | sort | sed -n 1p
}
PAGEFIND=$(find_pagefind) PAGEFIND_VERSION=""
if [[ -z $PAGEFIND ]] && command -v npm >/dev/null; then
    say "installing pagefind into $WORK/node"
    mkdir -p "$WORK/node"
    (cd "$WORK/node" && { [[ -f package.json ]] || npm init -y >/dev/null; } && npm install --no-audit --no-fund pagefind) \
        >"$LOGS/pagefind-install.log" 2>&1 || true
    PAGEFIND=$(find_pagefind)
    if [[ -z $PAGEFIND && -x $WORK/node/node_modules/.bin/pagefind ]]; then PAGEFIND=$WORK/node/node_modules/.bin/pagefind; fi
fi
if [[ -n $PAGEFIND ]]; then
    PAGEFIND_VERSION=$("$PAGEFIND" --version 2>/dev/null | awk '{print $NF}')
else
    unavailable pagefind "npm install pagefind failed or npm is missing; see WORK/logs/pagefind-install.log"
fi

# hyperfine for the query timings, else a Python loop
QUERY_TIMER=""
if ! command -v hyperfine >/dev/null; then apt_install hyperfine || true; fi
if command -v hyperfine >/dev/null; then
    QUERY_TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
else
    QUERY_TIMER="timeloop.py (hyperfine unavailable)"
fi

# ---------------------------------------------------------------- untimed preparation
say "preparing inputs (not timed)"
rm -rf "$WORK/data" "$WORK/hx-index" "$WORK/tc-index" "$WORK/fts.db" "$WORK/site"
cp -a "$DATA/." "$WORK/data/"
"$HEALTHDEX" export "$DATA" --out "$WORK/export.json" 2>"$LOGS/export.log"
python3 "$HERE/prepare.py" --export "$WORK/export.json" --queries "$HERE/queries.txt" --out "$PREP" \
    --site "$WORK/site" --healthdex "$HEALTHDEX" --hx-index "$WORK/hx-index" \
    --sqlite "${SQLITE:-sqlite3}" --sqlite-db "$WORK/fts.db" >"$LOGS/prepare.log"
mapfile -t HX_CMDS <"$PREP/cmds/healthdex.cmds"
mapfile -t SQ_CMDS <"$PREP/cmds/sqlite.cmds"
CHANGED=$(cd "$WORK/data" && find . -name '*.md' -type f | sort | sed -n 1p)
CHANGED=${CHANGED#./}
read -r N_ARTICLES N_SECTIONS N_QUERIES < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["articles"], c["sections"], c["queries"])' "$PREP/counts.json")

HX_BENCH=()
if "$HEALTHDEX" bench --help >"$LOGS/healthdex-bench-help.txt" 2>&1; then
    HX_BENCH=(bench)
    grep -q -- '--index' "$LOGS/healthdex-bench-help.txt" && HX_BENCH+=(--index "$WORK/hx-index")
    grep -q -- '--queries' "$LOGS/healthdex-bench-help.txt" && HX_BENCH+=(--queries "$PREP/queries.txt")
    grep -q -- '--no-refresh' "$LOGS/healthdex-bench-help.txt" && HX_BENCH+=(--no-refresh)
    grep -q -- '--format' "$LOGS/healthdex-bench-help.txt" && HX_BENCH+=(--format json)
    true
else
    skipped healthdex-bench healthdex "this healthdex has no 'bench' subcommand ('healthdex bench --help' failed); only whole-process search timings"
fi

{
    meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    meta arch "$(uname -m)"
    meta nproc "$(nproc)"
    meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
    meta ram "$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    meta versions "$HX_VERSION ($HEALTHDEX); tantivy-cli ${TANTIVY_VERSION:-unavailable}; sqlite3 ${SQLITE_VERSION:-unavailable}; pagefind ${PAGEFIND_VERSION:-unavailable}; $QUERY_TIMER; $(python3 --version)"
    meta command "$COMMAND"
    meta data "$DATA"
    meta articles "$N_ARTICLES"
    meta sections "$N_SECTIONS"
    meta queries "$N_QUERIES"
    meta rounds "$ROUNDS"
    meta query_timer "$QUERY_TIMER"
    meta changed_article "$CHANGED"
}

# ---------------------------------------------------------------- timed tasks
task_healthdex() { # ROUND
    local log=$LOGS/healthdex-index.log
    rm -rf "$WORK/hx-index"
    measure index healthdex "$1" "$log" -- "$HEALTHDEX" index "$WORK/data" --index "$WORK/hx-index" -q
    measure reindex-nochange healthdex "$1" "$log" -- "$HEALTHDEX" index "$WORK/data" --index "$WORK/hx-index" -q
    printf '\nEdited by benches/compare/run.sh, round %s.\n' "$1" >>"$WORK/data/$CHANGED"
    measure reindex-one-changed healthdex "$1" "$log" -- "$HEALTHDEX" index "$WORK/data" --index "$WORK/hx-index" -q
}
task_baseline() {
    [[ -n $BASELINE ]] || return 0
    local log=$LOGS/baseline-index.log
    rm -rf "$WORK/base-index"
    measure index healthdex-baseline "$1" "$log" -- "$BASELINE" index "$WORK/data" --index "$WORK/base-index" -q
    measure reindex-nochange healthdex-baseline "$1" "$log" -- "$BASELINE" index "$WORK/data" --index "$WORK/base-index" -q
}
task_tantivy() {
    [[ -n $TANTIVY_VERSION ]] || return 0
    rm -rf "$WORK/tc-index"
    mkdir -p "$WORK/tc-index"
    cp "$PREP/tantivy-meta.json" "$WORK/tc-index/meta.json"
    measure index tantivy-cli "$1" "$LOGS/tantivy-index.log" -- "$TANTIVY" index -i "$WORK/tc-index" -t 2 <"$PREP/sections.ndjson"
}
task_sqlite() {
    [[ -n $SQLITE ]] || return 0
    rm -f "$WORK/fts.db" "$WORK/fts.db-journal"
    measure index sqlite-fts5 "$1" "$LOGS/sqlite-load.log" -- "$SQLITE" -bail "$WORK/fts.db" <"$PREP/load.sql"
}
task_pagefind() {
    [[ -n $PAGEFIND ]] || return 0
    rm -rf "$WORK/site/pagefind"
    measure index pagefind "$1" "$LOGS/pagefind.log" -- "$PAGEFIND" --site "$WORK/site"
}
queries_for() { # TOOL ROUND COMMANDS...: timings (hyperfine or loop), then one run per query for peak RSS
    local tool=$1 round=$2 out=$TIMING/$1-r$2.json i argv
    shift 2
    sync
    if [[ $QUERY_TIMER == hyperfine* ]]; then
        hyperfine -N -i --output=pipe --style basic --warmup 1 --runs "$QUERY_RUNS" --export-json "$out" "$@" \
            >>"$LOGS/queries-$tool.log" 2>&1 || say "  hyperfine failed for $tool (round $round)"
    else
        python3 "$HERE/timeloop.py" --warmup 1 --runs "$QUERY_RUNS" --export-json "$out" "$@" \
            >>"$LOGS/queries-$tool.log" 2>&1 || say "  timeloop.py failed for $tool (round $round)"
    fi
    printf '{"kind":"queries","tool":"%s","round":%d,"timing_json":%s}\n' "$tool" "$round" "$(json_str "$out")" >>"$RAW"
    i=0
    for cmd in "$@"; do
        eval "argv=($cmd)"
        MEASURE_EXTRA=",\"query\":$i"
        measure search-rss "$tool" "$round" "$LOGS/queries-$tool-output.log" -- "${argv[@]}"
        MEASURE_EXTRA=""
        i=$((i + 1))
    done
}
task_hx_queries() {
    queries_for healthdex "$1" "${HX_CMDS[@]}"
    if ((${#HX_BENCH[@]})); then
        MEASURE_OUT=$LOGS/healthdex-bench-r$1.out
        MEASURE_EXTRA=",\"out\":$(json_str "$MEASURE_OUT")"
        measure healthdex-bench healthdex "$1" "$LOGS/healthdex-bench.log" -- "$HEALTHDEX" "${HX_BENCH[@]}"
        MEASURE_OUT="" MEASURE_EXTRA=""
    fi
}
task_sq_queries() {
    [[ -n $SQLITE ]] || return 0
    queries_for sqlite-fts5 "$1" "${SQ_CMDS[@]}"
}

INDEX_TASKS=(task_healthdex task_baseline task_tantivy task_sqlite task_pagefind)
QUERY_TASKS=(task_hx_queries task_sq_queries)
for ((r = 1; r <= ROUNDS; r++)); do
    # rotate the indexers by one each round, and swap the two query runners
    order=()
    for ((k = 0; k < ${#INDEX_TASKS[@]}; k++)); do order+=("${INDEX_TASKS[(k + r - 1) % ${#INDEX_TASKS[@]}]}"); done
    if ((r % 2)); then order+=("${QUERY_TASKS[@]}"); else order+=("${QUERY_TASKS[1]}" "${QUERY_TASKS[0]}"); fi
    say "round $r/$ROUNDS: ${order[*]}"
    for t in "${order[@]}"; do "$t" "$r"; done
done

# ---------------------------------------------------------------- sanity checks and sizes (untimed)
checks="export: $N_SECTIONS sections"
if [[ -n $SQLITE && -f $WORK/fts.db ]]; then
    checks+="; sqlite rows: $("$SQLITE" -readonly "$WORK/fts.db" 'SELECT count(*) FROM fts;' 2>/dev/null || echo '?')"
fi
if [[ -n $TANTIVY_VERSION ]]; then
    tc_docs=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(sum(s["max_doc"] - (s.get("deletes") or {}).get("num_deleted_docs", 0) for s in m["segments"]))' \
        "$WORK/tc-index/meta.json" 2>/dev/null || echo '?')
    checks+="; tantivy docs: $tc_docs"
fi
if [[ -n $PAGEFIND ]]; then
    checks+="; pagefind pages: $(grep -Eo 'Indexed [0-9]+ pages?' "$LOGS/pagefind.log" | tail -n1 | awk '{print $2}')"
fi
meta checks "$checks"
meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
size() { [[ -e $1 ]] && du -sh "$1" | awk '{print $1}' || echo '-'; }
meta sizes "healthdex $(size "$WORK/hx-index"), tantivy-cli $(size "$WORK/tc-index"), sqlite $(size "$WORK/fts.db"), pagefind $(size "$WORK/site/pagefind")"

python3 "$HERE/aggregate.py" --work "$WORK"
say "results: $WORK/results.json (raw measurements: $RAW, logs: $LOGS)"

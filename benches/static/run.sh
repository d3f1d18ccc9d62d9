#!/usr/bin/env bash
# Static search on a site with no server: healthdex's bundle against Pagefind 1.6,
# on the same articles, in one run (issue 11's budgets; README.md here).
#
# usage: benches/static/run.sh [CORPUS] [--work DIR] [--out FILE] [--timed-runs N] [--build-runs N]
#                              [--reuse-pagefind]
#
#   CORPUS          folder of Markdown articles (default: ../shared/data/medquad,
#                   relative to the repository root); missing => message, exit 0
#   --work DIR      rendered site, bundles, server index and logs (default: target/static-bench)
#   --out FILE      results JSON (default: benches/static/results/DATE.json; a .txt
#                   with the table is written beside it)
#   --timed-runs N  timed searches per query once its data is loaded (default 3)
#   --build-runs N  builds of each engine's files from scratch; the median is reported (default 3)
#   --reuse-pagefind  keep the rendered site, Pagefind's index and its build times from
#                   the last run in WORK if the corpus has not changed since (to
#                   re-measure after a change to healthdex alone)
#
# HEALTHDEX=/path/to/healthdex selects the binary (unset: `cargo build --release`).
# HX_LOCK=FILE runs each heavy step under `flock FILE` (on the shared 2-core
# machines: HX_LOCK=/tmp/hx-heavy.lock); do not also run the script under that lock.
# The healthdex half runs when `healthdex bundle --help` succeeds; until then the
# run measures Pagefind alone and says so.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PAGEFIND_VERSION=1.6.0

COMMAND="$(printf '%q ' "$0" "$@")"
COMMAND=${COMMAND% }
if [[ -n ${HX_LOCK:-} ]]; then COMMAND="HX_LOCK=$(printf '%q' "$HX_LOCK") $COMMAND"; fi
if [[ -n ${HEALTHDEX:-} ]]; then COMMAND="HEALTHDEX=$(printf '%q' "$HEALTHDEX") $COMMAND"; fi
usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

CORPUS="" WORK="" OUT="" TIMED_RUNS=3 BUILD_RUNS=3 REUSE_PAGEFIND=0
while (($#)); do
    case $1 in
        --work) WORK=${2:?--work needs a folder}; shift 2 ;;
        --out) OUT=${2:?--out needs a file}; shift 2 ;;
        --timed-runs) TIMED_RUNS=${2:?--timed-runs needs a number}; shift 2 ;;
        --build-runs) BUILD_RUNS=${2:?--build-runs needs a number}; shift 2 ;;
        --reuse-pagefind) REUSE_PAGEFIND=1; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *)
            if [[ -n $CORPUS ]]; then echo "run.sh: more than one CORPUS" >&2; exit 2; fi
            CORPUS=$1; shift ;;
    esac
done
[[ $TIMED_RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --timed-runs must be a positive integer" >&2; exit 2; }
[[ $BUILD_RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --build-runs must be a positive integer" >&2; exit 2; }

CORPUS=${CORPUS:-$ROOT/../shared/data/medquad}
if [[ ! -d $CORPUS ]]; then
    echo "benches/static: corpus folder '$CORPUS' does not exist; skipping the benchmark."
    exit 0
fi
CORPUS=$(cd "$CORPUS" && pwd)
WORK=${WORK:-$ROOT/target/static-bench}
mkdir -p "$WORK/logs"
WORK=$(cd "$WORK" && pwd)
SITE=$WORK/site LOGS=$WORK/logs
OUT=${OUT:-$HERE/results/$(date -u +%Y-%m-%dT%H%M%SZ).json}

say() { printf '[static %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "$*"; exit 1; }
# heavy COMMAND...: under the shared lock when HX_LOCK is set.
heavy() { if [[ -n ${HX_LOCK:-} ]]; then flock "$HX_LOCK" "$@"; else "$@"; fi; }
# build NAME OUTPUT COMMAND...: BUILD_RUNS times, OUTPUT removed before each run,
# each heavy and under `/usr/bin/time -v` (wall and peak RSS) into
# WORK/build-NAME-I.time, the lock wait outside the timing. Sets BUILD_FILES to
# the list bench.mjs takes (`--build NAME=F1,F2,…`).
build() {
    local name=$1 output=$2 i files=""
    shift 2
    for ((i = 1; i <= BUILD_RUNS; i++)); do
        rm -rf "$output"
        sync
        heavy /usr/bin/time -v -o "$WORK/build-$name-$i.time" "$@" >"$LOGS/build-$name-$i.log" 2>&1 ||
            die "$name build failed; see $LOGS/build-$name-$i.log"
        files+=${files:+,}$WORK/build-$name-$i.time
    done
    BUILD_FILES=$name=$files
}

# ---------------------------------------------------------------- tools
command -v node >/dev/null || die "node is needed (Node 20 or later)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
((NODE_MAJOR >= 20)) || die "node $(node --version) is too old; Node 20 or later is needed"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed for build time and peak RSS: apt-get install time"

installed_pagefind() { node -p "require('$HERE/node_modules/pagefind/package.json').version" 2>/dev/null || true; }
if [[ $(installed_pagefind) != "$PAGEFIND_VERSION" || ! -d $HERE/node_modules/markdown-it ]]; then
    say "installing pagefind@$PAGEFIND_VERSION and markdown-it into benches/static/node_modules"
    (cd "$HERE" && npm ci --no-audit --no-fund) >"$LOGS/npm.log" 2>&1 || die "npm ci failed; see $LOGS/npm.log"
fi
PAGEFIND=$(find "$HERE/node_modules/@pagefind" -path '*/bin/pagefind*' -type f -perm -u+x 2>/dev/null | sort | sed -n 1p)
[[ -n $PAGEFIND ]] || die "no Pagefind binary under benches/static/node_modules/@pagefind (is this platform supported?)"

if [[ -z ${HEALTHDEX:-} ]]; then
    say "building healthdex (cargo build --release)"
    (cd "$ROOT" && heavy cargo build --release) >"$LOGS/cargo.log" 2>&1 || die "cargo build failed; see $LOGS/cargo.log"
    HEALTHDEX=$ROOT/target/release/healthdex
fi
[[ -x $HEALTHDEX ]] || die "HEALTHDEX=$HEALTHDEX is not an executable"
HX_VERSION="$("$HEALTHDEX" --version), binary sha256 $(sha256sum "$HEALTHDEX" | cut -c1-16) of $(date -u -r "$HEALTHDEX" +%Y-%m-%dT%H:%M:%SZ)"

# ---------------------------------------------------------------- site and bundles
# What the rendered site and Pagefind's index were built from: the corpus's file
# names, sizes and times, and the tool versions.
corpus_stamp() {
    {
        echo "$CORPUS $($PAGEFIND --version) $(sha256sum "$HERE/render.mjs" | cut -c1-16)"
        find "$CORPUS" -type f -printf '%P %s %T@\n' | sort
    } | sha256sum | cut -c1-32
}
STAMP=$(corpus_stamp)
previous_pagefind() { # the --build argument of the last run's Pagefind builds, if still valid
    [[ -f $WORK/pagefind.stamp && $(cat "$WORK/pagefind.stamp") == "$STAMP" && -f $SITE/pagefind/pagefind.js ]] || return 1
    local files
    files=$(find "$WORK" -maxdepth 1 -name 'build-pagefind-*.time' | sort | paste -sd, -)
    [[ -n $files ]] && echo "pagefind=$files"
}
if ((REUSE_PAGEFIND)) && PREVIOUS=$(previous_pagefind); then
    say "reusing the rendered site and Pagefind's index from the last run (corpus unchanged)"
    BUILDS=(--build "$PREVIOUS")
else
    ((REUSE_PAGEFIND)) && say "--reuse-pagefind: the last run's site is missing or from another corpus; rebuilding"
    rm -f "$WORK/pagefind.stamp" "$WORK"/build-pagefind-*.time
    say "rendering $CORPUS into $SITE"
    node "$HERE/render.mjs" --corpus "$CORPUS" --out "$SITE" --healthdex "$HEALTHDEX" 2>&1 | tee "$LOGS/render.log" >&2

    say "building Pagefind's index ($($PAGEFIND --version))"
    build pagefind "$SITE/pagefind" "$PAGEFIND" --site "$SITE"
    BUILDS=(--build "$BUILD_FILES")
    echo "$STAMP" >"$WORK/pagefind.stamp"
fi

ENGINES=pagefind
rm -rf "$SITE/hx"
if "$HEALTHDEX" bundle --help >/dev/null 2>&1; then
    say "building healthdex's bundle"
    build healthdex "$SITE/hx" "$HEALTHDEX" bundle "$CORPUS" --out "$SITE/hx/"
    BUILDS+=(--build "$BUILD_FILES")
    ENGINES=pagefind,healthdex
else
    say "this healthdex has no \`bundle\` command: measuring Pagefind alone"
fi

# ---------------------------------------------------------------- the server's relevance
SUITES=() EVALS=()
say "indexing for the server's figures, then healthdex eval"
heavy "$HEALTHDEX" index "$CORPUS" --index "$WORK/hx-index" -q >"$LOGS/index.log" 2>&1 || die "healthdex index failed; see $LOGS/index.log"
for suite in medquad medquad-long; do
    file=$ROOT/tests/relevance/$suite.jsonl
    SUITES+=(--suite "$suite=$file")
    heavy "$HEALTHDEX" eval "$file" --index "$WORK/hx-index" --no-refresh --format json --per-query \
        >"$WORK/eval-$suite.json" 2>"$LOGS/eval-$suite.log" || die "healthdex eval $suite failed; see $LOGS/eval-$suite.log"
    EVALS+=(--server-eval "$suite=$WORK/eval-$suite.json")
done

# ---------------------------------------------------------------- bytes, times, relevance
say "measuring ($ENGINES)"
heavy node "$HERE/bench.mjs" --site "$SITE" --engines "$ENGINES" "${SUITES[@]}" "${EVALS[@]}" "${BUILDS[@]}" \
    --timed-runs "$TIMED_RUNS" --out "$OUT" \
    --note "command: $COMMAND" --note "corpus: $CORPUS" --note "healthdex: $HX_VERSION ($HEALTHDEX)" \
    --note "pagefind: $($PAGEFIND --version) ($PAGEFIND)" --note "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

#!/usr/bin/env bash
# The costs the reliability issue bounds, measured on generated hostile inputs:
#   - peak memory to index one 14 MB table of short cells, and one 15 MB prose article;
#   - 100,000 tiny files: the first build, a no-change `index`, and a refreshing
#     `search` against `search --no-refresh`;
#   - /api/articles under load for a 1 MB table-heavy article: requests/s and the
#     server's peak RSS;
#   - a query of 60 random non-words against a long natural question.
# Usage: benches/reliability/run.sh [WORKDIR]   (needs python3; hyperfine and wrk
# are used when installed). Prints one line per figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/healthdex-reliability}
mkdir -p "$work"
cargo build --release --quiet
hx=$PWD/target/release/healthdex

peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
median_ms() { # median wall time of 5 runs of a command, in ms
  python3 - "$@" <<'EOF'
import subprocess, sys, time
runs = []
for _ in range(5):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs.append((time.perf_counter() - t) * 1000)
print(f"{sorted(runs)[2]:.1f}")
EOF
}

python3 - "$work" <<'EOF'
import os, random, sys
work = sys.argv[1]
def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(text)
cols = 20
rows = ["|" + "|".join(f"h{i}" for i in range(cols)) + "|", "|" + "|".join("---" for _ in range(cols)) + "|"]
n = size = 0
while size < 14_000_000:
    row = "|" + "|".join(str((n * cols + i) % 997) for i in range(cols)) + "|"
    rows.append(row); size += len(row) + 1; n += 1
write(f"{work}/table/table.md", "---\ntitle: Big table\n---\n# Doses\n\n" + "\n".join(rows) + "\n")
para = "Metformin lowers blood sugar in type 2 diabetes and is usually taken with meals. " * 12 + "\n\n"
write(f"{work}/prose/prose.md", "---\ntitle: Big prose\n---\n# Intro\n\n" + para * (15_000_000 // len(para)))
write(f"{work}/api/table.md", "---\ntitle: Doses\n---\n# Doses\n\n" + "\n".join(rows[: 2 + 1_000_000 // 80]) + "\n")
if not os.path.exists(f"{work}/tiny/f99/n999.md"):
    for f in range(100):
        for n in range(1000):
            write(f"{work}/tiny/f{f}/n{n}.md", f"---\ntitle: Note {f}-{n}\n---\nA short note on topic {f * 1000 + n} and sleep.\n")
EOF

for corpus in table prose; do
  rm -rf "$work/ix-$corpus"
  size=$(du -m "$work/$corpus" | cut -f1)
  echo "index one ${size} MB $corpus article: peak RSS $(( $(peak_kb "$hx" index "$work/$corpus" --index "$work/ix-$corpus" -q) / 1024 )) MiB"
done

rm -rf "$work/ix-tiny"
echo "index 100,000 tiny files (first build): peak RSS $(( $(peak_kb "$hx" index "$work/tiny" --index "$work/ix-tiny" -q) / 1024 )) MiB"
echo "no-change index of 100,000 files: $(median_ms "$hx" index "$work/tiny" --index "$work/ix-tiny" -q) ms"
refresh=$(median_ms "$hx" search --index "$work/ix-tiny" sleep)
plain=$(median_ms "$hx" search --index "$work/ix-tiny" --no-refresh sleep)
echo "search over 100,000 files: ${refresh} ms refreshing, ${plain} ms --no-refresh ($(python3 -c "print(f'{$refresh/$plain:.2f}')")x)"
echo "manifest of 100,000 files: $(( $(stat -c %s "$work"/ix-tiny/healthdex-manifest-*.json | head -1) / 1024 )) KiB"

long="my mother is 72 and has had type 2 diabetes for years, lately her feet tingle and feel numb at night, could this be nerve damage from the diabetes and what can she do about it"
junk=$(python3 -c "import random; random.seed(7); print(' '.join(''.join(random.choice('bcdfghjklmnpqrstvwxz') for _ in range(7)) for _ in range(60)))")
rm -rf "$work/ix-api"
"$hx" index "$work/api" --index "$work/ix-api" -q
echo "query of 60 non-words: $(median_ms "$hx" search --index "$work/ix-tiny" --no-refresh "$junk") ms; long question: $(median_ms "$hx" search --index "$work/ix-tiny" --no-refresh "$long") ms"

if command -v wrk >/dev/null; then
  port=18391
  "$hx" serve --index "$work/ix-api" --port $port >/dev/null 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  rate=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$port/api/articles/table.md" | awk '/Requests\/sec/ {print $2}')
  echo "/api/articles for a $(du -k "$work/api/table.md" | cut -f1) KB table article: $rate requests/s, server peak RSS $(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 )) MiB"
fi

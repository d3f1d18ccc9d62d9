#!/usr/bin/env python3
"""Aggregate the measurements of benches/compare/run.sh (standard library only).

Reads WORK/raw.jsonl (one record per measurement, written by run.sh),
the query timing files it names (hyperfine --export-json, or timeloop.py),
WORK/meta.tsv and WORK/prep/queries.json; prints the table and writes
WORK/results.json.
"""

import argparse
import json
import os
import re
import statistics
import sys

TOOLS = {
    "healthdex": "healthdex",
    "healthdex-baseline": "healthdex baseline",
    "tantivy-cli": "tantivy-cli",
    "sqlite-fts5": "SQLite FTS5",
    "pagefind": "Pagefind",
}

# (task id, label, tools in table order, input of each tool)
TASKS = [
    (
        "index",
        "index from scratch",
        [
            ("healthdex", "Markdown files"),
            ("healthdex-baseline", "Markdown files, the --baseline build"),
            ("tantivy-cli", "NDJSON sections, en_stem, -t 2"),
            ("sqlite-fts5", "CSV sections, porter"),
            ("pagefind", "HTML pages"),
        ],
    ),
    (
        "reindex-nochange",
        "re-index, nothing changed",
        [("healthdex", "Markdown files"), ("healthdex-baseline", "Markdown files, the --baseline build")],
    ),
    ("reindex-one-changed", "re-index, 1 article changed", [("healthdex", "Markdown files")]),
    (
        "search-median",
        "search, median query (process)",
        [("healthdex", "search --no-refresh"), ("sqlite-fts5", "sqlite3 CLI, MATCH ... ORDER BY rank")],
    ),
    (
        "search-total",
        "search, all queries (sum)",
        [("healthdex", "search --no-refresh"), ("sqlite-fts5", "sqlite3 CLI, MATCH ... ORDER BY rank")],
    ),
    ("bench-p50", "search, in process, p50 (bench)", [("healthdex", "healthdex bench, snippets")]),
    ("bench-p90", "search, in process, p90 (bench)", [("healthdex", "healthdex bench, snippets")]),
]


def median(xs):
    return statistics.median(xs) if xs else None


def fmt_time(s):
    if s is None:
        return "-"
    if s < 0.001:
        return f"{s * 1000:.3f} ms"
    if s < 0.01:
        return f"{s * 1000:.2f} ms"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    return f"{s:.2f} s"


def fmt_rss(kb):
    if kb is None:
        return "-"
    return f"{kb / 1024:.1f} MiB"


def fmt_ratio(x):
    if x is None:
        return "-"
    return f"{x:.2f}x" if x < 10 else f"{x:.1f}x"


def bench_stats(path):
    """p50 and p90 in seconds from `healthdex bench` output (JSON, or the text summary)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    try:
        d = json.loads(text)
        return {k: d[k + "_ms"] / 1000 for k in ("p50", "p90") if isinstance(d.get(k + "_ms"), (int, float))}
    except ValueError:
        found = {k: re.search(k + r"\s+([0-9.]+)", text) for k in ("p50", "p90")}
        return {k: float(m.group(1)) / 1000 for k, m in found.items() if m}


def read_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if "\t" in line:
                    k, v = line.split("\t", 1)
                    meta[k] = v
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    work = args.work

    meta = read_meta(os.path.join(work, "meta.tsv"))
    records = []
    with open(os.path.join(work, "raw.jsonl"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    queries = []
    qpath = os.path.join(work, "prep", "queries.json")
    if os.path.exists(qpath):
        with open(qpath, encoding="utf-8") as f:
            queries = json.load(f)
    rounds = int(meta.get("rounds", "0") or 0)

    unavailable = {}  # tool -> note
    skipped = {}  # (task, tool) -> note
    notes = []
    samples = {}  # (task, tool) -> list of per-round dicts {wall, rss, ok}
    per_query = {}  # tool -> query index -> list of per-round medians
    failed_queries = {}  # tool -> query indexes that exited non-zero in some round

    def add(task, tool, rnd, wall, rss, ok, rc=None):
        samples.setdefault((task, tool), []).append({"round": rnd, "wall_s": wall, "rss_kb": rss, "ok": ok, "rc": rc})

    rss_by_round = {}  # (tool, round) -> list of rss of single query runs
    wall_by_round = {}  # (tool, round) -> list of single-run walls (only used without timing files)
    timing_rounds = set()
    for r in records:
        kind = r.get("kind")
        if kind == "unavailable":
            unavailable[r["tool"]] = r.get("note", "")
        elif kind == "skipped":
            tasks = ["bench-p50", "bench-p90"] if r["task"] == "healthdex-bench" else [r["task"]]
            for t in tasks:
                skipped[(t, r["tool"])] = r.get("note", "")
        elif kind == "note":
            notes.append(r["text"])
        elif kind == "run":
            wall = r["t1"] - r["t0"] if r.get("t0") is not None and r.get("t1") is not None else None
            ok = r.get("rc") == 0
            if r["task"] == "search-rss":
                key = (r["tool"], r["round"])
                if ok:
                    rss_by_round.setdefault(key, []).append(r.get("rss_kb"))
                    wall_by_round.setdefault(key, []).append(wall)
                else:
                    rss_by_round.setdefault(key, []).append(None)
                continue
            if r["task"] == "healthdex-bench":
                # The bench process runs every query many times; its own figures are the
                # in-process latencies. The whole process time is kept in results.json.
                stats = bench_stats(r.get("out", "")) if ok else None
                add("bench-process", r["tool"], r["round"], wall, r.get("rss_kb"), ok, r.get("rc"))
                for k in ("p50", "p90"):
                    v = (stats or {}).get(k)
                    add("bench-" + k, r["tool"], r["round"], v, r.get("rss_kb"), ok and v is not None, r.get("rc"))
                continue
            add(r["task"], r["tool"], r["round"], wall, r.get("rss_kb"), ok, r.get("rc"))
        elif kind == "queries":
            tool, rnd = r["tool"], r["round"]
            try:
                with open(r["timing_json"], encoding="utf-8") as f:
                    timing = json.load(f)["results"]
            except (OSError, ValueError, KeyError) as e:
                notes.append(f"{tool}: round {rnd}: could not read query timings ({e})")
                continue
            timing_rounds.add((tool, rnd))
            meds, failed = [], 0
            for i, res in enumerate(timing):
                if any(c != 0 for c in res.get("exit_codes", [])):
                    failed += 1
                    failed_queries.setdefault(tool, set()).add(i)
                meds.append(res["median"])
                per_query.setdefault(tool, {}).setdefault(i, []).append(res["median"])
            if failed:
                notes.append(f"{tool}: round {rnd}: {failed} of {len(timing)} queries exited non-zero")
            r["_meds"] = meds
            r["_ok"] = failed == 0

    partial = set()
    # Search rows: per round, the median (and the sum) over queries of each query's
    # median time; peak RSS = the largest RSS over the round's single query runs.
    for r in records:
        if r.get("kind") != "queries" or "_meds" not in r:
            continue
        tool, rnd = r["tool"], r["round"]
        rss_list = rss_by_round.get((tool, rnd), [])
        rss = max((x for x in rss_list if x is not None), default=None)
        # Failed queries are listed in the notes; their times still count.
        if not r["_ok"] or None in rss_list:
            partial.add(tool)
        add("search-median", tool, rnd, median(r["_meds"]), rss, True)
        add("search-total", tool, rnd, sum(r["_meds"]), rss, True)

    rows = []
    for task, label, tools in TASKS:
        task_rows = []
        for tool, inp in tools:
            row = {"task": task, "task_label": label, "tool": tool, "input": inp, "rounds": rounds}
            s = samples.get((task, tool), [])
            if tool == "healthdex-baseline" and not s:
                continue  # no --baseline given
            ok_s = [x for x in s if x["ok"] and x["wall_s"] is not None]
            if tool in unavailable and not s:
                row.update(status="unavailable", note=unavailable[tool])
            elif (task, tool) in skipped and not s:
                row.update(status="skipped", note=skipped[(task, tool)])
            elif not s:
                row.update(status="not run", note="")
            elif not ok_s:
                rcs = sorted({x["rc"] for x in s if x["rc"] is not None})
                row.update(status="failed", note=f"failed in all {len(s)} rounds (exit codes {rcs}); see WORK/logs")
            else:
                row.update(
                    status="ok" if len(ok_s) == len(s) else f"ok in {len(ok_s)} of {len(s)} rounds",
                    median_wall_s=median([x["wall_s"] for x in ok_s]),
                    median_rss_kb=median([x["rss_kb"] for x in ok_s if x["rss_kb"] is not None]),
                    samples_wall_s=[x["wall_s"] for x in s],
                    samples_rss_kb=[x["rss_kb"] for x in s],
                    rounds_ok=len(ok_s),
                )
                if task.startswith("search-") and tool in partial:
                    row["status"] = "some queries failed"
                    row["note"] = "some query runs exited non-zero; see the notes and WORK/logs"
            task_rows.append(row)
        hx = next((x for x in task_rows if x["tool"] == "healthdex" and "median_wall_s" in x), None)
        for row in task_rows:
            if row["tool"] == "healthdex" or hx is None or "median_wall_s" not in row:
                continue
            if row["median_wall_s"]:
                row["ratio_wall"] = hx["median_wall_s"] / row["median_wall_s"]
            if row.get("median_rss_kb") and hx.get("median_rss_kb"):
                row["ratio_rss"] = hx["median_rss_kb"] / row["median_rss_kb"]
        rows.extend(task_rows)

    qrows = []
    for i, q in enumerate(queries):
        qr = {"query": q["query"], "fts5_match": q["fts5_match"]}
        for tool in ("healthdex", "sqlite-fts5"):
            qr[tool + "_median_s"] = median(per_query.get(tool, {}).get(i, []))
            qr[tool + "_failed"] = i in failed_queries.get(tool, set())
        if qr["healthdex_median_s"] and qr["sqlite-fts5_median_s"]:
            qr["ratio_wall"] = qr["healthdex_median_s"] / qr["sqlite-fts5_median_s"]
        qrows.append(qr)

    # ---- print ----
    out = []
    out.append(
        f"healthdex comparison  {meta.get('date', '?')}  {meta.get('arch', '?')}, "
        f"{meta.get('nproc', '?')} CPUs, {meta.get('ram', '?')} RAM"
    )
    out.append("versions: " + meta.get("versions", "?"))
    out.append("command:  " + meta.get("command", "?"))
    out.append(
        f"data:     {meta.get('data', '?')}: {meta.get('articles', '?')} articles, "
        f"{meta.get('sections', '?')} sections; {meta.get('queries', '?')} queries; "
        f"{rounds} rounds, alternating order; query timer: {meta.get('query_timer', '?')}"
    )
    out.append(
        f"load:     1/5/15-minute load average {meta.get('load_start', '?')} before the first round, "
        f"{meta.get('load_end', '?')} after the last (other work on the machine skews the timings)"
    )
    out.append("")
    header = ["task", "tool (input)", "median wall", "peak RSS", "healthdex/peer ratio"]
    table = []
    for row in rows:
        tool = TOOLS.get(row["tool"], row["tool"]) + " (" + row["input"] + ")"
        if "median_wall_s" in row:
            wall, rss = fmt_time(row["median_wall_s"]), fmt_rss(row.get("median_rss_kb"))
            if row["status"] != "ok":
                wall += f" [{row['status']}]"
        else:
            wall, rss = row["status"], "-"
        if row["tool"] == "healthdex":
            ratio = "-"
        elif "ratio_wall" in row:
            ratio = f"wall {fmt_ratio(row['ratio_wall'])}, RSS {fmt_ratio(row.get('ratio_rss'))}"
        else:
            ratio = "-"
        table.append([row["task_label"], tool, wall, rss, ratio])
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    out.append(line(header))
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for t in table:
        out.append(line(t))
    out.append("")
    out.append(
        "ratio = healthdex median / peer median (below 1: healthdex is faster or smaller). "
        "Peers have no incremental update: after any change they rebuild (the 'index from scratch' rows)."
    )
    seen = set()
    for tool, note in unavailable.items():
        seen.add((tool, "unavailable", note))
        out.append(f"- {TOOLS.get(tool, tool)}: unavailable: {note}")
    for row in rows:
        key = (row["tool"], row["status"], row.get("note"))
        if row.get("note") and key not in seen:
            seen.add(key)
            out.append(f"- {row['task_label']} / {TOOLS.get(row['tool'], row['tool'])}: {row['status']}: {row['note']}")
    for n in notes:
        out.append("- " + n)
    if meta.get("sizes"):
        out.append("- on-disk index size: " + meta["sizes"])
    if meta.get("checks"):
        out.append("- checks: " + meta["checks"])
    if any(q.get("healthdex_median_s") for q in qrows):
        out.append("")
        out.append("per query, median whole-process wall time over rounds (each round: hyperfine median):")
        qw = max(len(q["query"][:60]) for q in qrows)
        out.append(f"  {'query'.ljust(qw)}  {'healthdex':>10}  {'sqlite':>10}  {'ratio':>6}")

        def cell(q, tool):
            return fmt_time(q.get(tool + "_median_s")) + ("!" if q.get(tool + "_failed") else "")

        for q in qrows:
            text = q["query"] if len(q["query"]) <= 60 else q["query"][:57] + "..."
            out.append(
                f"  {text.ljust(qw)}  {cell(q, 'healthdex'):>10}  "
                f"{cell(q, 'sqlite-fts5'):>10}  {fmt_ratio(q.get('ratio_wall')):>6}"
            )
        if failed_queries:
            out.append("  ! = the command exited non-zero in at least one run")
    print("\n".join(out))

    bench_process = samples.get(("bench-process", "healthdex"))
    result = {"bench_process": bench_process, "meta": meta, "rows": rows, "queries": qrows, "notes": notes, "unavailable": unavailable}
    with open(os.path.join(work, "results.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
    with open(os.path.join(work, "results.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fallback for hyperfine: time whole-process commands in a plain loop.

Each command is one shell-quoted line (split with shlex, run without a shell).
Writes a JSON file shaped like `hyperfine --export-json` (results[].command,
median, mean, min, max, times, exit_codes), plus max_rss_kb per command.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, proc.returncode, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--export-json", required=True)
    ap.add_argument("commands", nargs="+")
    args = ap.parse_args()

    results = []
    for cmd in args.commands:
        argv = shlex.split(cmd)
        for _ in range(args.warmup):
            run_once(argv)
        times, codes, rss = [], [], []
        for _ in range(args.runs):
            t, code, maxrss = run_once(argv)
            times.append(t)
            codes.append(code)
            rss.append(maxrss)
        results.append(
            {
                "command": cmd,
                "mean": statistics.fmean(times),
                "median": statistics.median(times),
                "min": min(times),
                "max": max(times),
                "times": times,
                "exit_codes": codes,
                "max_rss_kb": max(rss),
            }
        )
    with open(args.export_json, "w", encoding="utf-8") as f:
        json.dump({"results": results, "timer": "benches/compare/timeloop.py"}, f, indent=1)


if __name__ == "__main__":
    main()

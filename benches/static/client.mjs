// One fresh search client, run in its own Node process by bench.mjs so that no
// module, wasm instance or loaded chunk survives from another measurement. It
// opens one engine from the logging server, runs its plan and writes what it saw
// to a JSON file; the bytes are in the server's ledger, cut at the marks sent
// here before each step.
//
//   node --import ./lib/http-import.mjs client.mjs PLAN.json OUT.json
//
// PLAN: {engine, siteBase, markBase, cold, query?, shown, timedRuns}
// - step "cold": open the engine and search `cold`, loading what the first
//   `shown` results show (everything a first visitor downloads);
// - step "warm" (if `query`): search `query` the same way, on the same client;
// - step "timed": `timedRuns` more searches of `query` (or of `cold`), with the
//   data all loaded, each timed; the harness takes their median.

import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openEngine } from "./lib/engines.mjs";

async function mark(plan, label) {
  const res = await fetch(plan.markBase + encodeURIComponent(label));
  await res.arrayBuffer();
}

async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function run(plan) {
  const out = { engine: plan.engine, cold: plan.cold, query: plan.query ?? null };

  await mark(plan, "cold");
  const cold = await timed(async () => {
    const engine = await openEngine(plan.engine, plan.siteBase);
    return { engine, result: await engine.search(plan.cold, plan.shown) };
  });
  const engine = cold.value.engine;
  out.coldMs = cold.ms;
  out.coldResult = cold.value.result;

  const again = plan.query ?? plan.cold;
  if (plan.query !== undefined && plan.query !== null) {
    await mark(plan, "warm");
    const warm = await timed(() => engine.search(plan.query, plan.shown));
    out.warmMs = warm.ms;
    out.result = warm.value;
  }

  await mark(plan, "timed");
  out.timedMs = [];
  out.timedSearchOnlyMs = [];
  for (let i = 0; i < plan.timedRuns; i++) {
    out.timedMs.push((await timed(() => engine.search(again, plan.shown))).ms);
    out.timedSearchOnlyMs.push((await timed(() => engine.searchOnly(again))).ms);
  }
  await mark(plan, "end");
  return out;
}

const [planPath, outPath] = process.argv.slice(2);
if (!planPath || !outPath) {
  console.error("usage: node --import ./lib/http-import.mjs client.mjs PLAN.json OUT.json");
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planPath, "utf8"));
try {
  writeFileSync(outPath, JSON.stringify(await run(plan)));
  process.exit(0);
} catch (e) {
  writeFileSync(outPath, JSON.stringify({ engine: plan.engine, error: String(e?.stack ?? e) }));
  process.exit(1);
}

// The measuring half of benches/static/run.sh: serves a rendered site holding
// both engines' bundles, drives each engine's JS API from fresh Node clients,
// and reports bytes, query times and relevance side by side with issue 11's
// budgets. run.sh builds the site, the bundles and the server's figures first.
//
//   node bench.mjs --site SITE --suite medquad=FILE [--suite NAME=FILE …]
//        [--server-eval NAME=EVAL.json …] [--build ENGINE=TIME.txt[,TIME.txt…] …]
//        [--cold QUERY …] [--timed-runs 3] [--out results/NAME.json]
//
// Per engine, in one run, with queries of both engines interleaved:
// - cold: one fresh client per cold query: open the engine, search, load what the
//   first 10 results show. Every file it fetched is billed at its sent size;
// - warm: one fresh client per judged query: the first cold query, then that
//   query (its bytes are the warm figure), then `--timed-runs` more searches of it
//   with everything loaded, timed (the query time is their median);
// - relevance: each judged query's first 10 sections, scored as `healthdex eval`;
// - whole bundle: every file of the engine's folder at its sent size.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus, totalmem, loadavg } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { folderSize, isDir, sentSize } from "./lib/bytes.mjs";
import { ENGINES } from "./lib/engines.mjs";
import { mean, readJudgments, score } from "./lib/eval.mjs";
import { healthdexRanking, pagefindRanking, pagefindRankingAllSubResults, readManifest } from "./lib/mapping.mjs";
import { startServer, steps } from "./lib/server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
/** Results shown on the first page, whose fragments a page loads. */
const SHOWN = 10;
/** A client that takes longer than this is stopped and reported as failed. */
const CLIENT_TIMEOUT_MS = 120_000;
const DEFAULT_COLD = ["high blood pressure", "hypertension", "kidney stones", "heart attack symptoms", "diabetis", "what causes migraine headaches"];

/** Issue 11's budgets, each a check on the figures of one run. */
const BUDGETS = {
  coldBytes: 120_000,
  warmMedianBytes: 40_000,
  bundleShare: 0.5,
  buildShare: 0.1,
  p50Ms: 10,
  p99Ms: 50,
  relevanceShare: 0.95,
};

function pairs(list, what) {
  const out = {};
  for (const item of list ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`--${what} ${item}: expected NAME=FILE`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const median = (values) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `/usr/bin/time -v` output → `{wallSeconds, peakRssKb}`. */
export function parseTimeV(text) {
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(text);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const status = /Exit status: (\d+)/.exec(text);
  let wallSeconds = null;
  if (wall) {
    wallSeconds = wall[1].split(":").reduce((s, part) => s * 60 + Number(part), 0);
  }
  return { wallSeconds, peakRssKb: rss ? Number(rss[1]) : null, exitStatus: status ? Number(status[1]) : null };
}

/** Several builds' `/usr/bin/time -v` files → the median wall time and peak RSS, and each run. */
export function buildFigures(files) {
  const runs = files.map((file) => ({ file, ...parseTimeV(readFileSync(file, "utf8")) }));
  return {
    runs,
    wallSeconds: median(runs.map((r) => r.wallSeconds).filter((x) => x !== null)),
    peakRssKb: median(runs.map((r) => r.peakRssKb).filter((x) => x !== null)),
  };
}

/** Runs one client process on `plan`; resolves to what it wrote. */
function runClient(work, plan, n) {
  const planPath = join(work, `plan-${n}.json`);
  const outPath = join(work, `out-${n}.json`);
  writeFileSync(planPath, JSON.stringify(plan));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", pathToFileURL(join(HERE, "lib", "http-import.mjs")).href, join(HERE, "client.mjs"), planPath, outPath], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), CLIENT_TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      let out = { error: `client exited with ${signal ?? code} and wrote nothing: ${stderr.trim()}` };
      if (existsSync(outPath)) out = JSON.parse(readFileSync(outPath, "utf8"));
      if (out.error && stderr) out.stderr = stderr.trim();
      resolve(out);
    });
  });
}

/** Bytes a browser fetches that a Node client does not (Pagefind's web worker). */
function browserOnlyFiles(site, engine) {
  if (engine !== "pagefind") return [];
  const worker = join(site, "pagefind", "pagefind-worker.js");
  return existsSync(worker) ? [{ file: "pagefind/pagefind-worker.js", sent: sentSize(readFileSync(worker)).sent }] : [];
}

class Bench {
  constructor(options) {
    this.options = options;
    this.site = options.site;
    this.manifest = readManifest(join(this.site, "render-manifest.json"));
    this.work = mkdtempSync(join(tmpdir(), "hx-static-bench-"));
    this.clients = 0;
    this.failures = [];
  }

  async start() {
    this.server = await startServer(this.site);
  }

  async stop() {
    await this.server.close();
    rmSync(this.work, { recursive: true, force: true });
  }

  /** One fresh client: its output and its ledger cut into steps. */
  async client(engine, cold, query) {
    const id = `${engine}-${++this.clients}`;
    const plan = {
      engine,
      siteBase: this.server.base(id),
      markBase: `${this.server.origin}/__mark/${id}/`,
      cold,
      query,
      shown: SHOWN,
      timedRuns: this.options.timedRuns,
    };
    const out = await runClient(this.work, plan, this.clients);
    const billed = steps(this.server.ledger(id));
    if (out.error) this.failures.push({ engine, cold, query, error: out.error });
    for (const step of Object.values(billed)) {
      if (step.missing.length) this.failures.push({ engine, cold, query, error: `404 for ${step.missing.join(", ")}` });
    }
    return { out, billed };
  }

  ranking(engine, result) {
    if (!result) return [];
    return engine === "pagefind" ? pagefindRanking(this.manifest, result.pages) : healthdexRanking(result.hits);
  }

  async cold(engines) {
    const out = Object.fromEntries(engines.map((e) => [e, []]));
    const extra = Object.fromEntries(engines.map((e) => [e, browserOnlyFiles(this.site, e)]));
    for (const query of this.options.cold) {
      for (const engine of engines) {
        const { out: o, billed } = await this.client(engine, query, null);
        const step = billed.cold ?? { sent: 0, files: 0, requests: 0, list: [] };
        const browserOnly = extra[engine].reduce((s, f) => s + f.sent, 0);
        out[engine].push({
          query,
          bytes: step.sent + browserOnly,
          nodeBytes: step.sent,
          browserOnly: extra[engine],
          files: step.files + extra[engine].length,
          requests: step.requests,
          ms: o.coldMs ?? null,
          results: o.coldResult?.total ?? null,
          fetched: step.list,
          error: o.error ?? null,
        });
      }
    }
    return out;
  }

  async suite(engines, name, judgments, serverNdcg = {}) {
    const perEngine = Object.fromEntries(engines.map((e) => [e, []]));
    for (const judged of judgments) {
      for (const engine of engines) {
        const { out: o, billed } = await this.client(engine, this.options.cold[0], judged.query);
        const ranked = this.ranking(engine, o.result);
        perEngine[engine].push({
          id: judged.id,
          class: judged.class,
          query: judged.query,
          warmBytes: billed.warm?.sent ?? null,
          warmFiles: billed.warm?.files ?? null,
          warmRequests: billed.warm?.requests ?? null,
          timedBytes: billed.timed?.sentRepeated ?? null,
          warmMs: o.warmMs ?? null,
          queryMs: o.timedMs ? median(o.timedMs) : null,
          searchOnlyMs: o.timedSearchOnlyMs ? median(o.timedSearchOnlyMs) : null,
          total: o.result?.total ?? null,
          ranked: ranked.slice(0, SHOWN),
          metrics: score(ranked, judged.relevant),
          ...(engine === "pagefind" && o.result
            ? { metricsAllSubResults: score(pagefindRankingAllSubResults(this.manifest, o.result.pages), judged.relevant) }
            : {}),
          serverNdcg: serverNdcg[judged.id] ?? null,
          error: o.error ?? null,
        });
      }
      process.stderr.write(".");
    }
    process.stderr.write(` ${name}\n`);
    return Object.fromEntries(engines.map((e) => [e, summarizeSuite(perEngine[e])]));
  }
}

function summarizeSuite(queries) {
  const ok = queries.filter((q) => !q.error);
  const warm = ok.map((q) => q.warmBytes).filter((b) => b !== null);
  const times = ok.map((q) => q.queryMs).filter((t) => t !== null);
  const searchOnly = ok.map((q) => q.searchOnlyMs).filter((t) => t !== null);
  return {
    queries: queries.length,
    failed: queries.length - ok.length,
    warmBytes: { median: median(warm), p90: quantile(warm, 0.9), max: warm.length ? Math.max(...warm) : null },
    queryMs: { p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times.length ? Math.max(...times) : null },
    searchOnlyMs: { p50: quantile(searchOnly, 0.5), p99: quantile(searchOnly, 0.99) },
    emptyResults: ok.filter((q) => q.total === 0).length,
    // Queries whose nDCG@10 differs from the server's (`healthdex eval`) by more than 0.001.
    differFromServer: queries.filter((q) => q.serverNdcg !== null && Math.abs(q.metrics.ndcg - q.serverNdcg) > 1e-3).map((q) => q.id),
    refetchedWhileTimed: ok.filter((q) => q.timedBytes > 0).length,
    relevance: mean(queries.map((q) => q.metrics)),
    ...(queries.some((q) => q.metricsAllSubResults)
      ? { relevanceAllSubResults: mean(queries.map((q) => q.metricsAllSubResults ?? { ndcg: 0, mrr: 0, recall: 0 })) }
      : {}),
    perQuery: queries,
  };
}

function readServerEval(path) {
  const report = JSON.parse(readFileSync(path, "utf8"));
  return {
    file: path,
    queries: report.overall.queries,
    healthdex: report.overall.healthdex,
    baseline: report.overall.baseline,
    perQuery: Object.fromEntries((report.queries ?? []).map((q) => [q.id, q.healthdex.ndcg])),
  };
}

function machine() {
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memGb: Math.round(totalmem() / 1e9),
    loadavg: loadavg(),
    node: process.version,
  };
}

// ---- the report -------------------------------------------------------------

const kb = (b) => (b === null || b === undefined ? "—" : `${(b / 1000).toFixed(1)} KB`);
const mb = (b) => (b === null || b === undefined ? "—" : `${(b / 1e6).toFixed(2)} MB`);
const ms = (t) => (t === null || t === undefined ? "—" : `${t.toFixed(2)} ms`);
const sec = (t) => (t === null || t === undefined ? "—" : `${t.toFixed(2)} s`);
const num = (x) => (x === null || x === undefined ? "—" : x.toFixed(3));
const ratio = (a, b) => (a === null || a === undefined || !b ? "—" : `${(a / b).toFixed(3)}×`);
const verdict = (ok) => (ok === null ? "not measured" : ok ? "pass" : "FAIL");

/**
 * Each budget of issue 11 applied to the results: rows of the printed table. A
 * figure some of whose clients failed is marked "(N failed)", and a budget whose
 * healthdex figure has failures fails: what did not run cannot pass.
 */
export function budgetRows(results) {
  const hx = results.engines.healthdex;
  const pf = results.engines.pagefind;
  const has = (e) => e && !e.unavailable;
  const rows = [];
  // h, p: {text, failed}; ok: healthdex's figure within the budget (null: not measured).
  const add = (measure, h, p, r, budget, ok) => {
    const cell = (c) => (c.failed ? `${c.text} (${c.failed} failed)` : c.text);
    const v = ok === null ? null : ok && !h.failed;
    rows.push({ measure, healthdex: cell(h), pagefind: cell(p), ratio: r, budget, verdict: verdict(v) });
  };
  const fig = (text, failed = 0) => ({ text, failed });
  const within = (value, limit) => (value === null || value === undefined ? null : value <= limit);

  for (const [i, query] of results.cold.entries()) {
    const h = has(hx) ? hx.cold[i] : null;
    const p = has(pf) ? pf.cold[i] : null;
    const hb = h && !h.error ? h.bytes : null;
    const pb = p && !p.error ? p.bytes : null;
    add(`cold first query "${query}"`, fig(kb(hb), h?.error ? 1 : 0), fig(kb(pb), p?.error ? 1 : 0), ratio(hb, pb), "≤ 120 KB", h ? (h.error ? false : within(hb, BUDGETS.coldBytes)) : null);
  }
  const suiteRow = (measure, pick, format, budget, test) => {
    for (const [name, suite] of Object.entries(results.suites)) {
      const h = has(hx) ? suite.healthdex : null;
      const p = has(pf) ? suite.pagefind : null;
      const hv = h ? pick(h) : null;
      const pv = p ? pick(p) : null;
      const ok = h ? (h.failed ? false : hv === null || hv === undefined ? null : test(hv, name)) : null;
      add(measure(name, suite), fig(format(hv), h?.failed ?? 0), fig(format(pv), p?.failed ?? 0), ratio(hv, pv), typeof budget === "function" ? budget(name) : budget, ok);
    }
  };
  suiteRow((name, suite) => `warm query, median (${name}, ${suite.queries} queries)`, (e) => e.warmBytes.median, kb, "≤ 40 KB", (v) => v <= BUDGETS.warmMedianBytes);
  {
    const h = has(hx) ? hx.bundle.sent : null;
    const p = has(pf) ? pf.bundle.sent : null;
    add("whole bundle (sent bytes)", fig(`${mb(h)} (${has(hx) ? hx.bundle.files : "—"} files)`), fig(`${mb(p)} (${has(pf) ? pf.bundle.files : "—"} files)`), ratio(h, p), "≤ ½ Pagefind's", h == null || p == null ? null : h <= BUDGETS.bundleShare * p);
  }
  {
    const h = has(hx) ? hx.build?.wallSeconds : null;
    const p = has(pf) ? pf.build?.wallSeconds : null;
    const runs = (has(hx) ? hx.build?.runs.length : null) ?? (has(pf) ? pf.build?.runs.length : null) ?? 0;
    add(`build time (wall, median of ${runs})`, fig(sec(h)), fig(sec(p)), ratio(h, p), "≤ 1/10 Pagefind's", h == null || p == null ? null : h <= BUDGETS.buildShare * p);
    const hr = has(hx) ? hx.build?.peakRssKb : null;
    const pr = has(pf) ? pf.build?.peakRssKb : null;
    const mib = (kb) => (kb == null ? "—" : `${(kb / 1024).toFixed(0)} MiB`);
    add("build peak RSS", fig(mib(hr)), fig(mib(pr)), ratio(hr, pr), "(none)", null);
  }
  suiteRow((name) => `query time p50 (${name})`, (e) => e.queryMs.p50, ms, "≤ 10 ms", (v) => v <= BUDGETS.p50Ms);
  suiteRow((name) => `query time p99 (${name})`, (e) => e.queryMs.p99, ms, "≤ 50 ms", (v) => v <= BUDGETS.p99Ms);
  const server = (name) => results.server[name]?.healthdex.ndcg ?? null;
  suiteRow(
    (name) => `nDCG@10 (${name}); server ${num(server(name))}`,
    (e) => e.relevance.ndcg,
    num,
    (name) => `≥ 0.95 × server = ${server(name) === null ? "—" : (BUDGETS.relevanceShare * server(name)).toFixed(3)}`,
    (v, name) => (server(name) === null ? null : v >= BUDGETS.relevanceShare * server(name)),
  );
  return rows;
}

export function formatTable(rows) {
  const head = ["measure", "healthdex", "Pagefind", "healthdex / Pagefind", "budget", "verdict"];
  const body = rows.map((r) => [r.measure, r.healthdex, r.pagefind, r.ratio, r.budget, r.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  return [line(head), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

const USAGE = "usage: node bench.mjs --site SITE --suite NAME=FILE [--server-eval NAME=FILE] [--build ENGINE=FILE[,FILE]] [--cold QUERY] [--engines pagefind,healthdex] [--timed-runs N] [--note TEXT] [--out FILE]";

/** The command line, checked: what to measure and where the inputs are. */
function readCommandLine() {
  const { values } = parseArgs({
    options: {
      site: { type: "string" },
      suite: { type: "string", multiple: true },
      "server-eval": { type: "string", multiple: true },
      build: { type: "string", multiple: true },
      cold: { type: "string", multiple: true },
      "timed-runs": { type: "string", default: "3" },
      engines: { type: "string", default: "pagefind,healthdex" },
      note: { type: "string", multiple: true },
      out: { type: "string" },
    },
  });
  if (!values.site || !values.suite) {
    console.error(USAGE);
    process.exit(2);
  }
  const engines = values.engines.split(",").map((e) => e.trim()).filter(Boolean);
  for (const engine of engines) {
    if (!ENGINES[engine]) throw new Error(`unknown engine "${engine}" in --engines: use pagefind and/or healthdex`);
  }
  return {
    site: values.site,
    cold: values.cold?.length ? values.cold : DEFAULT_COLD,
    timedRuns: Math.max(1, Number(values["timed-runs"]) || 3),
    engines,
    suites: pairs(values.suite, "suite"),
    serverEval: pairs(values["server-eval"], "server-eval"),
    builds: pairs(values.build, "build"),
    notes: values.note ?? [],
    out: values.out ?? null,
  };
}

/** What can be said of each engine before searching: its bundle and builds, or why it is absent. */
function describeEngine(options, engine) {
  const folder = join(options.site, ENGINES[engine].folder);
  if (!isDir(folder) || !existsSync(join(options.site, ENGINES[engine].entry))) {
    return { unavailable: `no ${ENGINES[engine].entry} in ${options.site}` };
  }
  const builds = options.builds[engine];
  return { bundle: folderSize(folder), build: builds ? buildFigures(builds.split(",")) : null };
}

/** Cold queries, then every suite, for the engines present; fills `results`. */
async function measure(options, results) {
  const engines = options.engines.filter((e) => !results.engines[e].unavailable);
  const bench = new Bench(options);
  await bench.start();
  try {
    const cold = await bench.cold(engines);
    for (const engine of engines) results.engines[engine].cold = cold[engine];
    for (const [name, file] of Object.entries(options.suites)) {
      const judgments = readJudgments(file);
      const perEngine = await bench.suite(engines, name, judgments, results.server[name]?.perQuery);
      results.suites[name] = { file, queries: judgments.length, ...perEngine };
    }
  } finally {
    await bench.stop();
  }
  results.failures = bench.failures;
}

/** The table on stdout; with `out`, the JSON and the table beside it. */
function report(results, out) {
  results.table = budgetRows(results);
  const table = formatTable(results.table);
  console.log(table);
  if (results.failures.length) {
    console.error(`\n${results.failures.length} client failures or missing files; first: ${JSON.stringify(results.failures[0]).slice(0, 600)}`);
  }
  if (out) {
    const txt = out.replace(/\.json$/, "") + ".txt";
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 1) + "\n");
    writeFileSync(txt, table + "\n");
    console.error(`results: ${out} (and ${basename(txt)})`);
  }
}

async function main() {
  const options = readCommandLine();
  const results = {
    machine: machine(),
    site: options.site,
    cold: options.cold,
    timedRuns: options.timedRuns,
    notes: options.notes,
    engines: Object.fromEntries(options.engines.map((e) => [e, describeEngine(options, e)])),
    server: Object.fromEntries(Object.entries(options.serverEval).map(([name, file]) => [name, readServerEval(file)])),
    suites: {},
    failures: [],
  };
  await measure(options, results);
  report(results, options.out);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`bench.mjs: ${e.message}`);
    process.exit(1);
  });
}

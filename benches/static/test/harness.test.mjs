// Tests of the bench's own arithmetic and plumbing, which every figure it prints
// rests on: the scoring (the same numbers as src/search/eval.rs's tests), the
// sent-size rule, the mapping of Pagefind's results to judged sections, the
// server's per-client ledger, the renderer's anchors, and the budget verdicts.
//
//   node --test benches/static/test/
//
// The rendering test needs markdown-it (`npm ci` in benches/static).

import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { test } from "node:test";

import { budgetRows, buildFigures, parseTimeV } from "../bench.mjs";
import { compressedFormat, folderSize, sentSize } from "../lib/bytes.mjs";
import { DEPTH, mean, score } from "../lib/eval.mjs";
import { pagefindRanking, pagefindRankingAllSubResults, sectionIdOfUrl, shownUrls } from "../lib/mapping.mjs";
import { fileFor, parseRequestPath, startServer, steps } from "../lib/server.mjs";
import { articleUrl, bodyLines, render } from "../render.mjs";

const close = (a, b) => Math.abs(a - b) < 1e-9;

test("scores match eval.rs: a perfect ranking is 1, a swap is less, grade 1 is no MRR", () => {
  const perfect = score(["a#x", "b#", "c#"], { "a#x": 3, "b#": 2 });
  assert.ok(close(perfect.ndcg, 1) && perfect.mrr === 1 && perfect.recall === 1, JSON.stringify(perfect));

  const swapped = score(["b#", "a#x"], { "a#x": 3, "b#": 1 });
  // dcg = 1/log2(2) + 7/log2(3); idcg = 7/log2(2) + 1/log2(3)
  const want = (1 + 7 / Math.log2(3)) / (7 + 1 / Math.log2(3));
  assert.ok(close(swapped.ndcg, want), `${swapped.ndcg} vs ${want}`);
  assert.equal(swapped.mrr, 0.5);

  assert.deepEqual(score(["z#"], { "a#x": 3, "b#": 1 }), { ndcg: 0, mrr: 0, recall: 0 });
  assert.equal(score(["b#"], { "a#x": 3, "b#": 1 }).recall, 0.5);
});

test("scores look at the first DEPTH sections only, and the ideal at DEPTH judged ones", () => {
  const relevant = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p#${i}`, 1]));
  const late = [...Array.from({ length: DEPTH }, (_, i) => `x#${i}`), "p#0"];
  assert.equal(score(late, relevant).ndcg, 0);
  const all = score(Array.from({ length: 12 }, (_, i) => `p#${i}`), relevant);
  assert.ok(close(all.ndcg, 1));
  assert.ok(close(all.recall, 10 / 12));
  assert.deepEqual(mean([{ ndcg: 1, mrr: 0, recall: 0.5 }, { ndcg: 0, mrr: 1, recall: 0.5 }]), { ndcg: 0.5, mrr: 0.5, recall: 0.5 });
});

test("sent size: compressed content goes as it is, by its bytes, not its name", () => {
  const text = Buffer.from("the same words again and again ".repeat(200));
  const plain = sentSize(text);
  assert.equal(plain.as, "gzip-9");
  assert.equal(plain.sent, gzipSync(text, { level: 9 }).length);
  assert.ok(plain.sent < plain.raw / 10);

  const gz = gzipSync(text);
  assert.deepEqual(sentSize(gz), { raw: gz.length, sent: gz.length, as: "gzip" });
  // A raw wasm module is not compressed, whatever it is called.
  assert.equal(compressedFormat(Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), null);
  assert.equal(compressedFormat(Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1")), "webp");
});

test("folder size sums every file and groups them by their first folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "hx-bytes-"));
  try {
    mkdirSync(join(dir, "index"));
    writeFileSync(join(dir, "index", "a.pf_index"), gzipSync(Buffer.from("aaaa")));
    writeFileSync(join(dir, "index", "b.pf_index"), gzipSync(Buffer.from("bbbb")));
    writeFileSync(join(dir, "entry.json"), "{}");
    const size = folderSize(dir);
    assert.equal(size.files, 3);
    assert.equal(size.groups["index/"].files, 2);
    assert.equal(size.sent, size.groups["index/"].sent + size.groups["entry.json"].sent);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const manifest = {
  byUrl: new Map([
    ["/articles/GHR/0001/", { path: "GHR/0001.md", url: "/articles/GHR/0001/", intro: false, anchors: ["what-is-it", "causes", "treatment", "outlook"] }],
    ["/articles/CDC/0002/", { path: "CDC/0002.md", url: "/articles/CDC/0002/", intro: true, anchors: ["symptoms"] }],
  ]),
};

test("a page URL maps to its intro or, without one, to its first section; anchors are decoded", () => {
  assert.equal(sectionIdOfUrl(manifest, "/articles/GHR/0001/#causes"), "GHR/0001.md#causes");
  assert.equal(sectionIdOfUrl(manifest, "/articles/GHR/0001/"), "GHR/0001.md#what-is-it");
  assert.equal(sectionIdOfUrl(manifest, "/articles/CDC/0002/"), "CDC/0002.md#");
  assert.equal(sectionIdOfUrl(manifest, "/articles/CDC/0002/#%C3%BCber"), "CDC/0002.md#über");
  assert.equal(sectionIdOfUrl(manifest, "/elsewhere/"), "?/elsewhere/");
});

test("Pagefind pages are read as its Default UI shows them: the page first if it matched, then 3 sub-results by matches, in page order", () => {
  const page = "/articles/GHR/0001/";
  const subs = (counts) => counts.map(([anchor, matches]) => ({ url: anchor ? `${page}#${anchor}` : page, matches }));
  const withTop = { url: page, sub_results: subs([[null, 1], ["what-is-it", 1], ["causes", 5], ["treatment", 2], ["outlook", 3]]) };
  assert.deepEqual(shownUrls(withTop), [page, `${page}#causes`, `${page}#treatment`, `${page}#outlook`]);
  const headingsOnly = { url: page, sub_results: subs([["what-is-it", 4], ["causes", 1], ["treatment", 2], ["outlook", 3]]) };
  assert.deepEqual(shownUrls(headingsOnly), [`${page}#what-is-it`, `${page}#treatment`, `${page}#outlook`]);
  assert.deepEqual(shownUrls({ url: page, sub_results: [] }), [page]);

  // The page link lands on the first section, which is then not listed twice.
  const ranked = pagefindRanking(manifest, [
    { url: page, sub_results: subs([[null, 1], ["what-is-it", 2]]) },
    { url: "/articles/CDC/0002/", sub_results: [] },
  ]);
  assert.deepEqual(ranked, ["GHR/0001.md#what-is-it", "CDC/0002.md#"]);

  // The uncapped reading lists every sub-result, most matches first.
  assert.deepEqual(pagefindRankingAllSubResults(manifest, [withTop]), ["GHR/0001.md#causes", "GHR/0001.md#outlook", "GHR/0001.md#treatment", "GHR/0001.md#what-is-it"]);
});

test("the server bills each client for what it fetched between its marks, each file once", async () => {
  const site = mkdtempSync(join(tmpdir(), "hx-serve-"));
  const server = await startServer(site);
  try {
    const body = "x".repeat(5000);
    mkdirSync(join(site, "pf"));
    writeFileSync(join(site, "pf", "a.js"), body);
    writeFileSync(join(site, "pf", "b.bin"), gzipSync(Buffer.from(body)));
    const get = async (path) => (await fetch(server.origin + path)).arrayBuffer();

    await get("/__mark/one/cold");
    await get("/c/one/pf/a.js");
    await get("/c/one/pf/b.bin");
    await get("/__mark/one/warm");
    await get("/c/one/pf/a.js");
    await get("/c/one/pf/missing.js");
    await get("/c/two/pf/a.js");

    const billed = steps(server.ledger("one"));
    assert.equal(billed.cold.files, 2);
    assert.equal(billed.cold.sent, gzipSync(Buffer.from(body), { level: 9 }).length + gzipSync(Buffer.from(body)).length);
    assert.equal(billed.warm.files, 0, "a file already fetched is in the browser's cache");
    assert.equal(billed.warm.requests, 2);
    assert.ok(billed.warm.sentRepeated > 0, "the refetch still shows");
    assert.deepEqual(billed.warm.missing, ["pf/missing.js"]);
    assert.equal(steps(server.ledger("two"))["(before first mark)"].files, 1);
  } finally {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
});

test("a client imports modules over http, relative imports included, and each is billed", async () => {
  const site = mkdtempSync(join(tmpdir(), "hx-import-"));
  const server = await startServer(site);
  try {
    mkdirSync(join(site, "hx", "code"), { recursive: true });
    writeFileSync(join(site, "hx", "entry.js"), 'export { answer } from "./code/answer.js";\n');
    writeFileSync(join(site, "hx", "code", "answer.js"), "export const answer = new URL('.', import.meta.url).pathname;\n");
    const hooks = pathToFileURL(fileURLToPath(new URL("../lib/http-import.mjs", import.meta.url))).href;
    const script = `const m = await import(${JSON.stringify(server.base("imp") + "hx/entry.js")}); console.log(m.answer);`;
    // The server runs in this process, so the child runs asynchronously.
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", hooks, "--input-type=module", "-e", script]);
    assert.equal(stdout.trim(), "/c/imp/hx/code/");
    assert.deepEqual(server.ledger("imp").map((e) => e.file), ["hx/entry.js", "hx/code/answer.js"]);
  } finally {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
});

test("request paths: a client prefix is required and the site folder cannot be left", () => {
  assert.deepEqual(parseRequestPath("/c/pf-1/pagefind/pagefind.js?x=1"), { client: "pf-1", rest: "pagefind/pagefind.js" });
  assert.deepEqual(parseRequestPath("/__mark/pf-1/warm"), { client: "pf-1", mark: "warm" });
  assert.equal(parseRequestPath("/pagefind/pagefind.js"), null);
  assert.equal(fileFor("/site", "../etc/passwd"), null);
  assert.equal(fileFor("/site", "a/../../x"), null);
  assert.equal(fileFor("/site", "articles/x/"), "/site/articles/x/index.html");
});

test("front matter is blanked line for line, so markdown-it's lines are the file's", () => {
  const source = "---\ntitle: A\ntags: [x]\n---\n# A\n\n## Two\n";
  const body = bodyLines(source);
  assert.equal(body.split("\n").length, source.split("\n").length);
  assert.equal(body.split("\n")[6], "## Two");
  assert.ok(!body.includes("title:"));
  assert.equal(articleUrl("GARD/0000001.md"), "/articles/GARD/0000001/");
  assert.equal(articleUrl("a b/c?.md"), "/articles/a%20b/c%3F/");
});

test("rendered pages carry healthdex's anchors on the headings at each section's line, and the manifest maps back", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hx-render-"));
  try {
    const corpus = join(dir, "corpus");
    mkdirSync(join(corpus, "gut"), { recursive: true });
    const text = "---\ntitle: Leaky gut\n---\n# Leaky gut\n\nIntro <b>text</b>.\n\n## Symptoms\n\nBloating.\n\n## Symptoms\n\nMore.\n";
    writeFileSync(join(corpus, "gut", "leaky.md"), text);
    // What `healthdex export --format json` says of it (lines of the headings).
    const exported = {
      articles: [
        {
          path: "gut/leaky.md",
          title: "Leaky gut",
          meta: { tags: ["gut"], authors: ["A. Writer"] },
          sections: [
            { heading: null, anchor: "", line: 6, level: 0 },
            { heading: "Symptoms", anchor: "symptoms", line: 8, level: 2 },
            { heading: "Symptoms", anchor: "symptoms-1", line: 12, level: 2 },
          ],
        },
      ],
    };
    writeFileSync(join(dir, "export.json"), JSON.stringify(exported));
    const site = join(dir, "site");
    const written = await render({ corpus, out: site, export: join(dir, "export.json") });
    assert.deepEqual(written.missingAnchors, []);
    const html = readFileSync(join(site, "articles", "gut", "leaky", "index.html"), "utf8");
    const main = html.slice(html.indexOf("<main data-pagefind-body>"), html.indexOf("</main>"));
    assert.match(main, /<h2 id="symptoms">Symptoms<\/h2>[\s\S]*<h2 id="symptoms-1">Symptoms<\/h2>/);
    assert.equal((main.match(/<h1>/g) ?? []).length, 1, "the Markdown title is not repeated");
    assert.ok(!main.includes("data-pagefind-filter"), "topics are outside the searched body");
    assert.match(html, /"@type":"MedicalWebPage"/);
    const manifestOut = JSON.parse(readFileSync(join(site, "render-manifest.json"), "utf8"));
    assert.deepEqual(manifestOut.articles[0], { path: "gut/leaky.md", url: "/articles/gut/leaky/", title: "Leaky gut", intro: true, anchors: ["symptoms", "symptoms-1"] });

    // A folder it did not write is refused; its own output is replaced.
    await render({ corpus, out: site, export: join(dir, "export.json") });
    const other = join(dir, "other");
    mkdirSync(other);
    writeFileSync(join(other, "keep.txt"), "mine");
    await assert.rejects(render({ corpus, out: other, export: join(dir, "export.json") }), /not written by render\.mjs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("build figures take the median wall time and peak RSS of GNU time's reports", () => {
  const report = (wall, rss) => `\tElapsed (wall clock) time (h:mm:ss or m:ss): ${wall}\n\tMaximum resident set size (kbytes): ${rss}\n\tExit status: 0\n`;
  assert.deepEqual(parseTimeV(report("1:02.50", 1000)), { wallSeconds: 62.5, peakRssKb: 1000, exitStatus: 0 });
  const dir = mkdtempSync(join(tmpdir(), "hx-time-"));
  try {
    const files = [["0:05.95", 900], ["0:07.10", 1100], ["0:06.00", 1000]].map(([w, r], i) => {
      const f = join(dir, `${i}.time`);
      writeFileSync(f, report(w, r));
      return f;
    });
    const figures = buildFigures(files);
    assert.equal(figures.wallSeconds, 6);
    assert.equal(figures.peakRssKb, 1000);
    assert.equal(figures.runs.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("budget verdicts: each engine's figure against issue 11's limits, and 'not measured' without healthdex", () => {
  const suite = (warm, p50, p99, ndcg) => ({ warmBytes: { median: warm }, queryMs: { p50, p99 }, relevance: { ndcg } });
  const results = {
    cold: ["high blood pressure"],
    engines: {
      healthdex: { cold: [{ bytes: 110_000 }], bundle: { sent: 9e6, files: 10 }, build: { wallSeconds: 0.5, peakRssKb: 1, runs: [{}] } },
      pagefind: { cold: [{ bytes: 270_000 }], bundle: { sent: 16e6, files: 20 }, build: { wallSeconds: 6, peakRssKb: 2, runs: [{}] } },
    },
    suites: { medquad: { queries: 72, healthdex: suite(41_000, 3, 60, 0.65), pagefind: suite(180_000, 4, 40, 0.2) } },
    server: { medquad: { healthdex: { ndcg: 0.677 } } },
  };
  const verdicts = Object.fromEntries(budgetRows(results).map((r) => [r.measure.split(" (")[0].split(" \"")[0], r.verdict]));
  assert.equal(verdicts["cold first query"], "pass");
  assert.equal(verdicts["warm query, median"], "FAIL");
  assert.equal(verdicts["whole bundle"], "FAIL", "9 MB is more than half of 16 MB");
  assert.equal(verdicts["build time"], "pass");
  assert.equal(verdicts["query time p50"], "pass");
  assert.equal(verdicts["query time p99"], "FAIL");
  assert.equal(verdicts["nDCG@10"], "pass", "0.65 ≥ 0.95 × 0.677");

  // What did not run cannot pass, and says so.
  results.engines.healthdex.cold[0].error = "HTTP 404";
  results.suites.medquad.healthdex.failed = 2;
  const failedRows = budgetRows(results);
  for (const row of failedRows.filter((r) => /cold|warm|query time|nDCG/.test(r.measure))) {
    assert.equal(row.verdict, "FAIL", row.measure);
  }
  assert.equal(failedRows[0].healthdex, "— (1 failed)");
  assert.match(failedRows.find((r) => r.measure.startsWith("warm")).healthdex, /\(2 failed\)$/);

  results.engines.healthdex = { unavailable: "no hx/healthdex.js" };
  assert.ok(budgetRows(results).every((r) => r.verdict === "not measured" && r.healthdex.startsWith("—")));
});

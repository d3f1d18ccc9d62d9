// Conformance of the static bundle's JavaScript planner with the server's Rust
// planner, run by tests/integration/js_planner.rs (plain Node, no packages).
//
//   node tests/js/planner.test.mjs plans TEXT.json SYNONYMS.json PLANS.jsonl
//     Each line of PLANS.jsonl is `healthdex plan --batch` output: a query, its
//     filters, the server's plan and every question the server's planner asked the
//     index vocabulary, with the answer. The JS planner replays the query with a
//     vocabulary that answers only from that record: a question the server did not
//     ask fails, and so does one the server asked that JS did not. The plans must be
//     equal, value for value.
//   node tests/js/planner.test.mjs analysis TEXT.json ANALYSIS.jsonl
//     Each line is `{text, names, stems, key_words}` from the server's analyzers;
//     the JS analyzer must give the same, and each token's offsets must point at
//     its text.
//   node tests/js/planner.test.mjs bundle BUNDLE_DIR PLANS.jsonl
//     End to end: the bundle in BUNDLE_DIR (served over HTTP on loopback, as a
//     static host would) plans each query with its own vocabulary, fetching the
//     chunks it asks for; the plan must equal the server's.
// The first mismatch is printed as a path into the JSON with both values; the
// exit code is 1 when anything differs.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { understand, Analyzer, MAX_SLOTS } = await import(path.join(root, "src/bundle/js/understand.js"));

const [mode, ...files] = process.argv.slice(2);
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const readLines = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));

// The first place two JSON values differ: a path and both values, or null.
function firstDifference(expected, actual, at = "$") {
  if (Object.is(expected, actual)) return null;
  const kind = (v) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  if (kind(expected) !== kind(actual)) return { at, expected, actual };
  if (kind(expected) === "array") {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const d = firstDifference(expected[i], actual[i], `${at}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (kind(expected) === "object") {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const d = firstDifference(expected[key], actual[key], `${at}.${key}`);
      if (d !== null) return d;
    }
    return null;
  }
  return { at, expected, actual };
}

// A vocabulary that answers only what the server was asked, and notes what JS asked.
function replay(trace) {
  if (trace === null) return { vocabulary: null, unasked: () => [] };
  const asked = new Set();
  const answer = (table, name, key) => {
    if (!Object.hasOwn(trace[table], key)) {
      throw new Error(`the JS planner asked ${name}(${JSON.stringify(key)}), which the server's planner did not`);
    }
    asked.add(`${table} ${key}`);
    return trace[table][key];
  };
  return {
    vocabulary: {
      docFreq: (word) => answer("doc_freq", "docFreq", word),
      near: (word, edits) => answer("near", "near", `${edits}|${word}`),
      hasStem: (stem) => answer("has_stem", "hasStem", stem),
      together: (stems, slop) => answer("together", "together", `${slop}|${stems.join(" ")}`),
      isWord: (word) => answer("is_word", "isWord", word),
    },
    unasked: () =>
      Object.entries(trace).flatMap(([table, questions]) =>
        Object.keys(questions)
          .filter((key) => !asked.has(`${table} ${key}`))
          .map((key) => `${table}(${JSON.stringify(key)})`),
      ),
  };
}

// What a server plan exercises, so the caller can require that the queries
// cover every part of the planner.
function features(line) {
  const { plan, vocabulary } = line;
  const options = plan.slots.flatMap((slot) => slot.options);
  const asked = (table, answer) =>
    vocabulary !== null && Object.values(vocabulary[table]).some((a) => answer === undefined || a === answer);
  return {
    empty: plan.slots.length === 0 && plan.required.length === 0,
    all_slots: plan.slots.length === MAX_SLOTS,
    synonym: options.some((o) => o.source === "synonym"),
    correction: options.some((o) => o.source === "correction"),
    either: options.some((o) => o.source === "either"),
    title: plan.required.some((r) => r.within === "title"),
    heading: plan.required.some((r) => r.within === "heading"),
    quoted: plan.required.some((r) => r.within === "anywhere"),
    soft_quotes: plan.notes.soft.length > 0,
    excluded: plan.excluded.length > 0,
    tags: plan.filters.tags.length > 0,
    authors: plan.filters.authors.length > 0,
    evidence: plan.filters.evidence.length > 0,
    since: plan.filters.since !== null,
    until: plan.filters.until !== null,
    dropped: plan.notes.dropped.length > 0,
    did_you_mean: plan.notes.did_you_mean !== null,
    missing: plan.notes.missing.length > 0,
    phrase_boost: plan.boosts.some((b) => b.label.startsWith("phrase:")),
    found_together: asked("together", true),
    not_together: asked("together", false),
    stem_known: asked("has_stem", true),
    stem_unknown: asked("has_stem", false),
  };
}

function checkPlans(textFile, synonymsFile, plansFile) {
  const context = { text: readJson(textFile), synonyms: readJson(synonymsFile) };
  const cases = readLines(plansFile);
  const loading = performance.now();
  understand("", null, { ...context, vocabulary: null });
  const loaded = performance.now() - loading;
  const times = [];
  const coverage = {};
  let failures = 0;
  for (const [index, line] of cases.entries()) {
    for (const [name, present] of Object.entries(features(line))) {
      coverage[name] = (coverage[name] ?? 0) + (present ? 1 : 0);
    }
    const { vocabulary, unasked } = replay(line.vocabulary);
    let problem;
    try {
      const started = performance.now();
      const understood = understand(line.query, line.filters, { ...context, vocabulary });
      times.push(performance.now() - started);
      const plan = JSON.parse(JSON.stringify(understood));
      const difference = firstDifference(line.plan, plan);
      if (difference !== null) {
        problem =
          `plans differ at ${difference.at}\n  server: ${JSON.stringify(difference.expected)}\n` +
          `  js:     ${JSON.stringify(difference.actual)}`;
      } else if (unasked().length > 0) {
        problem = `the server's planner asked what the JS planner did not: ${unasked().join(", ")}`;
      }
    } catch (error) {
      problem = `the JS planner failed: ${error.stack}`;
    }
    if (problem !== undefined) {
      failures += 1;
      if (failures === 1) {
        console.error(`query ${index + 1} of ${plansFile}: ${JSON.stringify(line.query)}`);
        console.error(`filters: ${JSON.stringify(line.filters)}`);
        console.error(problem);
      }
    }
  }
  console.log(`coverage ${JSON.stringify(coverage)}`);
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))]?.toFixed(3);
  console.log(`tables built in ${loaded.toFixed(1)} ms; understand() p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  report(failures, cases.length, "plans");
}

function checkAnalysis(textFile, analysisFile) {
  const analyzer = new Analyzer(readJson(textFile));
  const cases = readLines(analysisFile);
  let failures = 0;
  for (const line of cases) {
    const actual = {
      names: analyzer.names(line.text),
      stems: analyzer.stems(line.text),
      key_words: analyzer.keyWords(line.text),
    };
    const expected = { names: line.names, stems: line.stems, key_words: line.key_words };
    // Snippets mark words by their offsets: each token's text must be there.
    const misplaced = analyzer
      .tokens(line.text)
      .find((t) => analyzer.names(line.text.slice(t.from, t.to))[0]?.[1] !== t.name);
    if (misplaced !== undefined) actual.offsets = misplaced;
    const difference = firstDifference(expected, actual);
    if (difference !== null) {
      failures += 1;
      if (failures <= 5) {
        const codes = Array.from(line.text.slice(0, 80), (c) => c.codePointAt(0).toString(16)).join(" ");
        console.error(`text ${JSON.stringify(line.text.slice(0, 200))} (code points ${codes})`);
        console.error(`  differs at ${difference.at}: server ${JSON.stringify(difference.expected)}, js ${JSON.stringify(difference.actual)}`);
      }
    }
  }
  report(failures, cases.length, "texts");
}

function report(failures, total, what) {
  if (total === 0) {
    console.error(`no ${what} to check`);
    process.exit(1);
  }
  console.log(`${total - failures} of ${total} ${what} equal`);
  if (failures > 0) process.exit(1);
}

// Serves `dir` on loopback; resolves to its base URL and a function that stops it.
async function serve(dir) {
  const { createServer } = await import("node:http");
  const { readFile } = await import("node:fs/promises");
  const server = createServer(async (request, response) => {
    const relative = path.normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^\/+/, "");
    try {
      if (relative.startsWith("..")) throw new Error("outside the bundle");
      response.writeHead(200).end(await readFile(path.join(dir, relative)));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [`http://127.0.0.1:${server.address().port}/`, () => server.close()];
}

async function checkBundle(bundleDir, plansFile) {
  const [base, stop] = await serve(bundleDir);
  const { open } = await import(path.join(path.resolve(bundleDir), "healthdex.js"));
  const bundle = await open(base);
  const cases = readLines(plansFile);
  let failures = 0;
  for (const [index, line] of cases.entries()) {
    const plan = JSON.parse(JSON.stringify(await bundle.plan({ query: line.query, filters: line.filters })));
    const difference = firstDifference(line.plan, plan);
    if (difference === null) continue;
    failures += 1;
    if (failures <= 3) {
      console.error(`query ${index + 1} of ${plansFile}: ${JSON.stringify(line.query)}`);
      console.error(`  plans differ at ${difference.at}`);
      console.error(`  server: ${JSON.stringify(difference.expected)}`);
      console.error(`  bundle: ${JSON.stringify(difference.actual)}`);
      console.error(`  the server's vocabulary answers: ${JSON.stringify(line.vocabulary)}`);
    }
  }
  stop();
  report(failures, cases.length, "bundle plans");
}

if (mode === "plans" && files.length === 3) checkPlans(...files);
else if (mode === "bundle" && files.length === 2) await checkBundle(...files);
else if (mode === "analysis" && files.length === 2) checkAnalysis(...files);
else {
  console.error(
    "usage: planner.test.mjs plans TEXT.json SYNONYMS.json PLANS.jsonl | analysis TEXT.json ANALYSIS.jsonl | bundle BUNDLE_DIR PLANS.jsonl",
  );
  process.exit(2);
}

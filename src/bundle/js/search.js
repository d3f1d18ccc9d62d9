// healthdex static search: `openBundle(base, meta)` opens a bundle written by
// `healthdex bundle`, and `bundle.search(query, options)` answers with the JSON of
// the server's `/api/search`. A search plans the query with the planner the server
// uses (ported to plan/, proved equal to it by tests/js), fetching only the
// synonym shards of its words and the chunks of the vocabulary and of the index
// the plan's words live in; ranks sections
// (score.js); and fetches the fragments of the sections it shows (one file each,
// found through the files of fragment names), for titles, links and snippets
// (snippet.js).

import {
  BODY,
  FIELDS,
  HEADING,
  TITLE,
  compareText,
  decodeDocs,
  decodeJson,
  decodeNames,
  decodeTerms,
  decodeVocabulary,
  fetchData,
  fetchJson,
  lastAtMost,
  mergeSynonymShards,
  synonymShard,
} from "./data.js";
import { Scorer } from "./score.js";
import { SnippetMaker } from "./snippet.js";
import { cueStems, understand } from "./understand.js";
import { analyzerFor } from "./plan/analyzer.js";
import { keyWord } from "./plan/keys.js";
import { trim } from "./plan/parse.js";

/** The bundle layout this code reads. */
const FORMAT = 2;
/** As the server's HTTP API (src/search/limits.rs, `Profile::HTTP`). */
const LIMITS = { maxQueryChars: 512, maxLimit: 100, maxOffset: 10_000, clipChars: 1_000 };
const DEFAULT_LIMIT = 10;
const FIRST_PAGE = 10;
const SECTIONS_PER_GROUP = 3;
const MAX_ARRANGED_SECTIONS = 5_000;
/** How many of the most frequent completions are checked for following the word
 * typed before them (CONTEXT_CHECKED in src/search/suggest.rs). */
const CONTEXT_CHECKED = 32;

/** Longest prefix completed, in characters (as src/search/suggest.rs). */
const MAX_PREFIX_CHARS = 64;
/** Completions chunks read for one prefix (a one-letter prefix spans many). */
const MAX_COMPLETION_CHUNKS = 4;
/** Rounds of planning: each may ask for vocabulary chunks the last one did not. */
const MAX_PLANNING_ROUNDS = 6;
/** Merged synonym tables kept for reuse (one per set of shards). */
const MAX_MERGED_SYNONYMS = 32;

/** Opens the bundle whose metadata is `metaPath`, relative to `base`. */
export async function openBundle(base, metaPath) {
  const root = new URL(".", new URL(metaPath, withSlash(base)));
  const top = new URL("..", root);
  const meta = await fetchJson(new URL(metaPath, withSlash(base)));
  if (meta.format !== FORMAT) {
    throw new Error(`healthdex: this bundle has format ${meta.format}; this code reads format ${FORMAT}. Rebuild it with the same healthdex`);
  }
  const [docs, text] = await Promise.all([
    fetchData(new URL(meta.docs, top)).then(decodeDocs),
    fetchJson(new URL(meta.text, top)),
  ]);
  for (const list of ["terms", "vocabulary", "words", "completions", "names", "synonyms"]) meta[list] = filesOf(meta[list]);
  return new Bundle(top, meta, docs, text);
}

/** A directory of data files from the metadata (`{kind, keys, hashes}`, the
 * hashes in one string) as entries `[...key, path]`, in key order. */
function filesOf({ kind, keys, hashes }) {
  const digits = keys.length > 0 ? hashes.length / keys.length : 0;
  return keys.map((key, i) => [...(Array.isArray(key) ? key : [key]), `index/${kind}-${hashes.slice(i * digits, (i + 1) * digits)}.hx`]);
}

function withSlash(base) {
  const url = new URL(String(base), globalThis.location?.href);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/** An opened bundle. */
export class Bundle {
  constructor(root, meta, docs, text) {
    this.root = root;
    this.meta = meta;
    meta.tagIds = new Map(Object.keys(meta.tags).map((tag, i) => [tag, i]));
    this.tagNames = Object.keys(meta.tags);
    this.docs = docs;
    this.merged = new Map();
    this.text = text;
    this.analyzer = analyzerFor(text);
    this.chunks = new Map();
    this.fragments = new Map();
    this.scorer = new Scorer(meta, docs, (stem) => this.termNow(stem));
  }

  /**
   * Searches. Options: `limit` (1–100, default 10), `offset`, `tag` (a tag or a
   * list), `evidence`, `author`, `since`, `until` (YYYY-MM-DD), `group`.
   * Resolves to the JSON `/api/search` answers with.
   */
  async search(query, options = {}) {
    try {
      return await this.searchOnce(query, options);
    } catch (error) {
      // A file named by a build the host no longer has: the site was deployed
      // again while this page was open (or its healthdex.js came from a cache).
      // Read the current entry, open its build, and search once more.
      if (!error?.missing) throw error;
      await this.reopen();
      return this.searchOnce(query, options);
    }
  }

  /** Switches to the build the host's `healthdex.js` names now. */
  async reopen() {
    const response = await fetch(new URL("healthdex.js", this.root), { cache: "no-store" });
    const entry = response.ok ? await response.text() : "";
    const meta = /export const META = "([^"]+)"/.exec(entry)?.[1];
    if (!meta) throw new Error("healthdex: the search was updated on the site and cannot be reopened; reload the page");
    const fresh = await openBundle(this.root, meta);
    Object.assign(this, fresh);
  }

  async searchOnce(query, options) {
    const request = checkRequest(query, options, this.meta.evidence);
    const plan = await this.plan(request);
    const results = {
      query: clipChars(request.query, LIMITS.clipChars),
      total: 0,
      [request.group ? "groups" : "hits"]: [],
      facets: { tags: [], evidence: [] },
      also_searched: plan.notes.also_searched,
      corrections: plan.notes.corrections,
      did_you_mean: plan.notes.did_you_mean ?? null,
      missing: plan.notes.missing,
    };
    if (request.query === "" || (plan.slots.length === 0 && plan.required.length === 0)) return results;
    await this.loadTerms(planStems(plan));
    const focused = this.scorer.settle(plan, cueStems(this.analyzer));
    const wanted = request.offset + request.limit;
    const scored = this.scorer.rank(focused, this.depth(request, wanted));
    const { total, matched } = scored;
    const ranked = await this.withoutRepeats(answersFirst(scored.ranked, this.docs));
    results.total = total;
    results.facets = this.facets(matched);
    const snippets = this.snippetMaker(plan.notes.highlight);
    if (request.group) {
      const groups = groupByArticle(ranked, this.docs, SECTIONS_PER_GROUP).slice(request.offset, wanted);
      const shown = await this.loadFragments(groups.flat());
      results.groups = groups.map((sections) => {
        const hits = sections.map((entry) => this.hit(entry, snippets, shown));
        return { path: hits[0].path, title: hits[0].title, url: hits[0].url.split("#")[0], score: hits[0].score, hits };
      });
    } else {
      const uncapped = this.scorer.uncapped(focused);
      const page = capPerArticle(ranked, this.docs, this.meta.per_article, FIRST_PAGE, uncapped).slice(
        request.offset,
        wanted,
      );
      const shown = await this.loadFragments(page);
      results.hits = page.map((entry) => this.hit(entry, snippets, shown));
    }
    return results;
  }

  /**
   * Completions of the last word of `typed` from the words of titles and
   * headings, most frequent first, as `/api/suggest`'s `suggestions`:
   * `[{text, count}]`, `text` being what was typed with its last word completed.
   */
  async suggest(typed, limit = 8) {
    const text = String(typed);
    const words = this.analyzer.names(text);
    if (words.length === 0 || !/[\p{Alphabetic}\p{N}]$/u.test(text)) return [];
    const prefix = [...words[words.length - 1][1]].slice(0, MAX_PREFIX_CHARS).join("");
    const found = new Map();
    for (const file of this.completionFiles(prefix)) {
      for (const [word, count] of await this.chunk(file)) {
        if (word.startsWith(prefix)) found.set(word, count);
      }
    }
    const before = text.replace(/[\p{Alphabetic}\p{N}]+$/u, "").trimStart();
    let ranked = [...found].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
    if (words.length >= 2) ranked = await this.keepFollowers(ranked, words[words.length - 2][1]);
    return ranked.slice(0, limit).map(([word, count]) => ({ text: before + word, count }));
  }

  /** Only the completions among the first CONTEXT_CHECKED that come right after
   * the typed word `previous` in some section, or all if none does (as
   * src/search/suggest.rs). */
  async keepFollowers(ranked, previous) {
    const stemOf = (word) => {
      const stems = this.analyzer.stems(word);
      return stems.length === 1 ? stems[0][1] : null;
    };
    const before = stemOf(previous);
    if (before === null) return ranked;
    const checked = ranked.slice(0, CONTEXT_CHECKED);
    const stems = checked.map(([word]) => stemOf(word));
    await this.loadTerms([before, ...stems.filter((s) => s !== null)]);
    const vocabulary = new Vocabulary(this);
    const followers = checked.filter((_, i) => stems[i] !== null && vocabulary.together([before, stems[i]], 0));
    return followers.length > 0 ? followers : ranked;
  }

  /** The completions chunks that may hold words starting with `prefix`. */
  completionFiles(prefix) {
    const list = this.meta.completions;
    const files = [];
    for (let i = Math.max(0, lastAtMost(list, prefix, (e, k) => compareText(e[0], k))); i < list.length; i++) {
      if (files.length > 0 && !list[i][0].startsWith(prefix)) break;
      files.push(list[i][1]);
      if (files.length === MAX_COMPLETION_CHUNKS) break;
    }
    return files;
  }

  /** The site's tags over all articles, most common first (for the UI). */
  async tags(limit = 8) {
    return Object.entries(this.meta.tags)
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || compareText(a.tag, b.tag))
      .slice(0, limit);
  }

  /** The plan of a request, fetching vocabulary and index chunks as it asks. */
  async plan(request) {
    const context = {
      text: this.text,
      synonyms: await this.synonymsFor(request.query),
      vocabulary: this.meta.fuzzy ? new Vocabulary(this) : null,
    };
    for (let round = 0; ; round++) {
      const missing = new Set();
      if (context.vocabulary) context.vocabulary.missing = missing;
      const plan = understand(request.query, request.filters, context);
      if (missing.size === 0 || round + 1 >= MAX_PLANNING_ROUNDS) return plan;
      await Promise.all([...missing].map((file) => this.chunk(file)));
    }
  }

  /** The synonym table the planner needs for `query`: the shards of its words'
   * keys (and of each key without a final `s`, which the lookup also tries),
   * merged. Every word of the query text counts, a superset of the words the
   * planner looks up. */
  async synonymsFor(query) {
    const shards = this.meta.synonyms;
    const wanted = new Set();
    for (const [, name] of this.analyzer.names(query)) {
      const key = keyWord(name);
      wanted.add(synonymShard(key, shards.length));
      if (key.endsWith("s")) wanted.add(synonymShard(key.slice(0, -1), shards.length));
    }
    const files = [...new Set([...wanted].sort((a, b) => a - b).map((n) => shards[n][1]))];
    const name = files.join(" ");
    if (!this.merged.has(name)) {
      const merged = mergeSynonymShards(await Promise.all(files.map((file) => this.chunk(file))));
      if (this.merged.size >= MAX_MERGED_SYNONYMS) this.merged.clear();
      this.merged.set(name, merged);
    }
    return this.merged.get(name);
  }

  /** How many ranked sections to arrange the requested page from (as the server). */
  depth(request, wanted) {
    const depth = request.group
      ? wanted * SECTIONS_PER_GROUP * 4 + 40
      : this.meta.per_article > 0
        ? wanted * 4 + 40
        : wanted;
    return Math.min(Math.max(depth, 1), Math.max(MAX_ARRANGED_SECTIONS, wanted));
  }

  /** Fetches and decodes a chunk file once. */
  chunk(file) {
    let entry = this.chunks.get(file);
    if (!entry) {
      entry = { data: null, loading: null };
      entry.loading = fetchData(new URL(file, this.root)).then((bytes) => {
        entry.data = file.includes("/v-") || file.includes("/w-")
          ? decodeVocabulary(bytes)
          : file.includes("/c-")
            ? decodeVocabulary(bytes, "HXC1")
            : file.includes("/n-")
              ? decodeNames(bytes)
              : file.includes("/s-")
                ? decodeJson(bytes)
                : decodeTerms(bytes);
        return entry.data;
      });
      // A failed fetch is forgotten, so a later search tries again.
      entry.loading.catch(() => this.chunks.delete(file));
      this.chunks.set(file, entry);
    }
    return entry.loading;
  }

  /** The loaded chunk, or null if it is not loaded yet. */
  chunkNow(file) {
    return this.chunks.get(file)?.data ?? null;
  }

  /** The index chunk that holds `stem`, if any. */
  termFile(stem) {
    const i = lastAtMost(this.meta.terms, stem, (entry, key) => compareText(entry[0], key));
    return i < 0 ? null : this.meta.terms[i][1];
  }

  /** A stem's postings, if its chunk is loaded (undefined otherwise or if absent). */
  termNow(stem) {
    const file = this.termFile(stem);
    return file ? this.chunkNow(file)?.get(stem) : undefined;
  }

  async loadTerms(stems) {
    const files = new Set(stems.map((s) => this.termFile(s)).filter((f) => f !== null));
    await Promise.all([...files].map((file) => this.chunk(file)));
  }

  /** The fragments of the sections of `entries`, by section: first the files
   * naming them, then the fragments (each fetched once; a failed fetch is
   * forgotten, so a later search tries again). Returned, not kept, so searches
   * running at the same time never see each other's. */
  async loadFragments(entries) {
    const sections = [...new Set(entries.map(([section]) => section))];
    const runs = this.meta.names;
    const runOf = sections.map((s) => runs[lastAtMost(runs, s, (run, key) => run[0] - key)]);
    const names = await Promise.all(runOf.map(([first, file], i) => this.chunk(file).then((n) => n[sections[i] - first])));
    const loaded = await Promise.all(
      names.map((name) => {
        if (!this.fragments.has(name)) {
          const loading = fetchJson(new URL(`fragment/${name}.hx`, this.root));
          loading.catch(() => this.fragments.delete(name));
          this.fragments.set(name, loading);
        }
        return this.fragments.get(name);
      }),
    );
    return new Map(sections.map((section, i) => [section, loaded[i]]));
  }

  /**
   * The ranked sections without those repeating an earlier-ranked section of their
   * article word for word (src/search/hits.rs, `without_repeats`): only sections
   * sharing their score and their heading and body lengths (one-byte norms, equal
   * for equal texts) with another of their article have their fragment read.
   */
  async withoutRepeats(ranked) {
    const d = this.docs;
    const norm = (section, field) => d.norms[section * FIELDS.length + field];
    const keyOf = ([section, score]) =>
      `${d.articleOf[section]}|${score}|${norm(section, HEADING)}|${norm(section, BODY)}`;
    const counts = new Map();
    for (const entry of ranked) counts.set(keyOf(entry), (counts.get(keyOf(entry)) || 0) + 1);
    const suspects = ranked.filter((entry) => counts.get(keyOf(entry)) > 1);
    if (suspects.length === 0) return ranked;
    const shown = await this.loadFragments(suspects);
    const texts = new Set();
    return ranked.filter((entry) => {
      if (counts.get(keyOf(entry)) < 2) return true;
      const s = shown.get(entry[0]).section;
      const text = `${keyOf(entry)}|${s.heading ?? ""}\u0000${s.body ?? ""}`;
      if (texts.has(text)) return false;
      texts.add(text);
      return true;
    });
  }

  snippetMaker(highlight) {
    const weights = highlight.map((stem) => {
      const df = (this.termNow(stem)?.[BODY] ?? []).length;
      return [stem, 1 / Math.log1p(1 + df)];
    });
    const analyzer = this.analyzer;
    return new SnippetMaker(
      weights,
      (text) => analyzer.scan(text),
      (word) => analyzer.indexedStem(word),
    );
  }

  hit([section, score], snippets, shown) {
    const fragment = shown.get(section);
    const s = fragment.section;
    const hit = {
      path: fragment.path,
      title: fragment.title,
      heading: s.heading,
      breadcrumbs: s.breadcrumbs ?? [fragment.title, ...(s.parents ?? []), ...(s.heading ? [s.heading] : [])],
      anchor: s.anchor,
      url: s.url ?? (s.anchor ? `${fragment.url}#${s.anchor}` : fragment.url),
      score,
      date: fragment.date ?? null,
      tags: fragment.tags,
      sources: s.sources ?? [],
      snippet: snippets.snippet(s.body || (s.citations ?? []).join("\n")),
    };
    for (const key of ["authors", "reviewers"]) if (fragment[key]?.length) hit[key] = fragment[key];
    for (const key of ["reviewed", "updated", "description"]) if (fragment[key]) hit[key] = fragment[key];
    return hit;
  }

  /** Tag counts in articles, evidence counts in sections, over all matches. */
  facets(matched) {
    const d = this.docs;
    const seen = new Uint8Array(d.articles);
    const tagCounts = new Uint32Array(this.tagNames.length);
    const kinds = this.meta.evidence;
    const evidenceCounts = new Uint32Array(kinds.length);
    for (const section of matched.keys()) {
      const article = d.articleOf[section];
      if (!seen[article]) {
        seen[article] = 1;
        for (const id of d.tags[article]) tagCounts[id] += 1;
      }
      const bits = d.evidence[section];
      if (bits) for (let bit = 0; bit < kinds.length; bit++) if (bits & (1 << bit)) evidenceCounts[bit] += 1;
    }
    const sorted = (names, counts) =>
      names
        .map((name, i) => [name, counts[i]])
        .filter(([, count]) => count > 0)
        .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
    return {
      tags: sorted(this.tagNames, tagCounts).map(([tag, count]) => ({ tag, count })),
      evidence: sorted(kinds, evidenceCounts).map(([evidence, count]) => ({ evidence, count })),
    };
  }
}

/** The planner's view of the corpus vocabulary, answering from loaded chunks and
 * noting the chunks it would need for the rest. */
class Vocabulary {
  constructor(bundle) {
    this.bundle = bundle;
    this.missing = new Set();
  }

  /** The vocabulary chunks that may hold words of `chars` characters: a chunk
   * runs from its first key to the next chunk's, keys being (length, word). */
  files(chars) {
    const list = this.bundle.meta.vocabulary;
    const out = [];
    for (let i = 0; i < list.length; i++) {
      const next = list[i + 1];
      if (list[i][0] <= chars && (!next || next[0] >= chars)) out.push(list[i][2]);
    }
    return out;
  }

  /** The loaded chunks of `files`, or null (noting what to load) if any is missing. */
  loaded(files) {
    const chunks = files.map((f) => this.bundle.chunkNow(f));
    if (chunks.every((c) => c !== null)) return chunks;
    files.forEach((f, i) => chunks[i] === null && this.missing.add(f));
    return null;
  }

  docFreq(word) {
    const chars = [...word].length;
    const list = this.bundle.meta.vocabulary;
    const i = lastAtMost(list, [chars, word], (entry, key) => entry[0] - key[0] || compareText(entry[1], key[1]));
    if (i < 0) return 0;
    // Until its chunk is here, a word counts as known: the planner would
    // otherwise look for corrections (and their chunks) of a word it may have.
    const chunks = this.loaded([list[i][2]]);
    return chunks ? (chunks[0].get(word) ?? 0) : 1;
  }

  /** Whether `word` is an everyday English word the corpus lacks (the bundle ships
   * those words, by length, as the `words` chunks). */
  isWord(word) {
    const list = this.bundle.meta.words;
    const i = lastAtMost(list, [[...word].length, word], (entry, key) => entry[0] - key[0] || compareText(entry[1], key[1]));
    if (i < 0) return false;
    // Until its chunk is here, a word counts as real: no corrections are looked
    // for (nor their chunks loaded) before the next round of planning.
    const chunks = this.loaded([list[i][2]]);
    return chunks ? chunks[0].has(word) : true;
  }

  near(word, edits) {
    const chars = [...word].length;
    const files = [];
    for (let n = Math.max(1, chars - edits); n <= chars + edits; n++) files.push(...this.files(n));
    const chunks = this.loaded([...new Set(files)]);
    if (!chunks) return [];
    const found = new Map();
    // Code points in reused buffers: this loop visits every vocabulary word of
    // nearby lengths, and arrays per word were most of a misspelled query's time.
    const typed = new Int32Array(word.length);
    const typedLength = codePoints(word, typed);
    const other = new Int32Array(MAX_WORD_UNITS);
    const rows = new EditRows(Math.max(typedLength, MAX_WORD_UNITS));
    for (const chunk of chunks) {
      for (const [candidate, count] of chunk) {
        if (candidate.length > MAX_WORD_UNITS) continue;
        const otherLength = codePoints(candidate, other);
        if (Math.abs(otherLength - typedLength) > edits) continue;
        if (rows.distance(typed, typedLength, other, otherLength, edits) <= edits) found.set(candidate, count);
      }
    }
    return [...found];
  }

  hasStem(stem) {
    const file = this.bundle.termFile(stem);
    if (file === null) return false;
    const chunks = this.loaded([file]);
    if (!chunks) return true;
    const fields = chunks[0].get(stem);
    return fields !== undefined && fields.slice(0, 4).some((list) => list.length > 0);
  }

  together(stems, slop) {
    if (stems.length < 2) return false;
    const files = stems.map((s) => this.bundle.termFile(s));
    if (files.some((f) => f === null)) return false;
    if (!this.loaded([...new Set(files)])) return false;
    const words = stems.map((stem, i) => [i, stem]);
    return [TITLE, HEADING, BODY].some((field) => this.bundle.scorer.phraseExistsIn(field, words, slop));
  }
}

/**
 * Edit distance with adjacent transpositions counting one (optimal string
 * alignment, as tantivy's Levenshtein automaton with transpositions), over code
 * points; stops early past `limit`.
 */
export function distance(a, b, limit) {
  const x = Int32Array.from([...a].map((c) => c.codePointAt(0)));
  const y = Int32Array.from([...b].map((c) => c.codePointAt(0)));
  return new EditRows(Math.max(x.length, y.length)).distance(x, x.length, y, y.length, limit);
}

/** Longest vocabulary word compared, in UTF-16 units: tokens are under 40 UTF-8
 * bytes, so under 40 code points and 80 units. */
const MAX_WORD_UNITS = 80;

/** The code points of `text` into `out` (large enough); returns how many. */
function codePoints(text, out) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i);
    if (c > 0xffff) i++;
    out[n++] = c;
  }
  return n;
}

/** Three rows of the edit-distance table, reused from one comparison to the next. */
class EditRows {
  constructor(longest) {
    this.rows = [new Int32Array(longest + 1), new Int32Array(longest + 1), new Int32Array(longest + 1)];
  }

  /** `distance` of the first `n` and `m` code points of `a` and `b`. */
  distance(a, n, b, m, limit) {
    let [before, previous, current] = this.rows;
    for (let j = 0; j <= m; j++) previous[j] = j;
    for (let i = 1; i <= n; i++) {
      current[0] = i;
      let best = i;
      for (let j = 1; j <= m; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
        current[j] = d;
        if (d < best) best = d;
      }
      if (best > limit) return best;
      [before, previous, current] = [previous, current, before];
    }
    return previous[m];
  }
}

/** Every stem a plan scores, marks or filters with. */
function planStems(plan) {
  const stems = new Set(plan.notes.highlight);
  const phrase = (p) => p.words.forEach(([, stem]) => stems.add(stem));
  for (const slot of plan.slots) {
    for (const option of slot.options) {
      if (option.matcher.phrase) phrase(option.matcher.phrase);
      else option.matcher.each_word.forEach((stem) => stems.add(stem));
    }
  }
  plan.boosts.forEach((b) => phrase(b.phrase));
  plan.required.forEach((r) => phrase(r.phrase));
  plan.excluded.forEach(phrase);
  (plan.names ?? []).forEach((name) => stems.add(name.key.split(" ")[0]));
  if ((plan.names ?? []).length > 0) (plan.asks ?? []).forEach((a) => a.headings.forEach((h) => stems.add(h)));
  return [...stems];
}

/**
 * Sections with words in their body first, then the others (a heading alone or a
 * reference list), each in rank order (src/search/arrange.rs, `answers_first`).
 */
function answersFirst(ranked, docs) {
  const hasText = (entry) => docs.norms[entry[0] * FIELDS.length + BODY] > 0;
  return ranked.filter(hasText).concat(ranked.filter((entry) => !hasText(entry)));
}

/** The first page holds at most `cap` sections of one article but the `uncapped`
 * ones (0: no cap). */
function capPerArticle(ranked, docs, cap, firstPage, uncapped) {
  if (cap === 0) return ranked;
  const seen = new Map();
  const page = [];
  const rest = [];
  for (const entry of ranked) {
    const article = docs.articleOf[entry[0]];
    const count = seen.get(article) || 0;
    if (page.length < firstPage && (count < cap || uncapped.has(article))) {
      seen.set(article, count + 1);
      page.push(entry);
    } else rest.push(entry);
  }
  return page.concat(rest);
}

function groupByArticle(ranked, docs, perGroup) {
  const index = new Map();
  const groups = [];
  for (const entry of ranked) {
    const article = docs.articleOf[entry[0]];
    if (!index.has(article)) {
      index.set(article, groups.length);
      groups.push([]);
    }
    const group = groups[index.get(article)];
    if (group.length < perGroup) group.push(entry);
  }
  return groups;
}

function clipChars(text, n) {
  const chars = [...text];
  return chars.length > n ? chars.slice(0, n).join("") : text;
}

/** The request checked as the HTTP API checks it (src/search/request.rs); errors
 * say which value is wrong and what is allowed. */
function checkRequest(query, options, evidenceKinds) {
  if (typeof query !== "string") throw new TypeError("healthdex: search(query) takes the query as a string");
  query = trim(query); // as Rust's str::trim, like the server
  const limit = options.limit ?? DEFAULT_LIMIT;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxLimit) {
    throw new RangeError(`healthdex: limit must be 1 to ${LIMITS.maxLimit}, not ${limit}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > LIMITS.maxOffset) {
    throw new RangeError(`healthdex: offset must be 0 to ${LIMITS.maxOffset}, not ${offset}`);
  }
  const chars = [...query].length;
  if (chars > LIMITS.maxQueryChars) {
    throw new RangeError(`healthdex: the query is ${chars} characters long; at most ${LIMITS.maxQueryChars} are accepted`);
  }
  const list = (value) =>
    (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value])
      .map((v) => String(v).trim())
      .filter((v) => v !== "");
  const known = evidenceKinds.filter((k) => k !== "unknown");
  const evidence = list(options.evidence).map((name) => {
    const kind = name.toLowerCase();
    if (!known.includes(kind)) throw new RangeError(`healthdex: evidence must be one of ${known.join(", ")}, not \`${name}\``);
    return kind;
  });
  return {
    query,
    limit,
    offset,
    group: Boolean(options.group),
    filters: {
      tags: list(options.tag ?? options.tags),
      authors: list(options.author ?? options.authors),
      evidence,
      since: checkDate("since", options.since),
      until: checkDate("until", options.until),
    },
  };
}

/** A `YYYY-MM-DD` date (or null when not given). */
function checkDate(name, value) {
  if (value === undefined || value === null || String(value).trim() === "") return null;
  const text = String(value).trim();
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ].*)?$/.exec(text);
  const [y, m, d] = match ? match.slice(1).map(Number) : [];
  const valid = match && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!valid) throw new RangeError(`healthdex: ${name} must be a date written YYYY-MM-DD, not \`${text.slice(0, 40)}\``);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

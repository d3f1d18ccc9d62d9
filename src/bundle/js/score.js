// healthdex static search: ranking sections for a query plan, the way the server's
// src/search/compile.rs lowers the same plan to tantivy queries. A word scores
// BM25 in its best field plus a tenth of the others; a slot scores its best
// alternative; the first tier asks for `plan.needed` slots (and a stretch of typed
// words whole), a second, relaxed tier for one; boosts add score; required
// phrases, exclusions and filters decide membership; the articles going by a name
// the query holds (plan.names) score extra, and so do their sections headed with
// what it asks for (plan.asks). BM25 uses the statistics
// the server uses: tantivy's one-byte norms, and for title, heading and enclosing
// headings a word's rarity taken from prose when that is lower (stats.rs).
//
// A scored set is a `Scored`: section numbers in ascending order with their
// scores, combined by merging (Maps of sections were most of a query's time,
// much of it in the garbage collector).

import { BODY, HEADING, PARENTS, REFERENCES, TITLE } from "./data.js";
import { matcherWords } from "./understand.js";

const K1 = 1.2;
const B = 0.75;
/** Extra positions allowed among a stretch's typed words (compile.rs). */
const STRETCH_SLOP = 8;
/** Most articles going by the query's best name left uncapped (focus.rs). */
const MAX_UNCAPPED = 2;
/** The queries whose names are settled: those of exactly this many slots (focus.rs). */
const SETTLED_SLOTS = 2;
/** Score of a named article's section whose heading answers what is asked. */
const ASKED_WEIGHT = Math.fround(2);
/** Fields whose words take the body's rarity when it is lower. */
const SHORT = new Set([TITLE, HEADING, PARENTS]);

/**
 * Scoring over one bundle: `postings(stem)` gives the stem's per-field postings
 * (or undefined), `docs` the docs table, `meta` the bundle metadata.
 */
export class Scorer {
  constructor(meta, docs, postings) {
    this.meta = meta;
    this.docs = docs;
    this.postings = postings;
    const w = meta.weights;
    this.weights = [w.title, w.heading, w.body, w.parents, w.references];
    this.average = meta.total_tokens.map((t) => t / Math.max(1, meta.sections));
    this.tie = meta.field_tie_breaker;
  }

  /** Sections holding `stem` in `field` ([] when none). */
  list(stem, field) {
    const fields = this.postings(stem);
    return fields ? fields[field] : [];
  }

  /** Sections of `field` holding `stem`, as the ranking counts them (prose rarity). */
  docFreq(stem, field) {
    const own = this.list(stem, field).length;
    if (!SHORT.has(field)) return own;
    return Math.max(own, Math.floor(this.list(stem, BODY).length * this.meta.prose_share));
  }

  idf(docFreq) {
    const n = this.meta.sections;
    return Math.log(1 + (n - docFreq + 0.5) / (docFreq + 0.5));
  }

  bm25(idf, tf, section, field) {
    const norm = this.meta.norms[this.docs.norms[section * 5 + field]];
    const average = this.average[field] || 1;
    return (idf * (1 + K1) * tf) / (tf + K1 * (1 - B + (B * norm) / average));
  }

  /** One stem in one field, at `weight`. */
  term(stem, field, weight) {
    const list = this.list(stem, field);
    if (list.length === 0 || weight <= 0) return EMPTY;
    const idf = this.idf(this.docFreq(stem, field));
    const ids = new Array(list.length);
    const scores = new Array(list.length);
    list.forEach((p, i) => {
      ids[i] = p.section;
      scores[i] = weight * this.bm25(idf, p.tf, p.section, field);
    });
    return new Scored(ids, scores);
  }

  /** One word: BM25 in its best field plus a share of the others. */
  word(stem, weight) {
    const perField = [TITLE, HEADING, BODY, PARENTS, REFERENCES]
      .filter((f) => this.weights[f] > 0)
      .map((f) => this.term(stem, f, this.weights[f] * weight));
    return disjunction(perField, this.tie);
  }

  /** A phrase in one field (a single word: that word in that field). */
  phraseIn(field, words, slop, weight) {
    if (words.length === 0) return EMPTY;
    if (words.length === 1) return this.term(words[0][1], field, weight);
    const lists = words.map(([, stem]) => this.list(stem, field));
    if (lists.some((l) => l.length === 0)) return EMPTY;
    const first = words[0][0];
    const offsets = words.map(([at]) => at - first);
    const idf = words.reduce((sum, [, stem]) => sum + this.idf(this.docFreq(stem, field)), 0);
    const ids = [];
    const scores = [];
    for (const [section, positions] of intersect(lists)) {
      const count = phraseCount(positions, offsets, slop);
      if (count > 0) {
        ids.push(section);
        scores.push(weight * this.bm25(idf, count, section, field));
      }
    }
    return new Scored(ids, scores);
  }

  /** Whether some section has the phrase in `field` (no scores). */
  phraseExistsIn(field, words, slop) {
    const lists = words.map(([, stem]) => this.list(stem, field));
    if (lists.some((l) => l.length === 0)) return false;
    const first = words[0][0];
    const offsets = words.map(([at]) => at - first);
    return intersect(lists).some(([, positions]) => phraseExists(positions, offsets, slop));
  }

  /** A phrase in title, heading or body (its best field); one word in any field. */
  phrase(phrase, weight) {
    if (phrase.words.length === 1) return this.word(phrase.words[0][1], weight);
    const perField = [TITLE, HEADING, BODY].map((f) =>
      this.phraseIn(f, phrase.words, phrase.slop, this.weights[f] * weight),
    );
    return disjunction(perField, 0);
  }

  alternative(option) {
    const m = option.matcher;
    if (m.phrase) return this.phrase(m.phrase, option.weight);
    return sum(m.each_word.map((stem) => this.word(stem, option.weight)));
  }

  slot(slot) {
    return disjunction(slot.options.map((o) => this.alternative(o)), 0);
  }

  /** For a slot of several typed words: all of them within STRETCH_SLOP of each
   * other in one field, or another alternative. */
  wholeStretch(slot) {
    const typed = slot.options.find(
      (o) => o.source === "typed" && o.matcher.each_word && o.matcher.each_word.length > 1,
    );
    if (!typed) return null;
    const words = typed.matcher.each_word.map((stem, at) => [at, stem]);
    const all = this.phrase({ words, slop: STRETCH_SLOP }, 1);
    const others = slot.options.filter((o) => o.source !== "typed").map((o) => this.alternative(o));
    return merge([all, ...others], () => 0);
  }

  /** The articles going by the name `key` (filed under its first stem), as runs
   * of sections, or undefined. */
  named(key) {
    return (this.postings(key.split(" ")[0])?.names ?? []).find((n) => n.key === key);
  }

  /** The focus: every section of an article going by one of the plan's names
   * scores the best such name's weight. */
  names(names) {
    const best = new Map();
    for (const name of names) {
      for (const [start, count] of this.named(name.key)?.runs ?? []) {
        for (let section = start; section < start + count; section++) {
          best.set(section, Math.max(best.get(section) ?? 0, name.weight));
        }
      }
    }
    const ids = [...best.keys()].sort((a, b) => a - b);
    return new Scored(ids, ids.map((id) => best.get(id)));
  }

  /** A two-slot plan with the names that cannot be its focus left out: a name
   * leaving a slot uncovered stays only if a section going by it holds a word of
   * it; `cues` are the stems of words that ask about a topic (focus.rs,
   * `settle`). */
  settle(plan, cues) {
    if (plan.slots.length !== SETTLED_SLOTS || (plan.names ?? []).length === 0) return plan;
    const names = plan.names.filter((name) => {
      const entry = this.named(name.key);
      if (!entry) return true;
      const others = uncoveredWords(plan, name.key, cues);
      if (others.length === 0) return true;
      const named = new Set();
      for (const [start, count] of entry.runs) {
        for (let section = start; section < start + count; section++) named.add(section);
      }
      return others.some((stem) =>
        [TITLE, HEADING, BODY, PARENTS].some((field) => this.list(stem, field).some((p) => named.has(p.section))),
      );
    });
    return { ...plan, names };
  }

  /** Sections of an article going by one of the plan's names whose heading holds
   * a heading word of a kind of answer asked for, or that open the article when
   * the plan asks what something is (compile.rs, `asked`). */
  asked(plan) {
    if ((plan.asks ?? []).length === 0 || (plan.names ?? []).length === 0) return EMPTY;
    const named = new Set();
    for (const name of plan.names) {
      for (const [start, count] of this.named(name.key)?.runs ?? []) {
        for (let section = start; section < start + count; section++) named.add(section);
      }
    }
    const ids = new Set();
    for (const stem of plan.asks.flatMap((a) => a.headings)) {
      for (const p of this.list(stem, HEADING)) if (named.has(p.section)) ids.add(p.section);
    }
    if (plan.asks.some((a) => a.opening)) {
      const first = this.docs.firstSection;
      for (const section of named) if (first[this.docs.articleOf[section]] === section) ids.add(section);
    }
    const sorted = [...ids].sort((a, b) => a - b);
    return new Scored(sorted, sorted.map(() => ASKED_WEIGHT));
  }

  /** The articles the first page does not cap: those going by the plan's found
   * name of the highest weight, when at most MAX_UNCAPPED do (focus.rs). */
  uncapped(plan) {
    let best = [];
    let bestWeight = 0;
    for (const name of plan.names ?? []) {
      if (name.weight < bestWeight) continue;
      const entry = this.named(name.key);
      if (!entry) continue;
      if (name.weight > bestWeight) {
        best = [];
        bestWeight = name.weight;
      }
      best.push(entry);
    }
    const articles = new Set();
    for (const entry of best) {
      for (const [start, count] of entry.runs) if (count > 0) articles.add(this.docs.articleOf[start]);
    }
    return articles.size > MAX_UNCAPPED ? new Set() : articles;
  }

  required(required) {
    const words = required.phrase.words;
    if (required.within === "title") return this.phraseIn(TITLE, words, 0, 1);
    if (required.within === "heading") return this.phraseIn(HEADING, words, 0, 1);
    return this.phrase(required.phrase, 1);
  }

  /** Whether `section` passes the plan's filters. */
  passes(filters, section, tagIds) {
    const d = this.docs;
    const article = d.articleOf[section];
    for (const id of tagIds) if (id < 0 || !d.tags[article].includes(id)) return false;
    for (const name of filters.authors) if (!d.authors[article].includes(name)) return false;
    for (const kind of filters.evidence) {
      const bit = this.meta.evidence.indexOf(kind);
      if (bit < 0 || !(d.evidence[section] & (1 << bit))) return false;
    }
    if (filters.since || filters.until) {
      const day = d.days[article];
      if (day === null) return false;
      if (filters.since && day < dayNumber(filters.since)) return false;
      if (filters.until && day > dayNumber(filters.until)) return false;
    }
    return true;
  }

  /**
   * Every section the plan matches in one tier, with its score: at least `needed`
   * slots (summed), boosts added, required and membership clauses met, nothing
   * excluded, filters passed.
   */
  tier(parts, needed, membership) {
    const { slots, boosts, required, excluded, plan, tagIds } = parts;
    const least = Math.max(1, needed);
    let scored = merge(slots, (best, total, count) => (count >= least ? total : null));
    if (required.length > 0) {
      const all = merge(required, (best, total, count) => (count === required.length ? total : null));
      scored = join(all, scored, (must, should) => must + (should ?? 0));
    }
    for (const boost of boosts) scored = join(scored, boost, (score, extra) => score + (extra ?? 0));
    const keep = (section) =>
      !excluded.some((e) => e.has(section)) &&
      membership.every((m) => m.has(section)) &&
      this.passes(plan.filters, section, tagIds);
    return scored.filter(keep);
  }

  /** The plan's parts, scored once and shared by both tiers. */
  parts(plan) {
    const tagIds = plan.filters.tags.map((t) => this.meta.tagIds.get(t) ?? -1);
    return {
      plan,
      tagIds,
      slots: plan.slots.map((s) => this.slot(s)),
      boosts: plan.boosts
        .map((b) => this.phrase(b.phrase, b.weight))
        .concat((plan.names ?? []).length > 0 ? [this.names(plan.names)] : [])
        .concat([this.asked(plan)]),
      required: plan.required.map((r) => this.required(r)),
      excluded: plan.excluded.map((p) => this.phrase(p, 1)),
    };
  }

  /**
   * Ranks the plan's sections: up to `depth` of them, best first (equal scores in
   * bundle order, as on the server), the number matching, and the tier they came
   * from. The relaxed tier fills in when the first finds fewer than `depth`.
   */
  rank(plan, depth) {
    const parts = this.parts(plan);
    const stretches =
      plan.needed > 1 && plan.needed === plan.slots.length
        ? plan.slots.map((s) => this.wholeStretch(s)).filter((m) => m !== null)
        : [];
    const strict = this.tier(parts, plan.needed, stretches);
    let ranked = top(strict, depth);
    let total = strict.size;
    let matched = strict;
    if (total < depth && plan.needed > 1) {
      const relaxed = this.tier(parts, 1, []);
      const more = top(relaxed, depth).filter(([section]) => !strict.has(section));
      ranked = ranked.concat(more.slice(0, depth - total));
      total = relaxed.size;
      matched = relaxed;
    }
    return { ranked, total, matched };
  }
}

/** The words of every alternative of the slots the name `key` does not cover (nor
 * the words asking about a topic, `cues`, do). */
function uncoveredWords(plan, key, cues) {
  const stems = new Set(key.split(" "));
  const words = [];
  for (const slot of plan.slots) {
    const alternatives = slot.options.map((o) => matcherWords(o.matcher));
    if (alternatives.some((ws) => ws.every((w) => stems.has(w)) || ws.every((w) => cues.has(w)))) continue;
    for (const word of alternatives.flat()) if (!words.includes(word)) words.push(word);
  }
  return words;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
function dayNumber(date) {
  const [y, m, d] = String(date).split("-").map(Number);
  return Math.floor(Date.UTC(y, (m || 1) - 1, d || 1) / 86_400_000);
}

/** The best `depth` entries of a scored set: score descending, then section. */
function top(scored, depth) {
  const { ids, scores } = scored;
  const before = (a, b) => scores[b] - scores[a] || ids[a] - ids[b];
  const keep = Math.min(depth, ids.length);
  if (keep <= 0) return [];
  // The best `keep` in a heap whose root is the worst of them, then those sorted:
  // sorting every matching section was most of a common word's ranking time.
  const heap = [];
  const worse = (a, b) => before(a, b) > 0;
  const down = (at) => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      const child = right < heap.length && worse(heap[right], heap[left]) ? right : left;
      if (!worse(heap[child], heap[at])) return;
      [heap[at], heap[child]] = [heap[child], heap[at]];
      at = child;
    }
  };
  for (let i = 0; i < ids.length; i++) {
    if (heap.length < keep) {
      heap.push(i);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (!worse(heap[at], heap[parent])) break;
        [heap[at], heap[parent]] = [heap[parent], heap[at]];
        at = parent;
      }
    } else if (before(i, heap[0]) < 0) {
      heap[0] = i;
      down(0);
    }
  }
  heap.sort(before);
  return heap.map((i) => [ids[i], scores[i]]);
}

/** Sections (ascending) with their scores; answers like a read-only Map. */
export class Scored {
  constructor(ids, scores) {
    this.ids = ids;
    this.scores = scores;
  }
  get size() {
    return this.ids.length;
  }
  indexOf(section) {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid] < section) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.ids.length && this.ids[lo] === section ? lo : -1;
  }
  has(section) {
    return this.indexOf(section) >= 0;
  }
  get(section) {
    const i = this.indexOf(section);
    return i < 0 ? undefined : this.scores[i];
  }
  keys() {
    return this.ids[Symbol.iterator]();
  }
  *[Symbol.iterator]() {
    for (let i = 0; i < this.ids.length; i++) yield [this.ids[i], this.scores[i]];
  }
  /** The sections for which `keep(section)` holds. */
  filter(keep) {
    const ids = [];
    const scores = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (keep(this.ids[i])) {
        ids.push(this.ids[i]);
        scores.push(this.scores[i]);
      }
    }
    return new Scored(ids, scores);
  }
}

const EMPTY = new Scored([], []);

/**
 * The union of scored sets, walking them in step: each section gets
 * `combine(best, total, count)` of the scores it has in them (`null` leaves it out).
 */
function merge(parts, combine) {
  const heads = new Array(parts.length).fill(0);
  const ids = [];
  const scores = [];
  for (;;) {
    let section = Infinity;
    for (let k = 0; k < parts.length; k++) {
      const at = heads[k];
      if (at < parts[k].ids.length && parts[k].ids[at] < section) section = parts[k].ids[at];
    }
    if (section === Infinity) break;
    let best = -Infinity;
    let total = 0;
    let count = 0;
    for (let k = 0; k < parts.length; k++) {
      const at = heads[k];
      if (at < parts[k].ids.length && parts[k].ids[at] === section) {
        const score = parts[k].scores[at];
        if (score > best) best = score;
        total += score;
        count += 1;
        heads[k] = at + 1;
      }
    }
    const score = combine(best, total, count);
    if (score !== null) {
      ids.push(section);
      scores.push(score);
    }
  }
  return new Scored(ids, scores);
}

/** The sections of `base`, each scored `combine(its score, other's or undefined)`. */
function join(base, other, combine) {
  const scores = new Array(base.ids.length);
  let at = 0;
  for (let i = 0; i < base.ids.length; i++) {
    const section = base.ids[i];
    while (at < other.ids.length && other.ids[at] < section) at++;
    const found = at < other.ids.length && other.ids[at] === section ? other.scores[at] : undefined;
    scores[i] = combine(base.scores[i], found);
  }
  return new Scored(base.ids, scores);
}

/** Max of the matching parts plus `tie` times the rest (tantivy's DisjunctionMax). */
export function disjunction(parts, tie) {
  if (parts.length === 1) return parts[0];
  return merge(parts, (best, total) => best + tie * (total - best));
}

/** The sum of the matching parts. */
export function sum(parts) {
  if (parts.length === 1) return parts[0];
  return merge(parts, (best, total) => total);
}

/** Sections in every posting list (each sorted by section), with each list's
 * positions there: a merge, walking the lists in step. */
function intersect(lists) {
  const out = [];
  const at = new Array(lists.length).fill(0);
  const first = lists[0];
  for (const p of first) {
    const positions = [p.positions];
    let all = true;
    for (let k = 1; k < lists.length && all; k++) {
      const list = lists[k];
      while (at[k] < list.length && list[at[k]].section < p.section) at[k]++;
      all = at[k] < list.length && list[at[k]].section === p.section;
      if (all) positions.push(list[at[k]].positions);
    }
    if (all) out.push([p.section, positions]);
  }
  return out;
}

/**
 * How often a phrase occurs in one section, as tantivy's phrase scorer counts it
 * (query/phrase_query/phrase_scorer.rs): each word's positions shifted so that
 * words at their query offsets line up; without slop, positions all words share;
 * with slop, the distance between neighbouring words in either order spent from
 * the slop (carried along the phrase when it has more than two words).
 */
export function phraseCount(positions, offsets, slop) {
  const { left, slops, last } = phraseSteps(positions, offsets, slop);
  if (left.length === 0) return 0;
  if (slop > 0 && positions.length > 2) return carryingSlop(left, slops, last, slop).count;
  if (slop > 0) return withinSlop(left, last, slop).count;
  return common(left, last).length;
}

/** Whether a phrase occurs at all, as tantivy decides when it need not count
 * (a search that only counts sections): its last step ignores the slop carried
 * so far, so this can be true where `phraseCount` is 0. */
export function phraseExists(positions, offsets, slop) {
  const { left, last } = phraseSteps(positions, offsets, slop);
  if (left.length === 0) return false;
  if (slop > 0) return left.some((l) => last.some((r) => Math.abs(l - r) <= slop));
  return common(left, last).length > 0;
}

/** The shifted positions matched up to the last word, and the last word's. */
function phraseSteps(positions, offsets, slop) {
  const most = Math.max(...offsets);
  const lists = positions.map((list, i) => list.map((p) => p + (most - offsets[i])));
  const n = lists.length;
  let left = lists[0].slice();
  let slops = [];
  for (let i = 1; i < n - 1; i++) {
    if (slop > 0 && n > 2) [left, slops] = carryingSlop(left, slops, lists[i], slop).kept;
    else if (slop > 0) left = withinSlop(left, lists[i], slop).kept;
    else left = common(left, lists[i]);
    if (left.length === 0) break;
  }
  return { left, slops, last: lists[n - 1] };
}

/** The values two sorted lists share. */
function common(left, right) {
  const out = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] < right[j]) i++;
    else if (left[i] > right[j]) j++;
    else {
      out.push(left[i]);
      i++;
      j++;
    }
  }
  return out;
}

/** Pairs of a left and a right position at most `slop` apart (tantivy's
 * `intersection_count_with_slop`): their count, and the right positions kept. */
function withinSlop(left, right, slop) {
  const kept = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const distance = Math.abs(left[i] - right[j]);
    if (distance <= slop) {
      while (i + 1 < left.length && left[i + 1] <= right[j]) i++;
      kept.push(right[j]);
      i++;
      j++;
    } else if (left[i] < right[j]) i++;
    else j++;
  }
  return { count: kept.length, kept };
}

/** tantivy's `intersection_count_with_carrying_slop`: matches whose distances,
 * added along the phrase, stay within `slop`. */
function carryingSlop(left, leftSlops, right, slop) {
  const positions = [];
  const slops = [];
  let count = 0;
  if (left.length === 0 || right.length === 0) return { count: 0, kept: [[], []] };
  const add = (value, position) => {
    if (positions.length > 0 && positions[positions.length - 1] === position) {
      slops[slops.length - 1] = Math.min(slops[slops.length - 1], value);
    } else {
      positions.push(position);
      slops.push(value);
    }
  };
  let i = 0;
  let j = 0;
  for (;;) {
    const l = left[i];
    const soFar = leftSlops[i] ?? 0;
    const r = right[j];
    const distance = soFar + Math.abs(l - r);
    if (distance <= slop) {
      const leftSmaller = l < r;
      const smaller = leftSmaller ? l : r;
      const larger = leftSmaller ? r : l;
      const list = leftSmaller ? left : right;
      let at = leftSmaller ? i : j;
      let newSlop = distance;
      add(newSlop, smaller);
      while (at + 1 < list.length) {
        const next = list[at + 1];
        if (next > larger) break;
        at += 1;
        newSlop = soFar + Math.abs(next - larger);
        add(newSlop, next);
      }
      add(newSlop, larger);
      count += 1;
      i++;
      j++;
    } else if (l < r) i++;
    else j++;
    if (i >= left.length || j >= right.length) {
      if (i >= left.length) {
        const lastLeft = left[left.length - 1];
        const lastSlop = leftSlops[leftSlops.length - 1] ?? 0;
        for (const rv of right.slice(j)) {
          const value = Math.abs(lastLeft - rv) + lastSlop;
          if (value <= slop) add(value, rv);
        }
      } else {
        const lastRight = right[right.length - 1];
        for (let k = i; k < left.length; k++) {
          const value = Math.abs(left[k] - lastRight) + (leftSlops[k] ?? 0);
          if (value <= slop) add(value, left[k]);
        }
      }
      break;
    }
  }
  return { count, kept: [positions, slops] };
}

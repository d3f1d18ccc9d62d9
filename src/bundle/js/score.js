// healthdex static search: ranking sections for a query plan, the way the server's
// src/search/compile.rs lowers the same plan to tantivy queries. A word scores
// BM25 in its best field plus a tenth of the others; a slot scores its best
// alternative; the first tier asks for `plan.needed` slots (and a stretch of typed
// words whole), a second, relaxed tier for one; boosts add score; required
// phrases, exclusions and filters decide membership. BM25 uses the statistics
// the server uses: tantivy's one-byte norms, and for title, heading and enclosing
// headings a word's rarity taken from prose when that is lower (stats.rs).
//
// A scored set is a Map from section number to score.

const K1 = 1.2;
const B = 0.75;
const TITLE = 0;
const HEADING = 1;
const BODY = 2;
const PARENTS = 3;
const REFERENCES = 4;
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
    const scored = new Map();
    const list = this.list(stem, field);
    if (list.length === 0 || weight <= 0) return scored;
    const idf = this.idf(this.docFreq(stem, field));
    for (const p of list) scored.set(p.section, weight * this.bm25(idf, p.tf, p.section, field));
    return scored;
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
    if (words.length === 0) return new Map();
    if (words.length === 1) return this.term(words[0][1], field, weight);
    const lists = words.map(([, stem]) => this.list(stem, field));
    if (lists.some((l) => l.length === 0)) return new Map();
    const first = words[0][0];
    const offsets = words.map(([at]) => at - first);
    const idf = words.reduce((sum, [, stem]) => sum + this.idf(this.docFreq(stem, field)), 0);
    const scored = new Map();
    for (const [section, positions] of intersect(lists)) {
      const count = phraseCount(positions, offsets, slop);
      if (count > 0) scored.set(section, weight * this.bm25(idf, count, section, field));
    }
    return scored;
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

  /** For a slot of several typed words: all of them, or another alternative. */
  wholeStretch(slot) {
    const typed = slot.options.find(
      (o) => o.source === "typed" && o.matcher.each_word && o.matcher.each_word.length > 1,
    );
    if (!typed) return null;
    const all = intersectKeys(typed.matcher.each_word.map((stem) => this.word(stem, 1)));
    for (const o of slot.options) {
      if (o.source === "typed") continue;
      for (const section of this.alternative(o).keys()) all.add(section);
    }
    return all;
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
    let candidates;
    const scores = new Map();
    if (slots.length > 0) {
      const matched = new Map();
      for (const slot of slots) {
        for (const [section, score] of slot) {
          const m = matched.get(section);
          if (m) {
            m.count += 1;
            m.score += score;
          } else matched.set(section, { count: 1, score });
        }
      }
      for (const [section, m] of matched) if (m.count >= Math.max(1, needed)) scores.set(section, m.score);
    }
    if (required.length > 0) {
      candidates = intersectKeys(required);
      for (const section of candidates) {
        const base = scores.get(section) || 0;
        scores.set(section, base + required.reduce((s, r) => s + r.get(section), 0));
      }
      for (const section of [...scores.keys()]) if (!candidates.has(section)) scores.delete(section);
    }
    for (const boost of boosts) {
      for (const [section, score] of boost) {
        if (scores.has(section)) scores.set(section, scores.get(section) + score);
      }
    }
    for (const [section] of scores) {
      const out =
        excluded.some((e) => e.has(section)) ||
        membership.some((m) => !m.has(section)) ||
        !this.passes(plan.filters, section, tagIds);
      if (out) scores.delete(section);
    }
    return scores;
  }

  /** The plan's parts, scored once and shared by both tiers. */
  parts(plan) {
    const tagIds = plan.filters.tags.map((t) => this.meta.tagIds.get(t) ?? -1);
    return {
      plan,
      tagIds,
      slots: plan.slots.map((s) => this.slot(s)),
      boosts: plan.boosts.map((b) => this.phrase(b.phrase, b.weight)),
      required: plan.required.map((r) => this.required(r)),
      excluded: plan.excluded.map((p) => new Set(this.phrase(p, 1).keys())),
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

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
function dayNumber(date) {
  const [y, m, d] = String(date).split("-").map(Number);
  return Math.floor(Date.UTC(y, (m || 1) - 1, d || 1) / 86_400_000);
}

/** The best `depth` entries of a scored set: score descending, then section. */
function top(scored, depth) {
  return [...scored].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, depth);
}

/** Max of the matching parts plus `tie` times the rest (tantivy's DisjunctionMax). */
export function disjunction(parts, tie) {
  if (parts.length === 1) return parts[0];
  const best = new Map();
  const total = new Map();
  for (const part of parts) {
    for (const [section, score] of part) {
      best.set(section, Math.max(best.get(section) ?? -Infinity, score));
      total.set(section, (total.get(section) || 0) + score);
    }
  }
  for (const [section, max] of best) best.set(section, max + tie * (total.get(section) - max));
  return best;
}

/** The sum of the matching parts. */
export function sum(parts) {
  if (parts.length === 1) return parts[0];
  const out = new Map();
  for (const part of parts) for (const [section, score] of part) out.set(section, (out.get(section) || 0) + score);
  return out;
}

/** Sections in every scored set. */
function intersectKeys(sets) {
  if (sets.length === 0) return new Set();
  const [first, ...rest] = [...sets].sort((a, b) => a.size - b.size);
  const out = new Set();
  for (const section of first.keys()) if (rest.every((s) => s.has(section))) out.add(section);
  return out;
}

/** Sections in every posting list, with each list's positions there. */
function intersect(lists) {
  const maps = lists.map((l) => new Map(l.map((p) => [p.section, p.positions])));
  const out = [];
  for (const p of lists[0]) {
    const positions = maps.map((m) => m.get(p.section));
    if (positions.every((x) => x !== undefined)) out.push([p.section, positions]);
  }
  return out;
}

/**
 * How often a phrase occurs: starts of the first word from which every other
 * word is found at its offset, at most `slop` positions later.
 */
export function phraseCount(positions, offsets, slop) {
  let count = 0;
  for (const start of positions[0]) {
    let ok = true;
    for (let i = 1; i < positions.length && ok; i++) {
      const want = start + offsets[i];
      ok = positions[i].some((p) => p >= want && p <= want + slop);
    }
    if (ok) count += 1;
  }
  return count;
}

// Synonyms in the browser, as the server's `understand/synonyms.rs` searches them:
// the reader says "heart attack", the article says "myocardial infarction". The
// table arrives built (`PortableSynonyms`: terms and, for each term, the terms a
// search adds); lookup keys and stems are made here with the same analyzer.

import { utf8Length } from "./keys.js";

/** Longest term, in analyzed words, that is looked up. */
export const MAX_TERM_WORDS = 6;
/** Alternatives added for one matched term. */
export const MAX_EXPANSIONS = 6;

/** A synonym table for lookups. */
export class Synonyms {
  /**
   * @param {{terms: string[], groups: number[], expansions: number[][], keys?: Object<string, string[]>}} portable
   * @param {import("./analyzer.js").Analyzer} analyzer
   */
  constructor(portable, analyzer) {
    const keys = portable.keys ?? {};
    this.terms = portable.terms.map((display, id) => new Term(display, keys[id] ?? analyzer.keyWords(display), analyzer));
    this.expansions = new Map();
    for (const [from, ...targets] of entries(portable)) {
      const term = this.terms[from];
      if (term === undefined) continue;
      const key = term.key.join(" ");
      const known = this.expansions.get(key) ?? [];
      for (const target of targets) {
        if (this.terms[target] !== undefined && !known.includes(target)) known.push(target);
      }
      if (known.length > 0) this.expansions.set(key, known);
    }
  }

  /**
   * The stretches of `words` (query words as plural keys, in order) that have
   * synonyms, longest first, without overlaps: `[{start, len, alternatives: [Term]}]`.
   */
  find(words) {
    const found = [];
    let start = 0;
    while (start < words.length) {
      let match = null;
      for (let len = Math.min(MAX_TERM_WORDS, words.length - start); len >= 1; len--) {
        const targets = this.lookup(words.slice(start, start + len));
        if (targets !== undefined) {
          match = { start, len, alternatives: targets.slice(0, MAX_EXPANSIONS).map((t) => this.terms[t]) };
          break;
        }
      }
      if (match === null) {
        start += 1;
      } else {
        found.push(match);
        start += match.len;
      }
    }
    return found;
  }

  // The expansions of a stretch of keys; a last word ending in `s` that has none
  // is tried without it ("UTIs").
  lookup(words) {
    const direct = this.expansions.get(words.join(" "));
    if (direct !== undefined) return direct;
    const last = words[words.length - 1];
    if (!last.endsWith("s")) return undefined;
    const singular = last.slice(0, -1);
    if (utf8Length(singular) < 2) return undefined;
    return this.expansions.get([...words.slice(0, -1), singular].join(" "));
  }
}

// Every term's expansions, `[from, ...targets]`: each term of a group (a run of
// `groups[i]` ≥ 2 consecutive terms) expands to the run's other terms, then the
// terms listed apart.
function entries(portable) {
  const all = [];
  let start = 0;
  for (const length of portable.groups) {
    if (length >= 2) {
      for (let from = start; from < start + length; from++) {
        const others = [];
        for (let t = start; t < start + length && others.length < MAX_EXPANSIONS; t++) if (t !== from) others.push(t);
        all.push([from, ...others]);
      }
    }
    start += length;
  }
  return all.concat(portable.expansions);
}

/** A term: as shown, its lookup key, and its stems (made when first needed). */
export class Term {
  constructor(display, key, analyzer) {
    this.display = display;
    this.key = key;
    this.analyzer = analyzer;
    this.stems = null;
  }

  /** Stemmed words with positions, as the index stores them: `[[position, stem], …]`. */
  words() {
    if (this.stems === null) this.stems = this.analyzer.stems(this.display);
    return this.stems;
  }
}

const cache = new WeakMap();

/** The Synonyms of a `PortableSynonyms` object, built once per object and analyzer. */
export function synonymsFor(portable, analyzer) {
  let built = cache.get(portable);
  if (built === undefined || built.analyzer !== analyzer) {
    built = { analyzer, synonyms: new Synonyms(portable, analyzer) };
    cache.set(portable, built);
  }
  return built.synonyms;
}

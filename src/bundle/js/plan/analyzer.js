// Text analysis in the browser, equal to the server's (`src/text/`): a text becomes
// the words the index stores (stems) and the words a reader's query is matched
// with. Tokens are runs of letters and digits (tantivy's SimpleTokenizer splits at
// every character that is not `char::is_alphanumeric`); a token of 40 UTF-8 bytes
// or more is dropped but keeps its position; each is lower-cased character by
// character and folded to ASCII with the server's own table; stop words are left
// out (leaving a gap in positions) and the rest stemmed (Porter2). The word lists
// and the folding table come from the bundle (`PortableText`), so there is one
// source for them.

import { keyWord, utf8Length } from "./keys.js";
import { stem } from "./porter2.js";

// Runs of Unicode letters (Alphabetic) and numbers (Nd, Nl, No): Rust's
// `char::is_alphanumeric`.
const TOKEN = /[\p{Alphabetic}\p{N}]+/gu;
const ASCII = /^[\x00-\x7f]*$/;
const ASCII_SEPARATOR = /[^A-Za-z0-9]+/;
// What makes a word the ending of a contraction ("I'd").
const APOSTROPHES = new Set(["'", "\u2019"]);
// Distinct words remembered with their stems before the cache is emptied (as the
// server's stem cache; a snippet stems its section's words on every search).
const MAX_CACHED_STEMS = 50000;

/** The analyzers of one bundle's text tables. */
export class Analyzer {
  /** @param {{max_token_bytes: number, stop_words: string[], filler: string[], folding: Object<string,string>}} text */
  constructor(text) {
    this.maxTokenBytes = text.max_token_bytes;
    this.stopWords = new Set(text.stop_words);
    this.filler = new Set(text.filler);
    this.cliticOnly = new Set(text.clitic_only ?? []);
    this.folding = new Map(Object.entries(text.folding));
    this.stemCache = new Map();
  }

  /**
   * Every token of `text` with its position, its offsets in `text` (JS string
   * indexes), its lower-cased and folded form (`name`) and its stem (`null` for a
   * stop word).
   */
  tokens(text) {
    const found = this.scan(text);
    for (const token of found) token.stem = this.indexedStem(token.name);
    return found;
  }

  // The tokens without stems: `[{position, from, to, name}]`.
  scan(text) {
    const found = [];
    let position = -1;
    for (const match of String(text).matchAll(TOKEN)) {
      position += 1;
      const raw = match[0];
      if (utf8Length(raw) >= this.maxTokenBytes) continue;
      found.push({ position, from: match.index, to: match.index + raw.length, name: this.fold(lowerCase(raw)) });
    }
    return found;
  }

  /** The words of `text` as the prose fields store them: `[[position, stem], …]`. */
  stems(text) {
    return this.tokens(text)
      .filter((t) => t.stem !== null)
      .map((t) => [t.position, t.stem]);
  }

  /** The words of `text` lower-cased and folded: `[[position, word], …]`. */
  names(text) {
    return this.scan(text).map((t) => [t.position, t.name]);
  }

  /** Each stemmed word with its unstemmed form and whether it directly follows an
   * apostrophe: `[{position, surface, stem, clitic}, …]`. */
  words(text) {
    const source = String(text);
    return this.tokens(source)
      .filter((t) => t.stem !== null)
      .map((t) => ({ position: t.position, surface: t.name, stem: t.stem, clitic: APOSTROPHES.has(source[t.from - 1]) }));
  }

  /** The synonym lookup key of a text: its words without stop words or plural endings. */
  keyWords(text) {
    const source = String(text);
    if (ASCII.test(source)) {
      // ASCII needs no token stream (as on the server): split, drop long words,
      // lower-case; building the synonym table is most of the planner's start-up.
      const keys = [];
      for (const word of source.split(ASCII_SEPARATOR)) {
        if (word === "" || word.length >= this.maxTokenBytes) continue;
        const lower = word.toLowerCase();
        if (!this.stopWords.has(lower)) keys.push(keyWord(lower));
      }
      return keys;
    }
    return this.scan(source)
      .filter((t) => !this.stopWords.has(t.name))
      .map((t) => keyWord(t.name));
  }

  /** What the prose fields store for one lower-cased, folded word: its stem, or
   * null for a stop word. */
  indexedStem(word) {
    return this.stopWords.has(word) ? null : this.stem(word);
  }

  /** The stem of one lower-cased, folded word (remembered). */
  stem(word) {
    let stemmed = this.stemCache.get(word);
    if (stemmed === undefined) {
      if (this.stemCache.size >= MAX_CACHED_STEMS) this.stemCache.clear();
      stemmed = stem(word);
      this.stemCache.set(word, stemmed);
    }
    return stemmed;
  }

  isStopWord(word) {
    return this.stopWords.has(word);
  }

  /** Whether a word of `words` is filler: the ending of a contraction ("d", "t") is
   * only right after an apostrophe (the server's `Word::is_filler`). */
  isFillerWord(word) {
    return this.filler.has(word.surface) && (word.clitic || !this.cliticOnly.has(word.surface));
  }

  /** ASCII folding of a lower-cased token (only tokens with non-ASCII characters change). */
  fold(token) {
    if (ASCII.test(token)) return token;
    let out = "";
    for (const c of token) out += this.folding.get(c) ?? c;
    return out;
  }
}

// Lower case character by character, as tantivy's LowerCaser (no final-sigma rule).
function lowerCase(token) {
  if (ASCII.test(token)) return token.toLowerCase();
  let out = "";
  for (const c of token) out += c.toLowerCase();
  return out;
}

const cache = new WeakMap();

/** The Analyzer of a `PortableText` object, built once per object. */
export function analyzerFor(text) {
  let analyzer = cache.get(text);
  if (analyzer === undefined) {
    analyzer = new Analyzer(text);
    cache.set(text, analyzer);
  }
  return analyzer;
}

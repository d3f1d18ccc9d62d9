// healthdex static search: reading the bundle's data files. Every data file is
// gzip (inflated with the platform's DecompressionStream); the binary ones are
// varints and length-prefixed UTF-8, written by src/bundle/encode.rs, chunks.rs
// and docs.rs, and the synonym shards JSON, written by synonyms.rs; they change
// together with this module. Fetches go through one cache per opened bundle, so
// a file is downloaded and decoded at most once.

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Fetches `url` and inflates it. */
export async function fetchData(url) {
  const response = await fetch(url);
  if (!response.ok) {
    const error = new Error(`healthdex: cannot load ${url} (HTTP ${response.status}); is the bundle complete on the host?`);
    error.missing = response.status === 404;
    throw error;
  }
  const inflated = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

/** Fetches a gzip JSON file. */
export async function fetchJson(url) {
  return JSON.parse(decoder.decode(await fetchData(url)));
}

/** A JSON data file's inflated bytes, parsed. */
export function decodeJson(bytes) {
  return JSON.parse(decoder.decode(bytes));
}

/** The synonym shard of a key's first word: FNV-1a (32 bits) of its UTF-8
 * bytes, modulo the number of shards (as src/bundle/synonyms.rs). */
export function synonymShard(word, shards) {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(word)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % shards;
}

/**
 * Synonym shards (src/bundle/synonyms.rs) merged into the planner's table
 * (`PortableSynonyms`): their terms renumbered in the whole table's order, its
 * groups as runs, its one-way entries in its order. For the words whose shards
 * these are, the planner finds in it what it would find in the whole table.
 */
export function mergeSynonymShards(shards) {
  const display = new Map();
  const groupAt = new Map();
  const entries = new Map();
  const keys = new Map();
  for (const shard of shards) {
    shard.ids.forEach((id, i) => display.set(id, shard.terms[i]));
    for (const [first, length] of shard.groups) groupAt.set(first, length);
    for (const [place, ...entry] of shard.expansions) entries.set(place, entry);
    for (const [id, key] of shard.keys ?? []) keys.set(id, key);
  }
  const ids = [...display.keys()].sort((a, b) => a - b);
  const number = new Map(ids.map((id, i) => [id, i]));
  const groups = [];
  for (let i = 0; i < ids.length; ) {
    const length = groupAt.get(ids[i]) ?? 1;
    groups.push(length);
    i += length;
  }
  return {
    terms: ids.map((id) => display.get(id)),
    groups,
    expansions: [...entries].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry.map((id) => number.get(id))),
    keys: Object.fromEntries([...keys].map(([id, key]) => [number.get(id), key])),
  };
}

/** A cursor over a binary file. */
export class Reader {
  constructor(bytes, magic) {
    this.bytes = bytes;
    this.at = 0;
    if (magic !== undefined) {
      const found = decoder.decode(bytes.subarray(0, 4));
      if (found !== magic) {
        throw new Error(`healthdex: a data file has format ${JSON.stringify(found)}, not ${magic}; rebuild the bundle with this healthdex`);
      }
      this.at = 4;
    }
  }
  done() {
    return this.at >= this.bytes.length;
  }
  byte() {
    if (this.at >= this.bytes.length) throw new Error("healthdex: a data file ends early; rebuild the bundle");
    return this.bytes[this.at++];
  }
  varint() {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }
  text() {
    const length = this.varint();
    const start = this.at;
    this.at += length;
    return decoder.decode(this.bytes.subarray(start, this.at));
  }
}

/** Fields in storage order, and which keep positions. */
export const FIELDS = ["title", "heading", "body", "parents", "references"];
/** Each field's number in storage order. */
export const [TITLE, HEADING, BODY, PARENTS, REFERENCES] = FIELDS.keys();
const POSITIONAL = [true, true, true, false, false];
/** The mask bit saying that names follow a stem's postings (chunks.rs). */
const NAMES_BIT = 1 << FIELDS.length;

/**
 * An index chunk: `get(stem)` gives per field (FIELDS order) a list of postings,
 * each `{ section, tf, positions }` (positions empty for fields without them),
 * with `names` the article names beginning with the stem (see readNames), or
 * undefined. Stems are decoded when first asked for: a chunk holds dozens, a
 * query wants one or two.
 */
export class TermChunk {
  constructor(bytes) {
    this.bytes = bytes;
    this.offsets = new Map();
    this.decoded = new Map();
    const r = new Reader(bytes, "HXT1");
    while (!r.done()) {
      const stem = r.text();
      const mask = r.byte();
      const length = r.varint();
      this.offsets.set(stem, [mask, r.at]);
      r.at += length;
    }
  }

  get(stem) {
    let fields = this.decoded.get(stem);
    if (fields === undefined && this.offsets.has(stem)) {
      const [mask, at] = this.offsets.get(stem);
      const r = new Reader(this.bytes);
      r.at = at;
      fields = FIELDS.map((_, slot) => ((mask >> slot) & 1 ? readPostings(r, POSITIONAL[slot]) : []));
      fields.names = mask & NAMES_BIT ? readNames(r) : [];
      this.decoded.set(stem, fields);
    }
    return fields;
  }
}

/** An index chunk (see TermChunk). */
export function decodeTerms(bytes) {
  return new TermChunk(bytes);
}

// The names that begin with a stem: `{ key, runs }`, each run a [first section,
// number of sections] of one article going by the name.
function readNames(r) {
  const count = r.varint();
  const names = new Array(count);
  for (let i = 0; i < count; i++) {
    const key = r.text();
    const articles = r.varint();
    const runs = new Array(articles);
    let end = 0;
    for (let a = 0; a < articles; a++) {
      const first = end + r.varint();
      const sections = r.varint();
      runs[a] = [first, sections];
      end = first + sections;
    }
    names[i] = { key, runs };
  }
  return names;
}

function readPostings(r, positional) {
  const count = r.varint();
  const postings = new Array(count);
  let section = 0;
  for (let i = 0; i < count; i++) {
    const code = r.varint();
    section += Math.floor(code / 2);
    const tf = code % 2 === 1 ? 1 : r.varint();
    const positions = [];
    if (positional) {
      let at = 0;
      for (let k = 0; k < tf; k++) {
        at += r.varint();
        positions.push(at);
      }
    }
    postings[i] = { section, tf, positions };
  }
  return postings;
}

/** A vocabulary chunk (`HXV1`) or a completions chunk (`HXC1`): word → sections
 * holding it. */
export function decodeVocabulary(bytes, magic = "HXV1") {
  const r = new Reader(bytes, magic);
  const words = new Map();
  while (!r.done()) {
    const word = r.text();
    words.set(word, r.varint());
  }
  return words;
}

/**
 * The docs table: per section its article, norms (FIELDS order) and evidence bits;
 * per article its first section, tag ids, date (days since 1970, or null) and
 * author words.
 */
export function decodeDocs(bytes) {
  const r = new Reader(bytes, "HXD2");
  const articles = r.varint();
  const sections = r.varint();
  const firstSection = new Uint32Array(articles + 1);
  for (let a = 0; a < articles; a++) firstSection[a + 1] = firstSection[a] + r.varint();
  const tags = Array.from({ length: articles }, () => Array.from({ length: r.varint() }, () => r.varint()));
  const days = Array.from({ length: articles }, () => {
    const date = r.varint();
    return date === 0 ? null : unzigzag(date - 1);
  });
  const authors = Array.from({ length: articles }, () => Array.from({ length: r.varint() }, () => r.text()));
  const articleOf = new Uint32Array(sections);
  for (let a = 0; a < articles; a++) articleOf.fill(a, firstSection[a], firstSection[a + 1]);
  const norms = new Uint8Array(sections * FIELDS.length);
  for (let a = 0; a < articles; a++) {
    const title = r.byte(); // one per article: its sections share its title
    for (let s = firstSection[a]; s < firstSection[a + 1]; s++) norms[s * FIELDS.length + TITLE] = title;
  }
  for (let f = TITLE + 1; f < FIELDS.length; f++) {
    for (let s = 0; s < sections; s++) norms[s * FIELDS.length + f] = r.byte();
  }
  const evidence = new Uint8Array(sections);
  for (let s = 0; s < sections; s++) evidence[s] = r.byte();
  return { articles, sections, firstSection, articleOf, tags, days, authors, norms, evidence };
}

/** A file of fragment names (`HXN1`): each section's name, as hex. */
export function decodeNames(bytes) {
  const r = new Reader(bytes, "HXN1");
  const names = [];
  while (!r.done()) {
    let name = 0;
    for (let k = 0; k < 4; k++) name += r.byte() * 2 ** (8 * k);
    names.push(name.toString(16).padStart(8, "0"));
  }
  return names;
}

function unzigzag(value) {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** Compares two strings by code points (the order of their UTF-8 bytes, as Rust
 * sorts). UTF-16 units already sort so, except that a surrogate (a code point
 * above U+FFFF) must come after U+E000–U+FFFF; no allocation, as it runs for
 * every chunk lookup. */
export function compareText(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit) {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** The index of the last entry of `sorted` whose key is at most `key` (-1 if none). */
export function lastAtMost(sorted, key, compare) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

// Reading what a person typed, as the server's `understand/parse.rs`: plain words
// and quoted phrases, and the operators `-x`, `a OR b`, `title:`, `heading:`,
// `tag:`, `author:`, `evidence:` and `year:`. An operator typed wrongly degrades to
// plain words; nothing here fails. Items are `{phrase: bool, text}`.

/** Characters of a query that are read (code points); the rest is ignored. */
export const MAX_QUERY_CHARS = 1000;
/** Items (words, phrases, operators) read from one query. */
export const MAX_QUERY_ITEMS = 256;

/** Evidence types a query or request may ask for. */
export const EVIDENCE = [
  "systematic-review", "rct", "observational", "guideline", "narrative-review", "case-report", "animal-or-lab",
];

const WHITE_SPACE = /\p{White_Space}/u;
const LEADING_SPACE = /^\p{White_Space}+/u;
const TRAILING_SPACE = /\p{White_Space}+$/u;
const QUOTES = new Set(['"', "\u201c", "\u201d"]);

/** Unicode `trim`, as Rust's `str::trim` (White_Space, not JS's `trim`). */
export function trim(text) {
  return text.replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
}

/** The part of a query that is read: its first MAX_QUERY_CHARS code points. */
export function clip(text) {
  let count = 0;
  let index = 0;
  for (const c of text) {
    if (count === MAX_QUERY_CHARS) return text.slice(0, index);
    count += 1;
    index += c.length;
  }
  return text;
}

/** Reads a query: `{groups, excluded, required: [[scope, item]], filters}`. */
export function parse(text) {
  const query = {
    groups: [],
    excluded: [],
    required: [],
    filters: { tags: [], authors: [], evidence: [], since: null, until: null },
  };
  let joinNext = false;
  for (const token of tokens(clip(String(text))).slice(0, MAX_QUERY_ITEMS)) {
    const { item } = token;
    if (!item.phrase && item.text === "OR" && token.field === null && !token.negated) {
      joinNext = query.groups.length > 0;
      continue;
    }
    const joined = joinNext;
    joinNext = false;
    addToken(query, token, joined);
  }
  if (query.groups.length === 0 && query.required.length === 0) {
    // Nothing left to search for: `-word` alone was meant as a word.
    query.groups = query.excluded.map((item) => [item]);
    query.excluded = [];
  }
  return query;
}

function addToken(query, token, joined) {
  if (token.field !== null && applyField(query, token.field, token)) return;
  const plain = token.field !== null ? [{ phrase: false, text: token.field }, token.item] : [token.item];
  for (const item of plain) {
    if (token.negated) {
      query.excluded.push(item);
    } else if (joined && query.groups.length > 0) {
      query.groups[query.groups.length - 1].push(item);
    } else {
      query.groups.push([item]);
    }
  }
}

// Applies a `field:value` operator; false if it is not a valid one.
function applyField(query, field, token) {
  const value = trim(token.item.text);
  if (value === "" || (token.negated && field !== "title" && field !== "heading")) return false;
  const filters = query.filters;
  switch (asciiLower(field)) {
    case "title":
    case "heading": {
      const scope = asciiLower(field) === "title" ? "title" : "heading";
      if (token.negated) query.excluded.push(token.item);
      else query.required.push([scope, token.item]);
      return true;
    }
    case "tag":
    case "tags":
      filters.tags.push(value.toLowerCase());
      return true;
    case "author":
    case "by":
      filters.authors.push(value);
      return true;
    case "evidence": {
      const name = trim(value).toLowerCase();
      if (!EVIDENCE.includes(name)) return false;
      filters.evidence.push(name);
      return true;
    }
    case "year":
    case "date": {
      const range = yearRange(value);
      if (range === null) return false;
      filters.since = range[0] ?? filters.since;
      filters.until = range[1] ?? filters.until;
      return true;
    }
    default:
      return false;
  }
}

function asciiLower(text) {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

// `2021`, `2019..2021`, `>=2020`, `>2019`, `<2015`, `<=2015`: [since, until] as
// YYYY-MM-DD or null, or null when the value is no year range.
function yearRange(value) {
  const year = (text) => {
    const t = trim(text);
    if (!/^\+?[0-9]+$/.test(t)) return null;
    const y = Number(t.replace(/^\+/, ""));
    return y >= 1000 && y <= 9999 ? y : null;
  };
  const start = (y) => (y >= 1 && y <= 9999 ? `${pad(y)}-01-01` : null);
  const end = (y) => (y >= 1 && y <= 9999 ? `${pad(y)}-12-31` : null);
  const dots = value.indexOf("..");
  if (dots >= 0) {
    const from = year(value.slice(0, dots));
    const to = year(value.slice(dots + 2));
    if (from === null || to === null || from > to) return null;
    return [start(from), end(to)];
  }
  for (const [prefix, make] of [
    [">=", (y) => [start(y), null]],
    [">", (y) => [start(y + 1), null]],
    ["<=", (y) => [null, end(y)]],
    ["<", (y) => [null, end(y - 1)]],
  ]) {
    if (value.startsWith(prefix)) {
      const y = year(value.slice(prefix.length));
      return y === null ? null : make(y);
    }
  }
  const single = year(value);
  return single === null ? null : [start(single), end(single)];
}

function pad(year) {
  return String(year).padStart(4, "0");
}

// Splits the text into words and phrases with their `-` and `field:` prefixes.
function tokens(text) {
  const found = [];
  let rest = text.replace(LEADING_SPACE, "");
  while (rest !== "") {
    const [token, after] = nextToken(rest);
    if (token !== null) found.push(token);
    rest = after.replace(LEADING_SPACE, "");
  }
  return found;
}

function nextToken(text) {
  let negated = false;
  if (text.startsWith("-")) {
    const rest = text.slice(1);
    const first = firstChar(rest);
    if (first !== "" && !WHITE_SPACE.test(first) && first !== "-") {
      negated = true;
      text = rest;
    } else {
      return [null, rest];
    }
  }
  const phrase = quoted(text);
  if (phrase !== null) return [{ negated, field: null, item: { phrase: true, text: phrase[0] } }, phrase[1]];
  const space = text.search(WHITE_SPACE);
  const end = space < 0 ? text.length : space;
  const word = text.slice(0, end);
  const colon = word.indexOf(":");
  if (colon >= 0 && isFieldName(word.slice(0, colon))) {
    const field = word.slice(0, colon);
    const inner = quoted(text.slice(colon + 1));
    if (inner !== null) return [{ negated, field, item: { phrase: true, text: inner[0] } }, inner[1]];
    return [{ negated, field, item: { phrase: false, text: word.slice(colon + 1) } }, text.slice(end)];
  }
  return [{ negated, field: null, item: { phrase: false, text: word } }, text.slice(end)];
}

function firstChar(text) {
  const code = text.codePointAt(0);
  return code === undefined ? "" : String.fromCodePoint(code);
}

function isFieldName(name) {
  return name.length > 0 && name.length <= 12 && /^[A-Za-z]+$/.test(name);
}

// A phrase in straight or curly double quotes at the start of `text`, and the text
// after it; an unclosed quote runs to the end. Null if `text` opens no quote.
function quoted(text) {
  if (!QUOTES.has(text[0])) return null;
  const inner = text.slice(1);
  for (let i = 0; i < inner.length; i++) {
    if (QUOTES.has(inner[i])) return [inner.slice(0, i), inner.slice(i + 1)];
  }
  return [inner, ""];
}

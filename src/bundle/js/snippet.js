// healthdex static search: snippets, as the server's src/search/snippet.rs makes
// them. The window holds the most distinct query words (rarer words weigh more),
// widened to start at a sentence or word boundary; the result carries plain text,
// `<mark>` HTML with every character escaped, and the marks' character ranges.

/** Longest snippet, in characters. */
export const SNIPPET_CHARS = 220;
const ELLIPSIS = "…";
const PREFIX_CHARS = 3;

/**
 * Snippets for one query. `terms` maps each stem to mark to its weight; `scan`
 * splits a text as the analyzers do: `{from, to, name}` per word, with UTF-16
 * offsets and the word lower-cased and folded; `stemOf` gives a word's stem (null
 * for a stop word). Only words that begin as a marked stem does are stemmed.
 */
export class SnippetMaker {
  constructor(terms, scan, stemOf) {
    this.terms = new Map();
    this.weights = [];
    for (const [term, weight] of terms) {
      if (!this.terms.has(term)) {
        this.terms.set(term, this.weights.length);
        this.weights.push(weight);
      }
    }
    this.prefixes = [...this.terms.keys()].map((t) => [...t].slice(0, PREFIX_CHARS).join(""));
    this.scan = scan;
    this.stemOf = stemOf;
  }

  snippet(text) {
    const matches = this.findMatches(text);
    const best = this.bestWindow(matches);
    const [start, end] = best
      ? widen(text, matches[best[0]].from, matches[best[1]].to)
      : widen(text, 0, 0);
    const inside = matches.filter((m) => m.from >= start && m.to <= end);
    return render(text, start, end, inside);
  }

  findMatches(text) {
    const matches = [];
    for (const token of this.scan(text)) {
      if (!this.prefixes.some((p) => token.name.startsWith(p))) continue;
      const stem = this.stemOf(token.name);
      const term = stem !== null && this.terms.has(stem) ? this.terms.get(stem) : null;
      if (term !== null) matches.push({ from: token.from, to: token.to, term });
    }
    return matches;
  }

  bestWindow(matches) {
    let best = null;
    const span = (SNIPPET_CHARS * 3) >> 2;
    for (let first = 0; first < matches.length; first++) {
      const seen = new Set();
      let score = 0;
      let last = first;
      for (let i = first; i < matches.length; i++) {
        if (matches[i].to - matches[first].from > span) break;
        const weight = this.weights[matches[i].term];
        score += seen.has(matches[i].term) ? weight * 0.1 : weight;
        seen.add(matches[i].term);
        last = i;
      }
      if (best === null || score > best[0]) best = [score, first, last];
    }
    return best && [best[1], best[2]];
  }
}

/** Characters (code points) in `text`. */
function chars(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The index `n` characters before `from` (0 at the start). */
function backChars(text, from, n) {
  let at = from;
  for (let k = 0; k < n && at > 0; k++) {
    at -= 1;
    if (at > 0 && isLowSurrogate(text.charCodeAt(at))) at -= 1;
  }
  return at;
}

/** The index `n` characters after `from` (the end at most). */
function forwardChars(text, from, n) {
  let at = from;
  for (let k = 0; k < n && at < text.length; k++) at += text.codePointAt(at) > 0xffff ? 2 : 1;
  return at;
}

function isLowSurrogate(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

const SPACE = /\s/u;

function widen(text, from, to) {
  const lead = Math.floor(Math.max(0, SNIPPET_CHARS - chars(text.slice(from, to))) / 3);
  const earliest = backChars(text, from, lead);
  const start = sentenceStart(text, earliest, from) ?? wordStart(text, earliest, from);
  const limit = forwardChars(text, start, SNIPPET_CHARS);
  const end = limit >= text.length ? text.length : Math.max(wordEnd(text, limit), to);
  return [start, end];
}

function sentenceStart(text, earliest, before) {
  if (earliest === 0) return 0;
  for (let i = before - 1; i >= earliest; i--) {
    if (!".!?\n".includes(text[i])) continue;
    const after = i + 1;
    if (!(SPACE.test(text[after] ?? "") || text[i] === "\n")) continue;
    let at = after;
    while (at < text.length && SPACE.test(text[at])) at++;
    if (at <= before) return at;
  }
  return null;
}

function wordStart(text, earliest, before) {
  for (let i = earliest; i < before; i++) if (SPACE.test(text[i])) return Math.min(i + 1, before);
  return Math.min(earliest, before);
}

function wordEnd(text, at) {
  for (let i = at - 1; i > 0; i--) if (SPACE.test(text[i])) return i;
  return at;
}

/** Escapes text for HTML (the only markup a snippet has is `<mark>`). */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function render(text, start, end, marks) {
  const snippet = { text: "", html: "", highlights: [] };
  let count = 0;
  const push = (piece, marked) => {
    const n = chars(piece);
    if (marked) snippet.highlights.push([count, count + n]);
    snippet.html += marked ? `<mark>${escapeHtml(piece)}</mark>` : escapeHtml(piece);
    snippet.text += piece;
    count += n;
  };
  const body = text.slice(start, end).replace(/\n/g, " ");
  if (start > 0) push(ELLIPSIS, false);
  let cursor = 0;
  for (const m of marks) {
    const from = m.from - start;
    const to = m.to - start;
    if (from < cursor) continue;
    push(body.slice(cursor, from), false);
    push(body.slice(from, to), true);
    cursor = to;
  }
  push(body.slice(cursor).trimEnd(), false);
  if (end < text.length) push(ELLIPSIS, false);
  return snippet;
}

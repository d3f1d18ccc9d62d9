// From what each engine returns to the judged section ids (`path#anchor`) that
// lib/eval.mjs scores. healthdex's hits carry `path` and `anchor` already.
// Pagefind returns pages of the rendered site; each is read the way Pagefind's
// Default UI shows it with sub-results (pagefind-ui.js, 1.6): when the page's
// first sub-result is the page itself (matches before the first heading with an
// id), that comes first, then at most 3 of the other sub-results, chosen by
// number of matches and kept in page order. A page URL without `#` is the
// article's intro (`path#`) when it has one, else its first section, which is
// where the reader lands. The rendered site's manifest (render.mjs) maps URLs
// back to article paths exactly.

import { readFileSync } from "node:fs";

/** Sub-results the Default UI shows under a page. */
export const SUB_RESULTS_SHOWN = 3;

/** Reads render.mjs's manifest into a lookup by page URL. */
export function readManifest(path) {
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  const byUrl = new Map();
  for (const article of manifest.articles) byUrl.set(article.url, article);
  return { ...manifest, byUrl };
}

/** The judged id of a URL on the rendered site, or `?URL` if it is not one of its pages. */
export function sectionIdOfUrl(manifest, url) {
  const hash = url.indexOf("#");
  const page = hash >= 0 ? url.slice(0, hash) : url;
  const anchor = hash >= 0 ? decodeURIComponent(url.slice(hash + 1)) : null;
  const article = manifest.byUrl.get(page) ?? manifest.byUrl.get(decodeURI(page));
  if (!article) return `?${url}`;
  if (anchor !== null && anchor !== "") return `${article.path}#${anchor}`;
  if (article.intro || article.anchors.length === 0) return `${article.path}#`;
  return `${article.path}#${article.anchors[0]}`;
}

/** The `shown` sub-results of the most matches, in page order (pagefind-ui.js). */
function mostMatched(subs, shown) {
  if (subs.length <= shown) return subs;
  const keep = new Set(
    [...subs]
      .sort((a, b) => b.matches - a.matches)
      .slice(0, shown)
      .map((s) => s.url),
  );
  return subs.filter((s) => keep.has(s.url));
}

/** The URLs the Default UI lists for one Pagefind page, in order. */
export function shownUrls(page) {
  const subs = page.sub_results ?? [];
  if (subs.length === 0) return [page.url];
  if (subs[0].url === page.url) {
    return [page.url, ...mostMatched(subs.slice(1), SUB_RESULTS_SHOWN).map((s) => s.url)];
  }
  return mostMatched(subs, SUB_RESULTS_SHOWN).map((s) => s.url);
}

/** Pagefind pages (best first) → judged section ids, each once. */
export function pagefindRanking(manifest, pages) {
  const ids = [];
  for (const page of pages) {
    for (const url of shownUrls(page)) {
      const id = sectionIdOfUrl(manifest, url);
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/**
 * A reading kinder to Pagefind, reported beside the Default UI's: every
 * sub-result of each page, most matches first, with no cap of 3.
 */
export function pagefindRankingAllSubResults(manifest, pages) {
  const ids = [];
  for (const page of pages) {
    const subs = [...(page.sub_results ?? [])].sort((a, b) => b.matches - a.matches);
    for (const url of subs.length ? subs.map((s) => s.url) : [page.url]) {
      const id = sectionIdOfUrl(manifest, url);
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** healthdex hits (best first) → judged section ids. */
export function healthdexRanking(hits) {
  return hits.map((h) => `${h.path}#${h.anchor ?? ""}`);
}

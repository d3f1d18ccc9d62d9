// The two engines behind one shape, as a page would use them: open the bundle
// from its URL, search, and load what the first page of results shows. Each
// adapter's `search(query, shown)` returns plain data for the harness to score:
// Pagefind's pages (URL and sub-results with their match counts), healthdex's
// hits (path and anchor). Mapping them to judged section ids happens in the
// harness (lib/mapping.mjs), which knows the rendered site.

/** Where each engine's files sit inside the site, and its entry module. */
export const ENGINES = {
  pagefind: { folder: "pagefind/", entry: "pagefind/pagefind.js" },
  healthdex: { folder: "hx/", entry: "hx/healthdex.js" },
};

/**
 * Pagefind 1.6 through its JS API. In Node there is no `Worker` (nor `window`),
 * so pagefind.js runs the search on the main thread; a browser would also fetch
 * `pagefind-worker.js`, which the harness adds to the cold bytes.
 */
async function openPagefind(siteBase) {
  const pagefind = await import(siteBase + ENGINES.pagefind.entry);
  // URLs relative to the site root, so they map back to rendered pages.
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
  return {
    async search(query, shown) {
      const found = await pagefind.search(query);
      const results = found?.results ?? [];
      const pages = await Promise.all(results.slice(0, shown).map((r) => r.data()));
      return {
        total: results.length,
        pages: pages.map((p) => ({
          url: p.url,
          sub_results: (p.sub_results ?? []).map((s) => ({ url: s.url, matches: s.locations?.length ?? 0 })),
        })),
      };
    },
    async searchOnly(query) {
      const found = await pagefind.search(query);
      return found?.results?.length ?? 0;
    },
  };
}

/** healthdex's bundle through `healthdex.js` (`open(baseUrl)` → `hx.search`). */
async function openHealthdex(siteBase) {
  const module = await import(siteBase + ENGINES.healthdex.entry);
  const hx = await module.open(siteBase + ENGINES.healthdex.folder);
  return {
    async search(query, shown) {
      const answer = await hx.search(query, { limit: shown });
      return {
        total: answer.total,
        hits: (answer.hits ?? []).map((h) => ({ path: h.path, anchor: h.anchor ?? "" })),
      };
    },
    async searchOnly(query) {
      const answer = await hx.search(query, { limit: 10 });
      return answer.total;
    },
  };
}

/** Opens `engine` ("pagefind" or "healthdex") from the site served at `siteBase`. */
export function openEngine(engine, siteBase) {
  if (engine === "pagefind") return openPagefind(siteBase);
  if (engine === "healthdex") return openHealthdex(siteBase);
  throw new Error(`unknown engine "${engine}": use pagefind or healthdex`);
}

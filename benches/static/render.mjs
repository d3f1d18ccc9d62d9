// Renders a folder of Markdown health articles to a static HTML site, one page
// per article, in the shape a real health site's theme gives them: a header with
// the site's navigation, a sidebar (contents, the article's details and topics,
// related articles), the article in `<main data-pagefind-body><article>`, a
// comment form and a footer. Pagefind indexes only `<main>`, which holds what
// healthdex searches (the title and the body); the rest is site chrome.
//
// Section headings get the ids healthdex gives them (src/article/anchor.rs), read
// from `healthdex export --format json` rather than recomputed, so a deep link
// `url#anchor` from either engine lands on the same heading: each section's
// `line` is the source line of its heading, and the heading markdown-it parses
// from that line gets the id. Each page's URL encodes the article's path
// (`CDC/0000001.md` → `/articles/CDC/0000001/`), and `render-manifest.json` maps
// every URL back to its path and anchors exactly.
//
//   node render.mjs --corpus DIR --out SITE [--healthdex BIN] [--export FILE] [--drafts]
//
// Needs markdown-it (benches/static/package.json; `npm install` there). Also the
// HTML input for issue 17: each page carries schema.org JSON-LD for the article.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const SITE_NAME = "Health Library";
const MANIFEST = "render-manifest.json";
/** What render.mjs writes into SITE, and so the only things it removes again. */
const OWN_ENTRIES = ["articles", "sources", "assets", "about", "index.html", MANIFEST];
/** Related articles listed in the sidebar (neighbours in the same folder). */
const RELATED = 5;

function escapeHtml(text) {
  return String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** JSON for a `<script>` element: no `</script>` or `<!--` can end it early. */
function scriptJson(value) {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The page URL of an article: its path without the extension, under /articles/. */
export function articleUrl(path) {
  const stem = path.replace(/\.[^./]+$/, "");
  return "/articles/" + stem.split("/").map(encodeURIComponent).join("/") + "/";
}

/** The file that serves `url` inside the site folder. */
function fileOfUrl(site, url) {
  return join(site, decodeURIComponent(url), "index.html");
}

/** Articles as healthdex parses them: `healthdex export --format json`. */
function exportArticles(options) {
  if (options.export) {
    return JSON.parse(readFileSync(options.export, "utf8")).articles;
  }
  const dir = mkdtempSync(join(tmpdir(), "hx-render-"));
  const out = join(dir, "export.json");
  const args = ["export", options.corpus, "--format", "json", "--out", out];
  if (options.drafts) args.push("--drafts");
  try {
    execFileSync(options.healthdex, args, { stdio: ["ignore", "ignore", "inherit"] });
    return JSON.parse(readFileSync(out, "utf8")).articles;
  } catch (e) {
    throw new Error(
      `\`${options.healthdex} ${args.join(" ")}\` failed (${e.message}); build healthdex (cargo build --release) and pass --healthdex target/release/healthdex`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Markdown of an article with its front matter blanked out line for line, so
 * the line numbers markdown-it reports are the file's own.
 */
export function bodyLines(source) {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const fence = lines[0]?.trim();
  if (fence === "---" || fence === "+++") {
    const end = lines.findIndex((line, i) => i > 0 && (line.trim() === fence || (fence === "---" && line.trim() === "...")));
    if (end > 0) {
      for (let i = 0; i <= end; i++) lines[i] = "";
    }
  }
  return lines.join("\n");
}

/**
 * The article body as HTML: headings that start a healthdex section get its
 * anchor as their id; a level-1 heading that is no section (the title, which
 * the page shows itself) is left out. Returns the HTML and the anchors of
 * sections whose heading was not found.
 */
export function renderBody(md, source, article) {
  const byLine = new Map(article.sections.filter((s) => s.heading).map((s) => [s.line, s]));
  const tokens = md.parse(bodyLines(source), {});
  const kept = [];
  const placed = new Set();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === "heading_open" && token.map) {
      const section = byLine.get(token.map[0] + 1);
      if (section) {
        token.attrSet("id", section.anchor);
        placed.add(section.anchor);
      } else if (token.tag === "h1") {
        while (i < tokens.length && tokens[i].type !== "heading_close") i++;
        continue;
      }
    }
    kept.push(token);
  }
  const missing = article.sections.filter((s) => s.heading && !placed.has(s.anchor)).map((s) => s.anchor);
  return { html: md.renderer.render(kept, md.options, {}), missing };
}

function jsonLd(article) {
  const meta = article.meta ?? {};
  const person = (name) => ({ "@type": "Person", name });
  const ld = {
    "@context": "https://schema.org",
    "@type": "MedicalWebPage",
    headline: article.title,
    url: articleUrl(article.path),
  };
  if (meta.description) ld.description = meta.description;
  if (meta.date) ld.datePublished = meta.date;
  if (meta.updated) ld.dateModified = meta.updated;
  if (meta.authors?.length) ld.author = meta.authors.map(person);
  if (meta.reviewers?.length) ld.reviewedBy = meta.reviewers.map(person);
  if (meta.reviewed) ld.lastReviewed = meta.reviewed;
  if (meta.tags?.length) ld.keywords = meta.tags.join(", ");
  return ld;
}

function siteHeader(sources) {
  const links = sources.map((s) => `<li><a href="/sources/${encodeURIComponent(s)}/">${escapeHtml(s)}</a></li>`).join("");
  return `<header class="site-header">
<a class="brand" href="/">${SITE_NAME}</a>
<nav aria-label="Main"><ul><li><a href="/">Home</a></li>${links}<li><a href="/about/">About</a></li></ul></nav>
<form class="site-search" role="search" action="/search/"><label for="q">Search</label> <input id="q" name="q" type="search"></form>
</header>`;
}

function siteFooter() {
  return `<footer class="site-footer">
<p>This library is for general information and does not replace advice from a health professional who knows your situation.</p>
<p><a href="/about/">About</a> · <a href="/about/#privacy">Privacy</a> · <a href="/about/#contact">Contact</a></p>
</footer>`;
}

function page({ title, description, sources, main, aside, extraHead = "", comments = "" }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${SITE_NAME}</title>
${description ? `<meta name="description" content="${escapeHtml(description)}">\n` : ""}<link rel="stylesheet" href="/assets/site.css">
${extraHead}</head>
<body>
${siteHeader(sources)}
<div class="layout">
${aside}
${main}
</div>
${comments}${siteFooter()}
</body>
</html>
`;
}

function sidebar(article, related) {
  const meta = article.meta ?? {};
  const toc = article.sections
    .filter((s) => s.heading)
    .map((s) => `<li><a href="#${encodeURIComponent(s.anchor)}">${escapeHtml(s.heading)}</a></li>`)
    .join("");
  const details = [
    meta.extra?.source ? `<dt>Source</dt><dd>${escapeHtml(meta.extra.source)}</dd>` : "",
    meta.authors?.length ? `<dt>Written by</dt><dd>${escapeHtml(meta.authors.join(", "))}</dd>` : "",
    meta.reviewers?.length ? `<dt>Reviewed by</dt><dd>${escapeHtml(meta.reviewers.join(", "))}</dd>` : "",
    meta.date ? `<dt>Published</dt><dd><time datetime="${escapeHtml(meta.date)}">${escapeHtml(meta.date)}</time></dd>` : "",
    meta.updated ? `<dt>Updated</dt><dd><time datetime="${escapeHtml(meta.updated)}">${escapeHtml(meta.updated)}</time></dd>` : "",
  ].join("");
  const tags = (meta.tags ?? [])
    .map((t) => `<li><a href="/tags/${encodeURIComponent(t)}/" data-pagefind-filter="tag">${escapeHtml(t)}</a></li>`)
    .join("");
  const rel = related.map((r) => `<li><a href="${articleUrl(r.path)}">${escapeHtml(r.title)}</a></li>`).join("");
  return `<aside class="sidebar">
<nav aria-label="In this article"><h2>In this article</h2><ol>${toc}</ol></nav>
${details ? `<section class="details"><h2>About this article</h2><dl>${details}</dl></section>` : ""}
${tags ? `<section class="topics"><h2>Topics</h2><ul>${tags}</ul></section>` : ""}
${rel ? `<section class="related"><h2>Related</h2><ul>${rel}</ul></section>` : ""}
</aside>`;
}

function commentForm(article) {
  return `<section class="comments" aria-labelledby="comments-title">
<h2 id="comments-title">Comments</h2>
<p>Comments are moderated. Please do not share personal medical details.</p>
<form method="post" action="/comments/">
<input type="hidden" name="article" value="${escapeHtml(article.path)}">
<p><label for="c-name">Name</label> <input id="c-name" name="name" required></p>
<p><label for="c-email">Email (not published)</label> <input id="c-email" name="email" type="email" required></p>
<p><label for="c-text">Comment</label><br><textarea id="c-text" name="comment" rows="6" cols="60" required></textarea></p>
<p><button type="submit">Post comment</button></p>
</form>
</section>
`;
}

function articlePage(md, corpus, article, related, sources) {
  const source = readFileSync(join(corpus, article.path), "utf8");
  const body = renderBody(md, source, article);
  const main = `<main data-pagefind-body>
<article>
<h1>${escapeHtml(article.title)}</h1>
${body.html}</article>
</main>`;
  const html = page({
    title: article.title,
    description: article.meta?.description,
    sources,
    main,
    aside: sidebar(article, related),
    extraHead: `<script type="application/ld+json">${scriptJson(jsonLd(article))}</script>\n`,
    comments: commentForm(article),
  });
  return { html, missing: body.missing };
}

function listPage(title, sources, articles) {
  const items = articles.map((a) => `<li><a href="${articleUrl(a.path)}">${escapeHtml(a.title)}</a></li>`).join("\n");
  return page({
    title,
    sources,
    main: `<div class="listing"><h1>${escapeHtml(title)}</h1>\n<ul>\n${items}\n</ul></div>`,
    aside: "",
  });
}

const CSS = `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1b1b1b}
.site-header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.75rem 1rem;background:#0b4f6c;color:#fff}
.site-header a{color:#fff}.site-header ul{display:flex;gap:.75rem;list-style:none;margin:0;padding:0}
.brand{font-weight:700;font-size:1.2rem;text-decoration:none}
.layout{display:flex;gap:2rem;max-width:70rem;margin:0 auto;padding:1rem}
.sidebar{flex:0 0 16rem;font-size:.9rem}main{flex:1;min-width:0}
.comments,.site-footer{max-width:70rem;margin:0 auto;padding:1rem}
.site-footer{border-top:1px solid #ccc;font-size:.9rem}
@media (max-width:50rem){.layout{flex-direction:column}.sidebar{flex:none}}
`;

function clearPreviousRender(out) {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes(MANIFEST)) {
    throw new Error(`${out} is not empty and was not written by render.mjs (no ${MANIFEST}); give --out a new or empty folder`);
  }
  for (const entry of OWN_ENTRIES) rmSync(join(out, entry), { recursive: true, force: true });
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Renders the corpus into `options.out`; returns the manifest it wrote. */
export async function render(options) {
  const { default: markdownit } = await import("markdown-it");
  const md = markdownit({ html: true });
  const articles = exportArticles(options).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const folderOf = (a) => (a.path.includes("/") ? a.path.split("/")[0] : "");
  const sources = [...new Set(articles.map(folderOf).filter(Boolean))].sort();

  clearPreviousRender(options.out);
  const manifest = { generator: "benches/static/render.mjs", corpus: options.corpus, articles: [], missingAnchors: [] };
  articles.forEach((article, i) => {
    const folder = folderOf(article);
    const related = [];
    for (let j = i + 1; j < articles.length && related.length < RELATED && folderOf(articles[j]) === folder; j++) {
      related.push(articles[j]);
    }
    const { html, missing } = articlePage(md, options.corpus, article, related, sources);
    const url = articleUrl(article.path);
    write(fileOfUrl(options.out, url), html);
    manifest.articles.push({
      path: article.path,
      url,
      title: article.title,
      intro: article.sections.some((s) => !s.heading || s.anchor === ""),
      anchors: article.sections.map((s) => s.anchor).filter((a) => a !== ""),
    });
    for (const anchor of missing) manifest.missingAnchors.push(`${article.path}#${anchor}`);
  });

  write(join(options.out, "index.html"), listPage(SITE_NAME, sources, articles));
  for (const source of sources) {
    write(join(options.out, "sources", source, "index.html"), listPage(source, sources, articles.filter((a) => folderOf(a) === source)));
  }
  write(join(options.out, "about", "index.html"), listPage("About", sources, []));
  write(join(options.out, "assets", "site.css"), CSS);
  write(join(options.out, MANIFEST), JSON.stringify(manifest, null, 1) + "\n");
  return manifest;
}

async function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: "string" },
      out: { type: "string" },
      healthdex: { type: "string", default: process.env.HEALTHDEX ?? "healthdex" },
      export: { type: "string" },
      drafts: { type: "boolean", default: false },
    },
  });
  if (!values.corpus || !values.out) {
    console.error("usage: node render.mjs --corpus DIR --out SITE [--healthdex BIN] [--export FILE] [--drafts]");
    process.exit(2);
  }
  const manifest = await render(values);
  const sections = manifest.articles.reduce((n, a) => n + a.anchors.length, 0);
  console.log(`rendered ${manifest.articles.length} articles (${sections} section headings with ids) into ${values.out}`);
  if (manifest.missingAnchors.length > 0) {
    console.error(
      `warning: ${manifest.missingAnchors.length} sections had no heading at their line, so their anchors are not on the page (first: ${manifest.missingAnchors[0]}); see ${MANIFEST}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`render.mjs: ${e.message}`);
    process.exit(1);
  });
}

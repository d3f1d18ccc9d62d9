#!/usr/bin/env python3
"""Untimed preparation for benches/compare/run.sh (standard library only).

Reads `healthdex export` JSON and the query list, and writes into OUT:

  sections.ndjson      one JSON object per section (title, heading, body) for tantivy-cli
  tantivy-meta.json    meta.json of an empty tantivy index with an en_stem schema
  sections.csv         the same sections as CSV (no header) for SQLite's .import
  load.sql             sqlite3 script: FTS5 table with tokenize='porter', then .import
  SITE (--site)        one HTML page per article, for Pagefind
  queries.txt          the queries alone, one per line
  queries.json         the queries, and for each the FTS5 MATCH expression
  cmds/healthdex.cmds  one shell-quoted `healthdex search` command per query
  cmds/sqlite.cmds     one shell-quoted `sqlite3` command per query
  counts.json          numbers of articles and sections
"""

import argparse
import csv
import html
import json
import os
import re
import shlex
import shutil


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                queries.append(line)
    return queries


def fts5_match(query):
    """OR of the query's words, each as an FTS5 string, so that no input is a syntax error."""
    words = re.findall(r"\w+", query.lower())
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def sql_string(s):
    return "'" + s.replace("'", "''") + "'"


def tantivy_meta():
    def text_field(name):
        return {
            "name": name,
            "type": "text",
            "options": {
                "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
                "stored": True,
                "fast": False,
            },
        }

    return {
        "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
        "segments": [],
        "schema": [text_field("title"), text_field("heading"), text_field("body")],
        "opstamp": 0,
    }


def article_html(article):
    title = html.escape(article["title"] or "")
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>',
        title,
        "</title></head>\n<body>\n<h1>",
        title,
        "</h1>\n",
    ]
    for section in article["sections"]:
        if section.get("heading"):
            parts.append("<h2>" + html.escape(section["heading"]) + "</h2>\n")
        for para in (section.get("text") or "").split("\n"):
            para = para.strip()
            if para:
                parts.append("<p>" + html.escape(para) + "</p>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", required=True, help="healthdex export JSON")
    ap.add_argument("--queries", required=True, help="query list, one per line")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--site", required=True, help="folder for the HTML pages (emptied first)")
    ap.add_argument("--healthdex", required=True, help="healthdex binary for the search commands")
    ap.add_argument("--hx-index", required=True, help="healthdex index for the search commands")
    ap.add_argument("--sqlite", default="sqlite3", help="sqlite3 binary for the query commands")
    ap.add_argument("--sqlite-db", required=True, help="FTS5 database for the query commands")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    with open(args.export, encoding="utf-8") as f:
        articles = json.load(f)["articles"]

    n_sections = 0
    with open(os.path.join(out, "sections.ndjson"), "w", encoding="utf-8") as nd, open(
        os.path.join(out, "sections.csv"), "w", encoding="utf-8", newline=""
    ) as cf:
        writer = csv.writer(cf)
        for a in articles:
            title = a["title"] or ""
            for s in a["sections"]:
                row = {"title": title, "heading": s.get("heading") or "", "body": s.get("text") or ""}
                nd.write(json.dumps(row, ensure_ascii=False) + "\n")
                writer.writerow([row["title"], row["heading"], row["body"]])
                n_sections += 1

    with open(os.path.join(out, "tantivy-meta.json"), "w", encoding="utf-8") as f:
        json.dump(tantivy_meta(), f, indent=2)

    with open(os.path.join(out, "load.sql"), "w", encoding="utf-8") as f:
        f.write("CREATE VIRTUAL TABLE fts USING fts5(title, heading, body, tokenize='porter');\n")
        f.write(".import --csv " + os.path.join(out, "sections.csv") + " fts\n")

    site = os.path.abspath(args.site)
    shutil.rmtree(site, ignore_errors=True)
    for a in articles:
        rel = os.path.splitext(a["path"])[0] + ".html"
        dest = os.path.join(site, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            f.write(article_html(a))

    queries = read_queries(args.queries)
    with open(os.path.join(out, "queries.txt"), "w", encoding="utf-8") as f:
        f.write("".join(q + "\n" for q in queries))
    cmds = os.path.join(out, "cmds")
    os.makedirs(cmds, exist_ok=True)
    qinfo = []
    with open(os.path.join(cmds, "healthdex.cmds"), "w", encoding="utf-8") as hx, open(
        os.path.join(cmds, "sqlite.cmds"), "w", encoding="utf-8"
    ) as sq:
        for q in queries:
            match = fts5_match(q)
            sql = (
                "SELECT title, heading, snippet(fts, 2, '[', ']', '...', 24) FROM fts WHERE fts MATCH "
                + sql_string(match)
                + " ORDER BY rank LIMIT 10;"
            )
            hx.write(shlex.join([args.healthdex, "search", "--no-refresh", "--index", args.hx_index, "--", q]) + "\n")
            sq.write(shlex.join([args.sqlite, "-readonly", args.sqlite_db, sql]) + "\n")
            qinfo.append({"query": q, "fts5_match": match})
    with open(os.path.join(out, "queries.json"), "w", encoding="utf-8") as f:
        json.dump(qinfo, f, indent=2, ensure_ascii=False)

    with open(os.path.join(out, "counts.json"), "w", encoding="utf-8") as f:
        json.dump({"articles": len(articles), "sections": n_sections, "queries": len(queries)}, f)
    print(f"prepared {len(articles)} articles, {n_sections} sections, {len(queries)} queries in {out}")


if __name__ == "__main__":
    main()

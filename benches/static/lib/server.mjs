// The static file server the bench's clients fetch from, and its ledger of what
// each client was sent. It serves one site folder on 127.0.0.1 under a prefix per
// client, `/c/CLIENT/…`, so every request is billed to the client that made it
// (and every engine is exercised under a path prefix, as on a real host). A
// client writes a mark into its own ledger with `GET /__mark/CLIENT/LABEL`
// between the steps it measures; marks are not billed.
//
// Each file is billed at its sent size (lib/bytes.mjs), computed once per file.
// The body goes out uncompressed, with no Content-Encoding: both engines inflate
// their own data, and on loopback the transfer itself is not what is measured.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, sep } from "node:path";
import { sentSize } from "./bytes.mjs";

const CONTENT_TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

function contentType(path) {
  const dot = path.lastIndexOf(".");
  return (dot >= 0 && CONTENT_TYPES[path.slice(dot)]) || "application/octet-stream";
}

/** `/c/CLIENT/rest` → {client, rest}; `/__mark/CLIENT/LABEL` → {client, mark}. */
export function parseRequestPath(urlPath) {
  const path = decodeURIComponent(urlPath.split("?")[0]);
  let m = /^\/__mark\/([^/]+)\/(.+)$/.exec(path);
  if (m) return { client: m[1], mark: m[2] };
  m = /^\/c\/([^/]+)\/(.*)$/.exec(path);
  if (m) return { client: m[1], rest: m[2] };
  return null;
}

/** The file under `root` for a request path, or null if it would leave `root`. */
export function fileFor(root, rest) {
  const rel = normalize(rest.endsWith("/") || rest === "" ? rest + "index.html" : rest);
  if (rel.startsWith("..") || rel.startsWith(sep)) return null;
  return join(root, rel);
}

/**
 * Starts the server on a free port. Returns `{base(client), ledger(client),
 * close()}`: `base` is the URL prefix a client fetches the site under, and
 * `ledger` the client's entries in order, each `{file, status, raw, sent, as}`
 * or `{mark}`.
 */
export async function startServer(root) {
  const ledgers = new Map();
  const sizes = new Map();
  const entriesOf = (client) => {
    if (!ledgers.has(client)) ledgers.set(client, []);
    return ledgers.get(client);
  };

  const server = createServer(async (req, res) => {
    const parsed = parseRequestPath(req.url);
    if (!parsed) {
      res.writeHead(404).end();
      return;
    }
    const ledger = entriesOf(parsed.client);
    if (parsed.mark !== undefined) {
      ledger.push({ mark: parsed.mark });
      res.writeHead(204).end();
      return;
    }
    const file = fileFor(root, parsed.rest);
    let body = null;
    if (file) {
      try {
        body = await readFile(file);
      } catch {
        body = null;
      }
    }
    if (!body) {
      ledger.push({ file: parsed.rest, status: 404, raw: 0, sent: 0, as: null });
      res.writeHead(404).end();
      return;
    }
    if (!sizes.has(file)) sizes.set(file, sentSize(body));
    const size = sizes.get(file);
    ledger.push({ file: parsed.rest, status: 200, ...size });
    res.writeHead(200, { "content-type": contentType(file), "content-length": body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 1000;

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    base: (client) => `${origin}/c/${client}/`,
    ledger: (client) => ledgers.get(client) ?? [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/**
 * A client's ledger cut at its marks: `{label: {requests, files, sent, raw,
 * missing, list}}`, where a step is what was served after the mark `label` and
 * before the next mark. `files` and `sent` count each file once per client, as a
 * browser's cache would (the bench's fetches have no HTTP cache); `requests` and
 * `sentRepeated` count every request, so a refetch shows.
 */
export function steps(ledger) {
  const out = {};
  const seen = new Set();
  let current = null;
  for (const entry of ledger) {
    if (entry.mark !== undefined) {
      current = out[entry.mark] = {
        requests: 0,
        files: 0,
        sent: 0,
        raw: 0,
        sentRepeated: 0,
        missing: [],
        list: [],
      };
      continue;
    }
    const step = current ?? (out["(before first mark)"] ??= { requests: 0, files: 0, sent: 0, raw: 0, sentRepeated: 0, missing: [], list: [] });
    step.requests += 1;
    step.sentRepeated += entry.sent;
    if (entry.status !== 200) {
      step.missing.push(entry.file);
      continue;
    }
    if (seen.has(entry.file)) continue;
    seen.add(entry.file);
    step.files += 1;
    step.sent += entry.sent;
    step.raw += entry.raw;
    step.list.push({ file: entry.file, sent: entry.sent, as: entry.as });
  }
  return out;
}

// Drives a static bundle from Node, as a browser would, for the integration tests
// (tests/integration/bundle.rs) and benches/static. Serves BUNDLE over HTTP on
// loopback (a plain static file server that records each file it sends), opens it
// with the bundle's own healthdex.js, and for each request line of REQUESTS (JSON:
// {"query": "...", "options": {...}}) prints one JSON line:
// {"results": <the search JSON>, "files": [paths fetched for this request]} or
// {"error": "message"}. A line {"serve": "DIR"} serves another folder from then on
// (a new deploy while the page is open) and prints {"serving": "DIR"}; a line
// {"suggest": "TEXT"} prints the completions as {"results": {"suggestions": …}};
// {"together": [QUERY, …]} runs the searches at the same time and prints
// {"results": {"together": [<search JSON>, …]}}.
//
// usage: node tests/js/bundle_driver.mjs BUNDLE REQUESTS.jsonl

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createReadStream } from "node:fs";
import { join, normalize } from "node:path";
import { pathToFileURL } from "node:url";

const [bundleDir, requestsFile] = process.argv.slice(2);
let served = bundleDir;
if (!bundleDir || !requestsFile) {
  console.error("usage: node bundle_driver.mjs BUNDLE REQUESTS.jsonl");
  process.exit(2);
}

let fetched = [];
const server = createServer(async (request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^\/+/, "");
  if (path.startsWith("..")) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(join(served, path));
    fetched.push(path);
    response.writeHead(200, { "content-length": body.length }).end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const { open } = await import(pathToFileURL(join(bundleDir, "healthdex.js")).href);
const hx = await open(base);
const opening = fetched;
fetched = [];
process.stdout.write(JSON.stringify({ opened: opening }) + "\n");

const lines = createInterface({ input: createReadStream(requestsFile), crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { query, options, serve, suggest, together } = JSON.parse(line);
  if (together !== undefined) {
    // Several searches at once, as a reader typing fast starts them.
    try {
      const results = { together: await Promise.all(together.map((q) => hx.search(q))) };
      process.stdout.write(JSON.stringify({ results, files: fetched }) + "\n");
    } catch (error) {
      process.stdout.write(JSON.stringify({ error: String(error?.message ?? error), files: fetched }) + "\n");
    }
    fetched = [];
    continue;
  }
  if (suggest !== undefined) {
    const results = { suggestions: await hx.suggest(suggest, options?.limit ?? 8) };
    process.stdout.write(JSON.stringify({ results, files: fetched }) + "\n");
    fetched = [];
    continue;
  }
  if (serve) {
    served = serve;
    process.stdout.write(JSON.stringify({ serving: serve }) + "\n");
    continue;
  }
  try {
    const results = await hx.search(query, options ?? {});
    process.stdout.write(JSON.stringify({ results, files: fetched }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error?.message ?? error), files: fetched }) + "\n");
  }
  fetched = [];
}
server.close();

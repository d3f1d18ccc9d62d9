// The module hooks behind lib/http-import.mjs: a specifier inside a module
// loaded over http resolves against that module's URL, and an http(s) module is
// fetched and run as an ES module. Everything else is left to Node.

const isHttp = (url) => url.startsWith("http://") || url.startsWith("https://");

export async function resolve(specifier, context, nextResolve) {
  if (isHttp(specifier)) return { url: specifier, shortCircuit: true };
  const parent = context.parentURL ?? "";
  if (isHttp(parent) && (specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/"))) {
    return { url: new URL(specifier, parent).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!isHttp(url)) return nextLoad(url, context);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`importing ${url}: HTTP ${response.status}; is the file in the bundle?`);
  }
  return { format: "module", source: await response.text(), shortCircuit: true };
}

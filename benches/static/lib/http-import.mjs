// Lets a Node client import ES modules from http:// URLs, as a browser does, so
// each engine's entry module and the code it imports come from the logging
// server and are billed like any other file. Node 20 has this only behind
// `--experimental-network-imports` (removed in later releases), so the client
// registers these module hooks instead: `node --import ./lib/http-import.mjs`.

import { register } from "node:module";

register("./http-hooks.mjs", import.meta.url);

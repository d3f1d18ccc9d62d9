// How many bytes a static host sends for a file: the rule of issue 11's budgets.
// A file that is already compressed (gzip, zstd, or a compressed image, font or
// archive, told by its first bytes, not its name) goes out as it is; any other
// file is counted at its `gzip -9` size, as a host that compresses on the fly (or
// serves pre-compressed copies) would send it. Everything in this bench that
// counts bytes (the logging server, the whole-bundle sums) goes through here.

import { gzipSync } from "node:zlib";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** First bytes of formats that are compressed already, with the name reported. */
const COMPRESSED_MAGIC = [
  { name: "gzip", bytes: [0x1f, 0x8b] },
  { name: "zstd", bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: "png", bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: "jpeg", bytes: [0xff, 0xd8, 0xff] },
  { name: "gif", bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: "woff2", bytes: [0x77, 0x4f, 0x46, 0x32] },
  { name: "zip", bytes: [0x50, 0x4b, 0x03, 0x04] },
];

/** The compressed format a file's content starts with, or null. */
export function compressedFormat(buf) {
  for (const { name, bytes } of COMPRESSED_MAGIC) {
    if (buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b)) {
      return name;
    }
  }
  // WebP: "RIFF" .... "WEBP"
  if (buf.length >= 12 && buf.toString("latin1", 0, 4) === "RIFF" && buf.toString("latin1", 8, 12) === "WEBP") {
    return "webp";
  }
  return null;
}

/**
 * The bytes a host sends for this content: `{raw, sent, as}` where `as` is the
 * compressed format it already had, or "gzip-9" when it was compressed here.
 */
export function sentSize(buf) {
  const format = compressedFormat(buf);
  if (format) {
    return { raw: buf.length, sent: buf.length, as: format };
  }
  return { raw: buf.length, sent: gzipSync(buf, { level: 9 }).length, as: "gzip-9" };
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        out.push(relative(dir, full));
      }
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The whole folder as a host would send it: file count, raw and sent bytes, and
 * the sent bytes per group (the first path component, or the file itself).
 */
export function folderSize(dir) {
  const files = listFiles(dir);
  let raw = 0;
  let sent = 0;
  const groups = {};
  for (const file of files) {
    const size = sentSize(readFileSync(join(dir, file)));
    raw += size.raw;
    sent += size.sent;
    const group = file.includes("/") ? file.split("/")[0] + "/" : file;
    const g = (groups[group] ??= { files: 0, sent: 0 });
    g.files += 1;
    g.sent += size.sent;
  }
  return { dir, files: files.length, raw, sent, groups };
}

/** True if `path` is a directory. */
export function isDir(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

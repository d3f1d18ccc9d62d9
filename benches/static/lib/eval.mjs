// Ranking quality of a list of section ids (`path#anchor`) against a judged
// query, computed exactly as `healthdex eval` does (src/search/eval.rs), so the
// bench's figures for either engine compare with the server's: nDCG@10 with
// gains 2^grade − 1 and discount log2(rank + 1), the ideal taken from every
// judged grade; MRR@10 of the first section of grade ≥ 2; recall@10 of the
// sections of grade ≥ 1.

import { readFileSync } from "node:fs";

/** Depth of every measure (eval.rs `DEPTH`). */
export const DEPTH = 10;

const gain = (grade) => 2 ** Math.min(grade, 10) - 1;
const discount = (rank0) => Math.log2(rank0 + 2);

/** `{ndcg, mrr, recall}` of `ranked` (section ids, best first) for `relevant` (id → grade). */
export function score(ranked, relevant) {
  const grade = (id) => relevant[id] ?? 0;
  const top = ranked.slice(0, DEPTH);
  const dcg = top.reduce((sum, id, i) => sum + gain(grade(id)) / discount(i), 0);
  const ideal = Object.values(relevant).sort((a, b) => b - a).slice(0, DEPTH);
  const idcg = ideal.reduce((sum, g, i) => sum + gain(g) / discount(i), 0);
  const first = top.findIndex((id) => grade(id) >= 2);
  const judged = Object.values(relevant).filter((g) => g >= 1).length;
  const found = top.filter((id) => grade(id) >= 1).length;
  return {
    ndcg: idcg > 0 ? dcg / idcg : 0,
    mrr: first >= 0 ? 1 / (first + 1) : 0,
    recall: judged > 0 ? found / judged : 0,
  };
}

/** The mean of each measure over several queries. */
export function mean(all) {
  const n = Math.max(all.length, 1);
  const sum = (k) => all.reduce((s, m) => s + m[k], 0) / n;
  return { ndcg: sum("ndcg"), mrr: sum("mrr"), recall: sum("recall") };
}

/** Reads a judgments file (JSON lines); an error names the file and line. */
export function readJudgments(path) {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line, i) => [line, i + 1])
    .filter(([line]) => line.trim() !== "")
    .map(([line, n]) => {
      try {
        return JSON.parse(line);
      } catch (e) {
        throw new Error(`${path}:${n}: not a judged query (${e.message}); see tests/relevance/ for the format`);
      }
    });
}

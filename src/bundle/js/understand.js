// Query understanding in the browser: from what a reader typed to a plan equal to
// the server's `QueryPlan` (src/search/understand/mod.rs), so the static bundle
// searches with the same understanding as `healthdex serve`. The stages, each a
// function below, are the server's:
// 1. `parse`: operators (quotes, `-x`, `OR`, `title:`, `tag:`, `year:` …).
// 2. Word runs: consecutive plain words, analyzed once into stems and surfaces.
// 3. Slots: question filler is dropped unless nothing else is left; stretches with
//    synonyms become one slot whose alternatives count at a lower weight; `OR`
//    groups become one slot.
// 4. Spelling: words missing from the vocabulary get close vocabulary words.
// 5. Boosts for neighbouring words and the whole run; requirements, exclusions,
//    filters.
// 6. Notes for the reader: dropped words, corrections, did-you-mean, synonyms used,
//    words to mark in snippets, words no section has.
// Equality with the server is proved by tests/js/planner.test.mjs (run from the
// Rust integration suite), which replays the server's vocabulary answers.

import { analyzerFor } from "./plan/analyzer.js";
import { keyWord } from "./plan/keys.js";
import { parse } from "./plan/parse.js";
import { synonymsFor } from "./plan/synonyms.js";

export { Analyzer, analyzerFor } from "./plan/analyzer.js";
export { parse } from "./plan/parse.js";
export { stem } from "./plan/porter2.js";
export { keyWord } from "./plan/keys.js";

/** Distinct word slots scored per query; later ones are ignored. */
export const MAX_SLOTS = 64;
/** Longest query, in slots, whose absent words are named when they are no
 * everyday word (of EVERYDAY_WORD_MIN_CHARS letters or more). */
export const MAX_SLOTS_NAMING_UNCOMMON = 8;
/** The shortest word of the everyday-word list (src/text/english.rs). */
const EVERYDAY_WORD_MIN_CHARS = 5;
/** Longest query, in slots, whose absent everyday words are named. */
export const MAX_SLOTS_NAMING_MISSING = 4;
/** Neighbouring word pairs given a proximity boost, per run of words. */
export const MAX_PAIRS = 24;
/** Extra word positions allowed between neighbouring query words. */
export const NEAR_SLOP = 3;
/** Unknown words of one query looked up for corrections. */
export const MAX_CORRECTED_WORDS = 6;
/** Vocabulary words kept as corrections of one misspelled word. */
export const CORRECTIONS_PER_WORD = 3;
// Weights are the server's f32 values (JSON shows them as the nearest double).
const PAIR_BOOST = Math.fround(0.6);
const PHRASE_BOOST = Math.fround(1.5);
const SYNONYM_WEIGHT = Math.fround(0.7);
const FUZZY_WEIGHT = Math.fround(0.8);
const NAME_WEIGHT = Math.fround(10);
/** Candidate names per query; later ones are not looked up. */
export const MAX_NAME_CANDIDATES = 400;
/** Words in the longest name looked for (src/text/mod.rs, MAX_NAME_WORDS). */
export const MAX_NAME_WORDS = 6;
/** Kinds of answer, the words that ask for each and the headings that give it
 * (the server's QUESTION_TYPES). */
export const QUESTION_TYPES = [
  ["symptoms", ["symptom", "symptoms", "sign", "signs"], ["symptoms", "signs"]],
  ["causes", ["cause", "causes", "caused", "causing", "why", "reason"], ["causes", "why"]],
  [
    "treatment",
    ["treat", "treated", "treating", "treatment", "treatments", "cure", "cured", "help", "helps", "therapy", "medicine", "medication", "manage", "rid", "remedy", "remedies"],
    ["treatment", "treatments", "therapy", "management"],
  ],
  ["prevention", ["prevent", "prevented", "prevention", "avoid"], ["prevent", "prevention"]],
  ["diagnosis", ["diagnose", "diagnosed", "diagnosis", "test", "tests", "tested"], ["diagnosis", "diagnose", "tests"]],
  ["outlook", ["outlook", "prognosis", "expectancy", "recover", "recovery"], ["outlook", "prognosis"]],
  ["inheritance", ["inherit", "inherited", "hereditary", "genetic", "families", "genes"], ["inherited", "genetic"]],
  ["risk", ["risk", "risks", "chance", "chances"], ["risk"]],
  ["side effects", ["side effects", "adverse", "safe", "safety"], ["side effects", "safety"]],
  ["dosage", ["dose", "doses", "dosage", "dosing", "how much"], ["dose", "dosage", "much"]],
];
/** Weight of a heading word of the kind asked for, as an alternative of the slot
 * of cue words that asks it (the server's ASKED_ALTERNATIVE_WEIGHT). */
const ASKED_ALTERNATIVE_WEIGHT = Math.fround(0.3);
/** The kind asked by "what is …" when no other kind is (the server's WHAT_IS). */
const WHAT_IS = "what is";
/** Words that ask what something is, on their own. */
const DEFINITION_CUES = ["definition", "define", "defined", "meaning"];
/** Spellings of a stretch of slots carried on to the next slot. */
const MAX_SPELLINGS = 4;

/**
 * Understands `text` (with `extraFilters` from the request) as a plan whose JSON
 * equals the server's `QueryPlan`.
 * @param {string} text
 * @param {{tags?: string[], authors?: string[], evidence?: string[], since?: string|null, until?: string|null}|null} extraFilters
 * @param {{text: object, synonyms: object, vocabulary: object|null}} context
 */
export function understand(text, extraFilters, context) {
  const analyzer = analyzerFor(context.text);
  const synonyms = synonymsFor(context.synonyms, analyzer);
  const vocabulary = context.vocabulary ?? null;
  const parsed = parse(text);
  const soft = quotesAreSoft(parsed);
  const runs = wordRuns(parsed, soft, analyzer);
  const slots = buildSlots(runs, parsed, synonyms, vocabulary, analyzer).slice(0, MAX_SLOTS);
  const corrections = vocabulary === null ? [] : correct(slots, vocabulary, analyzer);
  const notes = {
    dropped: droppedWords(runs, analyzer),
    corrections,
    also_searched: slots.flatMap((s) => s.synonyms.map((t) => t.display)),
    did_you_mean: didYouMean(parsed, corrections, analyzer),
    highlight: highlightWords(slots, parsed, analyzer),
    missing: vocabulary === null ? [] : missingWords(slots, vocabulary),
    soft: soft ? quoted(parsed) : [],
  };
  const finished = slots.map(slotOptions);
  const asks = questionTypes(runs, analyzer);
  answeredByHeadings(finished, asks, analyzer);
  return {
    slots: finished,
    needed: requiredSlots(slots.length),
    boosts: proximity(runs, analyzer),
    required: requirements(parsed, soft, analyzer),
    excluded: parsed.excluded
      .map((item) => analyzer.stems(item.text))
      .filter((words) => words.length > 0)
      .map(exact),
    filters: planFilters(parsed.filters, extraFilters, analyzer),
    bag: bagOfWords(parsed, analyzer),
    names: candidateNames(runs, finished, analyzer),
    asks,
    notes,
  };
}

/**
 * The names a query may contain, as the server's `candidate_names` makes them:
 * the words of every stretch of consecutive words of a run, filler left out (up to
 * MAX_NAME_WORDS), each as typed or as a correction of it, then each synonym of a
 * slot and each side of an OR on its own; each weighted by the share of the reader's words it covers.
 */
export function candidateNames(runs, slots, analyzer) {
  const typed = Math.max(1, typedWords(slots));
  const names = [];
  const add = (words, factor) => {
    const key = words.join(" ");
    if (names.length < MAX_NAME_CANDIDATES && !names.some((n) => n.key === key)) {
      const cover = Math.fround(Math.min(1, Math.fround(words.length) / typed));
      names.push({ key, weight: Math.fround(Math.fround(NAME_WEIGHT * cover) * factor) });
    }
  };
  const corrected = correctionsByStem(slots);
  for (const run of runs) {
    const kept = run.filter((w) => !analyzer.isFillerWord(w));
    for (let start = 0; start < kept.length; start++) {
      let stretches = [[]];
      for (const word of kept.slice(start, start + MAX_NAME_WORDS)) {
        const spellings = [word.stem, ...corrected.filter(([t]) => t === word.stem).map(([, fix]) => fix)];
        const longer = [];
        for (const stretch of stretches) {
          for (const spelling of spellings) {
            if (longer.length < MAX_SPELLINGS) longer.push(stretch.concat([spelling]));
          }
        }
        longer.forEach((words) => add(words, 1));
        stretches = longer;
      }
    }
  }
  for (const option of slots.flatMap((s) => s.options)) {
    const factor = option.source === "synonym" ? SYNONYM_WEIGHT : option.source === "either" ? 1 : null;
    if (factor !== null && option.matcher.phrase) {
      const words = option.matcher.phrase.words.map(([, w]) => w);
      if (words.length <= MAX_NAME_WORDS) add(words, factor);
    }
  }
  return names;
}

/** The stems of every word of QUESTION_TYPES' cues: words that ask about a topic
 * rather than name one (the server's `cue_stems`; once per analyzer). */
export function cueStems(analyzer) {
  return analyzedKinds(analyzer).cueStems;
}

/** The stems of an alternative's matcher, in order. */
export function matcherWords(matcher) {
  return matcher.phrase ? matcher.phrase.words.map(([, stem]) => stem) : matcher.each_word;
}

const kindCache = new WeakMap();

/** QUESTION_TYPES with its words analyzed once per analyzer (the server's
 * `analyzed_kinds`): `{kinds: [{name, cues, cueStems, headingStems, headings}],
 * cueStems}`, `headings` being `[joined stems, heading as written]`. */
function analyzedKinds(analyzer) {
  let analyzed = kindCache.get(analyzer);
  if (analyzed === undefined) {
    const stems = (text) => analyzer.stems(text).map(([, stem]) => stem);
    const kinds = QUESTION_TYPES.map(([name, cues, headings]) => {
      const headingStems = [];
      for (const stem of headings.flatMap(stems)) if (!headingStems.includes(stem)) headingStems.push(stem);
      return {
        name,
        cues,
        cueStems: new Set(cues.flatMap(stems)),
        headingStems,
        headings: headings.map((h) => [stems(h).join(" "), h]),
      };
    });
    analyzed = { kinds, cueStems: new Set(kinds.flatMap((k) => [...k.cueStems])) };
    kindCache.set(analyzer, analyzed);
  }
  return analyzed;
}

/** A slot of cue words only ("helps") is matched as well by the heading words of
 * the kind it asks for, at ASKED_ALTERNATIVE_WEIGHT (the server's
 * `answered_by_headings`). */
function answeredByHeadings(slots, asks, analyzer) {
  const { kinds } = analyzedKinds(analyzer);
  for (const slot of slots) {
    const typed = slot.options.find((o) => o.source === "typed");
    if (!typed) continue;
    const words = matcherWords(typed.matcher);
    const kind = kinds.find(
      (k) => words.length > 0 && words.every((w) => k.cueStems.has(w)) && asks.some((a) => a.kind === k.name),
    );
    if (!kind) continue;
    const added = kind.headingStems.filter(
      (h) =>
        !words.includes(h) &&
        !slot.options.some((o) => {
          const ws = matcherWords(o.matcher);
          return ws.length === 1 && ws[0] === h;
        }),
    );
    if (added.length === 0) continue;
    const shown = [];
    const seen = [];
    for (const [stem, heading] of kind.headings) {
      if (added.includes(stem) && !seen.includes(stem)) {
        seen.push(stem);
        shown.push(heading);
      }
    }
    slot.label = `${slot.label} (also as: ${shown.join(", ")})`;
    for (const heading of added) {
      slot.options.push({ source: "asked", matcher: { phrase: single(heading) }, weight: ASKED_ALTERNATIVE_WEIGHT });
    }
  }
}

/** The kinds of answer the runs ask for, each with the stems of its heading words. */
export function questionTypes(runs, analyzer) {
  const asked = analyzedKinds(analyzer)
    .kinds.filter((k) => k.headingStems.length > 0 && k.cues.some((cue) => hasCue(runs, cue)))
    .map((k) => ({ kind: k.name, headings: [...k.headingStems], opening: false }));
  if (asked.length === 0 && asksWhatIs(runs)) asked.push({ kind: WHAT_IS, headings: [], opening: true });
  return asked;
}

/** Whether a run holds `cue`: a word, or words one after another ("side effects"). */
function hasCue(runs, cue) {
  const parts = cue.split(" ");
  return runs.some((run) => {
    for (let start = 0; start + parts.length <= run.length; start++) {
      const fits = parts.every(
        (part, i) => run[start + i].surface === part && (i === 0 || run[start + i].position === run[start + i - 1].position + 1),
      );
      if (fits) return true;
    }
    return false;
  });
}

/** Whether the runs ask what something is: "what" then a stop word's gap or the
 * "s" of "what's", or a word asking for a definition. */
function asksWhatIs(runs) {
  return runs.some((run) => {
    for (let i = 0; i + 1 < run.length; i++) {
      const [a, b] = [run[i], run[i + 1]];
      if (a.surface === "what" && (b.position === a.position + 2 || (b.surface === "s" && b.position === a.position + 1))) return true;
    }
    return run.some((w) => DEFINITION_CUES.includes(w.surface));
  });
}

// [typed stem, correction] for every correction of a one-word slot.
function correctionsByStem(slots) {
  const pairs = [];
  for (const slot of slots) {
    const typed = slot.options.find((o) => o.source === "typed");
    if (!typed || !typed.matcher.phrase || typed.matcher.phrase.words.length !== 1) continue;
    const stem = typed.matcher.phrase.words[0][1];
    for (const option of slot.options) {
      if (option.source === "correction" && option.matcher.phrase) {
        for (const [, w] of option.matcher.phrase.words) pairs.push([stem, w]);
      }
    }
  }
  return pairs;
}

// The reader's own words in the slots.
function typedWords(slots) {
  let count = 0;
  for (const slot of slots) {
    for (const o of slot.options) {
      if (o.source !== "typed") continue;
      count += matcherWords(o.matcher).length;
    }
  }
  return count;
}


/** Slots a section must match to be in the first tier: all of one or two, else one. */
export function requiredSlots(n) {
  return n <= 2 ? n : 1;
}

function exact(words) {
  return { words, slop: 0 };
}

function single(stem) {
  return exact([[0, stem]]);
}

// A slot while it is being built.
function building(label, words, synonyms = [], anyOf = []) {
  return { label, words, synonyms, corrections: [], anyOf };
}

function wordSlot(word) {
  return building(`word: ${word.surface}`, [word]);
}

function stretchSlot(words, alternatives) {
  const text = words.map((w) => w.surface).join(" ");
  const names = alternatives.map((t) => t.display).join(", ");
  return building(`words: ${text} (also: ${names})`, words, alternatives);
}

// The finished slot: the reader's words, then synonyms, corrections and OR sides.
function slotOptions(slot) {
  const options = [];
  if (slot.words.length === 1) {
    options.push({ source: "typed", matcher: { phrase: single(slot.words[0].stem) }, weight: 1 });
  } else if (slot.words.length > 1) {
    options.push({ source: "typed", matcher: { each_word: slot.words.map((w) => w.stem) }, weight: 1 });
  }
  const synonymWeight = Math.fround(SYNONYM_WEIGHT * Math.max(1, slot.words.length));
  for (const term of slot.synonyms) {
    options.push({ source: "synonym", matcher: { phrase: exact(term.words()) }, weight: synonymWeight });
  }
  for (const stem of slot.corrections) {
    options.push({ source: "correction", matcher: { phrase: single(stem) }, weight: FUZZY_WEIGHT });
  }
  for (const alternative of slot.anyOf) {
    options.push({ source: "either", matcher: { phrase: exact(alternative) }, weight: 1 });
  }
  return { label: slot.label, options };
}

// Quoted phrases are words found together (a boost), not requirements, when the
// query has plain words too.
function quotesAreSoft(parsed) {
  return parsed.groups.some((group) => group.length === 1 && !group[0].phrase);
}

// The quoted phrases standing alone in the query, as typed.
function quoted(parsed) {
  return parsed.groups.filter((g) => g.length === 1 && g[0].phrase).map((g) => g[0].text);
}

// Consecutive plain words, analyzed; with soft quotes each phrase is a run of its own.
function wordRuns(parsed, soft, analyzer) {
  const runs = [];
  let current = "";
  const flush = () => {
    const words = analyzer.words(current);
    if (words.length > 0) runs.push(words);
    current = "";
  };
  for (const group of parsed.groups) {
    if (group.length === 1 && !group[0].phrase) {
      current += " " + group[0].text;
    } else if (group.length === 1 && soft) {
      flush();
      current += group[0].text;
      flush();
    } else {
      flush();
    }
  }
  flush();
  return runs;
}

function sameWords(a, b) {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

// Slots for word runs (synonym stretches, filler removed) and OR groups.
function buildSlots(runs, parsed, synonyms, vocabulary, analyzer) {
  const slots = [];
  // A word or stretch counts once however often it is repeated.
  const seen = [];
  const add = (slot) => {
    const stems = slot.words.map((w) => w.stem);
    if (!seen.some((s) => sameWords(s, stems))) {
      seen.push(stems);
      slots.push(slot);
    }
  };
  for (const run of runs) {
    let matches = synonyms.find(run.map((w) => keyWord(w.surface)));
    if (vocabulary !== null) {
      matches = matches.filter((m) => !namesAnotherThing(run, m, vocabulary, analyzer));
    }
    let next = 0;
    for (const m of [...matches, null]) {
      const end = m === null ? run.length : m.start;
      for (const word of run.slice(next, end)) {
        if (!analyzer.isFillerWord(word)) add(wordSlot(word));
      }
      if (m !== null) {
        add(stretchSlot(run.slice(m.start, m.start + m.len), m.alternatives));
        next = m.start + m.len;
      }
    }
  }
  if (slots.length === 0) slots.push(...runs.flat().map(wordSlot));
  for (const group of parsed.groups.filter((g) => g.length > 1)) {
    const anyOf = group.map((item) => analyzer.stems(item.text)).filter((w) => w.length > 0);
    if (anyOf.length > 0) {
      slots.push(building(group.map((item) => item.text).join(" OR "), [], [], anyOf));
    }
  }
  return slots;
}

// Whether the single word matched by `m` is, with a neighbouring query word, a name
// the corpus uses for something else than its synonyms ("molar pregnancy"), or, in a
// query of the two words alone, is never near it ("amphetamine salts").
function namesAnotherThing(run, m, vocabulary, analyzer) {
  if (m.len !== 1) return false;
  const word = run[m.start].stem;
  const compound = run.filter((w) => !analyzer.isFillerWord(w)).length === 2;
  const neighbours = [];
  if (m.start >= 1) neighbours.push([run[m.start - 1], true]);
  if (m.start + 1 < run.length) neighbours.push([run[m.start + 1], false]);
  for (const [neighbour, isBefore] of neighbours) {
    if (analyzer.isFillerWord(neighbour) || analyzer.isStopWord(neighbour.surface)) continue;
    const pair = (inner) => (isBefore ? [neighbour.stem, ...inner] : [...inner, neighbour.stem]);
    const namedTogether = vocabulary.together(pair([word]), 0);
    // A query of two words is one thing: with neither the word nor a synonym ever
    // near the other word, nothing says the synonym is what is meant.
    const uncued =
      !namedTogether &&
      compound &&
      vocabulary.hasStem(word) &&
      vocabulary.hasStem(neighbour.stem) &&
      !vocabulary.together(pair([word]), NEAR_SLOP);
    if (!namedTogether && !uncued) continue;
    const synonymFits = m.alternatives.some((term) =>
      vocabulary.together(pair(term.words().map(([, s]) => s)), NEAR_SLOP),
    );
    if (!synonymFits) return true;
  }
  return false;
}

/** Edits allowed for a word of this many characters (code points). */
export function allowedEdits(word) {
  const n = Array.from(word).length;
  return n >= 9 ? 2 : n >= 5 ? 1 : 0;
}

// Long enough, without digits, and not in the corpus (it may still be a real word).
function unknown(vocabulary, word) {
  return allowedEdits(word) > 0 && !/[0-9]/.test(word) && vocabulary.docFreq(word) === 0;
}

// Byte order of UTF-8 strings (code point order), as Rust compares strings.
function compareCodePoints(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// Close vocabulary words, most frequent first (spelling.rs, `close_words`).
function closeWords(vocabulary, word) {
  const found = vocabulary.near(word, allowedEdits(word)).map(([w, n]) => ({ word: w, docFreq: n }));
  found.sort((a, b) => b.docFreq - a.docFreq || compareCodePoints(a.word, b.word));
  return found.slice(0, CORRECTIONS_PER_WORD);
}

// Adds typo corrections to single-word slots whose word the vocabulary lacks: first
// the words that are not real words, then real words the corpus lacks, read as a
// close corpus word only when it makes a phrase the corpus has with a neighbour.
function correct(slots, vocabulary, analyzer) {
  const corrections = [];
  let lookups = 0;
  for (const real of [false, true]) {
    for (let at = 0; at < slots.length; at++) {
      const slot = slots[at];
      if (slot.words.length !== 1 || slot.synonyms.length !== 0) continue;
      const word = slot.words[0];
      if (!unknown(vocabulary, word.surface) || vocabulary.isWord(word.surface) !== real) continue;
      if (lookups === MAX_CORRECTED_WORDS) return corrections;
      lookups += 1;
      let found = closeWords(vocabulary, word.surface);
      if (real) found = found.filter((c) => makesAPhrase(slots, at, c.word, vocabulary, analyzer));
      if (found.length === 0) continue;
      for (const candidate of found) {
        for (const [, stem] of analyzer.stems(candidate.word)) {
          if (stem !== word.stem && !slot.corrections.includes(stem)) slot.corrections.push(stem);
        }
      }
      corrections.push({ typed: word.surface, read_as: found.map((c) => c.word) });
    }
  }
  return corrections;
}

// Whether `word` in place of slot `at` makes a phrase some section has with the
// last word of the slot before or the first word of the slot after.
function makesAPhrase(slots, at, word, vocabulary, analyzer) {
  const stems = analyzer.stems(word);
  if (stems.length === 0) return false;
  const stem = stems[0][1];
  // A number is no context: "type 2 scared" is not "type 2 shared".
  const context = (w) => w !== undefined && !/[0-9]/.test(w.stem);
  const before = at > 0 ? slots[at - 1].words.at(-1) : undefined;
  const after = at + 1 < slots.length ? slots[at + 1].words[0] : undefined;
  const pairs = [];
  if (context(before)) pairs.push([before.stem, stem]);
  if (context(after)) pairs.push([stem, after.stem]);
  return pairs.some((pair) => vocabulary.together(pair, 0));
}

// The reader's single words no section has, when no synonym or correction can stand in.
function missingWords(slots, vocabulary) {
  const missing = [];
  if (slots.length > MAX_SLOTS_NAMING_UNCOMMON) return missing;
  const long = slots.length > MAX_SLOTS_NAMING_MISSING;
  for (const slot of slots) {
    if (slot.words.length !== 1) continue;
    const word = slot.words[0];
    if (
      slot.corrections.length > 0 ||
      slot.anyOf.length > 0 ||
      /[0-9]/.test(word.surface) ||
      Array.from(word.surface).length < 3 ||
      vocabulary.hasStem(word.stem)
    ) {
      continue;
    }
    const synonymMatches = slot.synonyms.some((term) => term.words().every(([, s]) => vocabulary.hasStem(s)));
    const uncommon = () => Array.from(word.surface).length >= EVERYDAY_WORD_MIN_CHARS && !vocabulary.isWord(word.surface);
    if (!synonymMatches && (!long || uncommon())) missing.push(word.surface);
  }
  return missing;
}

// Boosts for neighbouring words found close together and for whole runs as phrases.
function proximity(runs, analyzer) {
  const boosts = [];
  for (const run of runs) {
    const kept = run.filter((w) => !analyzer.isFillerWord(w));
    for (let i = 0; i + 1 < kept.length && i < MAX_PAIRS; i++) {
      const pair = [kept[i], kept[i + 1]];
      if (pair[0].stem !== pair[1].stem) {
        boosts.push({
          label: `near: ${pair[0].surface} ${pair[1].surface}`,
          phrase: { words: positioned(pair), slop: NEAR_SLOP },
          weight: PAIR_BOOST,
        });
      }
    }
    if (kept.length >= 3 && kept.length <= 8) {
      boosts.push({
        label: `phrase: ${kept.map((w) => w.surface).join(" ")}`,
        phrase: exact(positioned(kept)),
        weight: PHRASE_BOOST,
      });
    }
  }
  return boosts;
}

function positioned(words) {
  return words.map((w) => [w.position, w.stem]);
}

// `title:`/`heading:` items, then quoted phrases standing alone (unless soft).
function requirements(parsed, soft, analyzer) {
  const required = [];
  for (const [scope, item] of parsed.required) {
    const words = analyzer.stems(item.text);
    if (words.length > 0) required.push({ label: `${scope}: ${item.text}`, within: scope, phrase: exact(words) });
  }
  if (soft) return required;
  for (const text of quoted(parsed)) {
    const words = analyzer.stems(text);
    if (words.length > 0) required.push({ label: `phrase "${text}"`, within: "anywhere", phrase: exact(words) });
  }
  return required;
}

// The query's filters and the request's: every tag and author word is required,
// and the date range is the narrower of the two.
function planFilters(typed, extra, analyzer) {
  const both = [typed, extra ?? {}];
  const dates = (name) => both.map((f) => f[name] ?? null).filter((d) => d !== null);
  const since = dates("since");
  const until = dates("until");
  return {
    tags: both.flatMap((f) => (f.tags ?? []).map((t) => t.toLowerCase())),
    authors: both.flatMap((f) => (f.authors ?? []).flatMap((a) => analyzer.names(a).map(([, w]) => w))),
    evidence: both.flatMap((f) => f.evidence ?? []),
    since: since.length === 0 ? null : since.reduce((a, b) => (b > a ? b : a)),
    until: until.length === 0 ? null : until.reduce((a, b) => (b < a ? b : a)),
  };
}

// Every analyzed word of the plain query, once, in order.
function bagOfWords(parsed, analyzer) {
  const words = [];
  for (const item of parsed.groups.flat()) {
    for (const [, word] of analyzer.stems(item.text)) if (!words.includes(word)) words.push(word);
  }
  return words;
}

// Question filler that was left out (when anything else was left).
function droppedWords(runs, analyzer) {
  const all = runs.flat();
  if (all.every((w) => analyzer.isFillerWord(w))) return [];
  const dropped = [];
  for (const word of all) {
    if (analyzer.isFillerWord(word) && !dropped.includes(word.surface)) dropped.push(word.surface);
  }
  return dropped;
}

function highlightWords(slots, parsed, analyzer) {
  const words = [];
  const add = (word) => {
    if (!words.includes(word)) words.push(word);
  };
  for (const slot of slots) {
    slot.words.forEach((w) => add(w.stem));
    slot.corrections.forEach(add);
    for (const term of slot.synonyms) term.words().forEach(([, w]) => add(w));
    slot.anyOf.flat().forEach(([, w]) => add(w));
  }
  const items = [...parsed.groups.flat(), ...parsed.required.map(([, item]) => item)];
  for (const item of items) analyzer.stems(item.text).forEach(([, w]) => add(w));
  return words;
}

// The query text with each corrected word replaced by its best correction.
function didYouMean(parsed, corrections, analyzer) {
  if (corrections.length === 0) return null;
  const words = parsed.groups.flat().flatMap((item) =>
    item.phrase
      ? [`"${item.text}"`]
      : analyzer.names(item.text).map(([, word]) => {
          const fix = corrections.find((c) => c.typed === word);
          return fix === undefined ? word : fix.read_as[0];
        }),
  );
  return words.join(" ");
}

// English stemming: the Snowball "english" algorithm (Porter2) as the server's
// stemmer runs it (frostem 1.20260821.8, generated from Snowball 3.1.1's
// english.sbl), written from the algorithm's description at snowballstem.org.
// Words come in lower-cased and folded; the stem is what the index stores, so a
// browser's query words meet the index's words. Works on code points, as the
// server does (a word of fewer than 3 is left alone; letters outside a–z are
// consonants).

const VOWELS = new Set("aeiouy");
// Letters that do not end a short syllable: the vowels, w, x and a marked Y.
const NOT_SHORT_END = new Set("aeiouywxY");
// Letters an "-li" ending may follow for it to be removed.
const VALID_LI = new Set("cdeghkmnrt");

// Whole words with a fixed stem.
const EXCEPTIONS = new Map([
  ["skis", "ski"], ["skies", "sky"], ["idly", "idl"], ["gently", "gentl"],
  ["ugly", "ugli"], ["early", "earli"], ["only", "onli"], ["singly", "singl"],
  ["sky", "sky"], ["news", "news"], ["howe", "howe"], ["atlas", "atlas"],
  ["cosmos", "cosmos"], ["bias", "bias"], ["andes", "andes"],
]);

// Beginnings after which R1 starts (instead of after the first vowel–consonant).
const R1_PREFIXES = ["arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers"];

// Step 2 and step 3 endings: [ending, replacement or a rule].
const STEP2 = [
  ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"],
  ["iveness", "ive"], ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"],
  ["entli", "ent"], ["ation", "ate"], ["alism", "al"], ["aliti", "al"], ["ousli", "ous"],
  ["iviti", "ive"], ["fulli", "ful"], ["ogist", "og"], ["enci", "ence"], ["anci", "ance"],
  ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"],
  ["ogi", "og-after-l"], ["li", "delete-after-valid-li"],
];
const STEP3 = [
  ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
  ["ative", "delete-in-r2"], ["ical", "ic"], ["ness", ""], ["ful", ""],
];
const STEP4 = [
  "ement", "ance", "ence", "able", "ible", "ment", "ate", "ive", "ize", "iti", "ism",
  "ion", "ous", "ant", "ent", "ic", "al", "er",
];

/** The English stem of a lower-cased word. */
export function stem(word) {
  const fixed = EXCEPTIONS.get(word);
  if (fixed !== undefined) return fixed;
  const w = Array.from(word);
  if (w.length < 3) return word;
  const yFound = markConsonantY(w);
  const [p1, p2] = regions(w);
  step1a(w);
  step1b(w, p1);
  step1c(w);
  step2(w, p1);
  step3(w, p1, p2);
  step4(w, p2);
  step5(w, p1, p2);
  if (yFound) {
    for (let i = 0; i < w.length; i++) if (w[i] === "Y") w[i] = "y";
  }
  return w.join("");
}

// Drops a leading apostrophe and marks a y that acts as a consonant (first, or
// after a vowel) as Y. Whether any was marked.
function markConsonantY(w) {
  if (w[0] === "'") w.shift();
  let found = false;
  if (w[0] === "y") {
    w[0] = "Y";
    found = true;
  }
  for (let i = 0; i + 1 < w.length; i++) {
    if (VOWELS.has(w[i]) && w[i + 1] === "y") {
      w[i + 1] = "Y";
      found = true;
    }
  }
  return found;
}

// R1 and R2 as start indexes (w.length when empty).
function regions(w) {
  const n = w.length;
  const prefix = R1_PREFIXES.find((p) => startsWith(w, p));
  let p1 = n;
  if (prefix !== undefined) {
    p1 = prefix.length;
  } else {
    const after = afterVowelConsonant(w, 0);
    if (after === null) return [n, n];
    p1 = after;
  }
  const p2 = afterVowelConsonant(w, p1);
  return [p1, p2 === null ? n : p2];
}

// The index after the first non-vowel that follows a vowel, from `from`.
function afterVowelConsonant(w, from) {
  let i = from;
  while (i < w.length && !VOWELS.has(w[i])) i++;
  if (i >= w.length) return null;
  i++;
  while (i < w.length && VOWELS.has(w[i])) i++;
  if (i >= w.length) return null;
  return i + 1;
}

function startsWith(w, text) {
  if (w.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (w[i] !== text[i]) return false;
  return true;
}

function endsWith(w, text, end = w.length) {
  const start = end - text.length;
  if (start < 0) return false;
  for (let i = 0; i < text.length; i++) if (w[start + i] !== text[i]) return false;
  return true;
}

// The longest of `endings` that `w` ends with (they are tried longest first).
function longestEnding(w, endings, end = w.length) {
  let best;
  for (const ending of endings) {
    const text = typeof ending === "string" ? ending : ending[0];
    if (endsWith(w, text, end) && (best === undefined || text.length > bestLength(best))) best = ending;
  }
  return best;
}

function bestLength(ending) {
  return typeof ending === "string" ? ending.length : ending[0].length;
}

function replaceEnd(w, length, text) {
  w.splice(w.length - length, length, ...Array.from(text));
}

function hasVowelBefore(w, end) {
  for (let i = 0; i < end; i++) if (VOWELS.has(w[i])) return true;
  return false;
}

// Whether w[0..end] ends in a short syllable.
function endsShort(w, end) {
  if (end >= 3 && !NOT_SHORT_END.has(w[end - 1]) && VOWELS.has(w[end - 2]) && !VOWELS.has(w[end - 3])) {
    return true;
  }
  if (end === 2 && !VOWELS.has(w[1]) && VOWELS.has(w[0])) return true;
  return endsWith(w, "past", end);
}

// Step 0 and 1a: possessives and plurals.
function step1a(w) {
  const possessive = longestEnding(w, ["'s'", "'s", "'"]);
  if (possessive !== undefined) w.splice(w.length - possessive.length);
  const ending = longestEnding(w, ["sses", "ied", "ies", "ss", "us", "s"]);
  const start = w.length - (ending ? ending.length : 0);
  if (ending === "sses") {
    replaceEnd(w, 4, "ss");
  } else if (ending === "ied" || ending === "ies") {
    replaceEnd(w, 3, start >= 2 ? "i" : "ie");
  } else if (ending === "s") {
    if (start > 0 && hasVowelBefore(w, start - 1)) w.pop();
  }
}

// Step 1b: -eed, -ed, -ing and their -ly forms.
function step1b(w, p1) {
  const ending = longestEnding(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
  if (ending === undefined) return;
  const start = w.length - ending.length;
  if (ending === "eed" || ending === "eedly") {
    if (start < p1) return;
    const stemPart = w.slice(0, start).join("");
    if (stemPart === "succ" || stemPart === "proc" || stemPart === "exc") return;
    replaceEnd(w, ending.length, "ee");
    return;
  }
  if (ending === "ing" && ingException(w, start)) return;
  if (!hasVowelBefore(w, start)) return;
  w.splice(start);
  tidyAfterSuffix(w, p1);
}

// The -ing words step 1b treats apart; whether the word is done.
function ingException(w, start) {
  const before = longestEnding(w, ["even", "cann", "inn", "earr", "herr", "out", "y"], start);
  if (before === undefined) return false;
  if (before === "y") {
    if (start === 2 && !VOWELS.has(w[0])) {
      replaceEnd(w, w.length - 1, "ie");
      return true;
    }
    return false;
  }
  return before.length === start;
}

// After step 1b removed a suffix: restore an e, undouble, or lengthen a short word.
function tidyAfterSuffix(w, p1) {
  const n = w.length;
  const end = longestEnding(w, ["at", "bl", "iz", "bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);
  if (end === "at" || end === "bl" || end === "iz") {
    w.push("e");
  } else if (end !== undefined) {
    if (!(n === 3 && "aeo".includes(w[0]))) w.pop();
  } else if (n === p1 && endsShort(w, n)) {
    w.push("e");
  }
}

// Step 1c: a final y after a consonant (not the first letter) becomes i.
function step1c(w) {
  const n = w.length;
  if (n >= 3 && (w[n - 1] === "y" || w[n - 1] === "Y") && !VOWELS.has(w[n - 2])) w[n - 1] = "i";
}

function step2(w, p1) {
  const found = longestEnding(w, STEP2);
  if (found === undefined) return;
  const [ending, rule] = found;
  const start = w.length - ending.length;
  if (start < p1) return;
  if (rule === "og-after-l") {
    if (w[start - 1] === "l") replaceEnd(w, ending.length, "og");
  } else if (rule === "delete-after-valid-li") {
    if (start > 0 && VALID_LI.has(w[start - 1])) w.splice(start);
  } else {
    replaceEnd(w, ending.length, rule);
  }
}

function step3(w, p1, p2) {
  const found = longestEnding(w, STEP3);
  if (found === undefined) return;
  const [ending, rule] = found;
  const start = w.length - ending.length;
  if (start < p1) return;
  if (rule === "delete-in-r2") {
    if (start >= p2) w.splice(start);
  } else {
    replaceEnd(w, ending.length, rule);
  }
}

function step4(w, p2) {
  const ending = longestEnding(w, STEP4);
  if (ending === undefined) return;
  const start = w.length - ending.length;
  if (start < p2) return;
  if (ending === "ion" && !(w[start - 1] === "s" || w[start - 1] === "t")) return;
  w.splice(start);
}

function step5(w, p1, p2) {
  const n = w.length;
  const start = n - 1;
  if (w[start] === "e") {
    if (start >= p2 || (start >= p1 && !endsShort(w, start))) w.pop();
  } else if (w[start] === "l") {
    if (start >= p2 && w[start - 1] === "l") w.pop();
  }
}

// Plural keys for synonym lookup, as the server's `text::key_word`: "attacks" and
// "attack" are one key, "allergies" is "allergy", but unlike a stemmer it leaves
// look-alikes apart ("testes" is not "test"). Lengths are UTF-8 bytes, as there.

/** UTF-8 length of a string, in bytes. */
export function utf8Length(text) {
  let bytes = 0;
  for (const c of text) {
    const code = c.codePointAt(0);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** A lower-cased word without its plural ending. */
export function keyWord(word) {
  const n = utf8Length(word);
  if (n > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (n > 4 && ["ches", "shes", "sses", "xes", "zes"].some((end) => word.endsWith(end))) {
    return word.slice(0, -2);
  }
  if (n > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

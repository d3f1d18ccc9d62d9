// Plural keys for synonym lookup, as the server's `text::key_word`: "attacks" and
// "attack" are one key, "allergies" is "allergy", but unlike a stemmer it leaves
// look-alikes apart ("testes" is not "test"). Lengths are UTF-8 bytes, as there.

/** UTF-8 length of a string, in bytes. */
export function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A surrogate half counts 2: a pair is one 4-byte character.
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 2 : 3;
  }
  return bytes;
}

const PLURAL_ES = ["ches", "shes", "sses", "xes", "zes"];

/** A lower-cased word without its plural ending. */
export function keyWord(word) {
  const n = utf8Length(word);
  if (n > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (n > 4 && PLURAL_ES.some((end) => word.endsWith(end))) {
    return word.slice(0, -2);
  }
  if (n > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

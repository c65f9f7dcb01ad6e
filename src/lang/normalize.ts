// Text folding for matching what people type against what we know.
// Farmers often type without diacritics ("chi lang"), with a different tone-mark placement
// ("hoà" vs "hòa"), or in decomposed Unicode (NFD, common from some Android keyboards). All of these
// must compare equal, so every comparison goes through `fold`.

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower-case, strip all diacritics (đ → d), collapse whitespace. "Xã Quý Hoà" → "xa quy hoa". */
export function fold(input: string): string {
  return input
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** `fold`, then keep only letters, digits and single spaces (punctuation becomes a space). */
export function foldWords(input: string): string {
  return fold(input)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Invisible format characters (zero-width spaces, bidi overrides, BOM) and control characters. */
const INVISIBLE = /[\p{Cf}\p{Cc}]/gu;
/** Angle brackets: never part of a name or an address, and the start of any markup. */
const MARKUP = /[<>]/g;

/**
 * Canonical stored form of user text: NFC, inner whitespace (line breaks and tabs too) collapsed to one
 * space, trimmed, with control and invisible format characters and angle brackets taken out. The
 * checks of names and addresses (src/core/rules.ts) refuse such characters first where the person
 * can be told (web form, API); this cleaning is the net for any path that only cleans.
 */
export function cleanText(input: string): string {
  return input.normalize("NFC").replace(/\s+/g, " ").replace(INVISIBLE, "").replace(MARKUP, "").replace(/ {2,}/g, " ").trim();
}

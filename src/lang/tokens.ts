// Splitting a message into tokens for the listing parsers.
//
// Digits and letters are split apart even when glued ("80k", "1tr2", "2kg", "80.000d") because
// people type them both ways; the separators "." and "," stay inside a number ("1,5", "80.000")
// since they decide its value (see numbers.ts). Each token keeps its original surface text, so the
// words we do not understand can be echoed back to the user as they typed them.

import { fold } from "./normalize.ts";

export type TokenKind = "num" | "word" | "sym";

export interface Token {
  /** As typed (NFC). */
  surface: string;
  /** Folded (see normalize.ts); for "num" the digits and separators as typed. */
  text: string;
  kind: TokenKind;
  /** Offset of `surface` in the NFC form of the input. */
  at: number;
}

// A number with inner separators, a run of letters (with combining marks, for NFD input), or one of
// the symbols that mean something in a listing: "/" (per), "-" and "~" (range), the dong sign, and
// punctuation, kept so that "2 ta, 1 kg 80k" is not read as one quantity of 2 ta 1 kg.
const TOKEN = /(\d+(?:[.,]\d+)*)|([\p{L}\p{M}]+)|([/\-~\u20ab,;:.!?()+])/gu;
const ASCII_LETTERS = /^[A-Za-z]+$/;
const DONG_SIGN = "\u20ab";

/** The span of the input covered by tokens [start, end), as typed (NFC). */
export function sourceText(input: string, tokens: readonly Token[], start: number, end: number): string {
  const first = tokens[start];
  const last = tokens[end - 1];
  if (first === undefined || last === undefined) return "";
  return input.normalize("NFC").slice(first.at, last.at + last.surface.length);
}

/** Tokens of a message; never throws, whatever the input. */
export function tokenize(input: string): Token[] {
  const text = input.normalize("NFC");
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const surface = m[0];
    if (m[1] !== undefined) {
      out.push({ surface, text: surface, kind: "num", at: m.index });
    } else if (m[2] !== undefined) {
      // Plain ASCII is the common case (no diacritics typed) and only needs lower-casing.
      const folded = ASCII_LETTERS.test(surface) ? surface.toLowerCase() : fold(surface);
      if (folded !== "") out.push({ surface, text: folded, kind: "word", at: m.index });
    } else if (surface === DONG_SIGN) {
      out.push({ surface, text: "d", kind: "word", at: m.index });
    } else {
      out.push({ surface, text: surface, kind: "sym", at: m.index });
    }
  }
  return out;
}

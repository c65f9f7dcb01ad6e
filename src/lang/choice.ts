// Matching a typed reply to one of the buttons a message offered.
//
// Some channels (Zalo, the terminal) cannot show real buttons, so the options are printed as a
// numbered list and people answer "2", "số 2" or type the option itself, often without diacritics
// ("dong y" for "✅ Đồng ý"). On channels with real buttons people still sometimes type the label.

import { fold, foldWords } from "./normalize.ts";

export interface ChoiceOptions {
  /** True when the options were shown as a numbered list, so "2" means the second option. */
  numbers: boolean;
}

// "2", "2.", "2)", "#2", "số 2" / "so 2" (folded), "no 2", "2️⃣" once the keycap marks are removed.
const NUMBER_REPLY = /^(?:so|no\.?|#)?\s*(\d{1,3})\s*[.)]?$/;
// The keycap emoji "2️⃣" is the digit followed by a variation selector and a combining keycap.
const KEYCAP = /[\uFE0F\u20E3]/g;

/**
 * Index of the option the reply selects, or null. In order:
 * 1. with `numbers`, a list position in range ("2", "số 2", "#2", "2.");
 * 2. the label itself, ignoring case, diacritics, emoji and punctuation;
 * 3. a prefix of at least 3 characters that starts exactly one label.
 * A number is read as a position first because the list invites that; a number that is not a
 * valid position may still be a label ("10" among "10", "20", "50").
 */
export function matchChoice(text: string, labels: string[], opts: ChoiceOptions): number | null {
  if (opts.numbers) {
    const m = NUMBER_REPLY.exec(fold(text.replace(KEYCAP, "")));
    if (m) {
      const position = Number(m[1]);
      if (position >= 1 && position <= labels.length) return position - 1;
    }
  }

  const reply = foldWords(text);
  if (reply === "") return null;
  const folded = labels.map((label) => foldWords(label));

  const exact = indexesWhere(folded, (label) => label === reply);
  if (exact.length === 1) return exact[0];
  // Two labels that fold to the same text cannot be told apart by typing; refuse rather than guess.
  if (exact.length > 1) return null;

  if (reply.length < 3) return null;
  const prefixed = indexesWhere(folded, (label) => label.startsWith(reply));
  return prefixed.length === 1 ? prefixed[0] : null;
}

function indexesWhere(items: string[], test: (item: string) => boolean): number[] {
  const found: number[] = [];
  items.forEach((item, i) => {
    if (item !== "" && test(item)) found.push(i);
  });
  return found;
}

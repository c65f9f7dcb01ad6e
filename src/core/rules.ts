// What we accept as a name. Buyers see these on shop pages and order slips, so they must be plain,
// readable text: no emoji-only names, no markup, no 5,000-character pastes.
import { cleanText } from "../lang/normalize.ts";

export type TextCheck =
  | { ok: true; value: string }
  | { ok: false; reason: "empty" | "tooShort" | "tooLong" | "noLetters" | "badChars" };

export const PERSON_NAME_MAX = 60;
export const SHOP_NAME_MAX = 60;

function check(raw: string, max: number, allowed: RegExp): TextCheck {
  const value = cleanText(raw);
  if (!value) return { ok: false, reason: "empty" };
  if ([...value].length > max) return { ok: false, reason: "tooLong" };
  const letters = value.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return { ok: false, reason: "noLetters" };
  if (!allowed.test(value)) return { ok: false, reason: "badChars" };
  if (letters < 2) return { ok: false, reason: "tooShort" };
  return { ok: true, value };
}

/** Letters (any script, with accents), spaces, dot, apostrophe and hyphen: "Nguyễn Thị Hoà", "Lý A-Sào". */
export const checkPersonName = (raw: string) => check(raw, PERSON_NAME_MAX, /^[\p{L}\p{M} .'-]+$/u);

/** Shop names may also carry digits and a little punctuation: "Na Chi Lăng 2", "Hồi & Quế Văn Quan". */
export const checkShopName = (raw: string) => check(raw, SHOP_NAME_MAX, /^[\p{L}\p{M}\p{N} .,'&()\/-]+$/u);

// What we accept as a name. Buyers see these on shop pages and order slips, so they must be plain,
// readable text: no emoji-only names, no markup, no 5,000-character pastes. Addresses and other free
// text follow the same rule (checkFreeText).
import { cleanText } from "../lang/normalize.ts";

export type TextCheck =
  | { ok: true; value: string }
  | { ok: false; reason: "empty" | "tooShort" | "tooLong" | "noLetters" | "badChars" };

/**
 * Markup (`<`, `>`) or a control character other than a line break or tab: refused in names and
 * addresses on the web form, in the API and in the chat's name steps alike, so that nothing stored can
 * break an order slip or a CSV, or turn into markup anywhere.
 */
const UNSAFE = /[<>]|[^\P{Cc}\t\n\r\f\v]/u;
export const hasUnsafeChars = (raw: string) => UNSAFE.test(raw);

export const PERSON_NAME_MAX = 60;
export const SHOP_NAME_MAX = 60;

function check(raw: string, max: number, allowed: RegExp): TextCheck {
  if (hasUnsafeChars(raw)) return { ok: false, reason: "badChars" };
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

export type FreeTextCheck = { ok: true; value: string } | { ok: false; reason: "tooShort" | "tooLong" | "badChars" };

/**
 * Free text a person typed (an address, a district, a note): plain text of `min` to `max` characters
 * once cleaned (cleanText); markup and control characters are refused, not silently dropped.
 */
export function checkFreeText(raw: string, min: number, max: number): FreeTextCheck {
  if (hasUnsafeChars(raw)) return { ok: false, reason: "badChars" };
  const value = cleanText(raw);
  const length = [...value].length;
  if (length < min) return { ok: false, reason: "tooShort" };
  if (length > max) return { ok: false, reason: "tooLong" };
  return { ok: true, value };
}

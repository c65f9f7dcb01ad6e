// Vietnamese mobile phone numbers: parsing what people type (or what Telegram sends in a shared
// contact) and writing numbers back the way Vietnamese people read them.
//
// We only accept mobile numbers: buyers call or Zalo the seller, and Zalo accounts hang off mobile
// numbers. Landlines (e.g. Lạng Sơn's 0205 numbers), foreign numbers and the 11-digit 01x prefixes
// that were retired in 2018 are refused with a reason the caller can turn into a helpful reply.

import { parsePhoneNumberFromString } from "libphonenumber-js/mobile";
import data from "./answers.vi.json" with { type: "json" };
import { foldWords } from "./normalize.ts";

export type PhoneParseResult =
  | { ok: true; e164: string; national: string }
  | { ok: false; reason: "empty" | "not_a_number" | "not_vietnamese" | "not_mobile" };

// Characters people put between digits: spaces (incl. no-break space), dots, dashes, slashes, brackets.
const SEPARATORS = /[\s.\-/()]/g;
// After removing separators, a phone number is an optional "+" and digits, nothing else.
const PHONE_SHAPE = /^\+?\d+$/;
// A Vietnamese mobile number in E.164: +84 then 9 digits (the national number without its 0).
const VN_E164 = /^\+84(\d{9})$/;
// Words allowed before a number ("sdt", "so dt cua em la") and after it ("a", "nhe"); nothing else.
const LABEL_WORDS = new Set(data.phoneLabel.flatMap((p) => p.split(" ")));
/** After the number: particles, and the words that may name it before it ("0915 234 567 (Zalo)", "... cua chau"). */
const TAIL_WORDS = new Set([...data.phoneTail, ...LABEL_WORDS]);

/** "sdt 0915.234.567", "Số ĐT: 0915 234 567 ạ" → the number part; null when other words are around it. */
function withoutLabel(text: string): string | null {
  const start = text.search(/[+(\d]/);
  if (start < 0) return null;
  const tail = /[^\d\s.\-/()+]/.exec(text.slice(start));
  const end = tail ? start + tail.index : text.length;
  const only = (part: string, words: Set<string>) => foldWords(part).split(" ").every((w) => w === "" || words.has(w));
  if (!only(text.slice(0, start), LABEL_WORDS) || !only(text.slice(end), TAIL_WORDS)) return null;
  return start === 0 && end === text.length ? null : text.slice(start, end);
}

/**
 * Parses a Vietnamese mobile number in any common spelling: "0912 345 678", "091.234.5678",
 * "(+84) 912 345 678", "+84912345678", and Telegram's contact form "84912345678" (no plus).
 */
export function parseVnMobile(input: string): PhoneParseResult {
  const trimmed = input.trim();
  if (trimmed === "") return { ok: false, reason: "empty" };

  const compact = (withoutLabel(trimmed) ?? trimmed).replace(SEPARATORS, "");
  // Words, emoji, "ext 12" etc.: this is text, not a number. We do not try to dig a number out of a
  // sentence, because guessing wrong would publish the wrong person's phone number; only the label
  // words of answers.vi.json may stand around it ("sdt 0915 234 567", "so dt cua em la ...").
  if (!PHONE_SHAPE.test(compact)) return { ok: false, reason: "not_a_number" };

  // The mobile-only metadata makes isValid() true exactly for mobile numbers.
  const asVn = parsePhoneNumberFromString(compact, "VN");
  if (asVn && asVn.countryCallingCode !== "84") return { ok: false, reason: "not_vietnamese" };
  if (asVn && asVn.isValid()) {
    const e164 = asVn.number;
    return { ok: true, e164, national: "0" + asVn.nationalNumber };
  }

  // Telegram sends contacts as international digits without "+", e.g. "12025550143". A national
  // Vietnamese number always starts with 0, so digits without a 0 or + may be international.
  if (!compact.startsWith("+") && !compact.startsWith("0")) {
    const asIntl = parsePhoneNumberFromString("+" + compact);
    if (asIntl && asIntl.countryCallingCode !== "84" && asIntl.isPossible()) {
      return { ok: false, reason: "not_vietnamese" };
    }
  }
  return { ok: false, reason: "not_mobile" };
}

/** "+84912345678" → "0912 345 678" (4-3-3, as Vietnamese people write it). Other input is returned as is. */
export function formatVnPhone(e164: string): string {
  const m = VN_E164.exec(e164);
  if (!m) return e164;
  const national = "0" + m[1];
  return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
}

/**
 * Masked form for logs and for showing a number to people who should not see it in full:
 * "+84912345678" → "0912 *** 678". The first 4 digits (carrier prefix) and the last 3 stay, so
 * a seller can still recognise their own number. Anything that is not a Vietnamese E.164 number
 * keeps only its last 3 digits, so a malformed value never leaks in full.
 */
export function maskPhone(e164: string): string {
  const m = VN_E164.exec(e164);
  if (m) {
    const national = "0" + m[1];
    return `${national.slice(0, 4)} *** ${national.slice(7)}`;
  }
  const digits = e164.replace(/\D/g, "");
  return "***" + digits.slice(-3);
}

// Numbers as typed in listings: Vietnamese separators, number words, spoken shorthand.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseNumber, readDigits } from "../../src/lang/numbers.ts";

describe("readDigits: comma is the decimal mark, dot groups thousands", () => {
  it.each([
    ["80", [80]],
    ["80.000", [80000]],
    ["1.500.000", [1500000]],
    ["1,5", [1.5]],
    ["1,25", [1.25]],
    ["0,5", [0.5]],
    ["0.5", [0.5]], // a thousands group never starts with 0
    ["0,500", [0.5]],
    ["1.500,5", [1500.5]],
    ["1,500.5", [1500.5]], // English style, the last mark is the decimal
    ["1,500,000", [1500000]],
    ["05", [5]],
  ])("%s -> %j", (text, expected) => {
    expect(readDigits(text)).toEqual(expected);
  });

  it.each([
    ["1.5", [1.5, 15]], // English decimal point, or a mistyped 15: ask
    ["2.25", [2.25, 225]],
    ["1,500", [1.5, 1500]], // Vietnamese decimal, or English thousands: ask
    ["80,000", [80, 80000]],
  ])("%s is ambiguous: %j", (text, expected) => {
    expect(readDigits(text)).toEqual(expected);
  });

  it.each(["0912345678", "007", "1.50.0", "12.34.567", "1234.567.890", "1.2.3,4", "1234567890123456"])(
    "%s is no amount (phone number, id, malformed)",
    (text) => {
      expect(readDigits(text)).toBeNull();
    },
  );
});

describe("parseNumber", () => {
  it.each([
    ["tám mươi nghìn", 80000],
    ["tam muoi nghin", 80000],
    ["tám mươi ngàn", 80000],
    ["mười", 10],
    ["mười lăm", 15],
    ["mười bốn", 14],
    ["hai mươi mốt", 21],
    ["hai mốt", 21], // spoken, without "mươi"
    ["hai mươi tư", 24],
    ["ba lăm nghìn", 35000],
    ["bốn mươi nhăm", 45],
    ["năm chục", 50],
    ["hai chục rưỡi", 25],
    ["một trăm", 100],
    ["hai trăm linh năm", 205],
    ["một trăm lẻ năm", 105],
    ["một trăm tư", 140], // spoken: the next digit down
    ["trăm rưỡi", 150], // "một" left out
    ["một trăm rưỡi", 150],
    ["ba trăm năm mươi", 350],
    ["một nghìn không trăm linh năm", 1005],
    ["mười hai nghìn ba trăm bốn mươi lăm", 12345],
    ["hai trăm nghìn", 200000],
    ["1tr2", 1200000],
    ["1tr25", 1250000],
    ["1tr250", 1250000],
    ["1 triệu 2", 1200000],
    ["1,2 triệu", 1200000],
    ["1 triệu rưỡi", 1500000],
    ["một triệu hai trăm nghìn", 1200000],
    ["1 triệu 2 trăm", 1200000], // market talk leaves the thousands unsaid
    ["1 nghìn 2 trăm", 1200],
    ["2 nghìn rưỡi", 2500],
    ["80k", 80000],
    ["80K", 80000],
    ["80k5", 80500],
    ["1k5", 1500],
    ["35 nghìn 5", 35500],
    ["3 tỷ", 3e9],
    ["năm", 5], // a whole text that is just the word
  ])("%s -> %j", (text, expected) => {
    expect(parseNumber(text)).toEqual(expected);
  });

  it.each(["năm nay", "tư nhân", "làm", "không", "hồng không hạt", "ba con", "", "k", "nghìn"])(
    "%s is not a number",
    (text) => {
      expect(parseNumber(text)).toBeNull();
    },
  );

  it("keeps both readings of 1.5tr", () => {
    expect(parseNumber("1.5tr")).toEqual({ ambiguous: [1500000, 15000000] });
  });

  it("reads every integer written the Vietnamese way (80.000)", () => {
    const vi = new Intl.NumberFormat("vi-VN");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), (n) => {
        expect(parseNumber(vi.format(n))).toBe(n);
      }),
    );
  });

  it("reads every decimal with at most two decimals written with a comma", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (cents) => {
        const n = cents / 100;
        const text = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 }).format(n);
        expect(parseNumber(text)).toBe(n);
      }),
    );
  });

  it("reads every number below a million spelled out in words", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), (n) => {
        expect(parseNumber(spell(n))).toBe(n);
      }),
    );
  });
});

// The formal spelling, as a school teaches it: 1005 "một nghìn không trăm linh năm".
const DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

function spellBelowThousand(n: number, full: boolean): string {
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  const out: string[] = [];
  if (h > 0 || full) out.push(DIGITS[h], "trăm");
  if (t === 0 && u > 0 && (h > 0 || full)) out.push("linh", DIGITS[u]);
  else if (t === 1) out.push("mười", ...(u === 0 ? [] : [u === 5 ? "lăm" : DIGITS[u]]));
  else if (t > 1) out.push(DIGITS[t], "mươi", ...(u === 0 ? [] : [u === 1 ? "mốt" : u === 4 ? "tư" : u === 5 ? "lăm" : DIGITS[u]]));
  else if (u > 0) out.push(DIGITS[u]);
  return out.join(" ");
}

function spell(n: number): string {
  const thousands = Math.floor(n / 1000);
  const rest = n % 1000;
  if (thousands === 0) return spellBelowThousand(rest, false);
  const head = `${spellBelowThousand(thousands, false)} nghìn`;
  return rest === 0 ? head : `${head} ${spellBelowThousand(rest, true)}`;
}

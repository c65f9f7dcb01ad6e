// Guards of the number reader that the mutation run (npm run test:mutation) found unprotected: the
// limits of digit tokens, phrases the grammar must refuse, and the facts readNumberPhrase reports to the
// scanner (where a number ends, whether it is money, whether it ends with a digit that may belong to a
// unit). Every expected value is worked out by hand in the comments.

import { describe, expect, it } from "vitest";
import { MAX_DIGITS } from "../../src/lang/lexicon.ts";
import { parseNumber, readDigits, readNumberPhrase } from "../../src/lang/numbers.ts";
import { tokenize } from "../../src/lang/tokens.ts";

describe("readDigits limits", () => {
  it(`takes up to ${MAX_DIGITS} digits, with or without separators`, () => {
    expect(MAX_DIGITS).toBe(15);
    expect(readDigits("123456789012345")).toEqual([123456789012345]);
    expect(readDigits("1234567890123456")).toBeNull();
    // 15 digits in groups of three: 123.456.789.012.345
    expect(readDigits("123.456.789.012.345")).toEqual([123456789012345]);
    // 16 digits
    expect(readDigits("1.234.567.890.123.456")).toBeNull();
  });

  it("refuses empty groups and a leading zero before a separator", () => {
    for (const text of ["1..500", "1.", ",5", "1,,5", "1.500.", "01.500", "00,5", "012,5"]) {
      expect(readDigits(text), text).toBeNull();
    }
    // a single 0 before the mark is a decimal
    expect(readDigits("0,25")).toEqual([0.25]);
  });

  it("with both marks, refuses a decimal mark that appears twice or groups that are not three digits", () => {
    // the comma comes last, so it is the decimal mark; it may not appear before
    expect(readDigits("1,500.000,5")).toBeNull();
    expect(readDigits("1.50.000,5")).toBeNull();
    expect(readDigits("1.5000,5")).toBeNull();
    expect(readDigits("1234.567,5")).toBeNull();
    // 1.234.567,5 is fine
    expect(readDigits("1.234.567,5")).toEqual([1234567.5]);
  });
});

describe("parseNumber refuses what the grammar does not allow", () => {
  it.each([
    "mười mười", // "ten ten"
    "một mươi", // "mươi" needs 2-9 before it
    "hai mươi mười",
    "100 chục", // chục after a number over 99
    "1,5 chục", // ...or after a fraction (both readings, 1,5 and 15, must work)
    "hai trăm ba trăm", // two hundreds in one group
    "hai mươi trăm", // hundreds after the tens
    "12 trăm",
    "không trăm", // "no hundreds" only inside a number
    "hai trăm linh", // "linh" with nothing after
    "một trăm linh 15", // after "linh" comes one digit
    "không nghìn", // zero thousand
    "2 trăm 500", // trailing digits continue the hundreds: at most two
    "1 nghìn 2,5", // ...and only whole digits
    "999 nghìn tỷ", // a scale right after a scale ("nghìn tỷ") has nothing to multiply
  ])("%s -> null", (text) => {
    expect(parseNumber(text)).toBeNull();
  });

  it("stops at the largest number allowed, 1e15", () => {
    // 1000000 tỷ = 1e6 x 1e9 = 1e15, the limit itself
    expect(parseNumber("1000000 tỷ")).toBe(1e15);
    // 1000001 tỷ = 1,000001e15: over it
    expect(parseNumber("1000001 tỷ")).toBeNull();
  });

  it.each([
    ["0", 0],
    ["1000 tỷ", 1e12], // a larger scale after a smaller one multiplies all before it: 1000 x 1e9
    ["hai nghìn năm trăm triệu", 2.5e9], // (2000 + 500) x 1e6
    ["2 trăm 50", 250], // trailing two digits after hundreds: 200 + 50
    ["1 triệu 25", 1250000], // 1e6 + 25 x 1e6 / 100
    ["1 triệu 2 trăm rưỡi", 1250000], // market talk: 2,5 hundred thousand after a million
    ["một trăm linh năm", 105],
    ["một nghìn không trăm mười", 1010],
  ])("%s -> %d", (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });
});

/** The phrase read from the first token of `text`, without its start (always 0). */
function phrase(text: string) {
  const p = readNumberPhrase(tokenize(text), 0);
  if (p === null) return null;
  const { start, ...rest } = p;
  expect(start).toBe(0);
  return rest;
}

const plain = { money: 0, lastMoney: 0, hasK: false, endsWithNumberAfterScale: false, singleDigit: false, roundWords: false, endsWithOneAfterRound: false };

describe("readNumberPhrase: what it tells the scanner", () => {
  it("a lone digit: a single digit that may continue a quantity ('2 ta 5')", () => {
    expect(phrase("5")).toEqual({ ...plain, end: 1, values: [5], wordsOnly: false, atomCount: 1, singleDigit: true });
    // two digits, or a digit word, are not
    expect(phrase("15")).toEqual({ ...plain, end: 1, values: [15], wordsOnly: false, atomCount: 1 });
    expect(phrase("năm")).toEqual({ ...plain, end: 1, values: [5], wordsOnly: true, atomCount: 1 });
  });

  it("spoken tens fold into one atom ('hai lăm' = 25)", () => {
    expect(phrase("hai lăm")).toEqual({ ...plain, end: 2, values: [25], wordsOnly: true, atomCount: 1 });
    // only once: "hai lăm lăm" is 25 then a new word
    expect(phrase("hai lăm lăm")).toEqual({ ...plain, end: 2, values: [25], wordsOnly: true, atomCount: 1 });
  });

  it("money: the largest and the last scale, and whether 'k' was said", () => {
    expect(phrase("80k")).toEqual({ ...plain, end: 2, values: [80000], money: 1000, lastMoney: 1000, hasK: true, wordsOnly: false, atomCount: 2 });
    expect(phrase("80 nghìn")).toEqual({ ...plain, end: 2, values: [80000], money: 1000, lastMoney: 1000, wordsOnly: false, atomCount: 2 });
    // 1 triệu 200 nghìn: largest 1e6, last 1e3
    expect(phrase("1 triệu 200 nghìn")).toEqual({ ...plain, end: 4, values: [1200000], money: 1e6, lastMoney: 1000, wordsOnly: false, atomCount: 4 });
  });

  it("a digit after a scale or hundreds may be the '1' of a unit that follows ('8 triệu 1 tạ')", () => {
    // 8 triệu 1 = 8.100.000, ends with a number after a scale
    expect(phrase("8 triệu 1")).toEqual({ ...plain, end: 3, values: [8100000], money: 1e6, lastMoney: 1e6, wordsOnly: false, atomCount: 3, endsWithNumberAfterScale: true });
    // hai trăm năm = 250: hundreds count as a scale here
    expect(phrase("hai trăm năm")).toEqual({ ...plain, end: 3, values: [250], wordsOnly: true, atomCount: 3, endsWithNumberAfterScale: true, roundWords: true });
    // hai mươi mốt: no scale before the last digit
    expect(phrase("hai mươi mốt")).toEqual({ ...plain, end: 3, values: [21], wordsOnly: true, atomCount: 3 });
  });

  it("tens or hundreds said in words, and a '1' right after them that may be the '1' of '1 cân' ('4 chục 1 cân')", () => {
    expect(phrase("4 chục 1")).toEqual({ ...plain, end: 3, values: [41], wordsOnly: false, atomCount: 3, roundWords: true, endsWithOneAfterRound: true });
    expect(phrase("hai trăm một")).toEqual({ ...plain, end: 3, values: [210], wordsOnly: true, atomCount: 3, endsWithNumberAfterScale: true, roundWords: true, endsWithOneAfterRound: true });
    // another digit is no unit's "1"; tens said as "muoi" are no spoken price
    expect(phrase("4 chục 2")).toEqual({ ...plain, end: 3, values: [42], wordsOnly: false, atomCount: 3, roundWords: true });
    expect(phrase("tám mươi")).toEqual({ ...plain, end: 2, values: [80], wordsOnly: true, atomCount: 2 });
  });

  it("'rưỡi' closes a number: what follows is not part of it", () => {
    // 2 triệu rưỡi = 2.500.000; the 3 after it is left alone
    expect(phrase("2 triệu rưỡi 3")).toEqual({ ...plain, end: 3, values: [2500000], money: 1e6, lastMoney: 1e6, wordsOnly: false, atomCount: 3 });
    expect(phrase("trăm rưỡi")).toEqual({ ...plain, end: 2, values: [150], wordsOnly: true, atomCount: 2, roundWords: true });
  });

  it("backs off to the longest valid prefix when a reading fails", () => {
    // 1,5 chục is no number, so the phrase is just 1,5
    expect(phrase("1,5 chục")).toEqual({ ...plain, end: 1, values: [1.5], wordsOnly: false, atomCount: 1 });
    // 1.5 chục: 15 chục = 150 works, 1,5 chục does not; a phrase holds only if every reading does, so
    // it is just 1.5, with both its readings
    expect(phrase("1.5 chục")).toEqual({ ...plain, end: 1, values: [1.5, 15], wordsOnly: false, atomCount: 1 });
    // two numbers in a row are two phrases
    expect(phrase("5 3")).toEqual({ ...plain, end: 1, values: [5], wordsOnly: false, atomCount: 1, singleDigit: true });
  });

  it("does not start at a word that is no number", () => {
    for (const text of ["nghìn", "rưỡi", "linh năm", "lăm", "tư", "chục", "k", ""]) expect(phrase(text), text).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatVnPhone, maskPhone, parseVnMobile } from "../../src/lang/phone.ts";

describe("parseVnMobile accepts Vietnamese mobile numbers in every common spelling", () => {
  it.each([
    ["0912 345 678", "+84912345678", "0912345678"],
    ["0912345678", "+84912345678", "0912345678"],
    ["+84912345678", "+84912345678", "0912345678"],
    ["84912345678", "+84912345678", "0912345678"], // Telegram contact, no plus
    ["+84 91 234 5678", "+84912345678", "0912345678"], // Telegram contact, spaced
    ["091.234.5678", "+84912345678", "0912345678"],
    ["091-234-5678", "+84912345678", "0912345678"],
    ["(+84) 912 345 678", "+84912345678", "0912345678"],
    ["+84 (0) 912 345 678", "+84912345678", "0912345678"],
    ["+84 0912 345 678", "+84912345678", "0912345678"],
    ["0084 912 345 678", "+84912345678", "0912345678"],
    ["  0912\u00a0345\u00a0678  ", "+84912345678", "0912345678"], // no-break spaces from copy-paste
    ["0862 345 678", "+84862345678", "0862345678"], // Viettel 086
    ["0321 234 567", "+84321234567", "0321234567"], // Viettel 032 (was 0162)
    ["0701 234 567", "+84701234567", "0701234567"], // MobiFone 070 (was 0120)
    ["0581 234 567", "+84581234567", "0581234567"], // Vietnamobile 058
  ])("%j", (input, e164, national) => {
    expect(parseVnMobile(input)).toEqual({ ok: true, e164, national });
  });
});

describe("parseVnMobile takes the words people put around a number", () => {
  it.each([
    ["sdt 0915.234.567"],
    ["sđt: 0915 234 567"],
    ["so dt 0915 234 567"],
    ["Số điện thoại của em là 0915 234 567 ạ"],
    ["số tôi 0915234567"],
    ["SĐT 0915-234-567 nhé"],
    ["zalo 0915234567"],
  ])("%j", (input) => {
    expect(parseVnMobile(input)).toEqual({ ok: true, e164: "+84915234567", national: "0915234567" });
  });
});

describe("parseVnMobile refuses with a reason", () => {
  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["abc", "not_a_number"],
    ["số tôi 0912345678 ext 1", "not_a_number"],
    ["gọi 0912345678 để mua", "not_a_number"], // a sentence around a number: no guessing
    ["anh Hùng 0912345678", "not_a_number"],
    ["+84 912 345 678 ext 1", "not_a_number"],
    ["０９１２３４５６７８", "not_a_number"], // full-width digits: we do not guess
    ["+1 202 555 0143", "not_vietnamese"],
    ["12025550143", "not_vietnamese"], // Telegram contact of a US number
    ["+86 138 0013 8000", "not_vietnamese"],
    ["8613800138000", "not_vietnamese"],
    ["001 202 555 0143", "not_vietnamese"], // international dialling prefix from Vietnam
    ["0205 3812 345", "not_mobile"], // Lạng Sơn landline
    ["+84 205 3812 345", "not_mobile"],
    ["84 205 3812 345", "not_mobile"],
    ["01234567890", "not_mobile"], // retired 11-digit 012x (now 083x)
    ["0168 123 4567", "not_mobile"], // retired 016x (now 03x)
    ["0912 345", "not_mobile"], // too short
    ["0912 345 6789", "not_mobile"], // too long
  ])("%j → %s", (input, reason) => {
    expect(parseVnMobile(input)).toEqual({ ok: false, reason });
  });
});

describe("formatVnPhone and maskPhone", () => {
  it.each([
    ["+84912345678", "0912 345 678", "0912 *** 678"],
    ["+84205381234", "0205 381 234", "0205 *** 234"],
  ])("%s", (e164, formatted, masked) => {
    expect(formatVnPhone(e164)).toBe(formatted);
    expect(maskPhone(e164)).toBe(masked);
  });

  it("leaves a non-Vietnamese number unformatted and masks all but its last 3 digits", () => {
    expect(formatVnPhone("+12025550143")).toBe("+12025550143");
    expect(maskPhone("+12025550143")).toBe("***143");
  });

  it("round-trips: a formatted number parses back to the same number", () => {
    const parsed = parseVnMobile(formatVnPhone("+84912345678"));
    expect(parsed).toEqual({ ok: true, e164: "+84912345678", national: "0912345678" });
  });
});

describe("properties", () => {
  it("parseVnMobile never throws and always returns a well-formed result", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.stringMatching(/^[+0-9 .()-]{0,20}$/)), (s) => {
        const r = parseVnMobile(s);
        if (r.ok) {
          expect(r.e164).toMatch(/^\+84\d{9}$/);
          expect(r.national).toBe("0" + r.e164.slice(3));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("a masked number never contains the middle digits", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+84[35789]\d{8}$/), (e164) => {
        const masked = maskPhone(e164);
        expect(masked).toMatch(/^0\d{3} \*\*\* \d{3}$/);
      }),
    );
  });
});

// VietQR payloads (../shared/notes/vietqr.md), the bank search, account checks and masking. Pure
// functions: no database, no network.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountHolderName, maskAccount, parseAccountNumber, qrPng, searchBanks, showPayment, BANKS } from "../src/core/payments.ts";
import { asciiSafe, buildVietQr, crc16, parseVietQr, MEMO_MAX } from "../src/core/vietqr.ts";
import { decodeQrPng } from "./support/qr.ts";

const STATIC_VCB = "00020101021138540010A00000072701240006970436011099640467220208QRIBFTTA53037045802VN63047CCF";
const DYNAMIC_VCB =
  "00020101021238540010A00000072701240006970436011010268061740208QRIBFTTA530370454063990005802VN5912LE PHU THACH62250821NB123ABC LE PHU THACH63049F78";

describe("VietQR payload", () => {
  it("matches the note's static vector byte for byte", () => {
    expect(buildVietQr({ bin: "970436", account: "9964046722" })).toBe(STATIC_VCB);
  });

  it("matches the note's dynamic vector (amount, name, memo) byte for byte", () => {
    expect(buildVietQr({ bin: "970436", account: "1026806174", amountVnd: 399_000, name: "Lê Phú Thạch", memo: "NB123ABC LE PHU THACH" })).toBe(DYNAMIC_VCB);
  });

  it("computes CRC-16/CCITT-FALSE (check value of 123456789 is 29B1)", () => {
    expect(crc16("123456789")).toBe("29B1");
    expect(crc16(STATIC_VCB.slice(0, -4))).toBe("7CCF");
  });

  it("reads the vectors back", () => {
    expect(parseVietQr(DYNAMIC_VCB)).toEqual({
      dynamic: true,
      bin: "970436",
      account: "1026806174",
      service: "QRIBFTTA",
      currency: "704",
      country: "VN",
      amountVnd: 399_000,
      name: "LE PHU THACH",
      memo: "NB123ABC LE PHU THACH",
      crcOk: true,
    });
    expect(parseVietQr(STATIC_VCB.slice(0, -1) + "0")?.crcOk).toBe(false);
  });

  it("refuses what would make a wrong code", () => {
    expect(() => buildVietQr({ bin: "97043", account: "123456" })).toThrow(RangeError);
    expect(() => buildVietQr({ bin: "970436", account: "12 34" })).toThrow(RangeError);
    expect(() => buildVietQr({ bin: "970436", account: "123456", amountVnd: 0 })).toThrow(RangeError);
    expect(() => buildVietQr({ bin: "970436", account: "123456", amountVnd: 1.5 })).toThrow(RangeError);
  });

  it("property: any bank, account, amount and memo parses back field by field, CRC verified, memo ASCII-safe and cut", () => {
    const bins = BANKS.map((b) => b.bin);
    fc.assert(
      fc.property(
        fc.constantFrom(...bins),
        fc.stringMatching(/^\d{6,19}$/),
        fc.integer({ min: 1, max: 9_999_999_999 }),
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.option(fc.string({ unit: "grapheme", maxLength: 40 }), { nil: undefined }),
        (bin, account, amountVnd, memo, name) => {
          const payload = buildVietQr({ bin, account, amountVnd, memo, name });
          const back = parseVietQr(payload);
          expect(back).not.toBeNull();
          expect(back!.crcOk).toBe(true);
          expect([back!.bin, back!.account, back!.amountVnd, back!.dynamic, back!.currency, back!.country]).toEqual([bin, account, amountVnd, true, "704", "VN"]);
          const safeMemo = asciiSafe(memo, MEMO_MAX);
          expect(back!.memo).toBe(safeMemo === "" ? undefined : safeMemo);
          if (back!.memo !== undefined) {
            expect(back!.memo).toMatch(/^[A-Za-z0-9]([A-Za-z0-9 ]*[A-Za-z0-9])?$/);
            expect(back!.memo.length).toBeLessThanOrEqual(MEMO_MAX);
          }
          if (back!.name !== undefined) expect(back!.name).toMatch(/^[A-Z0-9 ]{1,25}$/);
          expect(payload).toMatch(/^[\x20-\x7e]+$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("makes a memo from Vietnamese text: no diacritics, đ as d, cut to 25", () => {
    expect(asciiSafe("Đơn DH7K2F9Q — hồi khô, Đồng Đăng!", MEMO_MAX)).toBe("Don DH7K2F9Q hoi kho Dong");
  });

  it("draws a PNG that decodes to the payload", async () => {
    const payload = buildVietQr({ bin: "970405", account: "8888123456789", amountVnd: 80_000, memo: "DH7K2F9Q" });
    expect(decodeQrPng(await qrPng(payload))).toBe(payload);
  });
});

describe("banks, accounts, masking", () => {
  it("finds a bank by its short name typed without diacritics", () => {
    expect(searchBanks("agri")[0]).toMatchObject({ bin: "970405", short: "Agribank" });
    expect(searchBanks("lienviet")[0]).toMatchObject({ bin: "970449" });
    expect(searchBanks("BIDV")[0]).toMatchObject({ bin: "970418" });
    expect(searchBanks("Vietin bank")[0]).toMatchObject({ bin: "970415" });
    expect(searchBanks("ngoại thương")[0]).toMatchObject({ bin: "970436" });
    expect(searchBanks("zzzz")).toEqual([]);
    expect(searchBanks("a")).toEqual([]); // too short to mean anything
  });

  it("has one entry per BIN, each a 6-digit number", () => {
    const bins = BANKS.map((b) => b.bin);
    expect(new Set(bins).size).toBe(bins.length);
    for (const bin of bins) expect(bin).toMatch(/^\d{6}$/);
  });

  it("reads account numbers typed with spaces or dots, and says what is wrong otherwise", () => {
    expect(parseAccountNumber("8888 1234.5678-9")).toEqual({ ok: true, account: "8888123456789" });
    expect(parseAccountNumber("12a456")).toEqual({ ok: false, reason: "notDigits" });
    expect(parseAccountNumber("12345")).toEqual({ ok: false, reason: "length" });
    expect(parseAccountNumber("1".repeat(20))).toEqual({ ok: false, reason: "length" });
  });

  it("writes the holder's name as banks do", () => {
    expect(accountHolderName("Nguyễn Văn Hùng")).toBe("NGUYEN VAN HUNG");
    expect(accountHolderName("  đặng   thị  lan ")).toBe("DANG THI LAN");
    expect(accountHolderName("1234")).toBeNull();
  });

  it("masks the account for buyers, shows it whole to the household", () => {
    const d = { bankBin: "970405", account: "8888123456789", accountName: "NGUYEN VAN HUNG" };
    expect(maskAccount(d.account)).toBe("••••6789");
    expect(showPayment("bank", d, false)).toMatchObject({ account: "••••6789", accountName: "NGUYEN VAN HUNG" });
    expect(JSON.stringify(showPayment("bank", d, false))).not.toContain("8888123");
    expect(showPayment("bank", d, true).account).toBe("8888123456789");
    expect(showPayment("momo", { bankBin: null, account: "+84912345678", accountName: null }, false).account).toBe("0912 *** 678");
    expect(showPayment("none", d, true)).toEqual({ method: "none" });
  });
});

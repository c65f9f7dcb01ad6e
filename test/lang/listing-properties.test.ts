// Properties that must hold for ANY input, since anything can arrive from a chat: the parsers never
// throw and never produce NaN, Infinity or negative amounts; and what we format we read back.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { UNITS } from "../../src/lang/lexicon.ts";
import { parseListingSentence } from "../../src/lang/listing.ts";
import { parseNumber } from "../../src/lang/numbers.ts";
import { formatPrice, makePrice, parsePrice } from "../../src/lang/price.ts";
import { compileCatalog, matchProduct } from "../../src/lang/product.ts";
import { formatQuantity, makeQuantity, parseQuantity } from "../../src/lang/quantity.ts";

const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));
const RUNS = { numRuns: 2000 };

/** Every number anywhere in a parse result. */
function numbersIn(x: unknown): number[] {
  if (typeof x === "number") return [x];
  if (typeof x !== "object" || x === null) return [];
  return Object.values(x).flatMap(numbersIn);
}

function expectSaneNumbers(x: unknown): void {
  for (const n of numbersIn(x)) {
    expect(Number.isFinite(n), `${n} in ${JSON.stringify(x)}`).toBe(true);
    expect(n, JSON.stringify(x)).toBeGreaterThanOrEqual(0);
  }
}

// Random Unicode finds crashes in the tokenizer; listing-shaped text built from the words we know
// reaches the number, unit and price paths far more often than random text would.
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 40 }));
const pieces = fc.constantFrom(
  "2", "0", "1", "05", "0912345678", "1.5", "1,5", "80.000", "1,500", "1.500.000", "99999999999999999999",
  "9".repeat(400), "1.2.3", "0,0", "k", "tr", "trieu", "triệu", "nghìn", "ngan", "ty", "tỷ", "đ", "₫", "dong", "vnd",
  "tạ", "ta", "tá", "tấn", "yến", "cân", "ký", "kg", "g", "lạng", "lít", "ml", "quả", "con", "bó", "chai",
  "rưỡi", "nửa", "mốt", "lăm", "tư", "chục", "trăm", "mươi", "mười", "linh", "không", "năm", "ba", "hai", "một", "mỗi",
  "/", "-", "~", ",", ".", "đến", "giá", "gia", "hồi", "khô", "na", "chi", "lăng", "Lạng", "Sơn", "hồng", "bà", "ơi",
  "thach", "den", "quyt", "lon", "gà", "trứng", "khác", "\u0301", "\u200b", "🌿", "x",
);
const listingText = fc
  .tuple(fc.array(pieces, { maxLength: 14 }), fc.array(fc.constantFrom(" ", "", "  ", "\n"), { minLength: 14, maxLength: 14 }))
  .map(([words, gaps]) => words.map((w, i) => w + gaps[i]).join(""));
const text = fc.oneof(anyText, listingText);

describe("parsers on any input", () => {
  it("parseListingSentence never throws and keeps numbers finite and non-negative", () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parseListingSentence(t, catalog);
        expectSaneNumbers(r);
        expect(Array.isArray(r.unknown)).toBe(true);
        if (r.quantity?.kg != null) expect(r.quantity.kg).toBeCloseTo(r.quantity.value * UNITS.get(r.quantity.unit)!.factor, 5);
      }),
      RUNS,
    );
  });

  it("parseQuantity, parsePrice, parseNumber and matchProduct never throw or return broken numbers", () => {
    fc.assert(
      fc.property(text, (t) => {
        expectSaneNumbers(parseQuantity(t));
        expectSaneNumbers(parsePrice(t));
        expectSaneNumbers(parseNumber(t));
        for (const c of matchProduct(t, catalog) ?? []) {
          expect(c.score).toBeGreaterThan(0);
          expect(c.score).toBeLessThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });
});

describe("formatting then parsing gives the value back", () => {
  const unitCodes = [...UNITS.values()];
  const quantity = fc.oneof(
    // weights and volumes: up to two decimals (a third would read as English thousands)
    fc
      .tuple(fc.constantFrom(...unitCodes.filter((u) => u.kind !== "count").map((u) => u.code)), fc.integer({ min: 1, max: 100_000_000 }))
      .map(([unit, cents]) => ({ value: cents / 100, unit })),
    // counted goods: whole numbers
    fc
      .tuple(fc.constantFrom(...unitCodes.filter((u) => u.kind === "count").map((u) => u.code)), fc.integer({ min: 1, max: 1_000_000 }))
      .map(([unit, value]) => ({ value, unit })),
  );

  it("quantities", () => {
    fc.assert(
      fc.property(quantity, (q) => {
        const text = formatQuantity(q);
        expect(parseQuantity(text), text).toEqual(makeQuantity(q.value, q.unit));
      }),
      RUNS,
    );
  });

  it("prices, with and without a unit", () => {
    const per = fc.constantFrom(null, ...unitCodes.map((u) => u.code));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999 }), per, (vnd, unit) => {
        const text = formatPrice({ vnd, per: unit });
        expect(parsePrice(text), text).toEqual(makePrice(vnd, unit));
      }),
      RUNS,
    );
  });
});

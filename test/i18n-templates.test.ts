// tFor fills a text with values from pieces it remembers instead of asking i18next each time
// (src/i18n/index.ts). Whatever the text and the values, the answer must be i18next's own: every key of
// every language, in both wordings, with values chosen to trip a hand-written filler (placeholders and
// nesting inside values, "$&" replacement patterns, numbers, empty strings, a missing value), and calls
// that must go to i18next (count, context, defaultValue, another language, a value that is an object).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOCALES, i18nextT, resourceKeys, tFor, type Wording } from "../src/i18n/index.ts";

const WORDINGS: Wording[] = ["inline", "numbered"];
const NAME = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** "sell.card.price" (resourceKeys' form) → "sell:card.price" (t's form) */
const asKey = (path: string) => path.replace(".", ":");

const tricky = ["80.000 đ", "", "{{price}}", "$t(common:menu.title)", "$& $' $` $$", "a\nb", "1,5 tạ", "Xã Chi Lăng", "{{- x}}"];

describe("texts with values, filled from remembered pieces", () => {
  for (const lng of LOCALES) {
    for (const wording of WORDINGS) {
      it(`${lng}, ${wording}: every key gives what i18next gives, with awkward values`, () => {
        const fast = tFor(lng, wording) as unknown as (key: string, options?: object) => unknown;
        const slow = i18nextT(lng, wording);
        let compared = 0;
        for (const path of resourceKeys(lng)) {
          const key = asKey(path);
          const stored = String(slow(key, { skipInterpolation: true }));
          const names = [...new Set([...stored.matchAll(NAME)].map((m) => m[1]))];
          for (const [i, value] of [...tricky, 80000, 1.5].entries()) {
            const values = Object.fromEntries(names.map((n, j) => [n, j === 0 ? value : tricky[(i + j) % tricky.length]]));
            expect(fast(key, values), `${key} ${JSON.stringify(values)}`).toBe(slow(key, values));
            compared++;
          }
          if (names.length > 0) {
            // A missing value, and options i18next reads itself: i18next's answer in both cases.
            expect(fast(key, {})).toBe(slow(key, {}));
            expect(fast(key, { [names[0]]: "x", count: 2 })).toBe(slow(key, { [names[0]]: "x", count: 2 }));
            expect(fast(key, { [names[0]]: { toString: () => "obj" } })).toBe(slow(key, { [names[0]]: { toString: () => "obj" } }));
          }
        }
        expect(compared).toBeGreaterThan(1000);
      });
    }
  }

  it("random values in random texts' placeholders: the same answer", () => {
    const keys = resourceKeys("vi").map(asKey);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom(...WORDINGS), fc.constantFrom(...LOCALES), fc.dictionary(fc.constantFrom("price", "title", "quantity", "code", "shop", "name", "commune", "count", "context"), fc.oneof(fc.string(), fc.integer())), (key, wording, lng, values) => {
        expect((tFor(lng, wording) as unknown as (k: string, o: object) => unknown)(key, values)).toBe(i18nextT(lng, wording)(key, values));
      }),
      { numRuns: 3000 },
    );
  });

  it("a call naming one of i18next's own options is i18next's: another language gives that language's text", () => {
    const t = tFor("vi") as unknown as (key: string, o: object) => string;
    expect(t("sell:card.price", { price: "80.000 đ/kg" })).toBe("💰 Giá: 80.000 đ/kg");
    expect(t("sell:card.price", { price: "80.000 đ/kg", lng: "en" })).toBe(i18nextT("en")("sell:card.price", { price: "80.000 đ/kg" }));
  });
});

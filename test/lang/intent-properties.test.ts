// Properties of understand() for ANY input, since anything can arrive from a chat: it never throws,
// answers one of the intents with sane numbers, and a message of up to 5.000 characters costs a few
// milliseconds at most. And what farmers type without diacritics, in capitals or decomposed Unicode
// is understood as the same message.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { INTENTS, understand } from "../../src/lang/intent.ts";
import { compileCatalog } from "../../src/lang/product.ts";

const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));
/** "A few milliseconds": the best of three timings, so a pause of the machine is not blamed on the input. */
const BUDGET_MS = 5;

function numbersIn(x: unknown): number[] {
  if (typeof x === "number") return [x];
  if (typeof x !== "object" || x === null) return [];
  return Object.values(x).flatMap(numbersIn);
}

function bestOfThree(text: string): number {
  let best = Infinity;
  for (let k = 0; k < 3 && best > BUDGET_MS; k++) {
    const t0 = performance.now();
    understand(text, catalog);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

// Random text finds crashes; text made of the words the classifier and the listing parser know
// (cue words, numbers, units, products, typos, emoji, line breaks) reaches every path and is the
// slowest kind to read.
const pieces = fc.constantFrom(
  "ban", "bán", "mua", "gia", "giá", "bao", "nhieu", "bn", "het", "hết", "roi", "sua", "doi", "tat", "bat", "thong", "bao", "tb",
  "huy", "quay", "lai", "huong", "dan", "cam", "on", "chao", "don", "hang", "cua", "toi", "con", "chi", "so", "luong", "giam",
  "2", "0", "1,5", "80.000", "1.5", "9".repeat(40), "k", "tr", "van", "vạn", "xi", "cu", "lit", "chuc", "tram", "ruoi", "rưỡi",
  "ta", "tạ", "yen", "can", "kg", "hoi", "hồi", "kho", "na", "thach", "den", "quyt", "quytt", "thachh", "huongg", "xyzq", "abcde",
  "?", ",", ";", "+", "va", "\n", "🍈", "🙏", "👋", "\u0301", "\u200b",
);
const soup = fc
  .array(pieces, { maxLength: 1200 })
  .map((words) => words.join(" ").slice(0, 5000));
const text = fc.oneof(fc.string({ unit: "binary", maxLength: 5000 }), fc.string({ unit: "grapheme", maxLength: 2000 }), soup);

describe("understand on any input", () => {
  it("never throws, answers a known intent with sane numbers, within a few ms up to 5.000 characters", () => {
    understand("warm up", catalog);
    fc.assert(
      fc.property(text, (t) => {
        const u = understand(t, catalog);
        expect(INTENTS).toContain(u.intent);
        expect(Array.isArray(u.items)).toBe(true);
        for (const n of numbersIn(u)) {
          expect(Number.isFinite(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(0);
        }
        expect(bestOfThree(t)).toBeLessThanOrEqual(BUDGET_MS);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the same message however it is typed", () => {
  const cases = (JSON.parse(readFileSync(new URL("./intents.corpus.json", import.meta.url), "utf8")) as { cases: { message: string }[] }).cases;
  const stripMarks = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
  const summary = (t: string) => {
    const u = understand(t, catalog);
    return { intent: u.intent, product: u.product?.id ?? null, items: u.items.map((i) => [i.product?.id ?? null, i.quantity?.kg ?? null, i.price?.vndPerKg ?? null]) };
  };

  it.each([
    ["without diacritics", stripMarks],
    ["in capitals", (s: string) => s.toUpperCase()],
    ["in decomposed Unicode (NFD)", (s: string) => s.normalize("NFD")],
  ])("%s", (_name, typed) => {
    for (const { message } of cases) expect(summary(typed(message)), message).toEqual(summary(message));
  });
});

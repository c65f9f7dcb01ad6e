// Table test over the shared listing corpus (test/lang/corpus.json, also used by bench/parse.ts).
// Each case says what the bot must understand from a message as a farmer would type it.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { parseListingSentence, type ListingParse } from "../../src/lang/listing.ts";
import { compileCatalog } from "../../src/lang/product.ts";

type Expected<T> = T | null | { ambiguous: unknown[] };

interface Case {
  message: string;
  product: Expected<string>;
  quantity: Expected<{ kg?: number; count?: number; value?: number; unit?: string }>;
  price: Expected<{ vnd: number; per: string | null }>;
  tags: string[];
}

const corpus = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8")) as { cases: Case[] };
const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));

function isAmbiguous(x: unknown): x is { ambiguous: unknown[] } {
  return typeof x === "object" && x !== null && "ambiguous" in x;
}

function numbersIn(x: unknown): number[] {
  if (typeof x === "number") return [x];
  if (typeof x !== "object" || x === null) return [];
  return Object.values(x).flatMap(numbersIn);
}

function ambiguityOf(result: ListingParse, field: "product" | "quantity" | "price") {
  return result.ambiguous?.find((a) => a.field === field);
}

describe("listing corpus", () => {
  it("has at least 150 messages", () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(corpus.cases.map((c) => [c.message, c] as const))("%s", (_message, c) => {
    const r = parseListingSentence(c.message, catalog);

    // product
    if (isAmbiguous(c.product)) {
      expect(r.product).toBeNull();
      expect(ambiguityOf(r, "product")?.readings.map((p) => (p as { id: string }).id)).toEqual(c.product.ambiguous);
    } else {
      expect(r.product?.id ?? null).toBe(c.product);
    }

    // quantity
    if (isAmbiguous(c.quantity)) {
      expect(r.quantity).toBeNull();
      const readings = ambiguityOf(r, "quantity")?.readings as { kg: number | null }[] | undefined;
      expect(readings?.map((q) => q.kg)).toEqual(c.quantity.ambiguous);
    } else if (c.quantity === null) {
      expect(r.quantity).toBeNull();
    } else if (c.quantity.kg !== undefined) {
      expect(r.quantity?.kg).toBeCloseTo(c.quantity.kg, 6);
    } else if (c.quantity.count !== undefined) {
      expect(r.quantity).toMatchObject({ value: c.quantity.count, unit: c.quantity.unit, kg: null });
    } else {
      expect(r.quantity).toMatchObject({ value: c.quantity.value, unit: c.quantity.unit });
    }

    // price
    if (isAmbiguous(c.price)) {
      expect(r.price).toBeNull();
      const readings = ambiguityOf(r, "price")?.readings as { vnd: number }[] | undefined;
      expect(readings?.map((p) => p.vnd)).toEqual(c.price.ambiguous);
    } else if (c.price === null) {
      expect(r.price).toBeNull();
    } else {
      expect({ vnd: r.price?.vnd, per: r.price?.per }).toEqual(c.price);
    }

    // Anything we did read must not also be reported as ambiguous, and no number is ever broken.
    for (const a of r.ambiguous ?? []) expect(r[a.field]).toBeNull();
    for (const n of numbersIn(r)) expect(Number.isFinite(n) && n >= 0).toBe(true);
  });
});

describe("source rules", () => {
  // Vietnamese with diacritics lives in data (catalog, units.vi.json, locales), never in code: all
  // matching is on folded ASCII, and this keeps the vocabulary in one place (lexicon.ts).
  it.each(["lexicon", "numbers", "tokens", "scan", "quantity", "price", "product", "listing", "catalog-file"])(
    "src/lang/%s.ts is plain ASCII",
    (name) => {
      const source = readFileSync(new URL(`../../src/lang/${name}.ts`, import.meta.url), "utf8");
      expect(source.match(/[^\x00-\x7f]/g) ?? []).toEqual([]);
    },
  );
});

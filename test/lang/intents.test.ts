// The intent corpus (test/lang/intents.corpus.json): farmer messages with the intent, product and
// items understand() must find. A message counts as right only when all three match. The share right
// must be at least 95%; the misses are printed so they can be read.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { INTENTS, understand, type Understanding } from "../../src/lang/intent.ts";
import { compileCatalog } from "../../src/lang/product.ts";

interface ExpectedItem {
  product: string | null;
  kg: number | null;
  vndPerKg: number | null;
}

interface Case {
  message: string;
  intent: string;
  product: string | null;
  items: ExpectedItem[];
}

const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));
const TARGET = 0.95;

function load(file: string): Case[] {
  return (JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8")) as { cases: Case[] }).cases;
}

/** What the corpus compares: intent, product id, and per item product id, kg and price per kg. */
export function summary(u: Understanding): Omit<Case, "message"> {
  return {
    intent: u.intent,
    product: u.product?.id ?? null,
    items: u.items.map((i) => ({ product: i.product?.id ?? null, kg: i.quantity?.kg ?? null, vndPerKg: i.price?.vndPerKg ?? null })),
  };
}

function share(cases: Case[]): { right: number; misses: string[] } {
  const misses: string[] = [];
  for (const c of cases) {
    const got = summary(understand(c.message, catalog));
    const want = { intent: c.intent, product: c.product, items: c.items };
    if (JSON.stringify(got) !== JSON.stringify(want)) misses.push(`${JSON.stringify(c.message)}\n    want ${JSON.stringify(want)}\n    got  ${JSON.stringify(got)}`);
  }
  return { right: (cases.length - misses.length) / cases.length, misses };
}

describe("intent corpus", () => {
  const cases = load("./intents.corpus.json");

  it("has at least 200 messages covering every intent, several with more than one item", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    for (const intent of INTENTS) expect(cases.some((c) => c.intent === intent), intent).toBe(true);
    expect(cases.filter((c) => c.items.length > 1).length).toBeGreaterThanOrEqual(10);
  });

  it(`gets at least ${TARGET * 100}% right (intent, product and items)`, () => {
    const { right, misses } = share(cases);
    console.log(`intent corpus: ${(right * 100).toFixed(1)}% right (${cases.length - misses.length}/${cases.length})`);
    if (misses.length > 0) console.log(`misses:\n  ${misses.join("\n  ")}`);
    expect(right).toBeGreaterThanOrEqual(TARGET);
  });
});

// Sets written after the classifier. The first two were each measured once, then the general causes
// of their misses fixed (see their descriptions), so they now guard against regressions. The last was
// measured once after the final changes and left untouched: its share is the honest estimate of how
// the classifier does on messages it has not seen, so it is held to a lower bar instead of tuned to.
describe.each([
  ["intents-holdout", TARGET],
  ["intents-blind", TARGET],
  ["intents-blind2", 0.9],
  ["intents-blind3", TARGET],
  ["intents-blind4", TARGET],
  ["intents-blind5", TARGET],
])("%s: messages written after the classifier", (name, target) => {
  const cases = load(`./${name}.corpus.json`);

  it(`gets at least ${target * 100}% right`, () => {
    const { right, misses } = share(cases);
    console.log(`${name}: ${(right * 100).toFixed(1)}% right (${cases.length - misses.length}/${cases.length})`);
    if (misses.length > 0) console.log(`misses:\n  ${misses.join("\n  ")}`);
    expect(right).toBeGreaterThanOrEqual(target);
  });
});

describe("understand: what the engine relies on", () => {
  const u = (text: string) => understand(text, catalog);

  it.each([
    // the cases issue 17 measured
    ["gia hoi hom nay bao nhieu", "price", true],
    ["don hang cua toi", "orders", true],
    ["het hang roi", "sold_out", true],
    ["xem don", "orders", true],
    ["huy", "cancel", true],
    ["cam on chau", "greeting", true],
    // a complete listing says itself; bare numbers are a step's answer, not an intent
    ["ban 2 ta hoi kho 80k", "sell", true],
    ["hoi kho 2 ta 80k", "sell", true],
    ["2 ta 80k", "sell", false],
    ["50 can", "unknown", false],
    ["50", "unknown", false],
    ["80k", "unknown", false],
    ["hoi kho", "unknown", false],
    ["co", "unknown", false],
  ])("%s -> %s (clear: %s)", (text, intent, clear) => {
    const r = u(text);
    expect(r.intent).toBe(intent);
    expect(r.clear).toBe(clear);
  });

  it("keeps both products of 'ban 2 ta hoi voi 50 can na'", () => {
    expect(summary(u("bán 2 tạ hồi với 50 cân na")).items).toEqual([
      { product: null, kg: 200, vndPerKg: null }, // "hoi" is dried or fresh: the bot asks
      { product: "na-chi-lang", kg: 50, vndPerKg: null },
    ]);
  });

  it("reads '2 van 1 can' as a price of 20.000 a kg, not a quantity", () => {
    const r = u("ban 2 ta hoi kho 2 van 1 can");
    expect(r.items).toHaveLength(1);
    expect(r.items[0].quantity?.kg).toBe(200);
    expect(r.items[0].price).toMatchObject({ vnd: 20_000, per: "kg", vndPerKg: 20_000 });
  });

  it("gives items only for intents that state listings", () => {
    expect(u("het na roi").items).toEqual([]);
    expect(u("gia na hom nay bao nhieu").items).toEqual([]);
    expect(summary(u("sua gia na 40k")).items).toEqual([{ product: "na-chi-lang", kg: null, vndPerKg: 40_000 }]);
  });

  it("names the cue that decided, null when inferred", () => {
    expect(u("tat thong bao di").cue).toBe("tat thong bao");
    expect(u("tatthongbao").cue).toBe("tat thong bao");
    expect(u("huong dna").cue).toBe("huong dan"); // one typo
    expect(u("hoi kho 2 ta 80k").cue).toBeNull();
  });
});

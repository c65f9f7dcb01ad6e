// Several listings in one message (parseListingItems): cut where a detail repeats or at a line
// break, each piece read by the listing parser. Expected values worked out by hand.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { MAX_ITEMS, parseListingItems } from "../../src/lang/items.ts";
import { understand } from "../../src/lang/intent.ts";
import { parseListingSentence } from "../../src/lang/listing.ts";
import { compileCatalog } from "../../src/lang/product.ts";

const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));
const items = (text: string) => parseListingItems(text, catalog).map((i) => [i.product?.id ?? null, i.quantity?.kg ?? null, i.price?.vndPerKg ?? null]);

describe("parseListingItems", () => {
  it.each([
    // separators: comma, "va", "voi", "+", ";", line breaks, or none at all
    ["ban 2 ta hoi kho 80k, 50kg na 35k", [["hoi-kho", 200, 80_000], ["na-chi-lang", 50, 35_000]]],
    ["ban 3 yen thach den 25k va 1 ta hoi 90k", [["thach-den", 30, 25_000], ["hoi-kho", 100, 90_000]]],
    ["1 ta na 30k voi 2 yen thach den 28k", [["na-chi-lang", 100, 30_000], ["thach-den", 20, 28_000]]],
    ["1 ta thach den 30k + 2 ta hoi tuoi 22k", [["thach-den", 100, 30_000], ["hoi-tuoi", 200, 22_000]]],
    ["hoi kho 1 ta 80k; na dai 1 ta 45k; thach den 5 yen 30k", [["hoi-kho", 100, 80_000], ["na-dai", 100, 45_000], ["thach-den", 50, 30_000]]],
    ["ban 2 ta hoi kho 80k 50kg na 35k", [["hoi-kho", 200, 80_000], ["na-chi-lang", 50, 35_000]]],
    // "80k" then "1 ta na" on the next line is no "80.000 per ta"
    ["ban 2 ta hoi kho 80k\n1 ta na 30k", [["hoi-kho", 200, 80_000], ["na-chi-lang", 100, 30_000]]],
    // one listing over several lines stays one
    ["hoi kho\n2 ta\n80k", [["hoi-kho", 200, 80_000]]],
    // product first, then quantity and price, twice
    ["quyt vang 3 ta 4 van, hong khong hat 1 ta 3 van", [["quyt-vang-bac-son", 300, 40_000], ["hong-khong-hat", 100, 30_000]]],
    // "phoi kho" (sun-dried) reads like "hoi kho" with a typo: a word of this listing, not a second one
    ["thach den phoi kho 2 ta, 27 nghin", [["thach-den", 200, 27_000]]],
    // "lon" (pig) is also "big": "so luong lon" is a large quantity
    ["thu mua hoi kho so luong lon", [["hoi-kho", null, null]]],
    // a second price for the same thing starts a second lot with no product named
    ["hoi kho 2 ta 80k, 1 ta 90k", [["hoi-kho", 200, 80_000], [null, 100, 90_000]]],
  ])("%s", (text, expected) => {
    expect(items(text)).toEqual(expected);
  });

  it("reads a one-listing message exactly as parseListingSentence does (the whole listing corpus)", () => {
    const cases = (JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8")) as { cases: { message: string }[] }).cases;
    for (const { message } of cases) {
      const one = parseListingSentence(message, catalog);
      const said = one.product !== null || one.quantity !== null || one.price !== null || one.ambiguous !== undefined;
      expect(parseListingItems(message, catalog), message).toEqual(said ? [one] : []);
    }
  });

  it("understand's items are parseListingItems' own (the sell flow takes them instead of reading the text again)", () => {
    const files = ["corpus", "intents.corpus", "intents-blind.corpus", "intents-blind2.corpus", "intents-blind3.corpus", "intents-blind4.corpus", "intents-blind5.corpus", "intents-holdout.corpus"];
    let compared = 0;
    for (const file of files) {
      const cases = (JSON.parse(readFileSync(new URL(`./${file}.json`, import.meta.url), "utf8")) as { cases: { message: string }[] }).cases;
      for (const { message } of cases) {
        const u = understand(message, catalog);
        if (u.items.length === 0) continue;
        expect(u.items, message).toEqual(parseListingItems(message, catalog));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it(`cuts at most ${MAX_ITEMS} items; the last takes the rest`, () => {
    const text = Array.from({ length: 20 }, (_, k) => `${k + 1} ta hoi kho 80k`).join(", ");
    const got = parseListingItems(text, catalog);
    expect(got).toHaveLength(MAX_ITEMS);
    expect(got[0].quantity?.kg).toBe(100);
    expect(got[MAX_ITEMS - 2].quantity?.kg).toBe(1100);
  });
});

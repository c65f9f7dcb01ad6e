// Number and money words of the north (issue 17): van (10.000), xi and lit (100.000), cu (a million),
// chuc, tram, nghin/ngan/k, trieu/tr, ruoi, le/linh, in words or digits, with or without diacritics
// and spaces. Expected values worked out by hand.

import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../../src/lang/catalog-file.ts";
import { parseListingSentence } from "../../src/lang/listing.ts";
import { parseNumber } from "../../src/lang/numbers.ts";
import { parsePrice } from "../../src/lang/price.ts";
import { compileCatalog } from "../../src/lang/product.ts";
import { parseQuantity } from "../../src/lang/quantity.ts";

const catalog = compileCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));

describe("parseNumber: van and xi", () => {
  it.each([
    ["2 vạn", 20_000],
    ["2 van", 20_000],
    ["2van", 20_000],
    ["hai vạn", 20_000],
    ["2 vạn 1", 21_000], // the trailing digit is the next place down: 2 van + 1 nghin
    ["hai van mot", 21_000],
    ["2 vạn rưỡi", 25_000], // and a half of the last scale: + 5.000
    ["2van5", 25_000],
    ["mười vạn", 100_000],
    ["3 xị", 300_000],
    ["1 xi 2", 120_000],
    ["2 triệu 5 vạn", 2_050_000], // a smaller scale adds: 2.000.000 + 50.000
  ])("%s -> %d", (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });

  it.each([
    ["tám chục", 80],
    ["tam chuc nghin", 80_000],
    ["chín chục", 90],
    ["một trăm lẻ năm", 105],
    ["mot tram linh nam", 105],
    ["1 triệu 2", 1_200_000],
    ["1tr2", 1_200_000],
    ["1 tr 2", 1_200_000],
    ["một triệu hai", 1_200_000],
    ["80 ngàn", 80_000],
    ["80ngan", 80_000],
    ["35 nghìn 5", 35_500],
    ["ba trăm nghìn", 300_000],
    ["trăm rưỡi", 150],
  ])("%s -> %d (already read before issue 17)", (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });

  it("Van Quan is a place, not ten thousand", () => {
    expect(parseNumber("2 van quan")).toBeNull();
  });
});

describe("parsePrice: van, xi and the slang cu and lit", () => {
  it.each([
    // "hai van mot can": 20.000 for one kg, as "35 nghin 1 can" is 35.000 a kg
    ["2 van 1 can", 20_000, "kg"],
    ["2 vạn một cân", 20_000, "kg"],
    ["2 van mot 1 can", 21_000, "kg"],
    ["2 van 5/kg", 25_000, "kg"],
    ["3 xi 1 can", 300_000, "kg"],
    ["2 lít 1 cân", 200_000, "kg"], // lit before a unit it is the price of: 100.000 each
    ["1 củ 1 tạ", 1_000_000, "ta"],
    ["1 cu 2", 1_200_000, null], // spoken continuation: a million and two hundred thousand
    ["3 lit/kg", 300_000, "kg"],
  ])("%s -> %d per %s", (text, vnd, per) => {
    const p = parsePrice(text);
    expect(p).toMatchObject({ vnd, per });
  });

  it("a bare 'cu' or 'lit' stays a unit: 2 cu, 2 lit", () => {
    expect(parsePrice("2 cu")).toBeNull();
    expect(parsePrice("2 lit")).toBeNull();
    expect(parseQuantity("2 lit")).toEqual({ value: 2, unit: "lit", kg: null });
    expect(parseQuantity("mat ong 2 lit ruoi")).toEqual({ value: 2.5, unit: "lit", kg: null });
  });
});

describe("listings with money and number words", () => {
  it.each([
    // message, product, kg, vndPerKg
    ["ban 2 ta hoi kho 2 van 1 can", "hoi-kho", 200, 20_000],
    ["thach den 3 yen 2 van ruoi", "thach-den", 30, 25_000],
    ["na 50 can 3 van 5", "na-chi-lang", 50, 35_000],
    ["quyt 1 ta 4 van", "quyt-vang-bac-son", 100, 40_000],
    ["hai tạ rưỡi hồi khô tám chục nghìn", "hoi-kho", 250, 80_000],
    ["hai ta ruoi hoi kho tam chuc nghin", "hoi-kho", 250, 80_000],
    ["hoi kho 1 ta 8 cu", "hoi-kho", 100, 80_000], // 8.000.000 for the whole 100 kg
    ["hoi kho 2 ta 1 cu 6 1 ta", "hoi-kho", 200, 16_000], // 1.600.000 per ta of 100 kg
    ["hoi van quan 2 ta 80k", "hoi-kho", 200, 80_000],
    ["na dai nam chuc can ba van", "na-dai", 50, 30_000],
  ])("%s", (text, product, kg, vndPerKg) => {
    const r = parseListingSentence(text, catalog);
    expect(r.product?.id).toBe(product);
    expect(r.quantity?.kg).toBe(kg);
    expect(r.price?.vndPerKg).toBe(vndPerKg);
  });

  it("honey in litres keeps its litres", () => {
    const r = parseListingSentence("mat ong 5 lit 500k", catalog);
    expect(r.quantity).toEqual({ value: 5, unit: "lit", kg: null });
    expect(r.price).toMatchObject({ vnd: 500_000, per: "lit" });
  });
});

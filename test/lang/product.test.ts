// Product names and the shipped catalog.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, loadCatalogFile, parseCatalog } from "../../src/lang/catalog-file.ts";
import { foldWords } from "../../src/lang/normalize.ts";
import { compileCatalog, matchProduct, typoDistance } from "../../src/lang/product.ts";

const items = loadCatalogFile(DEFAULT_CATALOG_PATH);
const catalog = compileCatalog(items);
const byId = new Map(items.map((i) => [i.id, i]));
const top = (text: string) => matchProduct(text, catalog)?.[0]?.item.id ?? null;
const topIds = (text: string) => {
  const found = matchProduct(text, catalog) ?? [];
  return found.filter((c) => c.score === found[0].score && c.start === found[0].start).map((c) => c.item.id);
};

describe("matchProduct", () => {
  it.each([
    ["hồi khô", "hoi-kho"],
    ["hoi kho", "hoi-kho"],
    ["HỒI KHÔ", "hoi-kho"],
    ["ho\u0302\u0300i kho\u0302", "hoi-kho"], // NFD, as some Android keyboards send it
    ["hoikho", "hoi-kho"],
    ["hoi koh", "hoi-kho"], // swapped letters
    ["hồi tươi", "hoi-tuoi"],
    ["tinh dầu hồi", "tinh-dau-hoi"],
    ["na chi lang", "na-chi-lang"],
    ["na Chi Lăng", "na-chi-lang"],
    ["na chi lag", "na-chi-lang"],
    ["na dai", "na-dai"],
    ["na dai chi lang", "na-dai"],
    ["na bở", "na-bo"],
    ["thach den", "thach-den"],
    ["thạch đen", "thach-den"],
    ["thach dem", "thach-den"],
    ["sương sáo", "thach-den"],
    ["quýt vàng Bắc Sơn", "quyt-vang-bac-son"],
    ["qúyt vàng", "quyt-vang-bac-son"], // tone mark on the other letter
    ["quit", "quyt-vang-bac-son"],
    ["hồng vành khuyên", "hong-vanh-khuyen"],
    ["hồng không hạt", "hong-khong-hat"],
    ["gạo nếp", "gao"],
    ["ngô", "ngo"],
    ["lạc", "lac"],
    ["gà ta", "ga"],
    ["lợn hơi", "lon"], // "hơi" folds to "hoi" (star anise): the longer alias wins
    ["mật ong rừng", "mat-ong"],
    ["chè", "che"],
    ["rau cải", "rau"],
    ["khoai lang", "khoai-lang"],
    ["trứng gà", "trung-ga"],
    ["na lớn", "na-chi-lang"], // "lớn" (big) folds to "lon" (pig)
  ])("%s -> %s", (text, id) => {
    expect(top(text)).toBe(id);
  });

  it.each(["khác", "hàng khác", "xin chào", "nông dân", "Na Sầm", "Lạng Sơn", "", "1234", "🌿"])("%s names no product", (text) => {
    expect(matchProduct(text, catalog)).toBeNull();
  });

  it("does not pick between same-named products: the listing asks", () => {
    expect(topIds("hồi")).toEqual(["hoi-kho", "hoi-tuoi"]);
    expect(topIds("hồng")).toEqual(["hong-vanh-khuyen", "hong-khong-hat"]);
  });

  it("finds every product by each of its own aliases, first or tied first", () => {
    for (const item of items) {
      for (const alias of [item.name, ...item.aliases]) {
        expect(topIds(alias), `${item.id}: ${alias}`).toContain(item.id);
      }
    }
  });

  it("also accepts the plain item list and caches its index", () => {
    expect(matchProduct("hoi kho", items)?.[0].item.id).toBe("hoi-kho");
    expect(matchProduct("thach den", items)?.[0].item.id).toBe("thach-den");
  });

  it("counts a swap of neighbouring letters as one typo", () => {
    expect(typoDistance("hoikoh", "hoikho")).toBe(1);
    expect(typoDistance("thachdem", "thachden")).toBe(1);
    expect(typoDistance("abcd", "badc")).toBeGreaterThan(1); // two swaps are two typos
  });
});

describe("the shipped catalog", () => {
  it("has the products the issue asks for", () => {
    for (const id of [
      "hoi-kho", "hoi-tuoi", "tinh-dau-hoi", "na-chi-lang", "na-dai", "na-bo", "thach-den", "quyt-vang-bac-son",
      "hong-vanh-khuyen", "hong-khong-hat", "gao", "ngo", "lac", "ga", "lon", "mat-ong", "che", "rau",
    ]) {
      expect(byId.has(id), id).toBe(true);
    }
  });

  it("lists aliases with and without diacritics", () => {
    for (const item of items) {
      const folded = item.aliases.filter((a) => foldWords(a) === a.toLowerCase());
      const marked = item.aliases.filter((a) => foldWords(a) !== a.toLowerCase());
      expect(folded.length, item.id).toBeGreaterThan(0);
      expect(marked.length, item.id).toBeGreaterThan(0);
    }
  });

  it("knows the seasons", () => {
    const na = byId.get("na-chi-lang")!;
    expect(na.harvestMonths).toEqual(expect.arrayContaining([8, 9]));
    expect(na.offSeasonMonths).toEqual([10, 11, 12]);
    expect(byId.get("hoi-kho")!.harvestMonths).toEqual(expect.arrayContaining([7, 8, 9]));
    expect(byId.get("hoi-kho")!.offSeasonMonths?.length).toBeGreaterThan(0); // the small winter crop
    expect(byId.get("quyt-vang-bac-son")!.harvestMonths).toEqual([11, 12, 1, 2]);
    expect(byId.get("hong-vanh-khuyen")!.harvestMonths).toEqual(expect.arrayContaining([9, 10]));
    // Thach den: two harvests a year, i.e. two separate runs of months.
    const months = byId.get("thach-den")!.harvestMonths;
    const runs = months.filter((m) => !months.includes(m === 1 ? 12 : m - 1)).length;
    expect(runs).toBe(2);
  });

  it("has farm-gate prices that cover what farmers are paid", () => {
    const na = byId.get("na-chi-lang")!.priceRange;
    expect(na.min).toBeLessThanOrEqual(30000);
    expect(na.max).toBeGreaterThanOrEqual(35000);
    for (const item of items) expect(item.priceRange.min).toBeLessThanOrEqual(item.priceRange.max);
  });

  it("rejects a broken catalog with every problem named", () => {
    const good = JSON.parse(readFileSync(DEFAULT_CATALOG_PATH, "utf8"));
    const broken = structuredClone(good);
    broken.items[0].unit = "bucket";
    broken.items[1].harvestMonths = [13];
    broken.items[2].priceRange = { min: 5, max: 1 };
    broken.items[3].id = "Na Chi Lang";
    broken.items[4].id = broken.items[5].id;
    broken.items[6].aliases = ["thach 2"];
    expect(() => parseCatalog(broken)).toThrowError(/items\[0\]\.unit|items\.0\.unit/);
    let message = "";
    try {
      parseCatalog(broken);
    } catch (err) {
      message = (err as Error).message;
    }
    for (const part of ["unit", "harvestMonths", "min must not exceed max", "slug", "duplicate id", "letters and spaces"]) {
      expect(message).toContain(part);
    }
    expect(parseCatalog(good)).toHaveLength(good.items.length);
  });
});

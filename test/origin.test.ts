// Truthful origin (issue 20 part 6): catalog names are generic; a protected place name is a listing's
// title only for households of its area (from the catalog file, editable with catalog:import); the
// shop page shows where the produce comes from; existing listings are retitled by the data migration
// (its SQL run here on this database, SQLite or PostgreSQL, over rows written the old way).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { importCatalog, readCatalogFile } from "../src/admin/catalog-import.ts";
import { loadConfig } from "../src/config.ts";
import { makeCatalog, upsertProducts } from "../src/core/catalog.ts";
import { DEFAULT_CATALOG_PATH, loadCatalogFile, parseCatalog, unknownAreas } from "../src/lang/catalog-file.ts";
import { originPlace, productTitle } from "../src/lang/origin.ts";
import { freePort } from "./support/bot.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { useTestDatabase } from "./support/db.ts";

const THAT_KHE = "06040";
const CHI_LANG = "06463";
const BANG_MAC = "06475"; // was in Chi Lăng district before 2025
const BAC_SON = "06325";

const testDb = useTestDatabase();
const catalog = makeCatalog(loadCatalogFile(DEFAULT_CATALOG_PATH));
const item = (id: string) => catalog.byId(id)!;

describe("a listing's title", () => {
  it("is the generic name, or the protected name for a household of its area", () => {
    expect(item("na-chi-lang").name).toBe("Na");
    expect(productTitle(item("na-chi-lang"), THAT_KHE)).toBe("Na");
    expect(productTitle(item("na-chi-lang"), CHI_LANG)).toBe("Na Chi Lăng");
    expect(productTitle(item("na-dai"), BANG_MAC)).toBe("Na dai Chi Lăng");
    expect(productTitle(item("na-bo"), BAC_SON)).toBe("Na bở");
    expect(productTitle(item("quyt-vang-bac-son"), THAT_KHE)).toBe("Quýt vàng");
    expect(productTitle(item("quyt-vang-bac-son"), BAC_SON)).toBe("Quýt vàng Bắc Sơn");
    expect(productTitle(item("quyt-vang-bac-son"), null)).toBe("Quýt vàng");
    expect(productTitle(item("hoi-kho"), CHI_LANG)).toBe("Hoa hồi khô");
    // no catalog name claims a place any more: only protected names do
    for (const i of catalog.items) expect(i.name, i.id).not.toMatch(/Chi Lăng|Bắc Sơn|Lạng Sơn/);
    expect(originPlace(THAT_KHE)).toEqual({ commune: "Thất Khê", province: "Lạng Sơn" });
  });

  it("areas come from the catalog file: communes or a whole province, checked, and importable as CSV", async () => {
    const base = { id: "mang", name: "Măng khô", aliases: ["mang kho"], unit: "kg", priceRange: { min: 1, max: 2 }, harvestMonths: [3] };
    const file = (protectedName: unknown) => ({ version: 1, currency: "VND", items: [{ ...base, protected: protectedName }] });
    const [province] = parseCatalog(file({ name: "Măng khô Lạng Sơn", areas: ["20"] }));
    expect(productTitle(province, THAT_KHE)).toBe("Măng khô Lạng Sơn");
    expect(productTitle(province, "00004")).toBe("Măng khô"); // a Hà Nội ward
    expect(() => parseCatalog(file({ name: "X", areas: ["0604"] }))).toThrow(/items\[0\]\.protected\.areas\[0\]/);
    expect(unknownAreas(parseCatalog(file({ name: "X", areas: ["99999", "20", "06040", "99"] })))).toEqual(["items.0 (mang): 99999", "items.0 (mang): 99"]);
    expect(unknownAreas(catalog.items)).toEqual([]); // the shipped file's areas all exist
    expect(() => parseCatalog(file({ name: "X", areas: [] }))).toThrow(/protected\.areas/);

    const dir = mkdtempSync(join(tmpdir(), "origin-"));
    const csv = join(dir, "catalog.csv");
    writeFileSync(
      csv,
      "id,name,aliases,unit,price_min,price_max,harvest_months,protected_name,protected_areas\n" +
        "mac-mat,Mắc mật,mac mat,kg,20000,60000,8|9,Mắc mật Văn Quan,06040|06463\nrau,Rau,rau,kg,5000,20000,1|2,,\n",
    );
    const [macMat, rau] = readCatalogFile(csv);
    expect(macMat.protected).toEqual({ name: "Mắc mật Văn Quan", areas: [THAT_KHE, CHI_LANG] });
    expect(rau.protected).toBeUndefined();
    // catalog:import refuses codes that name no commune, before writing anything
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "id,name,aliases,unit,price_min,price_max,harvest_months,protected_name,protected_areas\nmac-mat,Mắc mật,mac mat,kg,20000,60000,8,Mắc mật Văn Quan,99999\n");
    await expect(importCatalog(testDb.db, bad)).rejects.toThrow(/unknown commune or province codes[^]*items\.0 \(mac-mat\): 99999/);
    expect(await testDb.db.product.count({ where: { id: "mac-mat" } })).toBe(0);
  });
});

describe("stored products and listings", () => {
  let app: App & { url: string };
  beforeAll(async () => {
    const port = await freePort();
    const created = createApp({
      config: loadConfig({ DATABASE_URL: testDb.url, PORT: String(port), LOG_LEVEL: "silent", RATE_LIMIT_FACTOR: "0" }),
      log: pino({ level: "silent" }),
    });
    app = Object.assign(created, { url: await created.start() });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("the migration retitles listings made under the old names; the shop page says where they come from", async () => {
    const db = testDb.db;
    await upsertProducts(db, catalog.items);
    // As before the change: place names in the catalog and in the listings made from it.
    const old: Record<string, string> = { "na-chi-lang": "Na Chi Lăng", "na-dai": "Na dai Chi Lăng", "quyt-vang-bac-son": "Quýt vàng Bắc Sơn" };
    for (const [id, name] of Object.entries(old)) await db.product.update({ where: { id }, data: { name, protectedName: null, protectedAreas: "[]" } });
    const [thatKhe, chiLang] = await seedHouseholds(db, [{ commune: THAT_KHE }, { commune: CHI_LANG }]);
    const listing = (householdId: string, productId: string | null, title: string) =>
      db.listing.create({ data: { shopId: `s${householdId}`, productId, title, unit: "kg", stockMilli: 50_000, displayUnit: "kg", priceVnd: 35_000 } });
    const tkNa = await listing(thatKhe, "na-chi-lang", "Na Chi Lăng");
    const tkQuyt = await listing(thatKhe, "quyt-vang-bac-son", "Quýt vàng Bắc Sơn");
    const clNa = await listing(chiLang, "na-dai", "Na dai Chi Lăng");
    const typed = await listing(thatKhe, null, "Na Chi Lăng nhà trồng"); // typed by the household: its own words

    const sql = readFileSync(`prisma/${testDb.url.startsWith("file:") ? "" : "postgres/"}migrations/20261212100100_truthful_origin/migration.sql`, "utf8");
    const statements = sql.replace(/^\s*--.*$/gm, "").split(";").map((s) => s.trim()).filter(Boolean);
    for (const statement of statements) await db.$executeRawUnsafe(statement);

    const title = async (id: string) => (await db.listing.findUniqueOrThrow({ where: { id } })).title;
    expect(await title(tkNa.id)).toBe("Na");
    expect(await title(tkQuyt.id)).toBe("Quýt vàng");
    expect(await title(clNa.id)).toBe("Na dai Chi Lăng");
    expect(await title(typed.id)).toBe("Na Chi Lăng nhà trồng");
    const na = await db.product.findUniqueOrThrow({ where: { id: "na-chi-lang" } });
    expect(na).toMatchObject({ name: "Na", protectedName: "Na Chi Lăng" });
    expect(JSON.parse(na.protectedAreas)).toContain(BANG_MAC);

    const page = await (await fetch(`${app.url}/s/${thatKhe}`)).text();
    expect(page).toContain('<h2>Na<span class="origin"> — Thất Khê, Lạng Sơn</span></h2>');
    expect(page).toContain('<h2>Quýt vàng<span class="origin"> — Thất Khê, Lạng Sơn</span></h2>');
    expect(page).not.toMatch(/Bắc Sơn|<h2>Na Chi Lăng</);
    const market = await (await fetch(`${app.url}/cho`)).text();
    expect(market).toContain('<h2>Na dai Chi Lăng<span class="origin"> — Chi Lăng, Lạng Sơn</span></h2>');
  });
});

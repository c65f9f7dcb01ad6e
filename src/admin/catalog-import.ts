// `npm run admin -- catalog:import <file.json|file.csv>`: add or update catalog products.
// JSON: the format of prisma/seed/catalog.json. CSV (one product per row, header required):
//   id,name,aliases,unit,price_min,price_max,harvest_months,off_season_months[,protected_name,protected_areas]
// with lists separated by "|" (aliases "hồi khô|hoi kho", months "7|8|9", areas "06463|06475"): a
// protected place name ("Na Chi Lăng") is the title only for households of those communes/provinces.
// Everything is validated before anything is written; products are never deleted (listings point to them).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { upsertProducts } from "../core/catalog.ts";
import type { Db } from "../db/client.ts";
import { DEFAULT_CATALOG_PATH, loadCatalogFile, parseCatalog, unknownAreas } from "../lang/catalog-file.ts";
import type { CatalogItem } from "../lang/product.ts";

const list = (cell: string | undefined) =>
  (cell ?? "")
    .split("|")
    .map((s) => s.trim())
    .filter(Boolean);

const months = (cell: string | undefined) => list(cell).map((m) => Number(m));

export function readCatalogFile(path: string): CatalogItem[] {
  const text = readFileSync(path, "utf8");
  if (/\.json$/i.test(path)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
    }
    return parseCatalog(data, path);
  }
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  const items = rows.map((r) => {
    const offSeason = months(r.off_season_months);
    const areas = list(r.protected_areas);
    return {
      id: r.id,
      name: r.name,
      aliases: list(r.aliases),
      unit: r.unit,
      priceRange: { min: Number(r.price_min), max: Number(r.price_max) },
      harvestMonths: months(r.harvest_months),
      ...(offSeason.length > 0 && { offSeasonMonths: offSeason }),
      ...((r.protected_name || areas.length > 0) && { protected: { name: r.protected_name ?? "", areas } }),
    };
  });
  // Same validation as the shipped file: every problem is reported with its row (items.N).
  return parseCatalog({ version: 1, currency: "VND", items }, path);
}

export async function importCatalog(db: Db, path: string): Promise<{ created: number; updated: number }> {
  const items = readCatalogFile(path);
  const unknown = unknownAreas(items);
  if (unknown.length > 0) throw new Error(`${path}: unknown commune or province codes in protected areas:\n${unknown.join("\n")}`);
  // Before the bot has ever started the table is empty: lay the shipped catalog down first, so an
  // import adds to it instead of replacing it.
  const seed = (await db.product.count()) === 0 ? loadCatalogFile(DEFAULT_CATALOG_PATH) : [];
  return db.$transaction(
    async (tx) => {
      if (seed.length > 0) await upsertProducts(tx, seed);
      return upsertProducts(tx, items);
    },
    { timeout: 60_000 },
  );
}

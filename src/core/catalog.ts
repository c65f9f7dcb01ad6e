// The produce catalog in the database: seeded from prisma/seed/catalog.json on first start, updated
// by `npm run admin -- catalog:import <file>`. Kept in memory as a compiled index for matching, and
// reloaded when the table changes (another instance may have imported a new file).
import { isUniqueViolation, type Db, type Tx } from "../db/client.ts";
import { DEFAULT_CATALOG_PATH, loadCatalogFile } from "../lang/catalog-file.ts";
import { compileCatalog, type CatalogIndex, type CatalogItem } from "../lang/product.ts";

export interface Catalog {
  items: readonly CatalogItem[];
  index: CatalogIndex;
  byId(id: string): CatalogItem | undefined;
}

const RELOAD_CHECK_MS = 60_000;

export function makeCatalog(items: readonly CatalogItem[]): Catalog {
  const byId = new Map(items.map((i) => [i.id, i]));
  return { items, index: compileCatalog(items), byId: (id) => byId.get(id) };
}

/** Insert or update catalog items (never deletes: listings point to products). */
export async function upsertProducts(db: Db | Tx, items: readonly CatalogItem[]): Promise<{ created: number; updated: number }> {
  const existing = new Set((await db.product.findMany({ select: { id: true } })).map((p) => p.id));
  let created = 0;
  let updated = 0;
  for (const [i, item] of items.entries()) {
    const data = {
      name: item.name,
      aliases: JSON.stringify(item.aliases),
      unit: item.unit,
      priceMin: item.priceRange.min,
      priceMax: item.priceRange.max,
      harvestMonths: JSON.stringify(item.harvestMonths),
      offSeasonMonths: JSON.stringify(item.offSeasonMonths ?? []),
      protectedName: item.protected?.name ?? null,
      protectedAreas: JSON.stringify(item.protected?.areas ?? []),
      sortOrder: i,
    };
    if (existing.has(item.id)) {
      await db.product.update({ where: { id: item.id }, data });
      updated++;
    } else {
      await db.product.create({ data: { id: item.id, ...data } });
      created++;
    }
  }
  return { created, updated };
}

async function readProducts(db: Db): Promise<CatalogItem[]> {
  const rows = await db.product.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }] });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    aliases: JSON.parse(r.aliases) as string[],
    unit: r.unit,
    priceRange: { min: r.priceMin, max: r.priceMax },
    harvestMonths: JSON.parse(r.harvestMonths) as number[],
    offSeasonMonths: JSON.parse(r.offSeasonMonths) as number[],
    ...(r.protectedName ? { protected: { name: r.protectedName, areas: JSON.parse(r.protectedAreas) as string[] } } : {}),
  }));
}

/** Catalog access for one process: seeds an empty table, caches, and notices changes. */
export class CatalogStore {
  private current: Catalog | undefined;
  private stamp = "";
  private checkedAt = 0;

  /** the load in progress: callers at the same moment share it (else one could read a half-seeded table) */
  private loading: Promise<Catalog> | null = null;

  constructor(private readonly db: Db) {}

  async get(): Promise<Catalog> {
    if (this.current && Date.now() - this.checkedAt < RELOAD_CHECK_MS) return this.current;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(): Promise<Catalog> {
    const now = Date.now();
    this.checkedAt = now;
    const agg = await this.db.product.aggregate({ _count: { id: true }, _max: { updatedAt: true } });
    if (agg._count.id === 0) {
      // First start: seed. Another instance may be seeding at the same moment; either way we reload.
      await upsertProducts(this.db, loadCatalogFile(DEFAULT_CATALOG_PATH)).catch((e) => {
        if (!isUniqueViolation(e)) throw e;
      });
      this.checkedAt = 0;
      return this.load();
    }
    const stamp = `${agg._count.id}:${agg._max.updatedAt?.toISOString()}`;
    if (!this.current || stamp !== this.stamp) {
      this.current = makeCatalog(await readProducts(this.db));
      this.stamp = stamp;
    }
    return this.current;
  }

  /** Forget the cache (after an import in this process). */
  invalidate(): void {
    this.checkedAt = 0;
  }
}

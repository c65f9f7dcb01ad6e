// One run of the demo seed (demo-seed.ts is its command): checks the database, replaces an earlier
// run's demo data, generates the households chunk by chunk while the bulk writers write the previous
// chunks, then sets the commune totals.
import { CatalogStore } from "../core/catalog.ts";
import type { Db } from "../db/client.ts";
import { listCommunes } from "../lang/communes.ts";
import { addHousehold } from "./demo-households.ts";
import { planDemo, type DemoPlan } from "./demo-plan.ts";
import { removeDemo, setCommuneTotals } from "./demo-replace.ts";
import { takenValues } from "./demo-unique.ts";
import { DemoChunk, openWriters } from "./demo-writers.ts";

export const DEFAULT_DEMO_SEED = "cho-so-demo";
/** The demo officer: registers households in person. Revoked at once: nobody can act as it. */
export const DEMO_OFFICER = { channel: "cli", userKey: "demo-seed", name: "Demo" } as const;

/** Households generated and written per transaction. */
const CHUNK = 5_000;

export interface DemoSeedOptions {
  households: number;
  provinceCode: string;
  /** the database `db` is connected to (bulk rows are written through its driver directly) */
  url: string;
  seed?: string;
  force?: boolean;
  now?: Date;
  /** progress lines */
  log?: (line: string) => void;
}

export interface DemoSeedResult {
  households: number;
  shops: number;
  listings: number;
  orders: number;
  pickups: number;
  communes: number;
  communeTotals: number;
  officerId: string;
  /** demo households of an earlier run, removed first */
  replaced: number;
  ms: number;
}

export class RealHouseholdsError extends Error {
  constructor(readonly count: number) {
    super(
      `The database holds ${count.toLocaleString("en")} real household(s) (demo = false). seed:demo adds synthetic households, ` +
        `shops and orders that would show on the dashboard and the market beside them, and takes phone numbers real people may ` +
        `have. Run it on a demo or scratch database, or pass --force to add the demo data anyway.`,
    );
  }
}

export async function seedDemo(db: Db, opts: DemoSeedOptions): Promise<DemoSeedResult> {
  const started = performance.now();
  const total = opts.households;
  if (!Number.isInteger(total) || total < 1) throw new Error("households must be a positive whole number");
  const now = opts.now ?? new Date();
  const communes = listCommunes(opts.provinceCode);
  if (communes.length === 0) throw new Error(`No communes known for province ${opts.provinceCode}`);

  const real = await db.household.count({ where: { demo: false } });
  if (real > 0 && !opts.force) throw new RealHouseholdsError(real);

  // The catalog as the app lays it down on first start (prisma/seed/catalog.json), or as imported.
  const catalog = (await new CatalogStore(db).get()).items;
  if (catalog.length === 0) throw new Error("The product catalog is empty");

  const replaced = await removeDemo(db, real === 0);
  const officer = await db.officer.upsert({
    where: { channel_userKey: { channel: DEMO_OFFICER.channel, userKey: DEMO_OFFICER.userKey } },
    create: { ...DEMO_OFFICER, chatKey: DEMO_OFFICER.userKey, communes: "[]", revokedAt: now },
    update: { name: DEMO_OFFICER.name },
  });

  const plan = planDemo({
    seed: opts.seed ?? DEFAULT_DEMO_SEED,
    communes,
    catalog,
    provinceCode: opts.provinceCode,
    officerId: officer.id,
    now,
    taken: await takenValues(db, real > 0),
  });
  const written = await generateAndWrite(plan, total, opts.url, real > 0, started, opts.log ?? (() => {}));
  const communeTotals = await setCommuneTotals(db, plan.profiles, written.perCommune, total, real === 0);
  return { ...written.counts, communes: written.perCommune.size, communeTotals, officerId: officer.id, replaced, ms: performance.now() - started };
}

/**
 * Generates the households in chunks and writes each through the bulk writers (durable when real rows
 * sit beside them). Returns what was written, and how many households each commune got.
 */
async function generateAndWrite(plan: DemoPlan, total: number, url: string, durable: boolean, started: number, log: (line: string) => void) {
  const perCommune = new Map<string, number>();
  const counts = { households: 0, shops: 0, listings: 0, orders: 0, pickups: 0 };
  let reported = 0;
  const writers = await openWriters(url, durable);
  // The next chunk is generated while the database writes the previous ones (PostgreSQL).
  const writing: Array<Promise<void>> = writers.map(() => Promise.resolve());
  try {
    for (let first = 0; first < total; first += CHUNK) {
      const end = Math.min(total, first + CHUNK);
      const chunk = new DemoChunk();
      for (let i = first; i < end; i++) {
        const code = addHousehold(plan, chunk, i, total);
        perCommune.set(code, (perCommune.get(code) ?? 0) + 1);
      }
      const slot = (first / CHUNK) % writers.length;
      await writing[slot];
      writing[slot] = writers[slot].write(chunk.tables());
      writing[slot].catch(() => {}); // handled when awaited; not an unhandled rejection meanwhile
      counts.households += chunk.households.count;
      counts.shops += chunk.shops.count;
      counts.listings += chunk.listings.count;
      counts.orders += chunk.orders.count;
      counts.pickups += chunk.pickups.count;
      if (Math.floor((10 * end) / total) > reported || end === total) {
        reported = Math.floor((10 * end) / total);
        log(`  ${end.toLocaleString("en")} / ${total.toLocaleString("en")} households (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
    await Promise.all(writing);
    await writers[0].finish();
  } finally {
    await Promise.allSettled(writing);
    await Promise.all(writers.map((w) => w.close()));
  }
  return { perCommune, counts };
}

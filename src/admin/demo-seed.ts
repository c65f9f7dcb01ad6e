// `npm run seed:demo -- --households N [--seed <text>] [--force]`: fills the configured database
// (DATABASE_URL) with synthetic but realistic data, to show the campaign dashboard or measure it:
//
// - N households (`demo = true`) spread unevenly over the province's communes (big and small ones,
//   wards bigger), registered over the last ~6 months with growth; Vietnamese names built from
//   prisma/seed/demo-names.json; unique valid mobile numbers (+849…) that no existing household has;
//   ~55% with an e-payment account (the rate varies by commune); ~15% registered in person by the demo
//   officer (name "Demo", channel "cli"), some of them not claimed yet (`openedAt` null);
// - one shop per household; listings of catalog products for ~40% of the opened shops (mostly active
//   with stock, some sold out or paused; prices inside the product's range); orders on some listings
//   over the last ~3 months including this month (pending only in the last day, as the app expires
//   the others), totalVnd = round(quantityMilli × unitPriceVnd / 1000); pickups for orders the post
//   office collected. Buyers order from the web or a partner API (no chat key): nobody is messaged.
// - payment details and how orders were paid (demo-money.ts): bank accounts and wallet phones for the
//   households that named them; about half of a bank household's accepted orders paid by transfer, the
//   delivered rest by cash on delivery (the monthly tallies follow through their triggers);
// - the commune totals (CommuneHouseholds, the campaign's denominator) of ~90% of the communes, about
//   2.5× the commune's demo households (1.3–5×, so the share against the target varies).
//
// Running it again replaces the previous demo data (and, when the database holds only demo
// households, the commune totals). A database holding real households (`demo = false`) is refused
// unless `--force`: then demo rows are added beside the real ones, real commune totals are kept, and
// demo households hold real-looking phone numbers that a real household could not register with.
//
// Rows are generated in chunks of households and written in bulk through the database driver (one or
// two transactions per chunk; see "Bulk writes" in demo-writers.ts), so 200,000 households take seconds
// on SQLite. Database triggers (the dashboard's CommuneTally, listings' and orders' communeCode) run as
// for any insert. A seeded PRNG (`--seed`) makes runs repeatable.
//
// The parts: communes: demo-plan.ts, households and shops: demo-households.ts, listings and orders:
// demo-listings.ts, unique phones and codes: demo-unique.ts, earlier demo data and commune totals:
// demo-replace.ts.
import "../timezone.ts";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isPostgresUrl, loadConfig } from "../config.ts";
import { CatalogStore } from "../core/catalog.ts";
import { createDb, type Db } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { listCommunes } from "../lang/communes.ts";
import { addHousehold } from "./demo-households.ts";
import { planDemo, type DemoPlan } from "./demo-plan.ts";
import { removeDemo, setCommuneTotals } from "./demo-replace.ts";
import { takenValues } from "./demo-unique.ts";
import { DemoChunk, openWriters } from "./demo-writers.ts";

export { DEMO_NAMES_PATH, Rng } from "./demo-random.ts";

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

// ---------------------------------------------------------------------------------------------
// The command

const USAGE = `Usage: npm run seed:demo -- [--households N] [--seed <text>] [--force]
  Fills DATABASE_URL with synthetic demo households (demo = true), shops, listings, orders and commune totals.
  --households N   how many households (default 20000)
  --seed <text>    PRNG seed: the same seed gives the same data (default ${DEFAULT_DEMO_SEED})
  --force          also when the database holds real households (demo data is added beside them)
Running it again replaces the earlier demo data.`;

export async function main(argv: string[]): Promise<number> {
  let values: { households?: string; seed?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { households: { type: "string" }, seed: { type: "string" }, force: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const households = Number((values.households ?? "20000").replace(/[_,]/g, ""));
  if (!Number.isInteger(households) || households < 1 || households > 10_000_000) {
    console.error(`--households must be a whole number from 1 to 10,000,000\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const postgres = isPostgresUrl(config.DATABASE_URL);
  await migrate(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL);
  try {
    console.log(`Seeding ${households.toLocaleString("en")} demo households on ${postgres ? "PostgreSQL" : "SQLite"} (province ${config.PROVINCE_CODE}, seed "${values.seed ?? DEFAULT_DEMO_SEED}")…`);
    const r = await seedDemo(db, { households, provinceCode: config.PROVINCE_CODE, url: config.DATABASE_URL, seed: values.seed, force: values.force, log: (line) => console.log(line) });
    const n = (x: number) => x.toLocaleString("en");
    if (r.replaced) console.log(`Replaced ${n(r.replaced)} demo households of an earlier run.`);
    console.log(
      `Seeded ${n(r.households)} demo households in ${r.communes} communes: ${n(r.shops)} shops, ${n(r.listings)} listings, ${n(r.orders)} orders, ` +
        `${n(r.pickups)} pickups; household totals for ${r.communeTotals} communes. ${(r.ms / 1000).toFixed(1)} s.`,
    );
    return 0;
  } catch (e) {
    if (e instanceof RealHouseholdsError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}

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
// This file is the command; the run is in demo-run.ts (communes: demo-plan.ts, households and shops:
// demo-households.ts, listings and orders: demo-listings.ts, unique phones and codes: demo-unique.ts,
// earlier demo data and commune totals: demo-replace.ts).
import "../timezone.ts";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isPostgresUrl, loadConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { DEFAULT_DEMO_SEED, RealHouseholdsError, seedDemo } from "./demo-run.ts";

// The seed's API, importable from the command as before (tests import seedDemo and DEMO_OFFICER from here).
export { DEMO_NAMES_PATH, Rng } from "./demo-random.ts";
export { DEFAULT_DEMO_SEED, DEMO_OFFICER, RealHouseholdsError, seedDemo, type DemoSeedOptions, type DemoSeedResult } from "./demo-run.ts";

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

// Price board speed (`npm run bench:prices [-- --pg] [--households N] [--db NAME] [--runs N]`).
// Target: the board answers in < 1 s at 2,000,000 households on PostgreSQL.
//
// The database: SQLite, a fresh file in a temporary folder filled by `npm run seed:demo` (a child
// process); with --pg, a PostgreSQL database on BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432):
// `cho_so_bench_prices`, seeded when it does not hold exactly N demo households, or `--db cho_so_bench`,
// the database `npm run bench:dashboard -- --pg` seeds with 2,000,000 households: that one is used
// read-only (not migrated, not written; rounds that need a table it lacks are skipped).
// `--as-is --db NAME`: a database prepared by hand, used as it is (see docs/market.md for the 2M copy).
//
// Rounds, each timed in this process against the database:
//   - board computed: every product's live range and median, 7- and 30-day orders (prices().board),
//     the query the page used to run on every (uncached) request, and what a background refresh costs;
//   - board served: PriceBoardCache.board() once computed, what /gia and /gia/<product> read now;
//   - one product's figures from the kept board (PriceBoardCache.peek): a chat price answer while the
//     board is fresh;
//   - one product's figures by SQL (a chat price answer when the board is stale), one product's 30-day chart, the median a listing is
//     compared with (priceStanding), one commune's board: the queries still asked per request.
import "../src/timezone.ts";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { createDb, type Db } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { PriceBoardCache } from "../src/core/price-board.ts";
import { prices } from "../src/core/prices.ts";
import { pgAdmin, pgDatabaseUrl } from "./pg-server.ts";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const POSTGRES = flag("pg");
const DB_NAME = arg("db") ?? "cho_so_bench_prices";
const READ_ONLY = POSTGRES && DB_NAME === "cho_so_bench";
/** use the database as it is: a copy made by hand (e.g. cho_so_bench's listings and orders under the newest migrations) */
const AS_IS = flag("as-is");
const HOUSEHOLDS = Number((arg("households") ?? "200000").replace(/[_,]/g, ""));
const RUNS = Number(arg("runs") ?? 5);
const TARGET_MS = 1000;
const n = (x: number) => x.toLocaleString("en");

async function seed(url: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve("src/admin/demo-seed.ts"), "--households", String(HOUSEHOLDS), "--force"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`seed:demo failed (exit ${code})`);
}

async function prepare(dir: string): Promise<string> {
  if (!POSTGRES) {
    const url = `file:${join(dir, "prices.db")}`;
    await migrate(url);
    await seed(url);
    return url;
  }
  const url = pgDatabaseUrl(DB_NAME);
  if (AS_IS) return url.toString();
  if (READ_ONLY) {
    return url.toString();
  }
  const exists = await pgAdmin(async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB_NAME])).rowCount === 1);
  if (!exists) await pgAdmin((c) => c.query(`CREATE DATABASE "${DB_NAME}"`));
  await migrate(url.toString());
  const db = createDb(url.toString());
  const [demo, real] = await Promise.all([db.household.count({ where: { demo: true } }), db.household.count({ where: { demo: false } })]);
  await db.$disconnect();
  if (demo !== HOUSEHOLDS || real !== 0) await seed(url.toString());
  return url.toString();
}

interface Round {
  name: string;
  runs: number;
  p50: number;
  max: number;
}

async function time(name: string, runs: number, fn: () => Promise<unknown>, rounds: Round[]): Promise<void> {
  await fn(); // warm-up: plans, connections
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const r = { name, runs, p50: samples[Math.floor((samples.length - 1) / 2)], max: samples[samples.length - 1] };
  rounds.push(r);
  console.log(`  ${name}: p50 ${r.p50.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`);
}

async function hasTable(db: Db, table: string): Promise<boolean> {
  try {
    await db.$queryRawUnsafe(`SELECT 1 FROM "${table}" LIMIT 1`);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "cho-so-bench-prices-"));
  try {
    console.log(`Preparing ${POSTGRES ? `PostgreSQL ${DB_NAME}` : "SQLite"}${READ_ONLY ? " (read-only)" : ` with ${n(HOUSEHOLDS)} demo households`}…`);
    const url = await prepare(dir);
    const db = createDb(url);
    const [households, listings, orders] = await Promise.all([db.household.count(), db.listing.count(), db.order.count()]);
    const [top] = await db.listing.groupBy({ by: ["productId"], where: { status: "active" }, _count: { _all: true }, orderBy: { _count: { productId: "desc" } }, take: 1 });
    const [commune] = await db.listing.groupBy({ by: ["communeCode"], where: { status: "active" }, _count: { _all: true }, orderBy: { _count: { communeCode: "desc" } }, take: 1 });
    const product = top.productId!;
    const rounds: Round[] = [];
    console.log(`Measuring (${RUNS} runs per round after one warm-up)…`);
    await time("board computed (every product, province)", RUNS, () => prices(db).board(), rounds);
    if (await hasTable(db, "ReferencePrice")) {
      const products = await db.product.findMany({ select: { id: true } });
      const cache = new PriceBoardCache(db, { productIds: async () => products.map((p) => p.id), log: pino({ level: "silent" }) });
      await time("board served (PriceBoardCache.board)", RUNS * 200, () => cache.board(), rounds);
      // What a chat price answer reads now while the board is fresh (flows/market.ts priceAnswer).
      await time(`one product's figures from the kept board (${product}, chat answer)`, RUNS * 200, async () => {
        const kept = cache.peek();
        if (!kept) throw new Error("the board just computed is not fresh");
        return [kept.rows.find((r) => r.productId === product), kept.references.get(product)];
      }, rounds);
      await cache.stop();
    } else console.log("  board served: skipped, this database has no ReferencePrice table (read-only, older migrations)");
    // One product's orders are read through Order.productId (order_product migration).
    const orderProduct = await db.$queryRawUnsafe(`SELECT "productId" FROM "Order" LIMIT 1`).then(
      () => true,
      () => false,
    );
    if (orderProduct) {
      await time(`one product's figures by SQL (${product}, stale board)`, RUNS * 4, () => prices(db).ofProduct(product), rounds);
      await time(`one product's 30-day chart (${product})`, RUNS * 4, () => prices(db).daily(product), rounds);
      await time(`median a listing is compared with (${product})`, RUNS * 4, () => prices(db).reference(product, 3), rounds);
    } else console.log("  one product's rounds: skipped, this database has no Order.productId (read-only, older migrations)");
    await time(`one commune's board (${commune.communeCode})`, RUNS * 4, () => prices(db).board({ communeCode: commune.communeCode! }), rounds);
    await db.$disconnect();

    console.log(`\nPrice board on ${POSTGRES ? "PostgreSQL" : "SQLite"}: ${n(households)} households, ${n(listings)} listings, ${n(orders)} orders; Node ${process.version}`);
    console.log(`${"round".padEnd(58)}   runs   p50 ms   max ms`);
    for (const r of rounds) console.log(`${r.name.padEnd(58)} ${String(r.runs).padStart(6)} ${r.p50.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`);
    const served = rounds.filter((r) => !r.name.startsWith("board computed"));
    const worst = Math.max(...served.map((r) => r.max));
    console.log(`\nWhat a request waits for (every round but "board computed"): max ${worst.toFixed(1)} ms, target < ${TARGET_MS} ms${worst < TARGET_MS ? " ✓" : " ✗"}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

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
// two transactions per chunk; see "Bulk writes"), so 200,000 households take seconds on SQLite. Database
// triggers (the dashboard's CommuneTally, listings' and orders' communeCode) run as for any insert. A
// seeded PRNG (`--seed`) makes runs repeatable.
import "../timezone.ts";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isPostgresUrl, loadConfig } from "../config.ts";
import { CatalogStore } from "../core/catalog.ts";
import { createDb, type Db } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { getProvince, listCommunes } from "../lang/communes.ts";
import { foldWords } from "../lang/normalize.ts";
import { demoOrderPayment, demoPaymentDetails } from "./demo-money.ts";
import { DAY, planDemo } from "./demo-plan.ts";
import { clamp } from "./demo-random.ts";
import { removeDemo, setCommuneTotals } from "./demo-replace.ts";
import { PHONE_PREFIXES, takenValues } from "./demo-unique.ts";
import { openWriters, Rows } from "./demo-writers.ts";

export { DEMO_NAMES_PATH, Rng } from "./demo-random.ts";

export const DEFAULT_DEMO_SEED = "cho-so-demo";
/** The demo officer: registers households in person. Revoked at once: nobody can act as it. */
export const DEMO_OFFICER = { channel: "cli", userKey: "demo-seed", name: "Demo" } as const;

const HOUSEHOLD_SPAN_MS = 182 * DAY;
const ORDER_SPAN_MS = 92 * DAY;
/** mean time from a listing to an order on it */
const ORDER_AFTER_LISTING_MS = 12 * DAY;
const ORDER_EXPIRE_MS = DAY;
const REMIND_MS = 3 * 3_600_000;
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

// ---------------------------------------------------------------------------------------------

export async function seedDemo(db: Db, opts: DemoSeedOptions): Promise<DemoSeedResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
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
  const { rng, names, pickCommune, payments, declineReasons, buyerProvinces, nowMs, profiles } = plan;
  const nextPhone = () => plan.unique.phone();
  const nextCode = () => plan.unique.orderCode();
  const token = () => {
    let s = "demo";
    for (let i = 0; i < 32; i++) s += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[rng.int(0, 63)];
    return s;
  };
  const buyerPhone = () => `+84${rng.pick(PHONE_PREFIXES)}${String(rng.int(0, 9_999_999)).padStart(7, "0")}`;
  const buyerArea = () => {
    if (rng.chance(0.45)) return `${pickCommune.pick(rng).commune.name}, ${plan.provinceName}`;
    return getProvince(buyerProvinces.pick(rng))?.name ?? plan.provinceName;
  };
  /** A moment between from and to (ms), more likely near `to` when bias < 1. */
  const between = (from: number, to: number, bias = 1) => Math.floor(from + (to - from) * rng.next() ** bias);

  const perCommune = new Map<string, number>();
  const counts = { households: 0, shops: 0, listings: 0, orders: 0, pickups: 0 };
  const growth = 1.8; // registrations grow ~6× over the period
  let reported = 0;
  const writers = await openWriters(opts.url, real > 0);
  // The next chunk is generated while the database writes the previous ones (PostgreSQL).
  const writing: Array<Promise<void>> = writers.map(() => Promise.resolve());
  try {
    for (let first = 0; first < total; first += CHUNK) {
      const end = Math.min(total, first + CHUNK);
      const households = new Rows("Household");
      const shops = new Rows("Shop");
      const listings = new Rows("Listing");
      const orders = new Rows("Order");
      const pickups = new Rows("Pickup");
      for (let i = first; i < end; i++) {
        const profile = pickCommune.pick(rng);
        const code = profile.commune.code;
        perCommune.set(code, (perCommune.get(code) ?? 0) + 1);
        // createdAt: density ∝ e^(growth·x) over the period, x = 1 now
        // (stratified: household i at quantile (i + u) / N, so createdAt grows with i)
        const x = Math.log(1 + ((i + rng.next()) / total) * (Math.exp(growth) - 1)) / growth;
        const createdAt = Math.floor(nowMs - HOUSEHOLD_SPAN_MS * (1 - x)) - rng.int(0, 60_000);
        let openedAt: number | null = createdAt;
        let registeredById: string | null = null;
        if (rng.chance(profile.assistedRate)) {
          registeredById = officer.id;
          // claimed a few days later, or not yet (more often for recent registrations)
          const claimedAt = createdAt + Math.floor(-Math.log(1 - rng.next()) * 5 * DAY);
          openedAt = claimedAt < nowMs && !rng.chance(0.12 + 0.3 * x) ? claimedAt : null;
        }
        const payment = rng.chance(profile.epayRate) ? payments.pick(rng) : "none";
        const person = names.person(rng);
        // ids grow with i, and so do registration times: rows are appended in key order, like real ones
        const key = i.toString(36).padStart(7, "0");
        const householdId = `demoh${key}`;
        const phone = nextPhone();
        const payDetails = demoPaymentDetails(rng, payment, phone, person.name);
        households.add(
          householdId,
          person.name,
          phone,
          opts.provinceCode,
          code,
          payment,
          new Date(createdAt),
          openedAt === null ? null : rng.chance(0.55) ? "zalo" : "telegram",
          registeredById,
          openedAt === null ? null : new Date(openedAt),
          true,
          new Date(createdAt),
          new Date(openedAt ?? createdAt),
          payDetails.bankBin,
          payDetails.account,
          payDetails.accountName,
        );

        const shopId = `demos${key}`;
        const shopName = names.shop(rng, person, profile.short, profile.products.pick(rng).name);
        const slug = plan.unique.slug(rng, `${foldWords(shopName).replace(/[^a-z0-9 ]/g, "").trim().replace(/ +/g, "-").slice(0, 40) || "shop"}-${i.toString(36)}`);
        shops.add(shopId, householdId, shopName, slug, new Date(createdAt), new Date(createdAt));

        // Listings: only a shop in the household's hands can sell.
        if (openedAt === null || !rng.chance(0.42 * profile.listingFactor)) continue;
        let listingCount = 1;
        while (listingCount < 5 && rng.chance(0.35)) listingCount++;
        for (let l = 0; l < listingCount; l++) {
          const product = profile.products.pick(rng);
          const listingId = `demol${key}${l}`;
          // listed at any time since the shop opened (households list what each season brings)
          const listedAt = Math.min(nowMs - rng.int(0, 3_600_000), between(openedAt, nowMs));
          const roll = rng.next();
          const status = roll < 0.78 ? "active" : roll < 0.9 ? "sold_out" : "paused";
          let displayUnit: string = product.unit;
          let stock: number;
          if (product.unit === "kg") {
            const u = rng.next();
            displayUnit = u < 0.65 ? "kg" : u < 0.82 ? "yen" : "ta";
            const kg = Math.exp(Math.log(40) + 0.9 * rng.normal());
            stock = displayUnit === "ta" ? Math.max(1, Math.round(kg / 100)) * 100 : displayUnit === "yen" ? Math.max(1, Math.round(kg / 10)) * 10 : Math.max(1, Math.round(kg));
          } else if (product.unit === "lit") {
            stock = rng.int(1, 40);
          } else {
            stock = rng.int(10, 400);
          }
          const { min, max } = product.priceRange;
          const price = clamp(Math.round((min + (max - min) * rng.next()) / 1000) * 1000, min, max);
          const availableFrom = status === "active" && rng.chance(0.05) ? new Date(nowMs + rng.int(3, 60) * DAY) : null;
          listings.add(
            listingId,
            shopId,
            product.id,
            names.listingTitle(rng, product.name, profile.short),
            product.unit,
            status === "sold_out" ? 0 : stock * 1000,
            displayUnit,
            price,
            availableFrom,
            status,
            new Date(listedAt),
            new Date(listedAt),
          );
          counts.listings++;

          // Orders on about a third of the listings (more on sold-out ones).
          if (!rng.chance(status === "sold_out" ? 0.8 : status === "paused" ? 0.2 : 0.33)) continue;
          let orderCount = 1;
          while (orderCount < 12 && rng.chance(0.55)) orderCount++;
          for (let o = 0; o < orderCount; o++) {
            // buyers come in the weeks after the listing appears; none before the window or in the future
            const createdMs = listedAt + Math.floor(-Math.log(1 - rng.next()) * ORDER_AFTER_LISTING_MS);
            if (createdMs >= nowMs || createdMs < nowMs - ORDER_SPAN_MS) continue;
            const age = nowMs - createdMs;
            const quantity =
              product.unit === "kg" ? clamp(Math.round(Math.exp(Math.log(5) + 0.8 * rng.normal())), 1, 200) : product.unit === "lit" ? rng.int(1, 5) : rng.int(5, 60);
            const quantityMilli = quantity * 1000;
            const r = rng.next();
            const orderStatus =
              age < ORDER_EXPIRE_MS
                ? r < 0.5 ? "pending" : r < 0.8 ? "accepted" : r < 0.92 ? "declined" : age > 6 * 3_600_000 ? "picked_up" : "accepted"
                : r < 0.48 ? "delivered" : r < 0.58 ? "picked_up" : r < 0.7 ? "accepted" : r < 0.82 ? "declined" : "expired";
            const decided = orderStatus !== "pending" && orderStatus !== "expired";
            const decidedAt = decided ? Math.min(nowMs, createdMs + 600_000 + Math.floor(-Math.log(1 - rng.next()) * 2 * 3_600_000), createdMs + ORDER_EXPIRE_MS - 60_000) : null;
            const movedAt =
              orderStatus === "picked_up" || orderStatus === "delivered"
                ? Math.min(nowMs, decidedAt! + rng.int(3, 72) * 3_600_000)
                : orderStatus === "expired"
                  ? createdMs + ORDER_EXPIRE_MS
                  : (decidedAt ?? createdMs);
            const api = rng.chance(0.3);
            const buyer = names.person(rng);
            const orderId = `demoo${key}${l}${o.toString(36)}`;
            const totalVnd = Math.round((quantityMilli * price) / 1000);
            const paid = demoOrderPayment(rng, { status: orderStatus, totalVnd, decidedAt, movedAt, nowMs, bank: payDetails.bankBin !== null });
            orders.add(
              orderId,
              nextCode(),
              token(),
              listingId,
              shopId,
              quantityMilli,
              price,
              totalVnd,
              buyer.name,
              buyerPhone(),
              names.address(rng),
              buyerArea(),
              api ? "api" : "web",
              null,
              "vi",
              api ? (rng.chance(0.6) ? "api:postmart" : "api:voso") : "web",
              orderStatus,
              orderStatus === "declined" ? rng.pick(declineReasons) : null,
              new Date(createdMs + ORDER_EXPIRE_MS),
              (orderStatus === "pending" && age > REMIND_MS) || orderStatus === "expired" ? new Date(createdMs + REMIND_MS) : null,
              decidedAt === null ? null : new Date(decidedAt),
              new Date(createdMs),
              new Date(movedAt),
              paid.payState,
              paid.paidAt,
              paid.paidBy,
            );
            counts.orders++;
            if (orderStatus === "picked_up" || orderStatus === "delivered") {
              const grams = product.unit === "qua" ? quantity * 250 : quantityMilli;
              pickups.add(
                `demop${key}${l}${o.toString(36)}`,
                orderId,
                rng.chance(0.6) ? "viettel_post" : "vnpost",
                grams + 300,
                paid.codVnd,
                orderStatus,
                code,
                new Date(Math.min(decidedAt! + 3_600_000, movedAt)),
                new Date(movedAt),
              );
              counts.pickups++;
            }
          }
        }
      }
      const slot = (first / CHUNK) % writers.length;
      await writing[slot];
      writing[slot] = writers[slot].write([households, shops, listings, orders, pickups]);
      writing[slot].catch(() => {}); // handled when awaited; not an unhandled rejection meanwhile
      counts.households += households.count;
      counts.shops += shops.count;
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

  const communeTotals = await setCommuneTotals(db, profiles, perCommune, total, real === 0);
  return { ...counts, communes: perCommune.size, communeTotals, officerId: officer.id, replaced, ms: performance.now() - started };
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

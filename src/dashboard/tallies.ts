// What the database keeps for the dashboard instead of counting rows per request, recounted from the rows
// (`npm run admin -- tallies:verify [--fix]`). Triggers keep these up to date (the commune_tally and
// listing_commune migrations); this is the check that they did, and the repair if a bug, a restore or a
// hand-made edit ever made them drift.
//
// Each kept figure is one TallyCheck in TALLY_CHECKS: `differences` recounts and lists what disagrees,
// `fix` rewrites the kept figures from the rows. A new tally (e.g. payments per commune) is one more
// entry in the list.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "../db/client.ts";
import { SOLD_STATUSES } from "./stats.ts";
import { CSV_ROW_FIELDS, householdCsvRowPairs, rewriteHouseholdCsvRows } from "./household-csv-check.ts";
import { accountTally, paymentTally, shipmentTally, type MonthlyTally, type TallyRow } from "./monthly-tallies.ts";

export interface TallyDifference {
  /** what disagrees, e.g. a commune code or a listing id */
  key: string;
  field: string;
  kept: string | number | null;
  recounted: string | number | null;
}

export interface TallyCheck {
  name: string;
  /** what the check compares, for the report */
  description: string;
  differences(db: Db | Tx, postgres: boolean): Promise<TallyDifference[]>;
  /** Rewrites the kept figures from the rows, in the caller's transaction; returns the rows written. */
  fix(tx: Tx, postgres: boolean): Promise<number>;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Kept figures against recounted ones, per key and field, in key order. A key missing on one side is
 * zero there: a row the triggers left at zero (its rows deleted or moved) is no difference.
 */
function compareCounts<F extends string>(fields: readonly F[], kept: Map<string, Record<F, number>>, recounted: Map<string, Record<F, number>>): TallyDifference[] {
  const out: TallyDifference[] = [];
  for (const key of [...new Set([...kept.keys(), ...recounted.keys()])].sort()) {
    for (const field of fields) {
      const [a, b] = [kept.get(key)?.[field] ?? 0, recounted.get(key)?.[field] ?? 0];
      if (a !== b) out.push({ key, field, kept: a, recounted: b });
    }
  }
  return out;
}

/**
 * Rewrites a kept table from its recount. On PostgreSQL a change committing meanwhile would have its
 * trigger's move counted twice or not at all: the lock makes it wait until the rewrite commits (SQLite
 * writes one at a time anyway).
 */
async function rewrite(tx: Tx, postgres: boolean, table: string, columns: readonly string[], recount: Prisma.Sql): Promise<number> {
  const name = Prisma.raw(`"${table}"`);
  if (postgres) await tx.$executeRaw`LOCK TABLE ${name} IN EXCLUSIVE MODE`;
  await tx.$executeRaw`DELETE FROM ${name}`;
  return tx.$executeRaw`
    INSERT INTO ${name} (${Prisma.raw(columns.map((c) => `"${c}"`).join(", "))})
    SELECT ${Prisma.raw(columns.map((c) => `r."${c}"`).join(", "))} FROM (${recount}) r`;
}

// ---- CommuneTally: household counts per commune ----

const TALLY_FIELDS = ["registered", "opened", "epay", "counted", "assisted", "claimed", "demo"] as const;
type TallyCounts = Record<(typeof TALLY_FIELDS)[number], number>;

/** The same definitions as the triggers: one SQL text for both databases (CASE, no boolean sums). */
const RECOUNT_HOUSEHOLDS = Prisma.sql`
  SELECT h."communeCode" AS "communeCode", MIN(h."provinceCode") AS "provinceCode", COUNT(*) AS "registered",
    SUM(CASE WHEN h."openedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "opened",
    SUM(CASE WHEN h."payment" <> 'none' THEN 1 ELSE 0 END) AS "epay",
    SUM(CASE WHEN h."openedAt" IS NOT NULL AND h."payment" <> 'none' THEN 1 ELSE 0 END) AS "counted",
    SUM(CASE WHEN h."registeredById" IS NOT NULL THEN 1 ELSE 0 END) AS "assisted",
    SUM(CASE WHEN h."registeredById" IS NOT NULL AND h."openedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "claimed",
    SUM(CASE WHEN h."demo" THEN 1 ELSE 0 END) AS "demo"
  FROM "Household" h GROUP BY h."communeCode"`;

const communeTally: TallyCheck = {
  name: "CommuneTally",
  description: "household counts per commune (registered, opened, e-payment, counted, assisted, claimed, demo)",
  async differences(db) {
    const [kept, recounted] = await Promise.all([db.communeTally.findMany(), db.$queryRaw<Array<Record<string, unknown>>>(RECOUNT_HOUSEHOLDS)]);
    const counts = (r: Record<string, unknown>) => Object.fromEntries(TALLY_FIELDS.map((f) => [f, num(r[f])])) as TallyCounts;
    return compareCounts(TALLY_FIELDS, new Map(kept.map((r) => [r.communeCode, r as TallyCounts])), new Map(recounted.map((r) => [String(r.communeCode), counts(r)])));
  },
  fix: (tx, postgres) => rewrite(tx, postgres, "CommuneTally", ["communeCode", "provinceCode", ...TALLY_FIELDS], RECOUNT_HOUSEHOLDS),
};

// ---- LiveTally and ShopLiveTally: live listings and shops per commune and product ----

const LIVE = Prisma.sql`l."status" = 'active' AND l."stockMilli" > 0 AND l."communeCode" IS NOT NULL`;
/** ShopLiveTally recounted: each live listing once under '*' and once under its product ('' for none). */
const RECOUNT_SHOP_LIVE = Prisma.sql`
  SELECT l."communeCode" AS "communeCode", l."shopId" AS "shopId", '*' AS "productKey", COUNT(*) AS "listings" FROM "Listing" l WHERE ${LIVE}
  GROUP BY l."communeCode", l."shopId"
  UNION ALL
  SELECT l."communeCode", l."shopId", COALESCE(l."productId", ''), COUNT(*) FROM "Listing" l WHERE ${LIVE}
  GROUP BY l."communeCode", l."shopId", COALESCE(l."productId", '')`;

const liveTally: TallyCheck = {
  name: "LiveTally",
  description: "live listings and shops with one, per commune and per product; and per shop (ShopLiveTally)",
  async differences(db) {
    const [kept, recounted, shops] = await Promise.all([
      db.liveTally.findMany(),
      db.$queryRaw<Array<Record<string, unknown>>>`
        SELECT r."communeCode" AS "communeCode", r."productKey" AS "productKey", COUNT(*) AS "shops", SUM(r."listings") AS "listings"
        FROM (${RECOUNT_SHOP_LIVE}) r GROUP BY r."communeCode", r."productKey"`,
      // Per shop, in the database (a row per shop with live listings: too many to compare in Node). Both
      // sides stacked and grouped, not a FULL OUTER JOIN: SQLite joined the recount to the 160,000 kept
      // rows of 200,000 households by scanning it for each (minutes; this takes a second).
      db.$queryRaw<Array<{ communeCode: string; shopId: string; productKey: string; kept: unknown; recounted: unknown }>>`
        SELECT x."communeCode" AS "communeCode", x."shopId" AS "shopId", x."productKey" AS "productKey", SUM(x."kept") AS "kept", SUM(x."recounted") AS "recounted"
        FROM (
          SELECT k."communeCode" AS "communeCode", k."shopId" AS "shopId", k."productKey" AS "productKey", k."listings" AS "kept", 0 AS "recounted" FROM "ShopLiveTally" k
          UNION ALL
          SELECT r."communeCode", r."shopId", r."productKey", 0, r."listings" FROM (${RECOUNT_SHOP_LIVE}) r
        ) x
        GROUP BY x."communeCode", x."shopId", x."productKey" HAVING SUM(x."kept") <> SUM(x."recounted")
        ORDER BY 1, 2, 3 LIMIT ${LISTING_LIMIT}`,
    ]);
    const key = (c: unknown, p: unknown) => `${String(c)} ${String(p)}`;
    const keptBy = new Map(kept.map((r) => [key(r.communeCode, r.productKey), { shops: r.shops, listings: r.listings }]));
    const countedBy = new Map(recounted.map((r) => [key(r.communeCode, r.productKey), { shops: num(r.shops), listings: num(r.listings) }]));
    const out: TallyDifference[] = [];
    for (const k of [...new Set([...keptBy.keys(), ...countedBy.keys()])].sort()) {
      const a = keptBy.get(k) ?? { shops: 0, listings: 0 };
      const b = countedBy.get(k) ?? { shops: 0, listings: 0 };
      for (const f of ["shops", "listings"] as const) if (a[f] !== b[f]) out.push({ key: k, field: f, kept: a[f], recounted: b[f] });
    }
    for (const r of shops) out.push({ key: `${r.communeCode} ${r.shopId} ${r.productKey}`, field: "shop listings", kept: num(r.kept), recounted: num(r.recounted) });
    return out;
  },
  async fix(tx, postgres) {
    if (postgres) await tx.$executeRaw`LOCK TABLE "ShopLiveTally", "LiveTally" IN EXCLUSIVE MODE`;
    await tx.$executeRaw`DELETE FROM "ShopLiveTally"`;
    await tx.$executeRaw`DELETE FROM "LiveTally"`;
    const written = await tx.$executeRaw`
      INSERT INTO "ShopLiveTally" ("communeCode", "shopId", "productKey", "listings") SELECT r."communeCode", r."shopId", r."productKey", r."listings" FROM (${RECOUNT_SHOP_LIVE}) r`;
    return (
      written +
      (await tx.$executeRaw`
        INSERT INTO "LiveTally" ("communeCode", "productKey", "shops", "listings")
        SELECT "communeCode", "productKey", COUNT(*), SUM("listings") FROM "ShopLiveTally" GROUP BY "communeCode", "productKey"`)
    );
  },
};

// ---- WeekTally: registrations per commune and week ----

/** The week number of the migration's triggers (see weekIndexOf in stats.ts), per database. */
const weekOf = (postgres: boolean) =>
  postgres
    ? Prisma.sql`floor((extract(epoch FROM h."createdAt") * 1000 - 320400000) / 604800000)::int`
    : Prisma.sql`(CAST(ROUND((julianday(h."createdAt") - 2440587.5) * 86400000) AS INTEGER) - 320400000) / 604800000`;
const recountWeeks = (postgres: boolean) => Prisma.sql`
  SELECT h."communeCode" AS "communeCode", ${weekOf(postgres)} AS "week", COUNT(*) AS "registered" FROM "Household" h
  GROUP BY h."communeCode", ${weekOf(postgres)}`;

const weekTally: TallyCheck = {
  name: "WeekTally",
  description: "registrations per commune and week (the dashboard's weekly series)",
  async differences(db, postgres) {
    const [kept, recounted] = await Promise.all([db.weekTally.findMany(), db.$queryRaw<Array<Record<string, unknown>>>(recountWeeks(postgres))]);
    return compareCounts(
      ["registered"],
      new Map(kept.map((r) => [`${r.communeCode} ${r.week}`, { registered: r.registered }])),
      new Map(recounted.map((r) => [`${String(r.communeCode)} ${num(r.week)}`, { registered: num(r.registered) }])),
    );
  },
  fix: (tx, postgres) => rewrite(tx, postgres, "WeekTally", ["communeCode", "week", "registered"], recountWeeks(postgres)),
};

// ---- OrderTally: orders and sales per month and commune ----

/** The month of the migration's triggers (Asia/Ho_Chi_Minh, "2026-12"), per database. */
const orderMonthOf = (postgres: boolean) => (postgres ? Prisma.sql`"tally_month"(o."createdAt")` : Prisma.sql`strftime('%Y-%m', o."createdAt", '+7 hours')`);
const recountOrders = (postgres: boolean) => Prisma.sql`
  SELECT ${orderMonthOf(postgres)} AS "month", o."communeCode" AS "communeCode", COUNT(*) AS "orders",
    SUM(CASE WHEN o."status" IN (${Prisma.join([...SOLD_STATUSES])}) THEN o."totalVnd" ELSE 0 END) AS "salesVnd"
  FROM "Order" o WHERE o."communeCode" IS NOT NULL GROUP BY ${orderMonthOf(postgres)}, o."communeCode"`;

const orderTally: TallyCheck = {
  name: "OrderTally",
  description: "orders placed and sales per month and commune (the dashboard's orders of the month)",
  async differences(db, postgres) {
    const [kept, recounted] = await Promise.all([db.orderTally.findMany(), db.$queryRaw<Array<Record<string, unknown>>>(recountOrders(postgres))]);
    return compareCounts(
      ["orders", "salesVnd"],
      new Map(kept.map((r) => [`${r.month} ${r.communeCode}`, { orders: r.orders, salesVnd: num(r.salesVnd) }])),
      new Map(recounted.map((r) => [`${String(r.month)} ${String(r.communeCode)}`, { orders: num(r.orders), salesVnd: num(r.salesVnd) }])),
    );
  },
  fix: (tx, postgres) => rewrite(tx, postgres, "OrderTally", ["month", "communeCode", "orders", "salesVnd"], recountOrders(postgres)),
};

// ---- OfficerTally: households registered by each officer, per province and commune ----

const RECOUNT_OFFICERS = Prisma.sql`
  SELECT h."registeredById" AS "officerId", h."provinceCode" AS "provinceCode", h."communeCode" AS "communeCode", COUNT(*) AS "registered",
    SUM(CASE WHEN h."openedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "claimed"
  FROM "Household" h WHERE h."registeredById" IS NOT NULL GROUP BY h."registeredById", h."provinceCode", h."communeCode"`;

const officerTally: TallyCheck = {
  name: "OfficerTally",
  description: "households registered in person per officer, province and commune, and how many claimed their shop",
  async differences(db) {
    const [kept, recounted] = await Promise.all([db.officerTally.findMany(), db.$queryRaw<Array<Record<string, unknown>>>(RECOUNT_OFFICERS)]);
    const key = (r: Record<string, unknown>) => `${String(r.officerId)} ${String(r.provinceCode)} ${String(r.communeCode)}`;
    return compareCounts(
      ["registered", "claimed"],
      new Map(kept.map((r) => [key(r), { registered: r.registered, claimed: r.claimed }])),
      new Map(recounted.map((r) => [key(r), { registered: num(r.registered), claimed: num(r.claimed) }])),
    );
  },
  fix: (tx, postgres) => rewrite(tx, postgres, "OfficerTally", ["officerId", "provinceCode", "communeCode", "registered", "claimed"], RECOUNT_OFFICERS),
};

// ---- Listing.communeCode: a listing is counted in its household's commune ----

const LISTING_LIMIT = 1000;

const listingCommune: TallyCheck = {
  name: "Listing.communeCode",
  description: "every listing carries its household's commune (live listings and offers per commune)",
  async differences(db) {
    const rows = await db.$queryRaw<Array<{ id: string; kept: string | null; recounted: string }>>`
      SELECT l."id" AS "id", l."communeCode" AS "kept", h."communeCode" AS "recounted"
      FROM "Listing" l JOIN "Shop" s ON s."id" = l."shopId" JOIN "Household" h ON h."id" = s."householdId"
      WHERE l."communeCode" IS NULL OR l."communeCode" <> h."communeCode"
      ORDER BY l."id" LIMIT ${LISTING_LIMIT}`;
    return rows.map((r) => ({ key: r.id, field: "communeCode", kept: r.kept, recounted: r.recounted }));
  },
  fix(tx) {
    return tx.$executeRaw`
      UPDATE "Listing" SET "communeCode" = (
        SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId")
      WHERE "communeCode" IS NULL OR "communeCode" <> (
        SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Listing"."shopId")`;
  },
};

// ---- Order.communeCode: an order stays in the commune where it was placed, so only a missing one is wrong ----

const orderCommune: TallyCheck = {
  name: "Order.communeCode",
  description: "every order carries the commune it was placed in (orders and sales per commune)",
  async differences(db) {
    const rows = await db.$queryRaw<Array<{ id: string; recounted: string }>>`
      SELECT o."id" AS "id", h."communeCode" AS "recounted"
      FROM "Order" o JOIN "Shop" s ON s."id" = o."shopId" JOIN "Household" h ON h."id" = s."householdId"
      WHERE o."communeCode" IS NULL ORDER BY o."id" LIMIT ${LISTING_LIMIT}`;
    return rows.map((r) => ({ key: r.id, field: "communeCode", kept: null, recounted: r.recounted }));
  },
  fix(tx) {
    // The commune it was placed in is not recorded anywhere else: the shop's commune now is the best guess.
    return tx.$executeRaw`
      UPDATE "Order" SET "communeCode" = (
        SELECT h."communeCode" FROM "Shop" s JOIN "Household" h ON h."id" = s."householdId" WHERE s."id" = "Order"."shopId")
      WHERE "communeCode" IS NULL`;
  },
};

// ---- HouseholdCsvRow: the households CSV's cells per household ----

const householdCsvRow: TallyCheck = {
  name: "HouseholdCsvRow",
  description: "the households CSV's cells per household, as household_csv_rows formats them",
  async differences(db, postgres) {
    const out: TallyDifference[] = [];
    const shown = (v: unknown) => (v === null || v === undefined ? null : typeof v === "number" ? v : String(v));
    for (const { key, kept, recounted } of await householdCsvRowPairs(db, postgres, LISTING_LIMIT)) {
      // a row missing, or left in another commune or province: one line each for where it is and where it should be
      if (!kept || !recounted) out.push({ key, field: "row in", kept: shown(kept && `${kept.provinceCode}/${kept.communeCode}`), recounted: shown(recounted && `${recounted.provinceCode}/${recounted.communeCode}`) });
      else for (const f of CSV_ROW_FIELDS) if (kept[f] !== recounted[f]) out.push({ key, field: f, kept: shown(kept[f]), recounted: shown(recounted[f]) });
    }
    return out;
  },
  fix: rewriteHouseholdCsvRows,
};

/** Every figure kept for the dashboard. Add a check here when a new tally is kept. */
// Listings' communes first: the live tallies are recounted from them (and moving a listing updates them).
/**
 * The monthly payment and shipment tallies (monthly-tallies.ts), compared row by row. They are not
 * rewritten by --fix: PaymentTally hangs on per-shop rows (ShopMonthTransfers) that a plain rewrite
 * would leave behind, so a difference is reported for a person to look at.
 */
function monthlyCheck(name: string, tally: MonthlyTally, keys: string[], description: string): TallyCheck {
  const keyOf = (row: TallyRow) => keys.map((k) => row[k]).join(" ");
  return {
    name,
    description,
    async differences(db) {
      const [kept, recounted] = await Promise.all([tally.stored(db), tally.recount(db)]);
      const keptBy = new Map(kept.map((r) => [keyOf(r), r]));
      const recountedBy = new Map(recounted.map((r) => [keyOf(r), r]));
      const out: TallyDifference[] = [];
      for (const key of new Set([...keptBy.keys(), ...recountedBy.keys()])) {
        const a = keptBy.get(key);
        const b = recountedBy.get(key);
        for (const field of Object.keys(a ?? b ?? {})) {
          if (keys.includes(field)) continue;
          const [x, y] = [a?.[field] ?? 0, b?.[field] ?? 0];
          if (x !== y) out.push({ key, field, kept: x, recounted: y });
        }
      }
      return out;
    },
    async fix() {
      return 0;
    },
  };
}

export const TALLY_CHECKS: readonly TallyCheck[] = [
  listingCommune,
  orderCommune,
  communeTally,
  liveTally,
  weekTally,
  orderTally,
  officerTally,
  householdCsvRow,
  monthlyCheck("PaymentTally", paymentTally, ["month", "communeCode"], "orders and money paid per month and commune, by transfer and COD (not fixed by --fix)"),
  monthlyCheck("ShipmentTally", shipmentTally, ["month", "communeCode", "carrier"], "shipments per month, commune and carrier (not fixed by --fix)"),
  monthlyCheck("CommuneTally.payAccount", accountTally, ["communeCode"], "households with a payment account per commune (not fixed by --fix)"),
];

export interface TallyReport {
  check: TallyCheck;
  differences: TallyDifference[];
}

export async function verifyTallies(db: Db, postgres: boolean, checks: readonly TallyCheck[] = TALLY_CHECKS): Promise<TallyReport[]> {
  const out: TallyReport[] = [];
  for (const check of checks) out.push({ check, differences: await check.differences(db, postgres) });
  return out;
}

/** Rewrites the kept figures of the checks that found differences, each in its own transaction. */
export async function fixTallies(db: Db, reports: readonly TallyReport[], postgres: boolean): Promise<Array<{ check: TallyCheck; written: number }>> {
  const out: Array<{ check: TallyCheck; written: number }> = [];
  for (const r of reports) {
    if (!r.differences.length) continue;
    const written = await db.$transaction((tx) => r.check.fix(tx, postgres), { timeout: 600_000, maxWait: 30_000 });
    out.push({ check: r.check, written });
  }
  return out;
}

/** The report as printed by the admin command: one line per check, then up to `shown` differences each. */
export function formatTallyReport(reports: readonly TallyReport[], shown = 20): string {
  const lines: string[] = [];
  for (const { check, differences } of reports) {
    const more = differences.length >= LISTING_LIMIT ? `${LISTING_LIMIT} or more` : String(differences.length);
    lines.push(`${check.name}: ${differences.length ? `${more} difference(s)` : "ok"} (${check.description})`);
    for (const d of differences.slice(0, shown)) lines.push(`  ${d.key} ${d.field}: kept ${d.kept ?? "null"}, recounted ${d.recounted ?? "null"}`);
    if (differences.length > shown) lines.push(`  … and ${differences.length - shown} more`);
  }
  return lines.join("\n");
}

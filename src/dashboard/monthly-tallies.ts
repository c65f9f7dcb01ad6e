// The monthly tallies the dashboard reads (issue 15 part 4, issue 21 part 5), kept by database triggers
// (bank_transfers migrations): each has `stored` (what the triggers kept) and `recount` (the same
// figures counted from the rows), as plain sorted rows, so that a check (tests, `tallies:verify`) can
// compare them without knowing the tables. Zero rows are left out on both sides: a tally row emptied
// by later writes stays in the table with zeros.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "../db/client.ts";
import { queryRows } from "../db/plain-sql.ts";

type Reader = Db | Tx;
export type TallyRow = Record<string, string | number>;

export interface MonthlyTally {
  /** rows of the tally table as the triggers left them */
  stored(db: Reader): Promise<TallyRow[]>;
  /** the same rows counted from the source table */
  recount(db: Reader): Promise<TallyRow[]>;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Asia/Ho_Chi_Minh month ("2026-12") of a moment: the key of the monthly tallies. */
export function monthKey(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** Rows with every count at zero are not figures; keys sorted so two lists compare as they are. */
function normalise(rows: Array<Record<string, unknown>>, keys: string[], counts: string[]): TallyRow[] {
  return rows
    .map((r) => Object.fromEntries([...keys.map((k) => [k, String(r[k])]), ...counts.map((k) => [k, num(r[k])])]) as TallyRow)
    .filter((r) => counts.some((k) => r[k] !== 0))
    .sort((a, b) => keys.map((k) => String(a[k]).localeCompare(String(b[k]))).find((c) => c !== 0) ?? 0);
}

const PAY_COUNTS = ["transferOrders", "transferVnd", "codOrders", "codVnd", "transferShops"];
const SHIP_COUNTS = ["shipped", "delivered", "returned"];

/** Vietnamese months [start, end) covering from..to, as UTC instants (UTC+7, no daylight saving). */
function monthsBetween(from: Date, to: Date): Array<{ month: string; start: Date; end: Date }> {
  const out = [];
  const [y, m] = monthKey(from).split("-").map(Number);
  for (let year = y, month = m; ; month === 12 ? ((month = 1), year++) : month++) {
    const start = new Date(Date.UTC(year, month - 1, 1) - 7 * 3600_000);
    if (start > to) break;
    out.push({ month: `${year}-${String(month).padStart(2, "0")}`, start, end: new Date(Date.UTC(year, month, 1) - 7 * 3600_000) });
  }
  return out;
}

/**
 * Orders paid per month and commune, by transfer and cash on delivery; shops paid by transfer. The
 * recount is one grouped range query per month (portable SQL, the database does the counting), so it
 * stays usable on millions of orders.
 */
export const paymentTally: MonthlyTally = {
  async stored(db) {
    return normalise(await db.paymentTally.findMany(), ["month", "communeCode"], PAY_COUNTS);
  },
  async recount(db) {
    const paid = Prisma.sql`o."payState" = 'paid' AND o."paidAt" IS NOT NULL AND o."communeCode" IS NOT NULL AND o."paidBy" IN ('transfer', 'cod')`;
    const [span] = await db.$queryRaw<Array<{ first: Date | null; last: Date | null }>>(Prisma.sql`SELECT MIN(o."paidAt") AS "first", MAX(o."paidAt") AS "last" FROM "Order" o WHERE ${paid}`);
    if (!span?.first || !span.last) return [];
    const rows: Array<Record<string, unknown>> = [];
    for (const { month, start, end } of monthsBetween(new Date(span.first), new Date(span.last))) {
      const groups = await db.$queryRaw<Array<{ communeCode: string; paidBy: string; orders: unknown; vnd: unknown; shops: unknown }>>(Prisma.sql`
        SELECT o."communeCode" AS "communeCode", o."paidBy" AS "paidBy", COUNT(*) AS "orders", SUM(o."totalVnd") AS "vnd", COUNT(DISTINCT o."shopId") AS "shops"
        FROM "Order" o WHERE ${paid} AND o."paidAt" >= ${start} AND o."paidAt" < ${end} GROUP BY o."communeCode", o."paidBy"`);
      const byCommune = new Map<string, Record<string, unknown>>();
      for (const g of groups) {
        const row = byCommune.get(g.communeCode) ?? { month, communeCode: g.communeCode, transferShops: 0 };
        byCommune.set(g.communeCode, row);
        row[`${g.paidBy}Orders`] = num(g.orders);
        row[`${g.paidBy}Vnd`] = num(g.vnd);
        if (g.paidBy === "transfer") row.transferShops = num(g.shops);
      }
      rows.push(...byCommune.values());
    }
    return normalise(rows, ["month", "communeCode"], PAY_COUNTS);
  },
};

/** Shipments per month of the pickup request, commune and carrier: picked up or further, delivered, returned. */
export const shipmentTally: MonthlyTally = {
  async stored(db) {
    return normalise(await db.shipmentTally.findMany(), ["month", "communeCode", "carrier"], SHIP_COUNTS);
  },
  async recount(db) {
    const [span] = await db.$queryRaw<Array<{ first: Date | null; last: Date | null }>>(Prisma.sql`SELECT MIN(p."createdAt") AS "first", MAX(p."createdAt") AS "last" FROM "Pickup" p`);
    if (!span?.first || !span.last) return [];
    const rows: Array<Record<string, unknown>> = [];
    for (const { month, start, end } of monthsBetween(new Date(span.first), new Date(span.last))) {
      const groups = await db.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
        SELECT p."communeCode" AS "communeCode", p."carrier" AS "carrier",
          SUM(CASE WHEN p."status" IN ('picked_up', 'delivered', 'returned') THEN 1 ELSE 0 END) AS "shipped",
          SUM(CASE WHEN p."status" = 'delivered' THEN 1 ELSE 0 END) AS "delivered",
          SUM(CASE WHEN p."status" = 'returned' THEN 1 ELSE 0 END) AS "returned"
        FROM "Pickup" p WHERE p."createdAt" >= ${start} AND p."createdAt" < ${end} GROUP BY p."communeCode", p."carrier"`);
      rows.push(...groups.map((g) => ({ ...g, month })));
    }
    return normalise(rows, ["month", "communeCode", "carrier"], SHIP_COUNTS);
  },
};

/** Households per commune that gave an account number (CommuneTally.payAccount). */
export const accountTally: MonthlyTally = {
  async stored(db) {
    return normalise(await db.communeTally.findMany({ select: { communeCode: true, payAccount: true } }), ["communeCode"], ["payAccount"]);
  },
  async recount(db) {
    const rows = await db.$queryRaw<Array<Record<string, unknown>>>(
      Prisma.sql`SELECT "communeCode", COUNT(*) AS "payAccount" FROM "Household" WHERE "payAccount" IS NOT NULL GROUP BY "communeCode"`,
    );
    return normalise(rows, ["communeCode"], ["payAccount"]);
  },
};

/** Every tally of this module by name, for a verification command. */
export const MONTHLY_TALLIES: Record<string, MonthlyTally> = { paymentTally, shipmentTally, accountTally };

/** The carriers whose shipments the dashboard shows in columns of their own. */
export const DASHBOARD_CARRIERS = ["viettel_post", "vnpost"] as const;

export interface MonthlyCommuneFigures {
  transferOrders: number;
  transferVnd: number;
  codOrders: number;
  codVnd: number;
  transferShops: number;
  shipped: Record<string, number>;
  delivered: number;
  returned: number;
}

/**
 * This month's tallies of the given communes: two reads of at most one row per commune (and carrier),
 * in plain SQL (see dashboardStats).
 */
export async function monthlyFigures(db: Reader, communes: string[], month: string): Promise<Map<string, MonthlyCommuneFigures>> {
  const inScope = Prisma.join(communes);
  const [pay, ship] = await Promise.all([
    queryRows<Record<string, unknown>>(db, Prisma.sql`
      SELECT p."communeCode" AS "communeCode", p."transferOrders" AS "transferOrders", p."transferVnd" AS "transferVnd",
        p."codOrders" AS "codOrders", p."codVnd" AS "codVnd", p."transferShops" AS "transferShops"
      FROM "PaymentTally" p WHERE p."month" = ${month} AND p."communeCode" IN (${inScope})`),
    queryRows<Record<string, unknown>>(db, Prisma.sql`
      SELECT s."communeCode" AS "communeCode", s."carrier" AS "carrier", s."shipped" AS "shipped", s."delivered" AS "delivered", s."returned" AS "returned"
      FROM "ShipmentTally" s WHERE s."month" = ${month} AND s."communeCode" IN (${inScope})`),
  ]);
  const out = new Map<string, MonthlyCommuneFigures>();
  const row = (code: string) => {
    if (!out.has(code)) out.set(code, { transferOrders: 0, transferVnd: 0, codOrders: 0, codVnd: 0, transferShops: 0, shipped: {}, delivered: 0, returned: 0 });
    return out.get(code)!;
  };
  for (const p of pay) {
    Object.assign(row(String(p.communeCode)), {
      transferOrders: num(p.transferOrders), transferVnd: num(p.transferVnd), codOrders: num(p.codOrders), codVnd: num(p.codVnd), transferShops: num(p.transferShops),
    });
  }
  for (const s of ship) {
    const r = row(String(s.communeCode));
    const carrier = String(s.carrier);
    r.shipped[carrier] = (r.shipped[carrier] ?? 0) + num(s.shipped);
    r.delivered += num(s.delivered);
    r.returned += num(s.returned);
  }
  return out;
}

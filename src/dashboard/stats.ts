// The campaign's figures per commune: "one digital shop and one e-payment account for every two
// households". Every figure is an aggregate computed by the database; no household row is loaded into
// Node. Household counts come from CommuneTally, live listings from LiveTally, registrations per week
// from WeekTally, orders of the month from OrderTally and the officers' registrations from
// OfficerTally, all kept by triggers (the commune_tally, live_week_tally, order_tally and officer_tally
// migrations; recounted by `npm run admin -- tallies:verify`). Plain SQL that runs on SQLite and
// PostgreSQL alike.
//
// Definitions (also printed under the dashboard table):
// - registered: Household rows (self-registered, or registered in person by an officer);
// - opened: the household has its shop in hand (registered itself, or claimed what an officer made
//   for it): only such a shop can take orders;
// - live: the shop has at least one listing that is active with stock left;
// - e-payment: the household named an e-payment account (anything but "none");
// - counted toward the target: opened AND e-payment, divided by the commune's households (imported
//   with `npm run admin -- communes:households`); communes without a total show no percentage;
// - orders this month: placed since the 1st (Asia/Ho_Chi_Minh), any status; sales: their value once
//   accepted (accepted, picked up or delivered), as in the household's own "Đơn hàng".
import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "../db/client.ts";
import type { Scope } from "../broadcast/store.ts";
import { queryRows } from "../db/plain-sql.ts";
import { getCommune, listCommunes } from "../lang/communes.ts";
import { monthKey, monthlyFigures } from "./monthly-tallies.ts";

/** Statuses whose value counts as sales (as the OrderTally triggers define it). */
export const SOLD_STATUSES = ["accepted", "picked_up", "delivered"] as const;
export const WEEKS_SHOWN = 12;
const TOP_PRODUCTS = 8;

export interface CommuneFigures {
  code: string;
  name: string;
  registered: number;
  opened: number;
  live: number;
  epay: number;
  /** opened and e-payment: what the campaign counts */
  counted: number;
  /** registered by an officer in person, and how many of those were claimed */
  assisted: number;
  claimed: number;
  ordersMonth: number;
  salesMonthVnd: number;
  /** households that gave an account number (bank account or e-wallet phone) */
  payAccount: number;
  /** households (shops) with at least one order paid by transfer this month */
  transferShops: number;
  /** orders paid this month (month of the payment), by transfer and by cash on delivery, and their value */
  transferOrders: number;
  codOrders: number;
  transferVnd: number;
  codVnd: number;
  /** this month's pickups picked up (or further) by Viettel Post and by VNPost; delivered and returned, all carriers */
  shippedViettelPost: number;
  shippedVnpost: number;
  delivered: number;
  returned: number;
  /** transferOrders / (transferOrders + codOrders), or null when no order was paid this month */
  transferShare: number | null;
  /** the commune's households (imported), or null when unknown */
  households: number | null;
  /** counted / households, 0..1, or null without a total */
  share: number | null;
}

export interface Dashboard {
  generatedAt: Date;
  monthStart: Date;
  targetPercent: number;
  /** communes in scope; furthest below the target first, communes without a total last */
  communes: CommuneFigures[];
  /** sums over the communes in scope; share only over communes with a total */
  total: CommuneFigures & { householdsKnownFor: number };
  weeks: Array<{ start: Date; registered: number }>;
  topProducts: Array<{ productId: string | null; listings: number; shops: number }>;
  assistants: Array<{ officerId: string; name: string; registered: number; claimed: number }>;
  /** demo households are in scope (synthetic data from `npm run seed:demo`) */
  demo: boolean;
}

const COUNTS = [
  "registered", "opened", "live", "epay", "counted", "assisted", "claimed", "ordersMonth", "salesMonthVnd", "payAccount", "transferShops",
  "transferOrders", "codOrders", "transferVnd", "codVnd", "shippedViettelPost", "shippedVnpost", "delivered", "returned",
] as const;

function emptyFigures(code: string, households: number | null): CommuneFigures {
  const zeros = Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<(typeof COUNTS)[number], number>;
  return { code, name: getCommune(code)?.name ?? code, ...zeros, households, share: null, transferShare: null };
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The communes an officer sees: theirs, or every commune of the province. */
export function scopeCommunes(scope: Scope): string[] {
  return scope.communes.length ? [...scope.communes] : listCommunes(scope.provinceCode).map((c) => c.code);
}

export function monthStartOf(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), 1);
}

/**
 * The week of `d` as the WeekTally triggers number it: whole weeks since Monday 1970-01-05 00:00 in
 * local time (UTC+7 all year; 345,600,000 ms - 7 h = 320,400,000 ms after the epoch).
 */
export function weekIndexOf(d: Date): number {
  return Math.floor((d.getTime() - 320_400_000) / 604_800_000);
}

/** LiveTally's key for "any product" (a product's own key is its id, '' for listings without one). */
export const ANY_PRODUCT = "*";

/** Monday 00:00 (local time: the process runs in Asia/Ho_Chi_Minh) of the week holding `d`. */
export function weekStartOf(d: Date): Date {
  const day = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}

/** Share of households that count toward the target: 0..1, or null without a known total. */
export const shareOf = (counted: number, households: number | null) => (households ? counted / households : null);

/** Share of this month's paid orders that were paid by transfer: 0..1, or null when none was paid. */
export const transferShareOf = (c: Pick<CommuneFigures, "transferOrders" | "codOrders">) =>
  c.transferOrders + c.codOrders > 0 ? c.transferOrders / (c.transferOrders + c.codOrders) : null;

function gapOf(c: CommuneFigures, target: number): number {
  return c.share === null ? Number.NEGATIVE_INFINITY : target - c.share;
}

export async function dashboardStats(db: Tx | Db, scope: Scope, opts: { targetPercent: number; now?: Date }): Promise<Dashboard> {
  const now = opts.now ?? new Date();
  const monthStart = monthStartOf(now);
  const firstWeek = weekStartOf(now);
  firstWeek.setDate(firstWeek.getDate() - 7 * (WEEKS_SHOWN - 1));
  const weekStarts = Array.from({ length: WEEKS_SHOWN }, (_, i) => {
    const d = new Date(firstWeek);
    d.setDate(d.getDate() + 7 * i);
    return d;
  });
  // The officers' table, kept per officer, province and commune by triggers (OfficerTally).
  const officerScope = scope.communes.length
    ? Prisma.sql`t."provinceCode" = ${scope.provinceCode} AND t."communeCode" IN (${Prisma.join(scope.communes)})`
    : Prisma.sql`t."provinceCode" = ${scope.provinceCode}`;
  const scoped = scopeCommunes(scope);
  const inScope = Prisma.join(scoped);
  // Plain SQL (queryRows), not Prisma's query builder: on SQLite the query compiler and interpreter
  // cost more CPU than these statements themselves (7.6 ms of a province page's 43 ms at 200,000
  // households went to compiling its queries). Integers may come back as bigint or numeric text: num().
  const rows = (sql: Prisma.Sql) => queryRows<Record<string, unknown>>(db, sql);
  // Independent queries: PostgreSQL runs them side by side; SQLite one after another.
  const [households, live, products, orders, weeks, assistants, totals, monthly] = await Promise.all([
    // Household counts are kept per commune by triggers (CommuneTally): no pass over the households.
    rows(Prisma.sql`
      SELECT t."communeCode" AS "communeCode", t."registered" AS "registered", t."opened" AS "opened", t."epay" AS "epay",
        t."counted" AS "counted", t."assisted" AS "assisted", t."claimed" AS "claimed", t."payAccount" AS "payAccount", t."demo" AS "demo"
      FROM "CommuneTally" t WHERE t."provinceCode" = ${scope.provinceCode}
      ${scope.communes.length ? Prisma.sql`AND t."communeCode" IN (${Prisma.join(scope.communes)})` : Prisma.empty}`),
    // Live listings per commune and per product are kept by triggers too (LiveTally, '*': any product).
    // (Summed per product by the database: a row per commune and product is 1,300 rows to Node.)
    rows(Prisma.sql`SELECT t."communeCode" AS "communeCode", t."shops" AS "shops" FROM "LiveTally" t WHERE t."communeCode" IN (${inScope}) AND t."productKey" = ${ANY_PRODUCT}`),
    rows(Prisma.sql`
      SELECT t."productKey" AS "productKey", SUM(t."shops") AS "shops", SUM(t."listings") AS "listings"
      FROM "LiveTally" t WHERE t."communeCode" IN (${inScope}) AND t."productKey" <> ${ANY_PRODUCT} AND t."listings" > 0
      GROUP BY t."productKey"`),
    // This month's orders and sales, kept per month and commune by triggers (OrderTally).
    rows(Prisma.sql`
      SELECT t."communeCode" AS "code", t."orders" AS "orders", t."salesVnd" AS "sales"
      FROM "OrderTally" t WHERE t."month" = ${monthKey(now)} AND t."communeCode" IN (${inScope})`),
    // Registrations per week, kept per commune by triggers (WeekTally).
    rows(Prisma.sql`
      SELECT t."week" AS "week", SUM(t."registered") AS "registered" FROM "WeekTally" t
      WHERE t."communeCode" IN (${inScope}) AND t."week" >= ${weekIndexOf(weekStarts[0])} AND t."week" <= ${weekIndexOf(weekStarts.at(-1)!)}
      GROUP BY t."week"`),
    rows(Prisma.sql`
      SELECT t."officerId" AS "officer", SUM(t."registered") AS "registered", SUM(t."claimed") AS "claimed"
      FROM "OfficerTally" t WHERE ${officerScope}
      GROUP BY t."officerId" HAVING SUM(t."registered") > 0 ORDER BY SUM(t."registered") DESC, t."officerId"`),
    rows(Prisma.sql`SELECT c."communeCode" AS "communeCode", c."households" AS "households" FROM "CommuneHouseholds" c WHERE c."communeCode" IN (${inScope})`),
    // Money in and shipments this month: tallies kept by triggers (bank_transfers migration).
    monthlyFigures(db, scoped, monthKey(now)),
  ]);

  const totalsByCode = new Map(totals.map((t) => [String(t.communeCode), num(t.households)]));
  const byCode = new Map(scoped.map((code) => [code, emptyFigures(code, totalsByCode.get(code) ?? null)]));
  // A household under a code no longer listed (should not happen) is still counted, under its code.
  const row = (code: unknown) => {
    const key = String(code);
    if (!byCode.has(key)) byCode.set(key, emptyFigures(key, null));
    return byCode.get(key)!;
  };
  for (const r of households) {
    if (num(r.registered) === 0) continue; // every household of the commune has left
    const figures = row(r.communeCode);
    for (const k of ["registered", "opened", "epay", "counted", "assisted", "claimed", "payAccount"] as const) figures[k] = num(r[k]);
  }
  for (const [code, m] of monthly) {
    const { transferOrders, transferVnd, codOrders, codVnd, transferShops, delivered, returned } = m;
    Object.assign(row(code), {
      transferOrders, transferVnd, codOrders, codVnd, transferShops, delivered, returned,
      shippedViettelPost: m.shipped.viettel_post ?? 0, shippedVnpost: m.shipped.vnpost ?? 0,
    });
  }
  for (const r of live) if (num(r.shops) > 0) row(r.communeCode).live = num(r.shops);
  for (const r of orders) Object.assign(row(r.code), { ordersMonth: num(r.orders), salesMonthVnd: num(r.sales) });
  for (const c of byCode.values()) {
    c.share = shareOf(c.counted, c.households);
    c.transferShare = transferShareOf(c);
  }

  const target = opts.targetPercent / 100;
  const communes = [...byCode.values()].sort((a, b) => gapOf(b, target) - gapOf(a, target) || a.name.localeCompare(b.name, "vi"));

  const total: Dashboard["total"] = { ...emptyFigures("", null), householdsKnownFor: 0 };
  for (const k of COUNTS) {
    total[k] = communes.reduce((sum, c) => sum + c[k], 0);
  }
  const known = communes.filter((c) => c.households !== null);
  total.householdsKnownFor = known.length;
  total.households = known.length ? known.reduce((sum, c) => sum + c.households!, 0) : null;
  total.share = shareOf(
    known.reduce((sum, c) => sum + c.counted, 0),
    total.households,
  );
  total.transferShare = transferShareOf(total);

  const officerNames = new Map(
    assistants.length
      ? (await rows(Prisma.sql`SELECT o."id" AS "id", o."name" AS "name" FROM "Officer" o WHERE o."id" IN (${Prisma.join(assistants.map((a) => String(a.officer)))})`)).map((o) => [String(o.id), String(o.name)])
      : [],
  );

  return {
    generatedAt: now,
    monthStart,
    targetPercent: opts.targetPercent,
    communes,
    total,
    weeks: weekStarts.map((start) => ({ start, registered: num(weeks.find((w) => num(w.week) === weekIndexOf(start))?.registered) })),
    // A shop is in one commune: summing the communes' shop counts counts each shop once.
    topProducts: products
      .map((p) => ({ productId: p.productKey === "" ? null : String(p.productKey), listings: num(p.listings), shops: num(p.shops) }))
      .sort((a, b) => b.shops - a.shops || b.listings - a.listings)
      .slice(0, TOP_PRODUCTS),
    assistants: assistants.map((a) => ({ officerId: String(a.officer), name: officerNames.get(String(a.officer)) ?? "", registered: num(a.registered), claimed: num(a.claimed) })),
    demo: households.some((r) => num(r.demo) > 0),
  };
}

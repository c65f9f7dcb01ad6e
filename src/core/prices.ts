// The price board (issue 16): for each catalog product, what live listings ask (lowest, median,
// highest, how many) and what accepted orders paid in the last 7 and 30 days, per the product's own
// catalog unit (a kg price for produce sold by weight). Listings in another unit (na sold by the
// "quả" when the catalog counts kg) are left out rather than compared wrongly.
//
// Computed in SQL, the same statements on SQLite and PostgreSQL:
//   - live listings: the (productId, status) index, then the listing rows of live offers;
//   - orders: the (createdAt, ...) index over the window, each joined to its listing by primary key;
//   - the median portably with window functions (the middle row, or the mean of the two middle ones).
// "Accepted" means the household said yes: accepted, picked up or delivered (not declined, expired,
// cancelled or returned). An order counts in the window it was placed in.
import type { Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";

export interface PriceFigures {
  count: number;
  min: number;
  median: number;
  max: number;
}

export interface BoardRow {
  productId: string;
  /** the catalog unit the prices are for */
  unit: string;
  live: PriceFigures | null;
  orders7: PriceFigures | null;
  orders30: PriceFigures | null;
}

export interface DayPrices {
  /** start of the day, Vietnamese time */
  day: Date;
  count: number;
  min: number;
  max: number;
  /** mean unit price paid that day */
  mean: number;
}

export const ACCEPTED_STATUSES = ["accepted", "picked_up", "delivered"] as const;
const DAY_MS = 86_400_000;
export const CHART_DAYS = 30;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

type FigureRow = { pid: string; n: unknown; lo: unknown; mid: unknown; hi: unknown };

function figures(rows: FigureRow[]): Map<string, PriceFigures> {
  return new Map(
    rows.map((r) => [r.pid, { count: num(r.n), min: num(r.lo), median: Math.round(num(r.mid)), max: num(r.hi) }]),
  );
}

/** Lowest, median, highest and count per product, over `source` (rows of pid, price). */
const summarise = (source: Prisma.Sql) => Prisma.sql`
  WITH ranked AS (
    SELECT pid, price,
      ROW_NUMBER() OVER (PARTITION BY pid ORDER BY price) AS rn,
      COUNT(*) OVER (PARTITION BY pid) AS n
    FROM (${source}) s)
  SELECT pid, MAX(n) AS n, MIN(price) AS lo, MAX(price) AS hi,
    AVG(CASE WHEN rn = (n + 1) / 2 OR rn = (n + 2) / 2 THEN price END) AS mid
  FROM ranked GROUP BY pid`;

const productFilter = (column: string, productId?: string) =>
  productId ? Prisma.sql` AND ${Prisma.raw(column)} = ${productId}` : Prisma.empty;

const communeFilter = (communeCode?: string) => (communeCode ? Prisma.sql` AND l."communeCode" = ${communeCode}` : Prisma.empty);
const shopFilter = (shopId?: string) => (shopId ? Prisma.sql` AND l."shopId" <> ${shopId}` : Prisma.empty);

function liveSource(opts: BoardOptions): Prisma.Sql {
  return Prisma.sql`
    SELECT l."productId" AS pid, l."priceVnd" AS price FROM "Listing" l JOIN "Product" p ON p."id" = l."productId"
    WHERE l."status" = 'active' AND l."stockMilli" > 0 AND l."unit" = p."unit"${productFilter('l."productId"', opts.productId)}${communeFilter(
      opts.communeCode,
    )}${shopFilter(opts.excludeShopId)}`;
}

function orderSource(since: Date, opts: BoardOptions, withTime = false): Prisma.Sql {
  const at = withTime ? Prisma.sql`, o."createdAt" AS at` : Prisma.empty;
  return Prisma.sql`
    SELECT l."productId" AS pid, o."unitPriceVnd" AS price${at} FROM "Order" o
    JOIN "Listing" l ON l."id" = o."listingId" JOIN "Product" p ON p."id" = l."productId"
    WHERE o."createdAt" >= ${since} AND o."status" IN (${Prisma.join([...ACCEPTED_STATUSES])}) AND l."unit" = p."unit"${productFilter(
      'o."productId"', // the order's copy (order_product migration): an index range, not a probe per listing
      opts.productId,
    )}${communeFilter(opts.communeCode)}${shopFilter(opts.excludeShopId)}`;
}

export interface BoardOptions {
  /** one product only */
  productId?: string;
  /** one commune only (the listing's commune, kept by triggers) */
  communeCode?: string;
  /** leave one shop out (a household's price against everybody else's) */
  excludeShopId?: string;
  now?: Date;
}

/** The start of the Vietnamese day `at` falls in (UTC+7, no daylight saving). */
export function vnDayStart(at: Date): Date {
  const offset = 7 * 3_600_000;
  return new Date(Math.floor((at.getTime() + offset) / DAY_MS) * DAY_MS - offset);
}

export function prices(tx: Tx) {
  return {
    /** Every product with a live listing or an accepted order in the last 30 days (or the one asked for). */
    async board(opts: BoardOptions = {}): Promise<BoardRow[]> {
      const now = opts.now ?? new Date();
      const [units, live, o7, o30] = await Promise.all([
        tx.product.findMany({ where: opts.productId ? { id: opts.productId } : {}, select: { id: true, unit: true } }),
        tx.$queryRaw<FigureRow[]>(summarise(liveSource(opts))),
        tx.$queryRaw<FigureRow[]>(summarise(orderSource(new Date(now.getTime() - 7 * DAY_MS), opts))),
        tx.$queryRaw<FigureRow[]>(summarise(orderSource(new Date(now.getTime() - 30 * DAY_MS), opts))),
      ]);
      const [l, w, m] = [figures(live), figures(o7), figures(o30)];
      return units
        .filter((p) => opts.productId || l.has(p.id) || m.has(p.id))
        .map((p) => ({ productId: p.id, unit: p.unit, live: l.get(p.id) ?? null, orders7: w.get(p.id) ?? null, orders30: m.get(p.id) ?? null }));
    },

    /** One product's board row (empty figures when nothing is on sale or sold). */
    async ofProduct(productId: string, opts: Omit<BoardOptions, "productId"> = {}): Promise<BoardRow | null> {
      const [row] = await this.board({ ...opts, productId });
      return row ?? null;
    },

    /**
     * The median a household's new price is compared with: live listings' when there are at least
     * `atLeast`, else the last 30 days' accepted orders' (also at least `atLeast`), else null. One query
     * in the usual case (a product on sale), as it runs while a household lists.
     */
    async reference(productId: string, atLeast: number, opts: Omit<BoardOptions, "productId"> = {}): Promise<PriceFigures | null> {
      const now = opts.now ?? new Date();
      const one = { ...opts, productId };
      const [live] = [...figures(await tx.$queryRaw<FigureRow[]>(summarise(liveSource(one)))).values()];
      if (live && live.count >= atLeast) return live;
      const [sold] = [...figures(await tx.$queryRaw<FigureRow[]>(summarise(orderSource(new Date(now.getTime() - 30 * DAY_MS), one)))).values()];
      return sold && sold.count >= atLeast ? sold : null;
    },

    /**
     * Accepted orders' prices per Vietnamese day over the last 30 days (today included), oldest first;
     * days without orders are left out. One pass over the window, each order put in its day.
     */
    async daily(productId: string, opts: Omit<BoardOptions, "productId"> = {}): Promise<DayPrices[]> {
      const now = opts.now ?? new Date();
      const today = vnDayStart(now);
      const days = Array.from({ length: CHART_DAYS }, (_, i) => new Date(today.getTime() - (CHART_DAYS - 1 - i) * DAY_MS));
      // The day of each order by comparison with the day starts (newest first): portable, one pass.
      const dayOf = Prisma.join(
        days.map((day, i) => ({ day, i })).reverse().map(({ day, i }) => Prisma.sql`WHEN at >= ${day} THEN ${i}`),
        " ",
      );
      const rows = await tx.$queryRaw<Array<{ d: unknown; n: unknown; lo: unknown; hi: unknown; mean: unknown }>>`
        SELECT d, COUNT(*) AS n, MIN(price) AS lo, MAX(price) AS hi, AVG(price) AS mean
        FROM (SELECT CASE ${dayOf} END AS d, price FROM (${orderSource(days[0], { ...opts, productId }, true)}) s) b
        GROUP BY d`;
      return rows
        .filter((r) => r.d !== null && num(r.n) > 0)
        .map((r) => ({ day: days[num(r.d)], count: num(r.n), min: num(r.lo), max: num(r.hi), mean: Math.round(num(r.mean)) }))
        .sort((a, b) => a.day.getTime() - b.day.getTime());
    },
  };
}

// The prices a household's new price is compared with ("thấp hơn giá giữa của tỉnh khoảng 10%",
// flows/market.ts): the same figures as prices.reference (other shops' live listings, else their
// accepted orders of the last 30 days), but asked on every listing a household makes. The SQL median
// sorts every live listing of the product, about 2 ms a turn at 2,000 listings and growing with the
// province; so a product's prices are read at most once a minute per database, and the median
// without the asking shop is taken in memory. New listings and stock running out show within the
// minute, which is fine for a line that says "about 10% lower".
import type { Tx } from "../db/client.ts";
import { perClient, queryRows } from "../db/plain-sql.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { ACCEPTED_STATUSES, type PriceFigures } from "./prices.ts";

/** How long a product's prices are used before they are read again. */
export const SAMPLE_FRESH_MS = 60_000;
const DAY_MS = 86_400_000;

interface PricePoint {
  shopId: string;
  price: number;
}

interface Sample {
  readAt: number;
  points: PricePoint[];
}

interface ProductSamples {
  live?: Sample;
  sold?: Sample;
}

const SAMPLES = Symbol("market-samples");
const samplesOf = (tx: Tx) => perClient(tx, SAMPLES, () => new Map<string, ProductSamples>());

/** Lowest, median (the middle one, or the mean of the two middle ones, rounded), highest; as the SQL does. */
export function summarisePrices(points: PricePoint[], excludeShopId?: string): PriceFigures | null {
  const prices = points.filter((p) => p.shopId !== excludeShopId).map((p) => p.price);
  if (prices.length === 0) return null;
  prices.sort((a, b) => a - b);
  const n = prices.length;
  const median = n % 2 === 1 ? prices[(n - 1) / 2] : (prices[n / 2 - 1] + prices[n / 2]) / 2;
  return { count: n, min: prices[0], median: Math.round(median), max: prices[n - 1] };
}

const points = (rows: Array<{ shopId: string; price: unknown }>): PricePoint[] => rows.map((r) => ({ shopId: r.shopId, price: Number(r.price) }));

export function marketSample(tx: Tx) {
  async function read(productId: string, kind: keyof ProductSamples, now: Date, load: () => Promise<PricePoint[]>): Promise<PricePoint[]> {
    const samples = samplesOf(tx);
    const entry = samples.get(productId) ?? {};
    const held = entry[kind];
    // A clock that went back (a test's fixed "now") also reads again.
    const age = now.getTime() - (held?.readAt ?? -Infinity);
    if (held && age >= 0 && age < SAMPLE_FRESH_MS) return held.points;
    entry[kind] = { readAt: now.getTime(), points: await load() };
    samples.set(productId, entry);
    return entry[kind]!.points;
  }

  return {
    /** prices.reference, from the minute-old sample. */
    async reference(productId: string, atLeast: number, opts: { now?: Date; excludeShopId?: string } = {}): Promise<PriceFigures | null> {
      const now = opts.now ?? new Date();
      const liveRows = await read(productId, "live", now, async () =>
        points(
          await queryRows<{ shopId: string; price: unknown }>(tx, Prisma.sql`
            SELECT l."shopId", l."priceVnd" AS price FROM "Listing" l JOIN "Product" p ON p."id" = l."productId"
            WHERE l."productId" = ${productId} AND l."status" = 'active' AND l."stockMilli" > 0 AND l."unit" = p."unit"`),
        ),
      );
      const live = summarisePrices(liveRows, opts.excludeShopId);
      if (live && live.count >= atLeast) return live;
      const soldRows = await read(productId, "sold", now, async () =>
        points(
          await queryRows<{ shopId: string; price: unknown }>(tx, Prisma.sql`
            SELECT l."shopId", o."unitPriceVnd" AS price FROM "Order" o
            JOIN "Listing" l ON l."id" = o."listingId" JOIN "Product" p ON p."id" = l."productId"
            WHERE o."createdAt" >= ${new Date(now.getTime() - 30 * DAY_MS)} AND o."status" IN (${Prisma.join([...ACCEPTED_STATUSES])})
              AND l."unit" = p."unit" AND l."productId" = ${productId}`),
        ),
      );
      const sold = summarisePrices(soldRows, opts.excludeShopId);
      return sold && sold.count >= atLeast ? sold : null;
    },
  };
}

// Rate-limit counts shared by every instance behind a balancer: one row per counted key, counted with
// one atomic upsert (no lock held across requests), so N instances allow a limit once, not N times.
// A store for @fastify/rate-limit (its `store` option): fixed windows, like its in-memory store.
//
// The window starts at the first request counted; a request after it ends starts a new one. Both
// databases evaluate every SET expression against the row as it was, so the CASEs below read the old
// window. Times are the instance's clock in ms: instances are NTP-synchronised and a window is minutes.
import type { Db } from "../db/client.ts";

type Counted = { current: number; ttl: number };
type Done = (err: Error | null, result: Counted) => void;

/** Counts one request under `key`; the count in the current window and the ms left of it. */
export async function countRequest(db: Db, key: string, windowMs: number, now = Date.now()): Promise<Counted> {
  const expired = now - windowMs;
  const [row] = await db.$queryRaw<Array<{ count: number | bigint; windowStart: number }>>`
    INSERT INTO "RateCount" ("key", "windowStart", "count") VALUES (${key}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateCount"."windowStart" <= ${expired} THEN 1 ELSE "RateCount"."count" + 1 END,
      "windowStart" = CASE WHEN "RateCount"."windowStart" <= ${expired} THEN ${now} ELSE "RateCount"."windowStart" END
    RETURNING "count", "windowStart"`;
  return { current: Number(row.count), ttl: Math.max(0, Number(row.windowStart) + windowMs - now) };
}

/**
 * The store class the plugin instantiates. Keys already name their limit (rate-limit.ts), so a
 * route's child store is the same store.
 */
export function databaseRateStore(db: Db) {
  return class DatabaseRateStore {
    incr(key: string, done: Done, timeWindow: number): void {
      countRequest(db, key, timeWindow).then((r) => done(null, r), (err: Error) => done(err, { current: 0, ttl: 0 }));
    }
    child(): DatabaseRateStore {
      return this;
    }
  };
}

// Housekeeping tables that only grow: update ids kept for dedupe (Telegram and Zalo redeliver for
// hours, not weeks), idempotency records of partner API calls (partners retry within days), and
// expired dashboard login links and sessions, shared rate-limit counts (src/http/rate-store.ts) whose
// window ended long ago, and notices kept for people outside a messaging window who never wrote again
// (core/held-notices.ts).
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { officerSessions } from "../dashboard/auth.ts";
import { HELD_MAX_AGE_MS } from "./held-notices.ts";

export const PROCESSED_UPDATE_TTL_MS = 14 * 24 * 3600_000;
export const IDEMPOTENCY_TTL_MS = 30 * 24 * 3600_000;
/** the longest rate-limit window is 10 minutes */
export const RATE_COUNT_TTL_MS = 24 * 3600_000;

export async function purgeOld(db: Db, now = new Date()): Promise<{ updates: number; idempotency: number; logins: number; rates: number; held: number }> {
  const updates = await db.processedUpdate.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - PROCESSED_UPDATE_TTL_MS) } } });
  const idempotency = await db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } } });
  const logins = await officerSessions(db).purge(now);
  const rates = await db.rateCount.deleteMany({ where: { windowStart: { lt: now.getTime() - RATE_COUNT_TTL_MS } } });
  const held = await db.heldNotice.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - HELD_MAX_AGE_MS) } } });
  return { updates: updates.count, idempotency: idempotency.count, logins, rates: rates.count, held: held.count };
}

export function startMaintenance(db: Db, log: Logger, everyMs = 3600_000): () => void {
  const timer = setInterval(() => {
    purgeOld(db).catch((err) => log.error({ err }, "maintenance failed"));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

// Idempotency-Key handling for partner API calls. A record "<client>:<key>" holds a hash of the request
// body and the response that was sent; a repeat of the same request gets that response again and
// changes nothing, a different body under the same key is refused.
//
// Concurrency: the record is inserted first, in the same database transaction as the work it guards,
// and committed together with it. A concurrent request with the same key therefore cannot get past the
// insert until the first transaction ends: on PostgreSQL its INSERT waits on the unique index, on SQLite
// the write lock (and Prisma's transaction queue) serialises the two. When the first commits, the
// second fails on the unique key, rolls back and replays the committed response; when the first rolls
// back (an error), the second simply goes ahead. A record is never visible half-done, so a crash
// between "started" and "finished" cannot leave a key stuck.
import { createHash } from "node:crypto";
import type { Db, Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/client.ts";

/** 1-200 printable ASCII characters (a UUID, a ULID, the partner's own order number...). */
export const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotentOutcome<T> =
  /** the work ran now; `extra` is what the caller needs after the commit (e.g. whom to notify) */
  | { kind: "fresh"; response: StoredResponse; extra: T }
  /** the same request was made before: its response, as it was sent */
  | { kind: "replay"; status: number; json: string }
  /** the key was used before for a different request */
  | { kind: "conflict" };

/** JSON with object keys sorted at every level, so key order and whitespace do not change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export const requestHash = (body: unknown) => createHash("sha256").update(canonicalJson(body)).digest("hex");

/** Status stored while the transaction that inserted the record is still running (never committed as such). */
const IN_PROGRESS = 0;

/**
 * Runs `work` once per (client, key): inside one transaction with the record, or not at all when the
 * record already exists (then replays or refuses). `work` returns the response to store and send.
 */
export async function idempotent<T>(
  db: Db,
  recordKey: string,
  hash: string,
  work: (tx: Tx) => Promise<{ response: StoredResponse; extra: T }>,
): Promise<IdempotentOutcome<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const done = await db.$transaction(
        async (tx) => {
          await tx.idempotencyRecord.create({ data: { key: recordKey, requestHash: hash, status: IN_PROGRESS, response: "" } });
          const result = await work(tx);
          await tx.idempotencyRecord.update({
            where: { key: recordKey },
            data: { status: result.response.status, response: JSON.stringify(result.response.body) },
          });
          return result;
        },
        // Many buyers of one listing queue on its row (PostgreSQL) or on the write lock (SQLite).
        { maxWait: 10_000, timeout: 15_000 },
      );
      return { kind: "fresh", ...done };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const existing = await db.idempotencyRecord.findUnique({ where: { key: recordKey } });
      // The unique violation came from elsewhere (not our key), or the record vanished: try again once.
      if (!existing) {
        if (attempt >= 1) throw e;
        continue;
      }
      if (existing.requestHash !== hash) return { kind: "conflict" };
      // Committed records are always finished (see above); this only guards against foreign writers.
      if (existing.status === IN_PROGRESS) throw new Error(`idempotency record ${recordKey} committed unfinished`);
      return { kind: "replay", status: existing.status, json: existing.response };
    }
  }
}

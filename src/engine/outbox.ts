// The chat outbox: every message the bot owes someone (a turn's replies, an order notice) is written
// in the same transaction as the change that caused it, so a crash can no longer commit a turn and
// lose its reply. Rows are deleted once delivered (or given up); see delivery.ts for the sender.
//
// Ownership: the instance that writes a row takes it at once (leaseUntil = now + lease) and delivers
// it from memory after the commit, with no further read. Rows whose lease ran out (their instance
// died, or was stopped before it could send) are claimed by whichever instance sweeps first.
import type { NotifyTarget } from "../core/notify.ts";
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { executeSql, queryRows } from "../db/plain-sql.ts";
import type { ChannelName, Outbound } from "./message.ts";

export interface PendingMessage {
  id: number;
  channel: ChannelName;
  chatKey: string;
  locale: string;
  message: Outbound;
  attempts: number;
}

/** rows per INSERT: far below the bound-value limits of SQLite (32,766) and PostgreSQL (65,535) */
const WRITE_CHUNK = 1000;

export interface OutboxOptions {
  postgres: boolean;
  /** how long an instance owns the rows it wrote or claimed */
  leaseMs: number;
}

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly opts: OutboxOptions,
  ) {}

  /**
   * Writes messages for one or more chats inside the caller's transaction; the rows belong to this
   * instance for one lease. Returns them (with their ids) for delivery after the commit.
   */
  async write(tx: Tx, items: Array<{ to: NotifyTarget; messages: Outbound[] }>, now = Date.now()): Promise<PendingMessage[]> {
    const data = items.flatMap(({ to, messages }) =>
      messages.map((m) => ({ channel: to.channel, chatKey: to.chatKey, locale: to.locale, message: m, text: JSON.stringify(m) })),
    );
    const pending: PendingMessage[] = [];
    const createdAt = new Date(now);
    // Plain SQL, as for the rest of a turn's writes (see turn-store.ts). Ids grow with the rows of one
    // statement on both databases, so the sorted ids follow `data`.
    for (let i = 0; i < data.length; i += WRITE_CHUNK) {
      const chunk = data.slice(i, i + WRITE_CHUNK);
      const rows = await queryRows<{ id: number | bigint }>(tx, Prisma.sql`
        INSERT INTO "ChatOutbox" ("channel", "chatKey", "locale", "message", "attempts", "nextAttemptAt", "leaseUntil", "createdAt")
        VALUES ${Prisma.join(chunk.map((d) => Prisma.sql`(${d.channel}, ${d.chatKey}, ${d.locale}, ${d.text}, 0, 0, ${now + this.opts.leaseMs}, ${createdAt})`))}
        RETURNING "id"`);
      const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
      chunk.forEach((d, j) => pending.push({ id: ids[j], channel: d.channel as ChannelName, chatKey: d.chatKey, locale: d.locale, message: d.message, attempts: 0 }));
    }
    return pending;
  }

  /**
   * Takes up to `limit` due rows of these channels that nobody owns (lease over), oldest first, for
   * one lease. One statement: on PostgreSQL rows another instance is claiming are skipped (SKIP
   * LOCKED), on SQLite the single writer makes it atomic. `all`: ignore leases (a single-process
   * SQLite deployment starting up: whoever held them is gone).
   */
  async claim(channels: ChannelName[], limit: number, opts: { all?: boolean; now?: number } = {}): Promise<PendingMessage[]> {
    if (channels.length === 0) return [];
    const now = opts.now ?? Date.now();
    const until = now + this.opts.leaseMs;
    const leaseBound = opts.all ? Number.MAX_VALUE : now;
    const lock = this.opts.postgres ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
    const rows = await queryRows<{ id: number | bigint; channel: string; chatKey: string; locale: string; message: string; attempts: number | bigint }>(this.db, Prisma.sql`
      UPDATE "ChatOutbox" SET "leaseUntil" = ${until}
      WHERE "id" IN (
        SELECT "id" FROM "ChatOutbox"
        WHERE "leaseUntil" < ${leaseBound} AND "nextAttemptAt" <= ${now} AND "channel" IN (${Prisma.join(channels)})
        ORDER BY "id" LIMIT ${limit} ${lock}
      )
      RETURNING "id", "channel", "chatKey", "locale", "message", "attempts"`);
    return rows
      .map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts), channel: r.channel as ChannelName, message: JSON.parse(r.message) as Outbound }))
      .sort((a, b) => a.id - b.id);
  }

  /** Delivered or given up: the rows go. */
  async done(ids: number[]): Promise<void> {
    if (ids.length > 0) await executeSql(this.db, Prisma.sql`DELETE FROM "ChatOutbox" WHERE "id" IN (${Prisma.join(ids)})`);
  }

  /** Will be tried again at `at`; the lease covers the wait so no other instance takes it meanwhile. */
  async later(id: number, attempts: number, at: number): Promise<void> {
    await this.db.chatOutbox.updateMany({ where: { id }, data: { attempts, nextAttemptAt: at, leaseUntil: at + this.opts.leaseMs } });
  }

  /** Hands rows back (stopping before they could be sent): due again at once for anyone. */
  async release(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db.chatOutbox.updateMany({ where: { id: { in: ids } }, data: { leaseUntil: 0 } });
  }

  async pendingCount(): Promise<number> {
    return this.db.chatOutbox.count();
  }
}

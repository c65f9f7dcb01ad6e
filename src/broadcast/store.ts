// Broadcasts in the database: who is in the audience, the outbox (one row per recipient, written in
// chunks), claiming rows for sending (several instances never take the same row), and the report.
//
// Outbox row states: waiting (being written) → pending → sending (leased by one instance until
// `leaseUntil`) → sent | failed | blocked; cancelled when the officer stops the broadcast.
// A "sending" row whose lease has run out belongs to an instance that died: it is taken again.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/client.ts";
import type { ChannelName } from "../core/messages.ts";

export interface Audience {
  /** chosen communes; empty = everything in the officer's scope */
  communes: string[];
  /** only households with a live listing of this product */
  productId: string | null;
  channels: ChannelName[];
  /** a test send to the officer's own chat: no audience, no report */
  test?: boolean;
}

export interface Scope {
  provinceCode: string;
  /** the officer's communes; empty = the whole province */
  communes: string[];
}

export type BroadcastStatus = "scheduled" | "preparing" | "sending" | "done" | "cancelled";

export interface Counts {
  pending: number;
  sent: number;
  failed: number;
  blocked: number;
  cancelled: number;
}

export interface Report extends Counts {
  number: number;
  status: BroadcastStatus;
  total: number;
  optedOut: number;
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ClaimedRow {
  id: number;
  broadcastId: string;
  chatKey: string;
  locale: string;
  attempts: number;
}

/** Households read per query while writing the outbox (bounded memory for 100,000 recipients). */
const PAGE = 5_000;

/** Which households an audience means, as a Prisma filter (opt-outs and reachability apart). */
export function householdFilter(a: Audience, scope: Scope) {
  const communes = a.communes.length ? a.communes : scope.communes;
  return {
    provinceCode: scope.provinceCode,
    ...(communes.length ? { communeCode: { in: communes } } : {}),
    ...(a.productId ? { shop: { listings: { some: { productId: a.productId, status: "active" } } } } : {}),
    accounts: { some: { channel: { in: a.channels } } },
  };
}

/** Communes chosen by an officer must lie in their scope (checked again on the server at send time). */
export function inScope(a: Audience, scope: Scope): boolean {
  return scope.communes.length === 0 || a.communes.every((c) => scope.communes.includes(c));
}

export function broadcasts(tx: Tx | Db) {
  return {
    /** Households that will get it: in the audience, not opted out, reachable on a chosen channel. */
    async countRecipients(a: Audience, scope: Scope): Promise<number> {
      return tx.household.count({
        where: {
          ...householdFilter(a, scope),
          announcementOptOut: { is: null },
          AND: [{ accounts: { some: { channel: { in: a.channels }, unreachable: false } } }],
        },
      });
    },

    async create(input: {
      officer: { id: string; channel: ChannelName; chatKey: string; locale: string };
      text: string;
      photo: { ref: string; channel: string } | null;
      audience: Audience;
      scheduledAt: Date;
    }): Promise<{ id: string; number: number }> {
      for (let attempt = 0; ; attempt++) {
        const last = await tx.broadcast.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
        const number = (last?.number ?? 0) + 1;
        try {
          const test = !!input.audience.test;
          const row = await tx.broadcast.create({
            data: {
              number,
              officerId: input.officer.id,
              officerChannel: input.officer.channel,
              officerChatKey: input.officer.chatKey,
              officerLocale: input.officer.locale,
              text: input.text,
              photoRef: input.photo?.ref ?? null,
              photoChannel: input.photo?.channel ?? null,
              audience: JSON.stringify(input.audience),
              // a test send has exactly one recipient, written here: it goes out at once
              status: test ? "sending" : "scheduled",
              scheduledAt: input.scheduledAt,
              startedAt: test ? new Date() : null,
              total: test ? 1 : 0,
            },
          });
          if (test) {
            await tx.outboxMessage.create({
              data: {
                broadcastId: row.id,
                channel: input.officer.channel,
                chatKey: input.officer.chatKey,
                locale: input.officer.locale,
              },
            });
          }
          return { id: row.id, number };
        } catch (e) {
          if (!isUniqueViolation(e) || attempt >= 5) throw e;
        }
      }
    },

    /** The officer's latest announcements (test sends left out). */
    async recent(officerId: string, take = 5): Promise<Report[]> {
      const rows = await tx.broadcast.findMany({
        where: { officerId, NOT: { audience: { contains: '"test":true' } } },
        orderBy: { createdAt: "desc" },
        take,
      });
      const counts = await this.counts(rows.map((r) => r.id));
      return rows.map((r) => toReport(r, counts.get(r.id)));
    },

    /**
     * The latest announcements that reached households of a scope (dashboard): any officer's, when
     * its audience (or, for "all in scope", the sending officer's communes) meets the scope.
     */
    async recentInScope(scope: Scope, take = 8): Promise<Array<Report & { text: string; communes: string[] }>> {
      const rows = await tx.broadcast.findMany({
        where: { NOT: { audience: { contains: '"test":true' } } },
        orderBy: { createdAt: "desc" },
        take: scope.communes.length ? take * 10 : take,
      });
      if (!rows.length) return [];
      const senders = await tx.officer.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.officerId))] } }, select: { id: true, communes: true } });
      const senderCommunes = new Map(senders.map((o) => [o.id, JSON.parse(o.communes) as string[]]));
      const reached = rows
        .map((r) => {
          const chosen = (JSON.parse(r.audience) as Audience).communes;
          return { row: r, communes: chosen.length ? chosen : (senderCommunes.get(r.officerId) ?? []) };
        })
        .filter(({ communes }) => !scope.communes.length || !communes.length || communes.some((c) => scope.communes.includes(c)))
        .slice(0, take);
      const counts = await this.counts(reached.map(({ row }) => row.id));
      return reached.map(({ row, communes }) => ({ ...toReport(row, counts.get(row.id)), text: row.text, communes }));
    },

    async report(id: string): Promise<Report | null> {
      const row = await tx.broadcast.findUnique({ where: { id } });
      if (!row) return null;
      return toReport(row, (await this.counts([id])).get(id));
    },

    /** Outbox rows by state, one grouped query for any number of broadcasts. */
    async counts(ids: string[]): Promise<Map<string, Counts>> {
      const out = new Map<string, Counts>();
      if (ids.length === 0) return out;
      const groups = await tx.outboxMessage.groupBy({ by: ["broadcastId", "status"], where: { broadcastId: { in: ids } }, _count: { _all: true } });
      for (const id of ids) out.set(id, { pending: 0, sent: 0, failed: 0, blocked: 0, cancelled: 0 });
      for (const g of groups) {
        const c = out.get(g.broadcastId)!;
        const n = g._count._all;
        if (g.status === "sent" || g.status === "failed" || g.status === "blocked" || g.status === "cancelled") c[g.status] += n;
        else c.pending += n; // waiting, pending, sending
      }
      return out;
    },

    async byNumber(number: number) {
      return Number.isInteger(number) ? tx.broadcast.findUnique({ where: { number } }) : null;
    },

    /** TAT: no announcements for this household (order messages still reach it). */
    async optOut(householdId: string): Promise<void> {
      await tx.announcementOptOut.upsert({ where: { householdId }, create: { householdId }, update: {} });
    },

    /** BAT: announcements again. */
    async optIn(householdId: string): Promise<void> {
      await tx.announcementOptOut.deleteMany({ where: { householdId } });
    },

    /** Stop a broadcast that has not finished: rows not yet taken are never sent. Only its officer may. */
    async cancel(id: string, officerId: string): Promise<boolean> {
      const r = await tx.broadcast.updateMany({
        where: { id, officerId, status: { in: ["scheduled", "preparing", "sending"] } },
        data: { status: "cancelled", finishedAt: new Date() },
      });
      if (r.count === 0) return false;
      await tx.outboxMessage.updateMany({ where: { broadcastId: id, status: { in: ["waiting", "pending"] } }, data: { status: "cancelled" } });
      return true;
    },

    /** All unfinished broadcasts of an officer (on revoke). */
    async cancelAllOf(officerId: string): Promise<number> {
      const open = await tx.broadcast.findMany({ where: { officerId, status: { in: ["scheduled", "preparing", "sending"] } }, select: { id: true } });
      for (const b of open) await this.cancel(b.id, officerId);
      return open.length;
    },
  };
}

function toReport(
  r: { number: number; status: string; total: number; optedOut: number; skipped: number; scheduledAt: Date; startedAt: Date | null; finishedAt: Date | null },
  c: Counts | undefined,
): Report {
  const counts = c ?? { pending: 0, sent: 0, failed: 0, blocked: 0, cancelled: 0 };
  return {
    ...counts,
    blocked: counts.blocked + r.skipped,
    number: r.number,
    status: r.status as BroadcastStatus,
    total: r.total,
    optedOut: r.optedOut,
    scheduledAt: r.scheduledAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

// ---- the outbox, used by the scheduler and the dispatchers (outside chat turns) ----

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly postgres: boolean,
  ) {}

  /**
   * Write one row per recipient, then release them all at once. Set-based: each page of 5,000
   * households is one INSERT … SELECT inside the database (no row travels through JavaScript), which
   * picks for every household one reachable chat on the chosen channels, the one it used last first.
   * Idempotent: rows left by an instance that died while writing are deleted first (none of them was
   * sent: they were "waiting"). `renew` is called between pages to keep the preparing lease.
   */
  async prepare(broadcastId: string, scope: Scope, renew: () => Promise<boolean>): Promise<{ total: number; optedOut: number; skipped: number } | null> {
    const b = await this.db.broadcast.findUnique({ where: { id: broadcastId } });
    if (!b) return null;
    const audience = JSON.parse(b.audience) as Audience;
    await this.db.outboxMessage.deleteMany({ where: { broadcastId } });
    const filter = householdFilter(audience, scope);
    const [optedOut, eligible] = await Promise.all([
      this.db.household.count({ where: { ...filter, announcementOptOut: { isNot: null } } }),
      this.db.household.count({ where: { ...filter, announcementOptOut: { is: null } } }),
    ]);
    const communes = audience.communes.length ? audience.communes : scope.communes;
    const conditions = [
      Prisma.sql`h."provinceCode" = ${scope.provinceCode}`,
      Prisma.sql`a."channel" IN (${Prisma.join(audience.channels)})`,
      Prisma.sql`a."unreachable" = false`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "AnnouncementOptOut" o WHERE o."householdId" = h."id")`,
    ];
    if (communes.length) conditions.push(Prisma.sql`h."communeCode" IN (${Prisma.join(communes)})`);
    if (audience.productId) {
      conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Shop" s JOIN "Listing" l ON l."shopId" = s."id"
        WHERE s."householdId" = h."id" AND l."productId" = ${audience.productId} AND l."status" = 'active')`);
    }
    let total = 0;
    let cursor = "";
    for (;;) {
      const bound = await this.db.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "Household" WHERE "id" > ${cursor} ORDER BY "id" LIMIT 1 OFFSET ${PAGE - 1}`;
      const upper = bound[0]?.id;
      const range = upper ? Prisma.sql`h."id" > ${cursor} AND h."id" <= ${upper}` : Prisma.sql`h."id" > ${cursor}`;
      total += await this.db.$executeRaw`
        INSERT INTO "OutboxMessage" ("broadcastId", "channel", "chatKey", "locale", "status", "attempts", "leaseUntil")
        SELECT ${broadcastId}, x."channel", x."chatKey", x."locale", 'waiting', 0, 0 FROM (
          SELECT a."channel", a."chatKey", COALESCE(a."locale", 'vi') AS "locale",
                 ROW_NUMBER() OVER (PARTITION BY h."id" ORDER BY CASE WHEN a."channel" = h."lastChannel" THEN 0 ELSE 1 END, a."channel") AS rn
          FROM "Household" h JOIN "ChannelAccount" a ON a."householdId" = h."id"
          WHERE ${range} AND ${Prisma.join(conditions, " AND ")}
        ) x WHERE x.rn = 1`;
      if (!(await renew())) {
        // Lost the lease: cancelled by the officer (drop what was written), or taken over by another
        // instance after a long stall (it rewrites everything itself).
        const now = await this.db.broadcast.findUnique({ where: { id: broadcastId }, select: { status: true } });
        if (now?.status === "cancelled") await this.db.outboxMessage.updateMany({ where: { broadcastId, status: "waiting" }, data: { status: "cancelled" } });
        return null;
      }
      if (!upper) break;
      cursor = upper;
    }
    const skipped = Math.max(0, eligible - total); // in the audience, but no reachable chat on those channels
    // Release the rows and start, in one transaction: either both happen or neither.
    const [, started] = await this.db.$transaction([
      this.db.outboxMessage.updateMany({ where: { broadcastId, status: "waiting" }, data: { status: "pending" } }),
      this.db.broadcast.updateMany({
        where: { id: broadcastId, status: "preparing" },
        data: { status: "sending", startedAt: new Date(), progressAt: Date.now(), total, optedOut, skipped },
      }),
    ]);
    if (started.count === 0) {
      await this.db.outboxMessage.updateMany({ where: { broadcastId, status: { in: ["waiting", "pending"] } }, data: { status: "cancelled" } });
      return null;
    }
    return { total, optedOut, skipped };
  }

  /**
   * Lease up to `limit` rows of a channel for `leaseMs`. PostgreSQL: FOR UPDATE SKIP LOCKED, so
   * instances never wait for or take each other's rows. SQLite: one UPDATE … RETURNING is atomic
   * (the database has one writer at a time). No ORDER BY: the index gives rows in about the order
   * they were written, and sorting every pending row on each claim would cost more than it is worth.
   */
  async claim(channel: ChannelName, owner: string, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
    const now = Date.now();
    const until = now + leaseMs;
    const lock = this.postgres ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
    const rows = await this.db.$queryRaw<Array<{ id: number | bigint; broadcastId: string; chatKey: string; locale: string; attempts: number | bigint }>>`
      UPDATE "OutboxMessage" SET "status" = 'sending', "leaseOwner" = ${owner}, "leaseUntil" = ${until}, "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "OutboxMessage"
        WHERE "channel" = ${channel} AND ("status" = 'pending' OR ("status" = 'sending' AND "leaseUntil" < ${now}))
        LIMIT ${limit} ${lock}
      )
      RETURNING "id", "broadcastId", "chatKey", "locale", "attempts"`;
    return rows
      .map((r) => ({ id: Number(r.id), broadcastId: r.broadcastId, chatKey: r.chatKey, locale: r.locale, attempts: Number(r.attempts) }))
      .sort((a, b) => a.id - b.id);
  }

  /**
   * Record outcomes: one UPDATE for all of them, whatever the number of rows (raw SQL: this runs
   * hundreds of times a second during a big broadcast, and Prisma's query builder would cost more than
   * the database does). Only rows still leased by this instance are touched.
   */
  async finish(results: { sent: number[]; failed: number[]; blocked: number[]; cancelled: number[]; retry: number[] }, owner: string): Promise<void> {
    const kinds = [
      ["sent", results.sent],
      ["failed", results.failed],
      ["blocked", results.blocked],
      ["cancelled", results.cancelled],
      ["pending", results.retry],
    ] as const;
    const present = kinds.filter(([, ids]) => ids.length > 0);
    if (present.length === 0) return;
    const all = present.flatMap(([, ids]) => ids);
    const status =
      present.length === 1
        ? Prisma.sql`${present[0][0]}`
        : Prisma.sql`CASE ${Prisma.join(present.map(([st, ids]) => Prisma.sql`WHEN "id" IN (${Prisma.join(ids)}) THEN ${st}`), " ")} END`;
    await this.db.$executeRaw`
      UPDATE "OutboxMessage" SET "status" = ${status}, "leaseUntil" = 0
      WHERE "id" IN (${Prisma.join(all)}) AND "status" = 'sending' AND "leaseOwner" = ${owner}`;
  }

  /** Give back rows this instance leased but did not send (shutdown, 429): someone sends them later. */
  async release(ids: number[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.$executeRaw`
      UPDATE "OutboxMessage" SET "status" = 'pending', "leaseUntil" = 0, "attempts" = "attempts" - 1
      WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'sending' AND "leaseOwner" = ${owner}`;
  }

}

// Channel accounts: one person on one platform. Created only when there is something to remember
// (a registration or a chosen language), so someone who declines consent leaves nothing behind.
import type { Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { executeSql, queryRows } from "../db/plain-sql.ts";
import type { HouseholdView, PaymentMethod } from "./households.ts";
import type { ChannelName } from "./messages.ts";

/** A person's account as a turn sees it: with their household (null before registration). */
export interface SeenAccount {
  id: string;
  channel: string;
  userKey: string;
  chatKey: string;
  householdId: string | null;
  locale: string | null;
  household: HouseholdView | null;
}

/** One row of the join in `seenMany`: the household's and shop's columns are null when there is none. */
interface SeenRow {
  id: string;
  channel: string;
  userKey: string;
  chatKey: string;
  householdId: string | null;
  locale: string | null;
  name: string | null;
  phone: string | null;
  provinceCode: string | null;
  communeCode: string | null;
  payment: string | null;
  lastChannel: string | null;
  shopId: string | null;
  shopName: string | null;
  shopSlug: string | null;
  lastSeenAt: Date | string | number | null;
}

/** A raw DateTime column: a Date on PostgreSQL; on SQLite text or milliseconds, depending on how it was written. */
function rawDate(v: Date | string | number | null): Date | undefined {
  if (v === null) return undefined;
  const d = v instanceof Date ? v : new Date(typeof v === "number" ? v : /^\d+$/.test(v) ? Number(v) : v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function accounts(tx: Tx) {
  return {
    async setLocale(identity: { channel: ChannelName; userKey: string; chatKey: string }, locale: string) {
      const { channel, userKey, chatKey } = identity;
      await tx.channelAccount.upsert({
        where: { channel_userKey: { channel, userKey } },
        create: { channel, userKey, chatKey, locale },
        update: { locale },
      });
    },

    /**
     * These people wrote (a group of turns): each is reachable again, and the channel they wrote on is
     * the one to notify their household on. One read (account, household and shop joined) and at most
     * one write per table, whatever the number of people. Keyed by "channel:userKey"; nobody new is
     * created. Plain SQL: Prisma's own statements cost about 0.3 ms per person here (see db/plain-sql.ts).
     */
    async seenMany(people: Array<{ channel: ChannelName; userKey: string }>): Promise<Map<string, SeenAccount>> {
      const seen = new Map<string, SeenAccount>();
      if (people.length === 0) return seen;
      const found = await queryRows<SeenRow>(tx, Prisma.sql`
        SELECT a."id", a."channel", a."userKey", a."chatKey", a."householdId", a."locale", a."lastSeenAt",
               h."name", h."phone", h."provinceCode", h."communeCode", h."payment", h."lastChannel",
               s."id" AS "shopId", s."name" AS "shopName", s."slug" AS "shopSlug"
        FROM "ChannelAccount" a
        LEFT JOIN "Household" h ON h."id" = a."householdId"
        LEFT JOIN "Shop" s ON s."householdId" = h."id"
        WHERE (a."channel", a."userKey") IN (VALUES ${Prisma.join(people.map(({ channel, userKey }) => Prisma.sql`(${channel}, ${userKey})`))})`);
      if (found.length === 0) return seen;
      await executeSql(tx, Prisma.sql`
        UPDATE "ChannelAccount" SET "lastSeenAt" = ${new Date()}, "unreachable" = FALSE
        WHERE "id" IN (${Prisma.join(found.map((a) => a.id))})`);
      // Only households whose channel changed are written: a write here would also move their updatedAt.
      const moved = new Map<string, string[]>();
      for (const a of found) {
        if (a.householdId && a.name !== null && a.lastChannel !== a.channel) moved.set(a.channel, [...(moved.get(a.channel) ?? []), a.householdId]);
      }
      for (const [channel, ids] of moved) await tx.household.updateMany({ where: { id: { in: ids } }, data: { lastChannel: channel } });
      for (const a of found) {
        const household: HouseholdView | null =
          a.householdId && a.name !== null
            ? {
                id: a.householdId,
                name: a.name,
                phone: a.phone!,
                provinceCode: a.provinceCode!,
                communeCode: a.communeCode!,
                payment: a.payment as PaymentMethod,
                shop: a.shopId ? { id: a.shopId, name: a.shopName!, slug: a.shopSlug! } : null,
                seenBefore: rawDate(a.lastSeenAt),
              }
            : null;
        seen.set(`${a.channel}:${a.userKey}`, { id: a.id, channel: a.channel, userKey: a.userKey, chatKey: a.chatKey, householdId: a.householdId, locale: a.locale, household });
      }
      return seen;
    },

    async markUnreachable(channel: ChannelName, chatKey: string) {
      await tx.channelAccount.updateMany({ where: { channel, chatKey }, data: { unreachable: true } });
    },
  };
}

// Channel accounts: one person on one platform. Created only when there is something to remember
// (a registration or a chosen language), so someone who declines consent leaves nothing behind.
import type { Tx } from "../db/client.ts";
import type { ChannelAccount } from "../generated/prisma/client.ts";
import { householdSelect, type HouseholdView } from "./households.ts";
import type { ChannelName } from "./messages.ts";

/** A person's account as a turn sees it: with their household (null before registration). */
export type SeenAccount = ChannelAccount & { household: HouseholdView | null };

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
     * These people wrote (a batch of turns): each is reachable again, and the channel they wrote on is
     * the one to notify their household on. One read (the account with its household) and at most one
     * write per table, whatever the number of people. Keyed by "channel:userKey"; nobody new is created.
     */
    async seenMany(people: Array<{ channel: ChannelName; userKey: string }>): Promise<Map<string, SeenAccount>> {
      if (people.length === 0) return new Map();
      const found = await tx.channelAccount.findMany({
        where: { OR: people.map(({ channel, userKey }) => ({ channel, userKey })) },
        include: { household: { select: { ...householdSelect, lastChannel: true } } },
      });
      const seen = new Map<string, SeenAccount>();
      if (found.length === 0) return seen;
      const now = new Date();
      await tx.channelAccount.updateMany({ where: { id: { in: found.map((a) => a.id) } }, data: { lastSeenAt: now, unreachable: false } });
      // Only households whose channel changed are written: a write here would also move their updatedAt.
      const moved = new Map<string, string[]>();
      for (const a of found) {
        if (a.household && a.household.lastChannel !== a.channel) moved.set(a.channel, [...(moved.get(a.channel) ?? []), a.household.id]);
      }
      for (const [channel, ids] of moved) await tx.household.updateMany({ where: { id: { in: ids } }, data: { lastChannel: channel } });
      for (const { household, ...account } of found) {
        const view = household ? (({ lastChannel: _, ...rest }) => rest as HouseholdView)(household) : null;
        seen.set(`${account.channel}:${account.userKey}`, { ...account, lastSeenAt: now, unreachable: false, household: view });
      }
      return seen;
    },

    async markUnreachable(channel: ChannelName, chatKey: string) {
      await tx.channelAccount.updateMany({ where: { channel, chatKey }, data: { unreachable: true } });
    },
  };
}

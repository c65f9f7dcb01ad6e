// Channel accounts: one person on one platform. Created only when there is something to remember
// (a registration or a chosen language), so someone who declines consent leaves nothing behind.
import type { Tx } from "../db/client.ts";
import type { ChannelName } from "./messages.ts";

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

    /** The person wrote: reachable again, and this is the channel to notify them on. Returns the account. */
    async seen(channel: ChannelName, userKey: string) {
      const account = await tx.channelAccount.findUnique({ where: { channel_userKey: { channel, userKey } } });
      if (!account) return null;
      const updated = await tx.channelAccount.update({
        where: { id: account.id },
        data: { lastSeenAt: new Date(), unreachable: false },
      });
      if (account.householdId) {
        await tx.household.update({ where: { id: account.householdId }, data: { lastChannel: channel } });
      }
      return updated;
    },

    async markUnreachable(channel: ChannelName, chatKey: string) {
      await tx.channelAccount.updateMany({ where: { channel, chatKey }, data: { unreachable: true } });
    },
  };
}

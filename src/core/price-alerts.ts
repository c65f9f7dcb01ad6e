// Buyers' price alerts (issue 16 part 4): "báo tôi khi có na dưới 40k" keeps one row per chat and
// product (asking again changes it). The matcher (broadcast/alerts.ts) turns a listing that goes live
// into at most one message per chat, product and day; the unsubscribe link carries `token`.
import { randomBytes } from "node:crypto";
import type { Tx } from "../db/client.ts";

export interface AlertRequest {
  productId: string;
  communeCode: string | null;
  maxPriceVnd: number | null;
  channel: string;
  chatKey: string;
  locale: string;
  at?: Date;
  /** the stop link's token when it exists already (an alert asked for on the web, moved onto a chat) */
  token?: string;
}

export interface PriceAlertView {
  id: string;
  productId: string;
  communeCode: string | null;
  maxPriceVnd: number | null;
  channel: string;
  chatKey: string;
  locale: string;
  token: string;
}

/** A chat keeps at most this many alerts (one per product): enough for a trader, not a scraper. */
export const ALERTS_PER_CHAT = 20;

/** The secret of an alert's stop link: 24 URL-safe characters (LINK_TOKEN on the web side). */
export const newAlertToken = () => randomBytes(18).toString("base64url");

export function priceAlerts(tx: Tx) {
  return {
    /** Subscribes (or changes the chat's alert for that product); null when the chat has too many. */
    async subscribe(r: AlertRequest): Promise<PriceAlertView | null> {
      const key = { channel: r.channel, chatKey: r.chatKey, productId: r.productId };
      const existing = await tx.priceAlert.findUnique({ where: { channel_chatKey_productId: key } });
      const fields = { communeCode: r.communeCode, maxPriceVnd: r.maxPriceVnd, locale: r.locale, consentAt: r.at ?? new Date() };
      if (existing) return tx.priceAlert.update({ where: { id: existing.id }, data: fields });
      if ((await tx.priceAlert.count({ where: { channel: r.channel, chatKey: r.chatKey } })) >= ALERTS_PER_CHAT) return null;
      return tx.priceAlert.create({ data: { ...key, ...fields, token: r.token ?? newAlertToken() } });
    },

    byToken(token: string): Promise<PriceAlertView | null> {
      return tx.priceAlert.findUnique({ where: { token } });
    },

    /** Stops an alert by its link's token; false when it was already gone. */
    async unsubscribe(token: string): Promise<boolean> {
      return (await tx.priceAlert.deleteMany({ where: { token } })).count === 1;
    },

    /** Stops a chat's alert for a product (typed in chat). */
    async stop(channel: string, chatKey: string, productId: string): Promise<boolean> {
      return (await tx.priceAlert.deleteMany({ where: { channel, chatKey, productId } })).count === 1;
    },

    ofChat(channel: string, chatKey: string): Promise<PriceAlertView[]> {
      return tx.priceAlert.findMany({ where: { channel, chatKey }, orderBy: { createdAt: "asc" } });
    },
  };
}

// Notices a channel could not deliver yet because the platform only lets the bot write to someone who
// wrote recently (the Zalo OA's messaging window: 7 days since the person's last interaction). They are
// kept here, never dropped, and sent when the person next writes. An order's notice to its household
// that is held (and was not sent by the paid route, ZNS, either) makes the order "not yet told": the
// officers of its commune see it (/chuabao) and can call the household.
import type { Tx } from "../db/client.ts";
import type { Outbound } from "./messages.ts";

/** A held notice older than this is not worth showing any more (orders expire within a day or two). */
export const HELD_MAX_AGE_MS = 30 * 24 * 3600_000;

export interface HeldNoticeRow {
  id: number;
  locale: string;
  message: Outbound;
  orderId: string | null;
}

/**
 * The order an order notice is about: the household's decision buttons carry its id
 * (core/order-notices.ts decisionChoices, "a.acc.<order id>"). Other messages: null.
 */
export function orderOfNotice(message: Outbound): string | null {
  for (const choice of (message.choices ?? []).flat()) {
    const m = /^a\.acc\.(.+)$/.exec(choice.id);
    if (m) return m[1];
  }
  return null;
}

export interface UnnotifiedOrder {
  code: string;
  shopName: string;
  householdName: string;
  householdPhone: string;
  communeCode: string | null;
  heldSince: Date;
}

export function heldNotices(db: Tx) {
  return {
    /** Keeps messages for one chat until the person writes again. */
    async hold(channel: string, chatKey: string, locale: string, messages: Outbound[], opts: { znsAt?: Date } = {}): Promise<void> {
      await db.heldNotice.createMany({
        data: messages.map((m) => ({ channel, chatKey, locale, message: JSON.stringify(m), orderId: orderOfNotice(m), znsAt: opts.znsAt ?? null })),
      });
    },

    /** What is held for a chat, oldest first (still held until `release`). */
    async forChat(channel: string, chatKey: string): Promise<HeldNoticeRow[]> {
      const rows = await db.heldNotice.findMany({
        where: { channel, chatKey, createdAt: { gte: new Date(Date.now() - HELD_MAX_AGE_MS) } },
        orderBy: { id: "asc" },
      });
      return rows.map((r) => ({ id: r.id, locale: r.locale, message: JSON.parse(r.message) as Outbound, orderId: r.orderId }));
    },

    /** Delivered: no longer held (and an order among them is told). Returns how many this call released. */
    async release(ids: number[]): Promise<number> {
      if (ids.length === 0) return 0;
      return (await db.heldNotice.deleteMany({ where: { id: { in: ids } } })).count;
    },

    /**
     * Orders still waiting for their household's answer whose notice could not be delivered (held, and
     * no ZNS sent), in the given communes (all of the province when `communes` is empty).
     */
    async unnotifiedOrders(scope: { provinceCode: string; communes: string[] }, take = 20): Promise<UnnotifiedOrder[]> {
      const held = await db.heldNotice.findMany({
        where: { orderId: { not: null }, znsAt: null, createdAt: { gte: new Date(Date.now() - HELD_MAX_AGE_MS) } },
        select: { orderId: true, createdAt: true },
        orderBy: { id: "asc" },
      });
      if (held.length === 0) return [];
      const since = new Map<string, Date>();
      for (const h of held) if (!since.has(h.orderId!)) since.set(h.orderId!, h.createdAt);
      const orders = await db.order.findMany({
        where: {
          id: { in: [...since.keys()] },
          status: "pending",
          shop: { household: { provinceCode: scope.provinceCode, ...(scope.communes.length ? { communeCode: { in: scope.communes } } : {}) } },
        },
        select: { id: true, code: true, shop: { select: { name: true, household: { select: { name: true, phone: true, communeCode: true } } } } },
        orderBy: { createdAt: "asc" },
        take,
      });
      return orders.map((o) => ({
        code: o.code,
        shopName: o.shop.name,
        householdName: o.shop.household.name,
        householdPhone: o.shop.household.phone,
        communeCode: o.shop.household.communeCode,
        heldSince: since.get(o.id)!,
      }));
    },
  };
}

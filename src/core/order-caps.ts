// Caps that keep one buyer phone from locking a household's stock or flooding it with orders (issue 22
// part 2). Enforced in `orders(tx).place`, so the web form, the chat and the partner API obey them alike.
//   - a phone may hold `perShop` unanswered orders at one shop and `total` across all shops;
//   - one unanswered order holds at most `maxSharePercent` of what a listing has left, unless the
//     household has accepted an order of that phone before (a buyer it knows): a larger order is placed
//     (the stock must be there) but holds only that share; the rest is taken when the household accepts;
//   - a phone the household blocked gets no order in at all;
//   - past `floodAfter` orders told one by one within `floodWindowMs`, new orders wait for one grouped
//     notice ("5 đơn mới", sent by OrderService.tick), so a flood costs the household one message a minute.
// Concurrent orders from one phone are counted one after another: each order first locks the phone's
// BuyerPhone row (an upsert: a row lock on PostgreSQL, the write lock on SQLite) before counting.
import type { Tx } from "../db/client.ts";

export interface OrderCaps {
  perShop: number;
  total: number;
  maxSharePercent: number;
  floodAfter: number;
  floodWindowMs: number;
}

export const DEFAULT_ORDER_CAPS: OrderCaps = { perShop: 3, total: 10, maxSharePercent: 50, floodAfter: 3, floodWindowMs: 10 * 60_000 };

export type CapRefusal = { reason: "blocked" } | { reason: "too_many_open" };
export type CapCheck = { ok: false; refusal: CapRefusal } | { ok: true; holdMilli: number };

/** Whether this phone may place an order of `milli` on this listing now, and how much of it to hold; call before reserving stock. */
export async function checkCaps(
  tx: Tx,
  caps: OrderCaps,
  input: { shopId: string; phone: string; milli: number; stockMilli: number; now: Date },
): Promise<CapCheck> {
  const { shopId, phone, now } = input;
  if (await tx.buyerBlock.findUnique({ where: { shopId_phone: { shopId, phone } }, select: { phone: true } })) return { ok: false, refusal: { reason: "blocked" } };
  // The lock: a second order of this phone waits here until this transaction ends, then counts this one.
  await tx.buyerPhone.upsert({ where: { phone }, create: { phone, lastOrderAt: now }, update: { lastOrderAt: now } });
  const open = await tx.order.findMany({ where: { buyerPhone: phone, status: "pending" }, select: { shopId: true }, take: caps.total + 1 });
  if (open.length >= caps.total || open.filter((o) => o.shopId === shopId).length >= caps.perShop) {
    return { ok: false, refusal: { reason: "too_many_open" } };
  }
  const share = Math.floor((input.stockMilli * caps.maxSharePercent) / 100);
  if (input.milli > share) {
    const known = await tx.order.findFirst({
      where: { shopId, buyerPhone: phone, status: { in: ["accepted", "picked_up", "delivered"] } },
      select: { id: true },
    });
    if (!known) return { ok: true, holdMilli: share };
  }
  return { ok: true, holdMilli: input.milli };
}

/** Is this new order one too many for one-by-one notices? Then it waits for the grouped one. */
export async function heldForGroup(tx: Tx, caps: OrderCaps, shopId: string, now: Date): Promise<boolean> {
  const told = await tx.order.count({
    where: { shopId, status: "pending", noticeAt: { gte: new Date(now.getTime() - caps.floodWindowMs) } },
  });
  if (told >= caps.floodAfter) return true;
  // Orders already waiting for the grouped notice: this one joins them.
  return (await tx.order.count({ where: { shopId, status: "pending", noticeAt: null } })) > 0;
}

/** The household's block: no order from this phone any more. */
export async function blockPhone(tx: Tx, shopId: string, phone: string): Promise<void> {
  await tx.buyerBlock.upsert({ where: { shopId_phone: { shopId, phone } }, create: { shopId, phone }, update: {} });
}

// Shipments booked through a carrier's API (issue 21), as rows: the Pickup row carries the booking's
// state, and every state change is a conditional update from the expected state, so a step happens
// once whatever the number of instances, taps or webhook repeats.
//   manual      the post office polls Chợ Số (no API for this carrier in this deployment)
//   quoting     waiting for the carrier's services and fees      → quoted | manual (no quote)
//   quoted      the household chooses a service                  → booking
//   booking     createOrder with our order code as the reference → booked | placed | manual (refused)
//   placed      the carrier has it but its answer was lost: the waybill comes with its webhook
//   booked      waybill known; tracking by webhook
//   cancelling  cancel asked before pickup                        → cancelled | booked (too late)
import type { Tx } from "../db/client.ts";
import { toMilli } from "./listings.ts";
import { orders, type Carrier, type OrderView } from "./orders.ts";

export type BookingState = "manual" | "quoting" | "quoted" | "booking" | "placed" | "booked" | "cancelling" | "cancelled";

export interface StoredQuote {
  code: string;
  name: string;
  feeVnd: number;
  eta?: string;
}

export const parseQuotes = (json: string | null): StoredQuote[] => {
  try {
    const list = JSON.parse(json ?? "[]") as unknown;
    return Array.isArray(list) ? (list as StoredQuote[]) : [];
  } catch {
    return [];
  }
};

export function shipments(tx: Tx) {
  return {
    /** A pickup of an API carrier: quoted and booked by the shipment worker after this commit. */
    async startQuote(pickupId: string, now: Date): Promise<void> {
      await tx.pickup.updateMany({ where: { id: pickupId, booking: "manual" }, data: { booking: "quoting", nextTryAt: now, attempts: 0 } });
    },

    /** The household chose a quoted service (a button under the quote, however old). */
    async choose(pickupId: string, shopId: string, index: number, now: Date): Promise<{ ok: true; quote: StoredQuote; carrier: Carrier; code: string } | { ok: false; booking: string | null }> {
      const row = await tx.pickup.findUnique({ where: { id: pickupId }, select: { booking: true, quotes: true, carrier: true, order: { select: { shopId: true, code: true, status: true } } } });
      if (!row || row.order.shopId !== shopId) return { ok: false, booking: null };
      const quote = parseQuotes(row.quotes)[index];
      if (row.booking !== "quoted" || !quote || row.order.status !== "accepted") return { ok: false, booking: row.booking };
      const moved = await tx.pickup.updateMany({
        where: { id: pickupId, booking: "quoted" },
        data: { booking: "booking", service: quote.code, feeVnd: quote.feeVnd, nextTryAt: now, attempts: 0 },
      });
      return moved.count === 1 ? { ok: true, quote, carrier: row.carrier as Carrier, code: row.order.code } : { ok: false, booking: "booking" };
    },

    /** Cancel before pickup: a booked shipment not yet picked up is cancelled with the carrier by the worker. */
    async requestCancel(orderId: string, shopId: string, now: Date): Promise<"cancelling" | "cancelled" | "too_late" | "not_found"> {
      const row = await tx.pickup.findFirst({ where: { orderId, order: { shopId } }, select: { id: true, booking: true, status: true, trackRank: true } });
      if (!row) return "not_found";
      if (row.status !== "open" || row.trackRank > 0) return "too_late";
      // Nothing at the carrier yet (or a post office that polls): the request is simply withdrawn.
      if (["manual", "quoting", "quoted"].includes(row.booking)) {
        return (await cancelOrder(tx, orderId, row.id, row.booking)) ? "cancelled" : "too_late";
      }
      if (row.booking !== "booked") return "too_late";
      const moved = await tx.pickup.updateMany({ where: { id: row.id, booking: "booked", trackRank: 0 }, data: { booking: "cancelling", nextTryAt: now, attempts: 0 } });
      return moved.count === 1 ? "cancelling" : "too_late";
    },

    /** Pickups of the shop whose quote came after `since` and waits for a choice (a "1" typed right after it). */
    async quotedSince(shopId: string, since: Date): Promise<string[]> {
      const rows = await tx.pickup.findMany({ where: { booking: "quoted", order: { shopId }, updatedAt: { gt: since } }, select: { id: true }, take: 2 });
      return rows.map((r) => r.id);
    },

    async orderOf(pickupId: string): Promise<string | null> {
      return (await tx.pickup.findUnique({ where: { id: pickupId }, select: { orderId: true } }))?.orderId ?? null;
    },

    /** The journey for the buyer's order page: the waybill and the steps that matter, oldest first. */
    async journey(orderId: string): Promise<{ waybill: string | null; steps: Array<{ step: string; at: Date }> }> {
      const pickup = await tx.pickup.findUnique({ where: { orderId }, select: { waybill: true, id: true } });
      if (!pickup) return { waybill: null, steps: [] };
      const events = await tx.carrierEvent.findMany({ where: { pickupId: pickup.id, step: { not: null } }, orderBy: { at: "asc" }, select: { step: true, at: true } });
      return { waybill: pickup.waybill, steps: events.map((e) => ({ step: e.step!, at: e.at })) };
    },
  };
}

/** Cancels an accepted order whose shipment is withdrawn: stock back, pickup gone. Null if it moved meanwhile. */
export async function cancelOrder(tx: Tx, orderId: string, pickupId: string, booking: string): Promise<OrderView | null> {
  const gone = await tx.pickup.deleteMany({ where: { id: pickupId, booking, status: "open" } });
  if (gone.count === 0) return null;
  const moved = await tx.order.updateMany({ where: { id: orderId, status: "accepted" }, data: { status: "cancelled" } });
  if (moved.count === 0) return null;
  const order = (await orders(tx).get(orderId))!;
  await tx.listing.update({ where: { id: order.listingId }, data: { stockMilli: { increment: toMilli(order.quantity) } } });
  await tx.listing.updateMany({ where: { id: order.listingId, status: "sold_out", stockMilli: { gt: 0 } }, data: { status: "active" } });
  return order;
}

// Orders: a buyer orders from a listing; the household accepts or declines; unanswered orders are
// reminded and then expire. Stock is reserved with one conditional UPDATE (stock >= quantity), so two
// buyers can never get the same last kilos, whatever the database or the number of instances.
// Every status change is a conditional update from the expected status: a transition happens once.
import { randomBytes } from "node:crypto";
import type { CARRIER_KEY_NAMES } from "../api-keys.ts";
import type { Tx } from "../db/client.ts";
import { isUniqueViolation } from "../db/client.ts";
import { fromMilli, toMilli } from "./listings.ts";
import { blockPhone, checkCaps, DEFAULT_ORDER_CAPS, heldForGroup, type OrderCaps } from "./order-caps.ts";

export type OrderStatus = "pending" | "accepted" | "declined" | "expired" | "cancelled" | "picked_up" | "delivered" | "returned";
export type Carrier = "viettel_post" | "vnpost";
export const CARRIERS: readonly Carrier[] = ["viettel_post", "vnpost"];
// Every carrier can be given an API key, and keys are issued to carriers only: fails to compile when
// one list changes without the other.
type CarrierKeyName = (typeof CARRIER_KEY_NAMES)[number];
const sameCarriers: [Exclude<Carrier, CarrierKeyName>, Exclude<CarrierKeyName, Carrier>] extends [never, never] ? true : never = true;
void sameCarriers;
export type PickupStatus = "open" | "picked_up" | "delivered" | "returned";
/** unpaid → buyer_paid (the buyer says it transferred) → paid (the household, or the carrier for COD) */
export type PayState = "unpaid" | "buyer_paid" | "paid";

export interface OrderView {
  id: string;
  code: string;
  statusToken: string;
  status: OrderStatus;
  listingId: string;
  shopId: string;
  title: string;
  unit: string;
  /** in the listing's unit */
  quantity: number;
  unitPriceVnd: number;
  totalVnd: number;
  buyerName: string;
  buyerPhone: string;
  buyerAddress: string;
  buyerArea: string;
  buyerChannel: string;
  buyerChatKey: string | null;
  buyerLocale: string;
  source: string;
  declineReason: string | null;
  expiresAt: Date;
  createdAt: Date;
  /** when the household was told; null while it waits for a grouped notice (order-caps.ts) */
  noticeAt: Date | null;
  remindedAt: Date | null;
  /** what the unanswered order holds of the stock when less than its quantity (the share cap); null: all of it */
  heldQuantity: number | null;
  pickup: { id: string; carrier: Carrier; status: PickupStatus; weightGrams: number; codVnd: number } | null;
  shop: { name: string; householdId: string; communeCode: string };
  /** payment-state.ts */
  payment: { state: PayState; buyerPaidAt: Date | null; paidAt: Date | null; paidBy: string | null };
}

export interface PlaceOrder {
  listingId: string;
  /** in the listing's unit (kg for weights) */
  quantity: number;
  /** area: province or district the buyer is in (shown before acceptance); address: the rest */
  buyer: { name: string; phone: string; address: string; area: string };
  buyerChannel: string;
  buyerChatKey?: string | null;
  buyerLocale?: string;
  source: string;
  now?: Date;
  expireAfterMs?: number;
  /** the caps per buyer phone (order-caps.ts); the defaults when not given */
  caps?: OrderCaps;
}

export type PlaceResult =
  | { ok: true; order: OrderView }
  | { ok: false; reason: "not_found" | "not_available" | "not_enough"; availableQuantity?: number }
  /** the household blocked this phone; the phone holds too many unanswered orders */
  | { ok: false; reason: "blocked" | "too_many_open" };

export const DEFAULT_EXPIRE_AFTER_MS = 24 * 3600_000;

const include = {
  listing: { select: { title: true, unit: true } },
  shop: { select: { name: true, householdId: true, household: { select: { communeCode: true } } } },
  pickup: { select: { id: true, carrier: true, status: true, weightGrams: true, codVnd: true } },
} as const;

type Row = Awaited<ReturnType<Tx["order"]["findUniqueOrThrow"]>> & {
  listing: { title: string; unit: string };
  shop: { name: string; householdId: string; household: { communeCode: string } };
  pickup: { id: string; carrier: string; status: string; weightGrams: number; codVnd: number } | null;
};

function view(r: Row): OrderView {
  return {
    id: r.id,
    code: r.code,
    statusToken: r.statusToken,
    status: r.status as OrderStatus,
    listingId: r.listingId,
    shopId: r.shopId,
    title: r.listing.title,
    unit: r.listing.unit,
    quantity: fromMilli(r.quantityMilli),
    unitPriceVnd: r.unitPriceVnd,
    totalVnd: r.totalVnd,
    buyerName: r.buyerName,
    buyerPhone: r.buyerPhone,
    buyerAddress: r.buyerAddress,
    buyerArea: r.buyerArea,
    buyerChannel: r.buyerChannel,
    buyerChatKey: r.buyerChatKey,
    buyerLocale: r.buyerLocale,
    source: r.source,
    declineReason: r.declineReason,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    noticeAt: r.noticeAt,
    remindedAt: r.remindedAt,
    heldQuantity: r.heldMilli === null ? null : fromMilli(r.heldMilli),
    pickup: r.pickup
      ? { ...r.pickup, carrier: r.pickup.carrier as Carrier, status: r.pickup.status as PickupStatus }
      : null,
    shop: { name: r.shop.name, householdId: r.shop.householdId, communeCode: r.shop.household.communeCode },
    payment: { state: r.payState as PayState, buyerPaidAt: r.buyerPaidAt, paidAt: r.paidAt, paidBy: r.paidBy },
  };
}

// Codes people read aloud: no 0/O, 1/I/L.
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/** 31^6 ≈ 887 million codes: a draw that is taken is rare, four in a row mean something else is wrong */
const MAX_CODE_DRAWS = 4;
function orderCode(): string {
  const bytes = randomBytes(6);
  return `DH${[...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("")}`;
}

/** What an order holds of its listing's stock (before acceptance, perhaps only part of its quantity). */
const holding = (o: OrderView) => toMilli(o.heldQuantity ?? o.quantity);

export function orders(tx: Tx) {
  const get = async (where: { id: string } | { statusToken: string } | { code: string }) => {
    const row = await tx.order.findUnique({ where, include });
    return row ? view(row as Row) : null;
  };

  /** Put stock back (decline, expiry). A listing emptied by orders is offered again. */
  const release = async (listingId: string, quantityMilli: number) => {
    await tx.listing.update({ where: { id: listingId }, data: { stockMilli: { increment: quantityMilli } } });
    await tx.listing.updateMany({
      where: {
        id: listingId,
        status: "sold_out",
        // Stryker disable next-line ObjectLiteral: every order has a quantity above 0, so after the increment the stock always is
        stockMilli: { gt: 0 },
      },
      data: { status: "active" },
    });
  };

  const oldestFirst = async (where: NonNullable<Parameters<Tx["order"]["findMany"]>[0]>["where"], take: number) =>
    (await tx.order.findMany({ where, include, orderBy: { createdAt: "asc" }, take })).map((r) => view(r as Row));

  /** Move from one status to another only if the order is still in `from`; null when it was not. */
  const transition = async (id: string, from: OrderStatus[], data: Record<string, unknown>, shopId?: string) => {
    const res = await tx.order.updateMany({ where: { id, status: { in: from }, ...(shopId ? { shopId } : {}) }, data });
    return res.count === 1 ? get({ id }) : null;
  };

  return {
    get: (id: string) => get({ id }),
    byToken: (statusToken: string) => get({ statusToken }),
    byCode: (code: string) => get({ code: code.toUpperCase() }),

    async place(input: PlaceOrder): Promise<PlaceResult> {
      const now = input.now ?? new Date();
      const listing = await tx.listing.findUnique({ where: { id: input.listingId } });
      if (!listing || listing.status === "deleted") return { ok: false, reason: "not_found" };
      if (listing.status !== "active") return { ok: false, reason: "not_available" };
      const milli = toMilli(input.quantity);
      if (!(milli > 0)) return { ok: false, reason: "not_enough", availableQuantity: fromMilli(listing.stockMilli) };
      if (milli > listing.stockMilli) return { ok: false, reason: "not_enough", availableQuantity: fromMilli(listing.stockMilli) };
      const caps = input.caps ?? DEFAULT_ORDER_CAPS;
      const capped = await checkCaps(tx, caps, { shopId: listing.shopId, phone: input.buyer.phone, milli, stockMilli: listing.stockMilli, now });
      if (!capped.ok) return { ok: false, reason: capped.refusal.reason };
      const hold = capped.holdMilli;
      // The reservation: succeeds only if the whole quantity is still there at this instant; holds `hold` of it.
      const reserved = await tx.listing.updateMany({
        where: { id: listing.id, status: "active", stockMilli: { gte: milli } },
        data: { stockMilli: { decrement: hold } },
      });
      if (reserved.count === 0) {
        const fresh = await tx.listing.findUnique({ where: { id: listing.id }, select: { stockMilli: true } });
        return { ok: false, reason: "not_enough", availableQuantity: fromMilli(fresh?.stockMilli ?? 0) };
      }
      await tx.listing.updateMany({ where: { id: listing.id, stockMilli: 0, status: "active" }, data: { status: "sold_out" } });
      const totalVnd = Math.round((milli * listing.priceVnd) / 1000);
      // A code nobody has yet: looked up before the insert, because on PostgreSQL a failed insert aborts
      // the whole transaction, reservation included. (The unique index still refuses the same code
      // drawn by two orders in the same instant.)
      let code = orderCode();
      for (let draws = 1; await tx.order.findUnique({ where: { code }, select: { id: true } }); draws++) {
        if (draws >= MAX_CODE_DRAWS) throw new Error(`no free order code after ${MAX_CODE_DRAWS} draws`);
        code = orderCode();
      }
      const row = await tx.order.create({
        data: {
          code,
          statusToken: randomBytes(24).toString("base64url"),
          listingId: listing.id,
          shopId: listing.shopId,
          quantityMilli: milli,
          unitPriceVnd: listing.priceVnd,
          totalVnd,
          buyerName: input.buyer.name,
          buyerPhone: input.buyer.phone,
          buyerAddress: input.buyer.address,
          buyerArea: input.buyer.area,
          buyerChannel: input.buyerChannel,
          buyerChatKey: input.buyerChatKey ?? null,
          buyerLocale: input.buyerLocale ?? "vi",
          source: input.source,
          expiresAt: new Date(now.getTime() + (input.expireAfterMs ?? DEFAULT_EXPIRE_AFTER_MS)),
          noticeAt: (await heldForGroup(tx, caps, listing.shopId, now)) ? null : now,
          heldMilli: hold < milli ? hold : null,
        },
        include,
      });
      return { ok: true, order: view(row as Row) };
    },

    /**
     * The household accepts (only its own, only while pending): null when it was not that. An order
     * holding only part of its quantity (the share cap) takes the rest now; when the stock no longer
     * has it, the order stays pending and comes back as it is (status "pending").
     */
    async accept(id: string, shopId: string, now = new Date()): Promise<OrderView | null> {
      const before = await tx.order.findUnique({ where: { id }, select: { status: true, shopId: true, listingId: true, quantityMilli: true, heldMilli: true } });
      if (!before || before.status !== "pending" || before.shopId !== shopId) return null;
      const rest = before.heldMilli === null ? 0 : before.quantityMilli - before.heldMilli;
      if (rest > 0) {
        const taken = await tx.listing.updateMany({ where: { id: before.listingId, stockMilli: { gte: rest } }, data: { stockMilli: { decrement: rest } } });
        if (taken.count === 0) return get({ id });
        await tx.listing.updateMany({ where: { id: before.listingId, stockMilli: 0, status: "active" }, data: { status: "sold_out" } });
      }
      const accepted = await transition(id, ["pending"], { status: "accepted", decidedAt: now, heldMilli: null }, shopId);
      // Decided meanwhile by another instance: what was just taken goes back.
      if (!accepted && rest > 0) await release(before.listingId, rest);
      return accepted;
    },

    async decline(id: string, shopId: string, reason: string, now = new Date()): Promise<OrderView | null> {
      const order = await transition(id, ["pending"], { status: "declined", declineReason: reason, decidedAt: now }, shopId);
      if (order) await release(order.listingId, holding(order));
      return order;
    },

    /**
     * "Chặn người mua này": the shop takes no more orders from this order's phone, and its unanswered
     * orders there are declined (stock put back). Returns the declined orders (their buyers are told),
     * or null when the order is not this shop's.
     */
    async blockBuyer(id: string, shopId: string, reason: string, now = new Date()): Promise<OrderView[] | null> {
      const order = await get({ id });
      if (!order || order.shopId !== shopId) return null;
      await blockPhone(tx, shopId, order.buyerPhone);
      const open = await tx.order.findMany({ where: { shopId, buyerPhone: order.buyerPhone, status: "pending" }, select: { id: true } });
      const declined: OrderView[] = [];
      for (const o of open) {
        const d = await transition(o.id, ["pending"], { status: "declined", declineReason: reason, decidedAt: now }, shopId);
        if (!d) continue;
        await release(d.listingId, holding(d));
        declined.push(d);
      }
      return declined;
    },

    /** The shop's unanswered orders, oldest first. */
    pendingOfShop: (shopId: string, take = 20) => oldestFirst({ shopId, status: "pending" }, take),

    /** Unanswered orders the household was told of (or reminded of) after `since`, oldest first: usually none. */
    toldSince: (shopId: string, since: Date) =>
      oldestFirst({ shopId, status: "pending", OR: [{ noticeAt: { gt: since } }, { remindedAt: { gt: since } }] }, 50),

    /** Orders still to act on (unanswered, or accepted and not yet collected), for "did you mean DH…?". */
    async openCodes(shopId: string): Promise<Array<{ id: string; code: string }>> {
      return tx.order.findMany({ where: { shopId, status: { in: ["pending", "accepted"] } }, select: { id: true, code: true }, orderBy: { createdAt: "desc" }, take: 50 });
    },

    /** Orders held for a grouped notice, per shop; each is marked told (once, whatever the instances). */
    async takeHeld(now: Date, limit = 500): Promise<Map<string, OrderView[]>> {
      const held = await tx.order.findMany({ where: { status: "pending", noticeAt: null }, select: { id: true }, orderBy: { createdAt: "asc" }, take: limit });
      const byShop = new Map<string, OrderView[]>();
      for (const { id } of held) {
        const res = await tx.order.updateMany({ where: { id, noticeAt: null }, data: { noticeAt: now } });
        if (res.count !== 1) continue;
        const o = (await get({ id }))!;
        byShop.set(o.shopId, [...(byShop.get(o.shopId) ?? []), o]);
      }
      return byShop;
    },

    /** Pending orders past their deadline: expire them and put their stock back. */
    async expireDue(now = new Date(), limit = 100): Promise<OrderView[]> {
      const due = await tx.order.findMany({ where: { status: "pending", expiresAt: { lte: now } }, select: { id: true }, take: limit });
      const expired: OrderView[] = [];
      for (const { id } of due) {
        const order = await transition(id, ["pending"], { status: "expired", decidedAt: now });
        if (!order) continue; // another instance got there first
        await release(order.listingId, holding(order));
        expired.push(order);
      }
      return expired;
    },

    /** Pending orders older than `afterMs` not reminded yet; marks them reminded. */
    async remindDue(now: Date, afterMs: number, limit = 100): Promise<OrderView[]> {
      const due = await tx.order.findMany({
        where: { status: "pending", remindedAt: null, createdAt: { lte: new Date(now.getTime() - afterMs) }, expiresAt: { gt: now } },
        select: { id: true },
        take: limit,
      });
      const out: OrderView[] = [];
      for (const { id } of due) {
        const res = await tx.order.updateMany({ where: { id, status: "pending", remindedAt: null }, data: { remindedAt: now } });
        if (res.count === 1) out.push((await get({ id }))!);
      }
      return out;
    },

    /** The shop's orders, newest first. */
    async ofShop(shopId: string, take = 10): Promise<OrderView[]> {
      const rows = await tx.order.findMany({ where: { shopId }, include, orderBy: { createdAt: "desc" }, take });
      return rows.map((r) => view(r as Row));
    },

    /** Sales per month (accepted and later), for "Đơn hàng". */
    async monthlyTotals(shopId: string, since: Date): Promise<Array<{ month: string; totalVnd: number; orders: number }>> {
      const rows = await tx.order.findMany({
        where: { shopId, createdAt: { gte: since }, status: { in: ["accepted", "picked_up", "delivered"] } },
        select: { createdAt: true, totalVnd: true },
      });
      const byMonth = new Map<string, { totalVnd: number; orders: number }>();
      for (const r of rows) {
        const key = `${r.createdAt.getFullYear()}-${String(r.createdAt.getMonth() + 1).padStart(2, "0")}`;
        const m = byMonth.get(key) ?? { totalVnd: 0, orders: 0 };
        m.totalVnd += r.totalVnd;
        m.orders += 1;
        byMonth.set(key, m);
      }
      return [...byMonth.entries()].sort(([a], [b]) => b.localeCompare(a)).map(([month, v]) => ({ month, ...v }));
    },

    /** Ask the post office to collect an accepted order. */
    async requestPickup(id: string, shopId: string, input: { carrier: Carrier; weightGrams: number; codVnd: number }): Promise<OrderView | null> {
      const order = await get({ id });
      if (!order || order.shopId !== shopId || order.status !== "accepted" || order.pickup) return null;
      try {
        await tx.pickup.create({ data: { orderId: id, communeCode: order.shop.communeCode, ...input } });
      } catch (e) {
        if (isUniqueViolation(e)) return null;
        throw e;
      }
      return get({ id });
    },

    /** A carrier reports progress on one of its pickups; the order follows. */
    async pickupUpdate(pickupId: string, carrier: Carrier, status: Exclude<PickupStatus, "open">): Promise<OrderView | null> {
      const allowedFrom: Record<typeof status, PickupStatus[]> = {
        picked_up: ["open"],
        delivered: ["open", "picked_up"],
        returned: ["open", "picked_up"],
      };
      const res = await tx.pickup.updateMany({ where: { id: pickupId, carrier, status: { in: allowedFrom[status] } }, data: { status } });
      if (res.count === 0) return null;
      const pickup = await tx.pickup.findUniqueOrThrow({ where: { id: pickupId }, select: { orderId: true } });
      return transition(pickup.orderId, ["accepted", "picked_up"], { status });
    },

    /** Open pickups of a carrier (or of everyone, for the CSV export), oldest first. */
    async openPickups(filter: { carrier?: Carrier; communeCode?: string }, take = 500) {
      return tx.pickup.findMany({
        // Pickups booked through a carrier's API are that carrier's already: not listed again for collection.
        where: { status: "open", booking: "manual", ...(filter.carrier ? { carrier: filter.carrier } : {}), ...(filter.communeCode ? { communeCode: filter.communeCode } : {}) },
        orderBy: { createdAt: "asc" },
        take,
        include: {
          order: {
            select: {
              code: true,
              totalVnd: true,
              buyerName: true,
              buyerPhone: true,
              buyerAddress: true,
              listing: { select: { title: true } },
              shop: { select: { name: true, household: { select: { name: true, phone: true, communeCode: true } } } },
            },
          },
        },
      });
    },
  };
}

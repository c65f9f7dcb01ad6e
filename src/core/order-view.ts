// What an order looks like to the rest of the code (OrderView) and how a row becomes one; the
// statuses, carriers and payment states. The changes themselves are in orders.ts.
import type { CARRIER_KEY_NAMES } from "../api-keys.ts";
import type { Tx } from "../db/client.ts";
import { fromMilli } from "./listings.ts";
import type { OrderCaps } from "./order-caps.ts";
import { parseShippingQuote, type BuyerShippingQuote } from "./shipping-quote.ts";

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
  pickup: { id: string; carrier: Carrier; status: PickupStatus; weightGrams: number; codVnd: number; labelToken: string | null } | null;
  /** the shipping fee the buyer was shown before confirming (shipping-quotes.ts); null: "the household tells it" */
  shippingQuote: BuyerShippingQuote | null;
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
  /** the shipping fee the buyer saw before confirming, kept with the order */
  shippingQuote?: BuyerShippingQuote | null;
}

export type PlaceResult =
  | { ok: true; order: OrderView }
  | { ok: false; reason: "not_found" | "not_available" | "not_enough"; availableQuantity?: number }
  /** the household blocked this phone; the phone holds too many unanswered orders */
  | { ok: false; reason: "blocked" | "too_many_open" };

/** The relations every order read brings along, for `orderView`. */
export const orderInclude = {
  listing: { select: { title: true, unit: true } },
  shop: { select: { name: true, householdId: true, household: { select: { communeCode: true } } } },
  pickup: { select: { id: true, carrier: true, status: true, weightGrams: true, codVnd: true, labelToken: true } },
} as const;

export type OrderRow = Awaited<ReturnType<Tx["order"]["findUniqueOrThrow"]>> & {
  listing: { title: string; unit: string };
  shop: { name: string; householdId: string; household: { communeCode: string } };
  pickup: { id: string; carrier: string; status: string; weightGrams: number; codVnd: number; labelToken: string | null } | null;
};

export function orderView(r: OrderRow): OrderView {
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
    shippingQuote: parseShippingQuote(r.shippingQuote),
    shop: { name: r.shop.name, householdId: r.shop.householdId, communeCode: r.shop.household.communeCode },
    payment: { state: r.payState as PayState, buyerPaidAt: r.buyerPaidAt, paidAt: r.paidAt, paidBy: r.paidBy },
  };
}

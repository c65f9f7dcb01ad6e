// What a shipment tells the household and the buyer. The household hears the steps it acts on
// (picked up, failed attempt, returning, returned, delivered); the buyer the ones it waits for
// (picked up with the waybill, out for delivery, failed attempt, delivered, returned). Sorting scans
// tell nobody.
import type { TFunction } from "i18next";
import type { TrackStep } from "../carriers/port.ts";
import { labelUrl } from "../links.ts";
import { formatPrice } from "../lang/price.ts";
import { formatQuantity } from "../lang/quantity.ts";
import type { Outbound } from "./messages.ts";
import type { OrderView } from "./orders.ts";
import type { StoredQuote } from "./shipments-store.ts";

const money = (vnd: number) => formatPrice({ vnd, per: null });
const carrierName = (t: TFunction, o: OrderView) => t(`orders:carrier.${o.pickup?.carrier ?? "vnpost"}`);
const HOUSEHOLD_HEARS: ReadonlySet<TrackStep> = new Set(["picked_up", "failed_attempt", "returning", "returned", "delivered"]);
const BUYER_HEARS: ReadonlySet<TrackStep> = new Set(["picked_up", "out_for_delivery", "failed_attempt", "delivered", "returned"]);

/**
 * "🏷️ In phiếu gửi: <link>" under a booking or a pickup for the post office: the household's own label
 * page (the carrier's label where it offers one). Only ever in the household's messages.
 */
export const labelLine = (t: TFunction, o: OrderView, base: string | undefined): string =>
  base && o.pickup?.labelToken ? `\n${t("shipping:label", { link: labelUrl(base, o.pickup.labelToken) })}` : "";

/** The cancel button under a booking (a word to type where there are no buttons). */
export const cancelChoice = (t: TFunction, o: OrderView) => [[{ id: `a.pxc.${o.id}`, label: t("shipping:cancel"), keyword: `${t("shipping:keywords.cancel")} ${o.code}` }]];

export const shipmentNotices = {
  householdHears: (step: TrackStep) => HOUSEHOLD_HEARS.has(step),
  buyerHears: (step: TrackStep) => BUYER_HEARS.has(step),

  quotes: (t: TFunction, o: OrderView, pickupId: string, quotes: StoredQuote[], weightGrams: number): Outbound[] => [
    {
      text: t("shipping:quotes", { code: o.code, carrier: carrierName(t, o), weight: formatQuantity({ value: weightGrams / 1000, unit: "kg" }) }),
      choices: quotes.map((q, i) => [
        {
          id: `a.svc.${pickupId}.${i}`,
          label: q.eta ? t("shipping:quoteEta", { name: q.name, fee: money(q.feeVnd), eta: q.eta }) : t("shipping:quote", { name: q.name, fee: money(q.feeVnd) }),
          keyword: `${t("shipping:keywords.service")}${i + 1} ${o.code}`,
        },
      ]),
    },
  ],

  manual: (t: TFunction, o: OrderView, reason: "no_quote" | "refused", base?: string): Outbound[] => [
    { text: t(`shipping:manual.${reason}`, { code: o.code, carrier: carrierName(t, o) }) + labelLine(t, o, base) },
  ],

  booked: (t: TFunction, o: OrderView, waybill: string, base?: string): Outbound[] => [
    { text: t("shipping:booked", { code: o.code, carrier: carrierName(t, o), waybill }) + labelLine(t, o, base), choices: cancelChoice(t, o) },
  ],

  buyerBooked: (t: TFunction, o: OrderView, waybill: string | null): Outbound[] => [
    { text: waybill ? t("shipping:buyer.booked", { code: o.code, carrier: carrierName(t, o), waybill }) : t("orders:buyer.pickup", { code: o.code, carrier: carrierName(t, o) }) },
  ],

  track: (t: TFunction, o: OrderView, step: TrackStep, waybill: string): Outbound[] => [{ text: t(`shipping:track.${step}`, { code: o.code, carrier: carrierName(t, o), waybill }) }],
  buyerTrack: (t: TFunction, o: OrderView, step: TrackStep, waybill: string): Outbound[] => [
    { text: t(`shipping:buyer.track.${step}`, { code: o.code, carrier: carrierName(t, o), waybill, shop: o.shop.name }) },
  ],

  slow: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("shipping:slow", { code: o.code, carrier: carrierName(t, o) }) }],
  carrierDropped: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("shipping:carrierDropped", { code: o.code, carrier: carrierName(t, o) }) }],
  cancelled: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("shipping:cancelled", { code: o.code }) }],
  cancelTooLate: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("shipping:cancelTooLate", { code: o.code }) }],
  buyerCancelled: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("shipping:buyer.cancelled", { code: o.code, shop: o.shop.name }) }],
};

// The messages an order causes, for the household and for the buyer. The household sees the buyer's
// phone and address only once it has accepted (Decree 13: only those who need personal data see it).
import type { TFunction } from "i18next";
import { formatPrice } from "../lang/price.ts";
import { formatQuantity } from "../lang/quantity.ts";
import { formatVnPhone } from "../lang/phone.ts";
import type { Outbound } from "./messages.ts";
import type { OrderView } from "./orders.ts";

const qty = (o: OrderView) => formatQuantity({ value: o.quantity, unit: o.unit });
const money = (vnd: number) => formatPrice({ vnd, per: null });
const base = (o: OrderView) => ({ code: o.code, quantity: qty(o), title: o.title, total: money(o.totalVnd), shop: o.shop.name });

/** Accept / decline, as buttons (Telegram) or as a word to type (Zalo, terminal). */
export function decisionChoices(t: TFunction, o: OrderView) {
  return [
    [{ id: `a.acc.${o.id}`, label: t("orders:accept"), keyword: `${t("orders:keywords.accept")} ${o.code}` }],
    [{ id: `a.dec.${o.id}`, label: t("orders:decline"), keyword: `${t("orders:keywords.decline")} ${o.code}` }],
  ];
}

export const notices = {
  newOrder: (t: TFunction, o: OrderView): Outbound[] => [
    { text: t("orders:newOrder", { ...base(o), buyer: o.buyerName, area: o.buyerArea }), choices: decisionChoices(t, o) },
  ],

  reminder: (t: TFunction, o: OrderView): Outbound[] => [
    {
      text: t("orders:reminder", {
        ...base(o),
        deadline: new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", day: "numeric", month: "numeric" }).format(o.expiresAt),
      }),
      choices: decisionChoices(t, o),
    },
  ],

  /** To the household after accepting: now it may see how to reach the buyer. */
  accepted: (t: TFunction, o: OrderView): Outbound[] => [
    {
      text: t("orders:accepted", { ...base(o), buyer: o.buyerName, phone: formatVnPhone(o.buyerPhone), address: o.buyerAddress, area: o.buyerArea }),
      choices: [[{ id: `a.pick.${o.id}`, label: t("orders:callPickup"), keyword: `${t("orders:keywords.pickup")} ${o.code}` }]],
    },
  ],

  expiredForHousehold: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("orders:expiredHousehold", base(o)) }],

  statusForHousehold: (t: TFunction, o: OrderView): Outbound[] => [
    { text: t("orders:householdStatus", { ...base(o), status: t(`orders:status.${o.status}`) }) },
  ],

  buyer: {
    placed: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("orders:buyer.placed", base(o)) }],
    accepted: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("orders:buyer.accepted", base(o)) }],
    declined: (t: TFunction, o: OrderView): Outbound[] => [
      { text: t("orders:buyer.declined", { ...base(o), reason: o.declineReason ?? "" }) },
    ],
    expired: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("orders:buyer.expired", base(o)) }],
    pickup: (t: TFunction, o: OrderView): Outbound[] => [
      { text: t("orders:buyer.pickup", { ...base(o), carrier: t(`orders:carrier.${o.pickup?.carrier ?? "vnpost"}`) }) },
    ],
    status: (t: TFunction, o: OrderView): Outbound[] => [
      { text: t("orders:buyer.status", { ...base(o), status: t(`orders:status.${o.status}`) }) },
    ],
  },
};

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

/** What the household can do with an unanswered order, in this order (numbered 1-4 on Zalo and the terminal). */
export const DECISIONS = ["acc", "dec", "call", "block"] as const;
export type Decision = (typeof DECISIONS)[number];
const DECISION_KEY: Record<Decision, { label: string; keyword: string }> = {
  acc: { label: "orders:accept", keyword: "orders:keywords.accept" },
  dec: { label: "orders:decline", keyword: "orders:keywords.decline" },
  call: { label: "orders:callBuyer", keyword: "orders:keywords.call" },
  block: { label: "orders:block", keyword: "orders:keywords.block" },
};

/** Accept / decline / call the buyer / block the buyer, as buttons (Telegram) or numbered with a word to type (Zalo, terminal). */
export function decisionChoices(t: TFunction, o: Pick<OrderView, "id" | "code">) {
  return DECISIONS.map((d) => [{ id: `a.${d}.${o.id}`, label: t(DECISION_KEY[d].label), keyword: `${t(DECISION_KEY[d].keyword)} ${o.code}` }]);
}

/** One button per order, opening its card: the grouped notice and "which order?". */
export function orderChoices(t: TFunction, list: OrderView[], action: "open" | Decision = "open") {
  return list.map((o) => [
    {
      id: `a.${action}.${o.id}`,
      label: t("orders:orderRow", { code: o.code, quantity: qty(o), title: o.title, total: money(o.totalVnd) }),
      keyword: `${t(action === "open" ? "orders:keywords.open" : DECISION_KEY[action].keyword)} ${o.code}`,
    },
  ]);
}

export const notices = {
  /** The card: quantity, amount, the buyer's name and area; the phone and address come once accepted. */
  newOrder: (t: TFunction, o: OrderView): Outbound[] => [
    { text: t("orders:newOrder", { ...base(o), buyer: o.buyerName, area: o.buyerArea }), choices: decisionChoices(t, o) },
  ],

  /** Several orders held during a flood, in one message; each one is one step to open. */
  grouped: (t: TFunction, list: OrderView[]): Outbound[] => [{ text: t("orders:grouped", { count: list.length }), choices: orderChoices(t, list) }],

  /** "Gọi người mua" before accepting: contact details only come with acceptance. */
  callBeforeAccept: (t: TFunction, o: OrderView): Outbound[] => [
    { text: t("orders:callAfterAccept", { code: o.code }), choices: decisionChoices(t, o).slice(0, 2) },
  ],
  callBuyer: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("orders:callBuyerPhone", { code: o.code, buyer: o.buyerName, phone: formatVnPhone(o.buyerPhone) }) }],

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

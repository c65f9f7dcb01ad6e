// GET /don/:token — the buyer's own page for one order (the token in the link is the only key):
// what was ordered, from whom, and where the order is. It refreshes itself while something can still
// change. The phone is masked and the street address left out, in case the link is passed around.
import type { Translate } from "./texts.ts";
import type { OrderStatus, OrderView } from "../core/orders.ts";
import { getCommune } from "../lang/communes.ts";
import { maskPhone } from "../lang/phone.ts";
import { formatPrice } from "../lang/price.ts";
import { formatQuantity } from "../lang/quantity.ts";
import { formatTime } from "./format.ts";
import { html, type Html } from "./html.ts";
import { page } from "./layout.ts";
import type { OrderPayment } from "../core/payment-state.ts";
import { paymentBlock } from "./payment-block.ts";
import { shippingLine } from "./order-summary.ts";

export const REFRESH_SECONDS = 30;
const FINAL: ReadonlySet<OrderStatus> = new Set(["declined", "expired", "cancelled", "delivered", "returned"]);

type Step = { label: string; state: "done" | "todo" | "stop" };

function timeline(t: Translate, o: OrderView): Step[] {
  const s = o.status;
  const placed: Step = { label: `${t("web:status.step.placed")} · ${formatTime(o.createdAt)}`, state: "done" };
  const stop = (label: string): Step => ({ label, state: "stop" });
  if (s === "declined") return [placed, stop(t("web:status.step.declined", { reason: o.declineReason ?? "" }))];
  if (s === "expired") return [placed, stop(t("web:status.step.expired"))];
  if (s === "cancelled") return [placed, stop(t("web:status.step.cancelled"))];
  const reached = (...statuses: OrderStatus[]): Step["state"] => (statuses.includes(s) ? "done" : "todo");
  const steps: Step[] = [
    placed,
    { label: t("web:status.step.accepted"), state: reached("accepted", "picked_up", "delivered", "returned") },
    { label: t("web:status.step.pickup"), state: reached("picked_up", "delivered", "returned") },
  ];
  steps.push(s === "returned" ? stop(t("web:status.step.returned")) : { label: t("web:status.step.delivered"), state: reached("delivered") });
  return steps;
}

/** The carrier's journey (issue 21), when the shipment was booked through its API. */
export interface Journey {
  waybill: string | null;
  steps: Array<{ step: string; at: Date }>;
}

const journeyHtml = (t: Translate, j: Journey | undefined): Html | null =>
  j?.waybill
    ? html`<h2>${t("shipping:journeyTitle", { waybill: j.waybill })}</h2><ol class="steps journey">${j.steps.map(
        (s) => html`<li class="done">${formatTime(s.at)} · ${t(`shipping:journey.${s.step}`)}</li>`,
      )}</ol>`
    : null;

export function renderStatusPage(t: Translate, o: OrderView, { pay = null, journey }: { pay?: OrderPayment | null; journey?: Journey } = {}): string {
  const commune = getCommune(o.shop.communeCode)?.name ?? "";
  const live = !FINAL.has(o.status);
  const steps: Html[] = timeline(t, o).map((step) => html`<li class="${step.state}">${step.label}</li>`);
  const body = html`<h1>${t("web:status.title", { code: o.code })}</h1><div class="card"><h2>${t("web:status.product", {
    quantity: formatQuantity({ value: o.quantity, unit: o.unit }),
    title: o.title,
  })}</h2><div class="price">${t("web:status.total", { total: formatPrice({ vnd: o.totalVnd, per: null }) })}</div>${
    o.shippingQuote ? html`<div>${shippingLine(t, { state: "quoted", quote: o.shippingQuote })}</div>` : null
  }<div>${t("web:status.shop", {
    shop: o.shop.name,
    commune,
  })}</div><div class="muted">${t("web:status.buyer", { name: o.buyerName, phone: maskPhone(o.buyerPhone), area: o.buyerArea })}</div></div><p><strong>${t(
    "web:status.now",
    { status: t(`orders:status.${o.status}`) },
  )}</strong></p>${o.pickup ? html`<p>${t("web:status.carrier", { carrier: t(`orders:carrier.${o.pickup.carrier}`) })}</p>` : null}${paymentBlock(t, o, pay)}<ol class="steps">${steps}</ol>${journeyHtml(t, journey)}${
    live ? html`<p class="muted">${t("web:status.refresh")}</p>` : null
  }`;
  return page({
    t,
    title: t("web:status.title", { code: o.code }),
    body,
    head: live ? html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : undefined,
  });
}

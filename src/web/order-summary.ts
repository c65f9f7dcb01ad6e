// The step between the order form and the order (issue 21): what the buyer is about to order, the
// shipping fee the carrier quotes for the route and weight, and the total with it. "Đặt hàng" sends the
// same values again with confirm=1; "Sửa lại" draws the shop page with the form filled in. Shown only
// where a carrier can quote (an API carrier is configured); a carrier that cannot answer does not stop
// the order: the buyer reads that the household will tell the fee.
import type { Translate } from "./texts.ts";
import type { QuoteLookup } from "../core/shipping-quotes.ts";
import { formatPrice } from "../lang/price.ts";
import { formatVnPhone } from "../lang/phone.ts";
import { formatQuantity } from "../lang/quantity.ts";
import { html, type Html } from "./html.ts";
import { page } from "./layout.ts";
import { FIELDS, type FormValues, type ValidOrder } from "./order-form.ts";

const money = (vnd: number) => formatPrice({ vnd, per: null });

export function shippingLine(t: Translate, fee: QuoteLookup): string | null {
  if (fee.state === "off") return null;
  if (fee.state !== "quoted") return t("web:summary.feeLater");
  const q = fee.quote;
  const carrier = t(`orders:carrier.${q.carrier}`);
  return q.eta ? t("web:summary.feeEta", { fee: money(q.feeVnd), carrier, eta: q.eta }) : t("web:summary.fee", { fee: money(q.feeVnd), carrier });
}

export interface SummaryInput {
  t: Translate;
  action: string;
  shopName: string;
  listing: { title: string; unit: string; priceVnd: number };
  order: ValidOrder;
  values: FormValues;
  fee: QuoteLookup;
}

export function renderOrderSummary({ t, action, shopName, listing, order, values, fee }: SummaryInput): string {
  const goodsVnd = Math.round(order.quantity * listing.priceVnd);
  const feeText = shippingLine(t, fee);
  const total = fee.state === "quoted" ? goodsVnd + fee.quote.feeVnd : goodsVnd;
  const hidden: Html[] = (["listing", ...FIELDS] as const).map((name) => html`<input type="hidden" name="${name}" value="${values[name] ?? ""}">`);
  const area = order.district ? `${order.district}, ${order.province.name}` : order.province.name;
  const body = html`<h1>${t("web:summary.title")}</h1><div class="card"><h2>${formatQuantity({ value: order.quantity, unit: listing.unit })} ${listing.title}</h2><div>${t(
    "web:summary.shop",
    { shop: shopName },
  )}</div><div>${t("web:summary.goods", { goods: money(goodsVnd) })}</div>${feeText ? html`<div class="shipping">${feeText}</div>` : null}<div class="price total">${t(
    fee.state === "quoted" ? "web:summary.totalWithFee" : "web:summary.total",
    { total: money(total) },
  )}</div></div><div class="card"><div>${t("web:summary.to", { name: order.name, phone: formatVnPhone(order.phone) })}</div><div class="muted">${order.address}, ${area}</div></div><form method="post" action="${action}">${hidden}<button type="submit" name="confirm" value="1">${t(
    "web:summary.place",
  )}</button> <button type="submit" name="edit" value="1" class="secondary">${t("web:summary.edit")}</button></form><p class="muted">${t("web:order.note")}</p>`;
  return page({ t, title: t("web:summary.title"), body });
}

// The payment part of the buyer's order page (issue 15): once the household accepted, the amount, the
// bank and masked account, the VietQR image (drawn by this app at /don/<token>/vietqr.png) and the
// payload to copy; the payment state with its times; "Tôi đã chuyển khoản" while unpaid.
import { amountDueVnd } from "../core/shipping-quote.ts";
import type { OrderView } from "../core/orders.ts";
import type { OrderPayment } from "../core/payment-state.ts";
import { statusPath } from "../links.ts";
import { formatPrice } from "../lang/price.ts";
import { formatTime } from "./format.ts";
import { html, type Html } from "./html.ts";
import type { Translate } from "./texts.ts";

const PAYABLE = new Set(["accepted", "picked_up", "delivered"]);

export function paymentBlock(t: Translate, o: OrderView, pay: OrderPayment | null): Html | null {
  // Without a bank account or e-wallet the household is paid in cash, as before: nothing to show.
  if (!PAYABLE.has(o.status) || !pay || (!pay.qr && !pay.shown.account)) return null;
  const p = o.payment;
  const at = p.state === "paid" ? p.paidAt : p.state === "buyer_paid" ? p.buyerPaidAt : null;
  const state = at ? t("payments:stateAt", { state: t(`payments:state.${p.state}`), at: formatTime(at) }) : t(`payments:state.${p.state}`);
  const path = statusPath(o.statusToken);
  const qr =
    pay.qr && pay.shown.bank && pay.shown.account
      ? html`<p>${t("payments:web.bank", { bank: pay.shown.bank.short, account: pay.shown.account, name: pay.shown.accountName ?? "" })}</p><p>${t(
          "payments:web.memo",
          { code: o.code, total: formatPrice({ vnd: amountDueVnd(o), per: null }) },
        )}</p><img class="qr" src="${path}/vietqr.png" width="264" height="264" alt="${t("payments:web.qrAlt", { code: o.code })}"><p class="muted">${t(
          "payments:web.copy",
        )}</p><textarea readonly rows="3" id="vietqr-payload">${pay.qr}</textarea>`
      : null;
  const button =
    pay.qr && p.state === "unpaid"
      ? html`<form method="post" action="${path}/da-chuyen"><button type="submit">${t("payments:buyerPaidButton")}</button></form>`
      : null;
  return html`<div class="card" id="payment"><h2>${t("payments:web.title")}</h2>${qr}<p><strong>${state}</strong></p>${button}<p class="muted">${t(
    "payments:toBuyer.cod",
  )}</p></div>`;
}

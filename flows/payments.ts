// Paying for an order (issue 15). Once the household accepts, the buyer is told how to pay (a VietQR
// for a bank account, the payload to copy, cash on delivery still possible). The buyer may tap "Tôi đã
// chuyển khoản"; the household answers "Đã nhận tiền" / "Chưa nhận", and each side is told.
// The buttons live in old messages: every tap re-checks whose order it is and its payment state.
import type { OrderView } from "../src/core/orders.ts";
import { paymentNotices } from "../src/core/payment-notices.ts";
import { buyerTarget } from "../src/core/notify.ts";
import { choice, end, say, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import type { ChannelName, Choice, Outbound } from "../src/engine/message.ts";
import { fold } from "../src/lang/normalize.ts";
import { statusUrl } from "../src/links.ts";

/** Where a platform that fetches images by URL finds the order's code (only a public https address works). */
export function qrImageUrl(ctx: FlowContext, o: OrderView): string | undefined {
  const base = ctx.settings.publicUrl;
  return base.startsWith("https://") ? `${statusUrl(base, o.statusToken)}/vietqr.png` : undefined;
}

/**
 * A just-accepted order of a household with payment details (a bank account or an e-wallet): the buyer
 * is told how to pay, and the household gets "Đã nhận tiền" / "Chưa nhận" (returned, to show under the
 * accepted order). Without details nothing changes: cash on delivery, as before.
 */
export async function paymentOnAccept(ctx: FlowContext, order: OrderView): Promise<Outbound[]> {
  const pay = await ctx.services.payments.forOrder(order);
  if (!pay || !pay.shown.account) return [];
  const to = buyerTarget(order);
  if (to && ctx.canSendTo(to.channel)) ctx.notify(to, (t) => paymentNotices.toBuyer(t, order, pay, { page: statusUrl(ctx.settings.publicUrl, order.statusToken), image: qrImageUrl(ctx, order) }));
  return paymentNotices.askHousehold(ctx.t, order);
}

const stateText = (ctx: FlowContext, o: OrderView) => ctx.t(`payments:state.${o.payment.state}`);

/** In "Đơn hàng" → an order: its payment state, and "Đã nhận tiền" while not paid (cash included). */
export function orderPaymentDetail(t: FlowContext["t"], o: OrderView): { lines: string[]; choices: Choice[] } {
  if (!["accepted", "picked_up", "delivered"].includes(o.status)) return { lines: [], choices: [] };
  const line = t("payments:detail", { state: t(`payments:state.${o.payment.state}`) });
  return { lines: [line], choices: o.payment.state === "paid" ? [] : [choice(`a.prcv.${o.id}`, t("payments:received"))] };
}
const notYours = (ctx: FlowContext) => end(say(ctx.t("payments:notYours")));

async function tellHousehold(ctx: FlowContext, o: OrderView, build: typeof paymentNotices.buyerPaid) {
  const to = await ctx.services.households.target(o.shop.householdId, (c) => ctx.canSendTo(c as ChannelName));
  if (to) ctx.notify(to, (t) => build(t, o));
}

function tellBuyer(ctx: FlowContext, o: OrderView, build: typeof paymentNotices.buyerReceived) {
  const to = buyerTarget(o);
  if (to && ctx.canSendTo(to.channel)) ctx.notify(to, (t) => build(t, o));
}

/** "Tôi đã chuyển khoản": only from the chat the order was placed in. */
async function buyerPaid(ctx: FlowContext, order: OrderView): Promise<StepResult> {
  if (order.buyerChannel !== ctx.identity.channel || order.buyerChatKey !== ctx.identity.chatKey) return notYours(ctx);
  const moved = await ctx.services.payments.buyerPaid(order.id, ctx.now);
  if (!moved) return end(say(ctx.t("payments:buyerAlready", { code: order.code, state: stateText(ctx, order) })));
  await tellHousehold(ctx, moved, paymentNotices.buyerPaid);
  return end(say(ctx.t("payments:buyerPaidThanks", { code: order.code })));
}

/** "Đã nhận tiền" / "Chưa nhận": only the household whose order it is. */
async function householdAnswer(ctx: FlowContext, order: OrderView, got: boolean): Promise<StepResult> {
  const shopId = ctx.household?.shop?.id;
  if (!shopId || order.shopId !== shopId) return notYours(ctx);
  const moved = got ? await ctx.services.payments.received(order.id, shopId, ctx.now) : await ctx.services.payments.notReceived(order.id, shopId);
  if (!moved) return end(say(ctx.t("payments:notNow", { code: order.code, state: stateText(ctx, order) })));
  tellBuyer(ctx, moved, got ? paymentNotices.buyerReceived : paymentNotices.buyerNotReceived);
  return end(say(ctx.t(got ? "payments:markedReceived" : "payments:markedNotReceived", { code: order.code })));
}

const ACTIONS: Record<string, (ctx: FlowContext, order: OrderView) => Promise<StepResult>> = {
  pbp: buyerPaid,
  prcv: (ctx, o) => householdAnswer(ctx, o, true),
  pnot: (ctx, o) => householdAnswer(ctx, o, false),
};
const KEYWORDS = { buyerPaid: "pbp", received: "prcv", notReceived: "pnot" } as const;

/** Buttons "a.pbp.<id>", "a.prcv.<id>", "a.pnot.<id>" and the words typed instead ("DA NHAN TIEN DH7K2F9Q"). */
export const paymentActions = {
  async tap(id: string, ctx: FlowContext): Promise<StepResult | null> {
    const m = /^a\.(pbp|prcv|pnot)\.([a-z0-9]+)$/.exec(id);
    if (!m) return null;
    const order = await ctx.services.orders.get(m[2]);
    return order ? ACTIONS[m[1]](ctx, order) : notYours(ctx);
  },

  async keyword(text: string, ctx: FlowContext): Promise<StepResult | null> {
    const m = /^([a-z ]+?)\s*(dh[a-z0-9]{6})$/.exec(fold(text.slice(0, 80)).replace(/[^a-z0-9 ]/g, " ").trim());
    if (!m) return null;
    const word = m[1].replace(/ /g, "");
    const key = (Object.keys(KEYWORDS) as Array<keyof typeof KEYWORDS>).find((k) => fold(ctx.t(`payments:keywords.${k}`)).replace(/ /g, "") === word);
    if (!key) return null;
    const order = await ctx.services.orders.byCode(m[2]);
    return order ? ACTIONS[KEYWORDS[key]](ctx, order) : notYours(ctx);
  },
};

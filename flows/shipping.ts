// The household's answers to a shipment (issue 21): the service chosen under a carrier's quote
// ("a.svc.<pickup>.<n>", typed "DV1 DH7K2F9Q" where there are no buttons) and "Huỷ đơn này" under a
// booking ("a.pxc.<order>", typed "HUYDON DH7K2F9Q"). The buttons live in old messages: every action
// re-checks whose shipment it is and what state it is in; the carrier is called after the turn.
import { buyerTarget } from "../src/core/notify.ts";
import { shipmentNotices } from "../src/core/shipment-notices.ts";
import { end, say, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import { fold } from "../src/lang/normalize.ts";

async function chooseService(ctx: FlowContext, pickupId: string, index: number): Promise<StepResult> {
  const shopId = ctx.household?.shop?.id ?? "";
  const chosen = await ctx.services.shipments.choose(pickupId, shopId, index, ctx.now);
  if (chosen.ok) return end(say(ctx.t("shipping:booking", { service: chosen.quote.name, code: chosen.code })));
  if (chosen.booking === null) return end(say(ctx.t("orders:notYours")));
  const order = await ctx.services.orders.get((await ctx.services.shipments.orderOf(pickupId)) ?? "");
  if (order && ["booking", "placed", "booked"].includes(chosen.booking)) return end(say(ctx.t("shipping:alreadyChosen", { code: order.code })));
  return end(say(ctx.t("shipping:quoteGone")));
}

async function cancelOrder(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const shopId = ctx.household?.shop?.id ?? "";
  const order = await ctx.services.orders.get(orderId);
  if (!order || order.shopId !== shopId) return end(say(ctx.t("orders:notYours")));
  const outcome = await ctx.services.shipments.requestCancel(order.id, shopId, ctx.now);
  if (outcome === "not_found") return end(say(ctx.t("orders:notYours")));
  if (outcome === "too_late") return end(say(ctx.t("shipping:cancelTooLate", { code: order.code })));
  if (outcome === "cancelling") return end(say(ctx.t("shipping:cancelling", { code: order.code })));
  const to = buyerTarget(order);
  if (to && ctx.canSendTo(to.channel)) ctx.notify(to, (t) => shipmentNotices.buyerCancelled(t, order));
  return end(say(ctx.t("shipping:cancelled", { code: order.code })));
}

export const shippingActions = {
  async tap(id: string, ctx: FlowContext): Promise<StepResult | null> {
    if (!ctx.household) return null;
    const svc = /^a\.svc\.([a-z0-9]+)\.(\d{1,2})$/.exec(id);
    if (svc) return chooseService(ctx, svc[1], Number(svc[2]));
    const cancel = /^a\.pxc\.([a-z0-9]+)$/.exec(id);
    return cancel ? cancelOrder(ctx, cancel[1]) : null;
  },

  /**
   * "1", "2"… typed right after a quote, as the numbered list under it says (Zalo, the terminal), while
   * nothing was said since and no order notice came after the person's last message either (then the
   * number is that notice's, order-replies.ts). Null: not an answer to a quote.
   */
  async reply(text: string, ctx: FlowContext): Promise<StepResult | null> {
    const shopId = ctx.household?.shop?.id;
    const since = ctx.household?.seenBefore;
    const number = /^(?:so )?([1-9])$/.exec(fold(text).trim());
    if (!shopId || !since || !number) return null;
    const quoted = await ctx.services.shipments.quotedSince(shopId, since);
    if (quoted.length !== 1 || (await ctx.services.orders.toldSince(shopId, since)).length > 0) return null;
    return chooseService(ctx, quoted[0], Number(number[1]) - 1);
  },

  async keyword(text: string, ctx: FlowContext): Promise<StepResult | null> {
    if (!ctx.household) return null;
    const words = fold(text).replace(/[^a-z0-9 ]/g, " ").replace(/\s+/g, " ").trim();
    const service = fold(ctx.t("shipping:keywords.service"));
    const cancel = fold(ctx.t("shipping:keywords.cancel"));
    const m = /^([a-z ]+?) ?(\d{0,2}) ?(dh[a-z0-9]{6})$/.exec(words);
    if (!m) return null;
    const word = m[1].replace(/ /g, "");
    const isCancel = word === cancel && !m[2];
    if (!isCancel && (word !== service || !m[2])) return null;
    const order = await ctx.services.orders.byCode(m[3]);
    if (isCancel) return order ? cancelOrder(ctx, order.id) : end(say(ctx.t("orders:notYours")));
    if (!order?.pickup || order.shopId !== ctx.household.shop?.id) return end(say(ctx.t("orders:notYours")));
    return chooseService(ctx, order.pickup.id, Number(m[2]) - 1);
  },
};

// The household's side of an order:
//   a new order arrives with "Nhận đơn" / "Từ chối" (buttons on Telegram, words to type on Zalo);
//   accepting shows the buyer's phone and address and offers "Gọi bưu điện lấy hàng";
//   declining asks for a reason; the pickup request asks carrier → weight → cash on delivery → send;
//   "Đơn hàng" lists recent orders and sales per month.
// The buttons live in old messages, so every action re-checks on the server whose order it is and
// whether it is still in the right state.
import type { OrderView } from "../src/core/orders.ts";
import { CARRIERS, type Carrier } from "../src/core/orders.ts";
import { decisionChoices, notices } from "../src/core/order-notices.ts";
import { labelLine } from "../src/core/shipment-notices.ts";
import { buyerTarget } from "../src/core/notify.ts";
import {
  buttonsStep,
  choice,
  column,
  done,
  end,
  next,
  retry,
  say,
  startFlow,
  type Flow,
  type FlowContext,
  type Step,
  type StepResult,
} from "../src/engine/flow.ts";
import { fold } from "../src/lang/normalize.ts";
import { orderPaymentDetail, paymentOnAccept } from "./payments.ts";
import { formatPrice, parsePrice } from "../src/lang/price.ts";
import { formatQuantity, parseQuantity } from "../src/lang/quantity.ts";
import { UNITS } from "../src/lang/lexicon.ts";

const MAX_REASON = 200;

/** The household's own order, or a reply saying why not. */
async function ownOrder(ctx: FlowContext, orderId: string): Promise<OrderView | StepResult> {
  // Every caller has a household (the order actions answer nothing without one; the order list needs
  // one). Without a shop, shopId is undefined and no order's shopId matches it.
  const shopId = ctx.household!.shop?.id;
  const order = await ctx.services.orders.get(orderId);
  if (!order || order.shopId !== shopId) return end(say(ctx.t("orders:notYours")));
  return order;
}

const isResult = (x: OrderView | StepResult): x is StepResult => "type" in x;
const alreadyDecided = (ctx: FlowContext, o: OrderView) =>
  end(say(ctx.t("orders:alreadyDecided", { code: o.code, status: ctx.t(`orders:status.${o.status}`) })));

function tellBuyer(ctx: FlowContext, order: OrderView, build: (t: FlowContext["t"], o: OrderView) => ReturnType<typeof notices.buyer.accepted>) {
  const to = buyerTarget(order);
  if (to && ctx.canSendTo(to.channel)) ctx.notify(to, (t) => build(t, order));
}

async function accept(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const own = await ownOrder(ctx, orderId);
  if (isResult(own)) return own;
  const order = await ctx.services.orders.accept(own.id, own.shopId, ctx.now);
  if (!order) return alreadyDecided(ctx, own);
  // Held only in part (the share cap) and the stock no longer has the rest.
  if (order.status === "pending") return end(say(ctx.t("orders:notEnoughToAccept", { code: order.code }), { choices: decisionChoices(ctx.t, order).slice(1, 2) }));
  tellBuyer(ctx, order, notices.buyer.accepted);
  const payment = await paymentOnAccept(ctx, order);
  return end(...notices.accepted(ctx.t, order), ...payment);
}

async function startDecline(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const own = await ownOrder(ctx, orderId);
  if (isResult(own)) return own;
  if (own.status !== "pending") return alreadyDecided(ctx, own);
  return startFlow("declineOrder", { orderId: own.id, code: own.code });
}

async function startPickup(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const own = await ownOrder(ctx, orderId);
  if (isResult(own)) return own;
  if (own.status !== "accepted" || own.pickup) return end(say(ctx.t("orders:pickupNotPossible")));
  const kg = own.unit === "kg" ? own.quantity : null;
  return startFlow("pickup", {
    orderId: own.id,
    code: own.code,
    totalVnd: own.totalVnd,
    feeVnd: own.shippingQuote?.feeVnd ?? 0,
    weightGrams: kg === null ? null : Math.round(kg * 1000),
    paid: own.payment.state === "paid",
  });
}

/** "Gọi người mua": the phone once the order is accepted; before, how to get it (accept). */
async function callBuyer(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const own = await ownOrder(ctx, orderId);
  if (isResult(own)) return own;
  if (own.status === "pending") return end(...notices.callBeforeAccept(ctx.t, own));
  if (own.status === "declined" || own.status === "expired" || own.status === "cancelled") return alreadyDecided(ctx, own);
  return end(...notices.callBuyer(ctx.t, own));
}

/** "Chặn người mua này": asked once (it declines every waiting order of that buyer). */
async function startBlock(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const own = await ownOrder(ctx, orderId);
  if (isResult(own)) return own;
  return startFlow("blockBuyer", { orderId: own.id, code: own.code });
}

/** An order's card from the grouped notice: the same card and choices as a single new order. */
async function openOrder(ctx: FlowContext, orderId: string): Promise<StepResult> {
  const own = await ownOrder(ctx, orderId);
  if (isResult(own)) return own;
  return end(...(own.status === "pending" ? notices.newOrder(ctx.t, own) : notices.statusForHousehold(ctx.t, own)));
}

export const ACTIONS: Record<string, (ctx: FlowContext, orderId: string) => Promise<StepResult>> = {
  acc: accept,
  dec: startDecline,
  pick: startPickup,
  call: callBuyer,
  block: startBlock,
  open: openOrder,
};

/** Notification buttons ("a.acc.<id>") and the words typed instead ("NHAN DH7K2F9Q"). */
export const orderActions = {
  async tap(id: string, ctx: FlowContext): Promise<StepResult | null> {
    const m = /^a\.(acc|dec|pick|call|block|open)\.([a-z0-9]+)$/.exec(id);
    if (!m || !ctx.household) return null;
    return ACTIONS[m[1]](ctx, m[2]);
  },

  async keyword(text: string, ctx: FlowContext): Promise<StepResult | null> {
    const m = /^([a-z ]+?)\s*(dh[a-z0-9]{6})$/.exec(fold(text).replace(/[^a-z0-9 ]/g, " ").trim());
    if (!m || !ctx.household) return null;
    const word = m[1].replace(/ /g, "");
    const action = (["accept", "decline", "pickup"] as const).find((k) => fold(ctx.t(`orders:keywords.${k}`)).replace(/ /g, "") === word);
    if (!action) return null;
    const order = await ctx.services.orders.byCode(m[2]);
    if (!order) return end(say(ctx.t("orders:notYours")));
    return ACTIONS[{ accept: "acc", decline: "dec", pickup: "pick" }[action]](ctx, order.id);
  },
};

// ---- "Chặn người mua này": sure? ----

export const blockBuyer: Flow = {
  id: "blockBuyer",
  first: "confirm",
  needsHousehold: true,
  steps: {
    confirm: buttonsStep({
      ask: (ctx) =>
        say(ctx.t("orders:askBlock", { code: ctx.data.code }), {
          choices: column(choice("yes", ctx.t("orders:blockYes"), "yes"), choice("no", ctx.t("orders:blockNo"), "no")),
        }),
      on: async (id, ctx) => {
        if (id !== "yes") return done(say(ctx.t("orders:blockKept")));
        const shopId = ctx.household!.shop!.id;
        const declined = await ctx.services.orders.blockBuyer(ctx.data.orderId as string, shopId, ctx.t("orders:blockReason"), ctx.now);
        if (!declined) return done(say(ctx.t("orders:notYours")));
        for (const o of declined) tellBuyer(ctx, o, notices.buyer.declined);
        const lines = [ctx.t("orders:blocked", { code: ctx.data.code }), ...(declined.length > 0 ? [ctx.t("orders:blockedDeclined", { count: declined.length })] : [])];
        return done(say(lines.join("\n")));
      },
    }),
  },
};

// ---- "Từ chối": why? ----

const REASONS = ["sold_out", "cannot_deliver", "price_changed"] as const;

async function decline(ctx: FlowContext, reason: string): Promise<StepResult> {
  const shopId = ctx.household!.shop!.id;
  const order = await ctx.services.orders.decline(ctx.data.orderId as string, shopId, reason, ctx.now);
  if (!order) {
    const current = await ctx.services.orders.get(ctx.data.orderId as string);
    return current ? alreadyDecided(ctx, current) : end(say(ctx.t("orders:notYours")));
  }
  tellBuyer(ctx, order, notices.buyer.declined);
  return done(say(ctx.t("orders:declined", { code: order.code })));
}

export const declineOrder: Flow = {
  id: "declineOrder",
  first: "reason",
  needsHousehold: true,
  steps: {
    reason: {
      accepts: ["choice", "text"],
      freeText: true,
      ask: (ctx) =>
        say(ctx.t("orders:askDeclineReason", { code: ctx.data.code }), {
          choices: column(...REASONS.map((r) => choice(r, ctx.t(`orders:reason.${r}`)))),
        }),
      answer: (input, ctx) => {
        if (input.kind === "choice") return decline(ctx, ctx.t(`orders:reason.${input.id}`));
        if (input.kind !== "text") return retry();
        const reason = input.text.normalize("NFC").replace(/\s+/g, " ").trim();
        if (reason.length < 2 || !/\p{L}/u.test(reason)) return retry();
        if ([...reason].length > MAX_REASON) return retry(say(ctx.t("orders:reasonTooLong")));
        return decline(ctx, reason);
      },
    },
  },
};

// ---- "Gọi bưu điện lấy hàng": carrier → weight → cash on delivery → send ----

interface PickupDraft {
  orderId: string;
  code: string;
  totalVnd: number;
  /** the shipping fee the buyer was shown and agreed to (0: none was quoted) */
  feeVnd?: number;
  weightGrams: number | null;
  carrier?: Carrier;
  codVnd?: number;
  /** the buyer already paid (by transfer): nothing to collect on delivery, so no COD question */
  paid?: boolean;
}
const pickupDraft = (ctx: FlowContext) => ctx.data as unknown as PickupDraft;
const kgText = (grams: number) => formatQuantity({ value: grams / 1000, unit: "kg" });
const money = (vnd: number) => formatPrice({ vnd, per: null });
/** A paid order is never collected twice: no cash on delivery, straight to the summary. */
const afterWeight = (d: PickupDraft) => {
  if (!d.paid) return next("cod");
  d.codVnd = 0;
  return next("confirm");
};

export const pickup: Flow = {
  id: "pickup",
  first: "carrier",
  needsHousehold: true,
  steps: {
    carrier: buttonsStep({
      ask: (ctx) =>
        say(ctx.t("orders:askCarrier", { code: pickupDraft(ctx).code }), {
          choices: column(...CARRIERS.map((c) => choice(c, ctx.t(`orders:carrier.${c}`)))),
        }),
      on: (id, ctx) => {
        pickupDraft(ctx).carrier = id as Carrier;
        return next("weight");
      },
    }),

    weight: {
      accepts: ["text", "choice"],
      fits: (text) => parseQuantity(text.slice(0, 100)) !== null,
      ask: (ctx) => {
        const grams = pickupDraft(ctx).weightGrams;
        return say(ctx.t("orders:askWeight", { weight: grams ? kgText(grams) : "?" }), {
          choices: grams ? column(choice("ok", ctx.t("orders:weightOk", { weight: kgText(grams) }), "yes")) : undefined,
        });
      },
      answer: (input, ctx) => {
        const d = pickupDraft(ctx);
        if (input.kind === "choice" && d.weightGrams) return afterWeight(d);
        const q = input.kind === "text" ? parseQuantity(input.text.slice(0, 100)) : null;
        const info = q && !("ambiguous" in q) ? UNITS.get(q.unit) : undefined;
        if (!q || "ambiguous" in q || info?.kind !== "mass" || !(q.kg! > 0) || q.kg! > 30_000) {
          return retry(say(ctx.t("orders:weightNotUnderstood")));
        }
        d.weightGrams = Math.round(q.kg! * 1000);
        return afterWeight(d);
      },
    },

    cod: {
      accepts: ["text", "choice"],
      fits: (text) => parsePrice(text.slice(0, 100)) !== null,
      ask: (ctx) => {
        const d = pickupDraft(ctx);
        const total = money(d.totalVnd + (d.feeVnd ?? 0));
        // The buyer confirmed a total with the quoted shipping fee: that is what the post office collects.
        const question = d.feeVnd ? ctx.t("orders:askCodWithFee", { total, goods: money(d.totalVnd), fee: money(d.feeVnd) }) : ctx.t("orders:askCod", { total });
        return say(question, {
          choices: column(choice("yes", ctx.t("orders:codYes", { total }), "yes"), choice("no", ctx.t("orders:codNo"), "no")),
        });
      },
      answer: (input, ctx) => {
        const d = pickupDraft(ctx);
        if (input.kind === "choice") {
          d.codVnd = input.id === "yes" ? d.totalVnd + (d.feeVnd ?? 0) : 0;
          return next("confirm");
        }
        const p = input.kind === "text" ? parsePrice(input.text.slice(0, 100)) : null;
        if (!p || "ambiguous" in p || p.vnd < 0 || p.vnd > 1_000_000_000) return retry(say(ctx.t("orders:codNotUnderstood")));
        d.codVnd = p.vnd;
        return next("confirm");
      },
    },

    confirm: buttonsStep({
      ask: (ctx) => {
        const d = pickupDraft(ctx);
        return say(
          ctx.t("orders:confirmPickup", {
            carrier: ctx.t(`orders:carrier.${d.carrier}`),
            weight: kgText(d.weightGrams ?? 0),
            cod: d.codVnd ? money(d.codVnd) : ctx.t(d.paid ? "orders:noCodPaid" : "orders:noCod"),
          }),
          { choices: column(choice("send", ctx.t("orders:sendPickup"), "yes", "done")) },
        );
      },
      on: async (_id, ctx) => {
        const d = pickupDraft(ctx);
        const order = await ctx.services.orders.requestPickup(d.orderId, ctx.household!.shop!.id, {
          carrier: d.carrier!,
          weightGrams: d.weightGrams ?? 0,
          codVnd: d.codVnd ?? 0,
        });
        if (!order) return done(say(ctx.t("orders:pickupNotPossible")));
        // A carrier with an API: its services and fees come next, asked after this turn (issue 21).
        if (ctx.settings.carriers?.[d.carrier!] === "api") {
          await ctx.services.shipments.startQuote(order.pickup!.id, ctx.now);
          return done(say(ctx.t("shipping:quoting", { carrier: ctx.t(`orders:carrier.${d.carrier}`), code: order.code })));
        }
        tellBuyer(ctx, order, notices.buyer.pickup);
        return done(say(ctx.t("orders:pickupSent", { carrier: ctx.t(`orders:carrier.${d.carrier}`) }) + labelLine(ctx.t, order, ctx.settings.publicUrl)));
      },
    }),
  },
};

// ---- "Đơn hàng": recent orders and sales per month ----

const STATUS_ICON: Record<string, string> = {
  pending: "⏳",
  accepted: "✅",
  declined: "✖️",
  expired: "⌛",
  cancelled: "✖️",
  picked_up: "🚚",
  delivered: "📦",
  returned: "↩️",
};

const list: Step = buttonsStep({
  ask: async (ctx) => {
    const { t } = ctx;
    const shopId = ctx.household!.shop!.id;
    const since = new Date(ctx.now.getFullYear(), ctx.now.getMonth() - 2, 1);
    const [recent, months] = await Promise.all([ctx.services.orders.ofShop(shopId, 10), ctx.services.orders.monthlyTotals(shopId, since)]);
    if (recent.length === 0) return say(t("orderList:empty"));
    const totals = months.map((m) =>
      t("orderList:month", { month: `${m.month.slice(5)}/${m.month.slice(0, 4)}`, orders: m.orders, total: money(m.totalVnd) }),
    );
    const rows = recent.map((o) =>
      choice(o.id, t("orderList:row", { icon: STATUS_ICON[o.status] ?? "•", code: o.code, quantity: formatQuantity({ value: o.quantity, unit: o.unit }), title: o.title })),
    );
    return [
      ...(totals.length > 0 ? [say(`${t("orderList:salesTitle")}\n${totals.join("\n")}`)] : []),
      say(t("orderList:title"), { choices: column(...rows) }),
    ];
  },
  on: (id, ctx) => {
    ctx.data.orderId = id;
    return next("detail");
  },
});

const detail: Step = buttonsStep({
  ask: async (ctx) => {
    const { t } = ctx;
    const own = await ownOrder(ctx, ctx.data.orderId as string);
    const back = [choice("back", t("orderList:back"))];
    if (isResult(own)) return say(t("orders:notYours"), { choices: column(...back) });
    const base = notices.statusForHousehold(t, own)[0].text;
    // Contact details only once the household has accepted.
    const contact = own.status === "pending" || own.status === "declined" || own.status === "expired" ? [] : [notices.accepted(t, own)[0].text];
    const actions =
      own.status === "pending"
        ? [choice(`a.acc.${own.id}`, t("orders:accept")), choice(`a.dec.${own.id}`, t("orders:decline"))]
        : own.status === "accepted" && !own.pickup
          ? [choice(`a.pick.${own.id}`, t("orders:callPickup"))]
          : [];
    const pay = orderPaymentDetail(t, own);
    return say([base, ...contact, ...pay.lines].join("\n\n"), { choices: column(...actions, ...pay.choices, ...back) });
  },
  on: () => next("list"),
});

export const orderList: Flow = {
  id: "orderList",
  first: "list",
  needsHousehold: true,
  steps: { list, detail },
};

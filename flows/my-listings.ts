// "Hàng của tôi": the shop's listings; for each one: change quantity or price, pause/resume,
// mark sold out, delete (kept for order history, hidden from buyers).
import {
  buttonsStep,
  choice,
  column,
  next,
  retry,
  say,
  startFlow,
  type Flow,
  type FlowContext,
  type Step,
} from "../src/engine/flow.ts";
import type { ListingView } from "../src/core/listings.ts";
import { displayPrice, displayQuantity, listingCard } from "./listing-card.ts";
import { formatQuantity } from "../src/lang/quantity.ts";
import { quantityExample, readPrice, readQuantity, showPrice, toStock, unitName } from "./questions/amounts.ts";

const MAX_ROWS = 20;
const shopId = (ctx: FlowContext) => ctx.household!.shop!.id;
const selected = (ctx: FlowContext) => ctx.data.listingId as string | undefined;

async function current(ctx: FlowContext): Promise<ListingView | null> {
  const id = selected(ctx);
  return id ? ctx.services.listings.get(shopId(ctx), id) : null;
}

const listStep: Step = buttonsStep({
  ask: async (ctx) => {
    const { t } = ctx;
    const all = (await ctx.services.listings.ofShop(shopId(ctx))).slice(0, MAX_ROWS);
    if (all.length === 0) return say(t("listings:empty"), { choices: column(choice("sell", t("listings:sellFirst"))) });
    const live = all.filter((l) => l.status === "active").length;
    const rows = all.map((l) =>
      choice(
        l.id,
        t("listings:row", { icon: t(`listings:icon.${l.status}`), title: l.title, quantity: displayQuantity(l), price: displayPrice(l) }),
      ),
    );
    return say(t("listings:title", { live }), { choices: [...column(...rows), [choice("sell", t("listings:sellMore"))]] });
  },
  on: (id, ctx) => {
    if (id === "sell") return startFlow("sell");
    ctx.data.listingId = id;
    return next("item");
  },
});

const itemStep: Step = buttonsStep({
  ask: async (ctx) => {
    const { t } = ctx;
    const l = await current(ctx);
    if (!l) return say(t("listings:gone"), { choices: column(choice("back", t("listings:action.back"))) });
    const card = listingCard(ctx, { ...l, hasPhoto: !!l.photoRef });
    const status = t("listings:statusLine", { status: t(`listings:status.${l.status}`) });
    const actions = [choice("quantity", t("listings:action.quantity")), choice("price", t("listings:action.price"))];
    if (l.status === "active") actions.push(choice("pause", t("listings:action.pause")), choice("soldOut", t("listings:action.soldOut")));
    if (l.status === "paused") actions.push(choice("resume", t("listings:action.resume")));
    if (l.status === "sold_out") actions.push(choice("restock", t("listings:action.restock")));
    actions.push(choice("delete", t("listings:action.delete")), choice("back", t("listings:action.back")));
    return [say(`${card}\n${status}`), say(t("listings:askAction"), { choices: column(...actions) })];
  },
  on: async (id, ctx) => {
    const { t } = ctx;
    const l = await current(ctx);
    if (id === "back" || !l) return next("list");
    const update = (patch: Parameters<typeof ctx.services.listings.update>[2]) =>
      ctx.services.listings.update(shopId(ctx), l.id, patch);
    switch (id) {
      case "quantity":
      case "restock":
        return next("quantity");
      case "price":
        return next("price");
      case "pause":
        await update({ status: "paused" });
        return next("list", say(t("listings:paused")));
      case "resume":
        await update({ status: "active" });
        return next("list", say(t("listings:resumed")));
      case "soldOut":
        await update({ status: "sold_out", quantity: 0 });
        return next("list", say(t("listings:soldOut")));
      case "delete":
        return next("confirmDelete");
      default:
        return retry();
    }
  },
});

const quantityStep: Step = {
  accepts: ["text"],
  fits: async (text, ctx) => readQuantity(ctx, text, (await current(ctx))?.unit ?? "kg").ok !== false,
  ask: async (ctx) => {
    const l = await current(ctx);
    return say(ctx.t("sell:askQuantity", { product: l?.title ?? "", example: quantityExample(ctx, l?.unit ?? "kg") }));
  },
  answer: async (input, ctx) => {
    const l = await current(ctx);
    if (!l) return next("list", say(ctx.t("listings:gone")));
    const read = readQuantity(ctx, input.kind === "text" ? input.text : "", l.unit);
    if (read.ok === false) return retry(say(read.error));
    // An ambiguous figure ("1.5 tạ") is asked again rather than guessed.
    if (read.ok === "ambiguous") {
      const readings = read.readings.map((q) => formatQuantity(q));
      return retry(say(ctx.t("listings:ambiguous", { readings: readings.join(" / "), first: readings[0] })));
    }
    const stock = toStock(read.value);
    if (stock.unit !== l.unit) return retry(say(ctx.t("sell:quantityNotUnderstood", { example: displayQuantity({ ...l, quantity: 1 }) })));
    await ctx.services.listings.update(shopId(ctx), l.id, {
      quantity: stock.quantity,
      displayUnit: stock.displayUnit,
      status: l.status === "sold_out" ? "active" : l.status,
    });
    return next("item", say(ctx.t("listings:updated")));
  },
};

const priceStep: Step = {
  accepts: ["text"],
  fits: async (text, ctx) => {
    const l = await current(ctx);
    return !!l && readPrice(ctx, text, { unit: l.unit, quantity: Math.max(l.quantity, 1) }).ok !== false;
  },
  ask: async (ctx) => {
    const l = await current(ctx);
    return say(ctx.t("sell:askPrice", { unit: unitName(l?.unit ?? "kg"), example: "80k" }));
  },
  answer: async (input, ctx) => {
    const l = await current(ctx);
    if (!l) return next("list", say(ctx.t("listings:gone")));
    const read = readPrice(ctx, input.kind === "text" ? input.text : "", { unit: l.unit, quantity: Math.max(l.quantity, 1) });
    if (read.ok === false) return retry(say(read.error));
    if (read.ok === "ambiguous") {
      const readings = read.readings.map((p) => showPrice(p, l.unit));
      return retry(say(ctx.t("listings:ambiguous", { readings: readings.join(" / "), first: readings[0] })));
    }
    await ctx.services.listings.update(shopId(ctx), l.id, { priceVnd: read.value });
    return next("item", say(ctx.t("listings:updated")));
  },
};

const confirmDelete: Step = buttonsStep({
  ask: ({ t }) =>
    say(t("listings:deleteConfirm"), { choices: column(choice("no", t("listings:deleteNo"), "no"), choice("yes", t("listings:deleteYes"), "yes")) }),
  on: async (id, ctx) => {
    const l = await current(ctx);
    if (id !== "yes" || !l) return next("item");
    await ctx.services.listings.update(shopId(ctx), l.id, { status: "deleted" });
    return next("list", say(ctx.t("listings:deleted")));
  },
});

export const myListings: Flow = {
  id: "myListings",
  first: "list",
  needsHousehold: true,
  steps: { list: listStep, item: itemStep, quantity: quantityStep, price: priceStep, confirmDelete },
};

// "Mua nông sản": anyone may buy, with or without a shop.
//   product → which offer (shop, commune, price, quantity left) → quantity → name → phone →
//   (from a sentence, "mua 5 cân na": straight to na's offers, and the 5 kg taken once one is chosen) →
//   province → address → summary → order placed (stock reserved) → the household is told at once.
// The buyer then hears about the order here: accepted, declined, picked up by the post office.
import { checkPersonName, PERSON_NAME_MAX } from "../src/core/rules.ts";
import { notices } from "../src/core/order-notices.ts";
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
import { getCommune } from "../src/lang/communes.ts";
import { parseListingSentence } from "../src/lang/listing.ts";
import { cleanText } from "../src/lang/normalize.ts";
import { formatVnPhone, parseVnMobile } from "../src/lang/phone.ts";
import { formatPrice } from "../src/lang/price.ts";
import { matchProduct } from "../src/lang/product.ts";
import type { Quantity } from "../src/lang/quantity.ts";
import { routeOf, type QuoteLookup } from "../src/core/shipping-quotes.ts";
import { displayPrice, displayQuantity } from "./listing-card.ts";
import { quantityExample, readQuantity, toStock, unitName } from "./questions/amounts.ts";
import { acceptsSuggestion, typedName } from "./questions/typed-name.ts";

interface Basket {
  productId?: string | null;
  productName?: string;
  listingIds?: string[];
  listingId?: string;
  quantity?: number;
  /** the unit the buyer used ("kg" for "20 kg"), to echo it back */
  displayUnit?: string;
  /** a quantity said with the product ("mua 5 cân na"): taken once an offer is chosen, if it fits */
  wanted?: Quantity;
  name?: string;
  phone?: string;
  area?: string;
  address?: string;
}

const basket = (ctx: FlowContext) => ctx.data as Basket;

/**
 * The shipping fee for what is in the basket, from memory: asking for it early (once the area is
 * known) lets the carrier answer while the buyer types the address.
 */
function shippingFee(ctx: FlowContext, l: { communeCode: string; unit: string; priceVnd: number } | null): QuoteLookup {
  const b = basket(ctx);
  const quotes = ctx.settings.shippingQuotes;
  if (!quotes || !l || !b.area || !b.quantity) return { state: "off" };
  return quotes.peek(routeOf(l, b.quantity, b.area));
}

/** The lines under the summary: the fee and the total with it, or who will tell the fee. */
function shippingLines(ctx: FlowContext, fee: QuoteLookup, goodsVnd: number): string {
  if (fee.state === "off") return "";
  if (fee.state === "pending") return `\n${ctx.t("buy:shipping.pending")}`;
  if (fee.state === "unavailable") return `\n${ctx.t("buy:shipping.unavailable")}`;
  const q = fee.quote;
  const carrier = ctx.t(`orders:carrier.${q.carrier}`);
  const line = q.eta ? ctx.t("buy:shipping.feeEta", { fee: money(q.feeVnd), carrier, eta: q.eta }) : ctx.t("buy:shipping.fee", { fee: money(q.feeVnd), carrier });
  return `\n${line}\n${ctx.t("buy:shipping.total", { total: money(goodsVnd + q.feeVnd) })}`;
}
const money = (vnd: number) => formatPrice({ vnd, per: null });

async function chosenListing(ctx: FlowContext) {
  const id = basket(ctx).listingId;
  return id ? ctx.services.listings.liveById(id) : null;
}

async function offers(ctx: FlowContext) {
  const b = basket(ctx);
  return ctx.services.listings.live(
    b.productId ? { productId: b.productId, excludeShopId: ctx.household?.shop?.id } : { titleQuery: b.productName, excludeShopId: ctx.household?.shop?.id },
  );
}

const productStep: Step = {
  accepts: ["text", "choice"],
  fits: (_text, _ctx, intent) => intent === "buy",
  ask: async (ctx) => {
    const ids = await ctx.services.listings.liveProducts(6);
    const items = ids.map((id) => ctx.catalog.byId(id)).filter((i) => i !== undefined);
    return say(ctx.t("buy:askProduct"), { choices: items.length ? column(...items.map((i) => choice(i.id, i.name))) : undefined });
  },
  answer: async (input, ctx) => {
    const b = basket(ctx);
    if (input.kind === "choice") {
      const item = ctx.catalog.byId(input.id);
      if (!item) return retry();
      b.productId = item.id;
      b.productName = item.name;
    } else if (input.kind === "text") {
      const text = cleanText(input.text).slice(0, 80);
      const match = matchProduct(text, ctx.catalog.index);
      if (match && match.length > 0) {
        b.productId = match[0].item.id;
        b.productName = match[0].item.name;
      } else if (/\p{L}{2,}/u.test(text)) {
        b.productId = null; // not in the catalog: look for it among free-text listings
        b.productName = text;
      } else return retry(say(ctx.t("buy:notUnderstood")));
    } else return retry();
    const found = await offers(ctx);
    if (found.length === 0) return retry(say(ctx.t("buy:noneFor", { product: b.productName })));
    b.listingIds = found.map((l) => l.id);
    return next("listing");
  },
};

const listingStep: Step = buttonsStep({
  ask: async (ctx) => {
    const found = await offers(ctx);
    const b = basket(ctx);
    const rows = found.map((l) =>
      choice(
        l.id,
        `${l.shopName}: ${ctx.t("buy:listingRow", { price: displayPrice(l), quantity: displayQuantity(l), commune: getCommune(l.communeCode)?.name ?? "" })}`,
      ),
    );
    return say(ctx.t("buy:pickListing", { count: found.length, product: b.productName }), { choices: column(...rows) });
  },
  on: async (id, ctx) => {
    const b = basket(ctx);
    b.listingId = id;
    const wanted = b.wanted;
    if (!wanted) return next("quantity");
    b.wanted = undefined; // used once: back at the quantity question it is asked for
    const l = await chosenListing(ctx);
    if (!l) return next("quantity");
    const stock = toStock(wanted);
    if (stock.unit !== l.unit) return next("quantity", say(ctx.t("buy:wrongUnit", { unit: unitName(l.unit) })));
    if (stock.quantity > l.quantity) return next("quantity", say(ctx.t("buy:tooMuch", { left: displayQuantity(l) })));
    b.quantity = stock.quantity;
    b.displayUnit = stock.displayUnit;
    const quantity = displayQuantity({ ...l, quantity: stock.quantity, displayUnit: stock.displayUnit });
    return next(b.name ? "confirm" : "name", say(ctx.t("buy:wantedTaken", { quantity })));
  },
});

const quantityStep: Step = {
  accepts: ["text"],
  // "ban 20 kg na 30k" holds a quantity, but with "bán" and a price it is a listing, not how much to buy.
  fits: async (text, ctx, intent) =>
    !(intent === "sell" && parseListingSentence(text, ctx.catalog.index).price) && readQuantity(ctx, text, (await chosenListing(ctx))?.unit ?? "kg").ok !== false,
  ask: async (ctx) => {
    const l = await chosenListing(ctx);
    if (!l) return say(ctx.t("buy:gone"));
    return say(ctx.t("buy:askQuantity", { left: displayQuantity(l), example: quantityExample(ctx, l.unit) }));
  },
  answer: async (input, ctx) => {
    const l = await chosenListing(ctx);
    if (!l) return next("product", say(ctx.t("buy:gone")));
    const read = readQuantity(ctx, input.kind === "text" ? input.text : "", l.unit);
    if (read.ok === false) return retry(say(read.error));
    if (read.ok === "ambiguous") return retry(say(ctx.t("sell:quantityNotUnderstood", { example: quantityExample(ctx, l.unit) })));
    const stock = toStock(read.value);
    if (stock.unit !== l.unit) return retry(say(ctx.t("buy:wrongUnit", { unit: unitName(l.unit) })));
    if (stock.quantity > l.quantity) return retry(say(ctx.t("buy:tooMuch", { left: displayQuantity(l) })));
    basket(ctx).quantity = stock.quantity;
    basket(ctx).displayUnit = stock.displayUnit;
    return next(basket(ctx).name ? "confirm" : "name");
  },
};

/** The buyer's own name offered as one tap: the household's, or the one the platform shows. */
const suggestedName = (ctx: FlowContext) =>
  ctx.household?.name ?? (ctx.displayName && checkPersonName(ctx.displayName).ok ? ctx.displayName : undefined);

const nameStep: Step = {
  accepts: ["text", "choice"],
  freeText: true,
  ask: (ctx) => {
    const suggestion = suggestedName(ctx);
    return say(ctx.t("buy:askName"), { choices: suggestion ? column(choice("me", suggestion)) : undefined });
  },
  answer: (input, ctx) => {
    const suggestion = suggestedName(ctx);
    const typed = input.kind === "text" ? input.text : "";
    // A tap on the suggestion, or "ok" while it is on screen; anything else typed must be a name.
    const taken = input.kind === "choice" || (suggestion && acceptsSuggestion(typed, ctx));
    const name = taken ? checkPersonName(suggestion ?? "") : typedName(typed, ctx, "person");
    if (!name.ok) return retry(say("hint" in name ? name.hint : ctx.t(`register:name.${name.reason}`, { max: PERSON_NAME_MAX })));
    basket(ctx).name = name.value;
    return next("phone");
  },
};

const phoneStep: Step = {
  accepts: ["text", "contact", "choice"],
  fits: (text) => parseVnMobile(text).ok,
  ask: (ctx) => {
    const own = ctx.household?.phone;
    return say(ctx.t("buy:askPhone"), { choices: own ? column(choice("me", formatVnPhone(own), "yes")) : undefined });
  },
  answer: (input, ctx) => {
    if (input.kind === "contact" && !input.isOwn) return retry(say(ctx.t("register:phone.notOwn")));
    const raw =
      input.kind === "choice" ? (ctx.household?.phone ?? "") : input.kind === "contact" ? input.phone : input.kind === "text" ? input.text : "";
    const phone = parseVnMobile(raw);
    if (!phone.ok) return retry(say(ctx.t(`register:phone.${phone.reason}`)));
    basket(ctx).phone = phone.e164;
    return next("area");
  },
};

const areaStep: Step = {
  accepts: ["text"],
  freeText: true,
  ask: (ctx) => say(ctx.t("buy:askArea")),
  answer: async (input, ctx) => {
    const area = cleanText(input.kind === "text" ? input.text : "");
    if ([...area].length < 2 || [...area].length > 60 || !/\p{L}{2,}/u.test(area)) return retry(say(ctx.t("buy:areaBad")));
    basket(ctx).area = area;
    shippingFee(ctx, await chosenListing(ctx)); // asked now, answered by the summary
    return next("address");
  },
};

const addressStep: Step = {
  accepts: ["text"],
  freeText: true,
  ask: (ctx) => say(ctx.t("buy:askAddress")),
  answer: (input, ctx) => {
    const address = cleanText(input.kind === "text" ? input.text : "");
    if ([...address].length < 5 || [...address].length > 200 || !/\p{L}/u.test(address)) return retry(say(ctx.t("buy:addressBad")));
    basket(ctx).address = address;
    return next("confirm");
  },
};

const confirmStep: Step = buttonsStep({
  ask: async (ctx) => {
    const b = basket(ctx);
    const l = await chosenListing(ctx);
    if (!l) return say(ctx.t("buy:gone"), { choices: column(choice("again", ctx.t("buy:changeQuantity"))) });
    const goodsVnd = Math.round(b.quantity! * l.priceVnd);
    const fee = shippingFee(ctx, l);
    const choices = [choice("place", ctx.t("buy:place"), "yes", "done"), choice("quantity", ctx.t("buy:changeQuantity"))];
    // Still asking the carrier: the buyer may look again, or order now (the household then tells the fee).
    if (fee.state === "pending") choices.splice(1, 0, choice("fee", ctx.t("buy:shipping.again")));
    return say(
      ctx.t("buy:confirm", {
        quantity: displayQuantity({ ...l, quantity: b.quantity!, displayUnit: b.displayUnit ?? l.displayUnit }),
        title: l.title,
        price: displayPrice(l),
        total: formatPrice({ vnd: Math.round(b.quantity! * l.priceVnd), per: null }),
        shop: l.shopName,
        commune: getCommune(l.communeCode)?.name ?? "",
        name: b.name,
        phone: formatVnPhone(b.phone!),
        address: b.address,
        area: b.area,
      }) + shippingLines(ctx, fee, goodsVnd),
      { choices: column(...choices) },
    );
  },
  on: async (id, ctx): Promise<StepResult> => {
    if (id === "fee") return retry();
    if (id !== "place") return next("quantity");
    const b = basket(ctx);
    const fee = shippingFee(ctx, await chosenListing(ctx));
    const result = await ctx.services.orders.place({
      listingId: b.listingId!,
      quantity: b.quantity!,
      buyer: { name: b.name!, phone: b.phone!, address: b.address!, area: b.area! },
      buyerChannel: ctx.identity.channel,
      buyerChatKey: ctx.identity.chatKey,
      buyerLocale: ctx.locale,
      source: "chat",
      now: ctx.now,
      expireAfterMs: ctx.settings.orderExpireAfterMs,
      caps: ctx.settings.orderCaps,
      shippingQuote: fee.state === "quoted" ? fee.quote : null,
    });
    if (!result.ok) {
      if (result.reason === "blocked") return done(say(ctx.t("buy:blocked")));
      if (result.reason === "too_many_open") return done(say(ctx.t("buy:tooManyOpen")));
      if (result.reason === "not_enough" && result.availableQuantity) {
        const l = await chosenListing(ctx);
        return next("quantity", say(ctx.t("buy:tooMuch", { left: l ? displayQuantity(l) : String(result.availableQuantity) })));
      }
      return next("product", say(ctx.t("buy:gone")));
    }
    const order = result.order;
    const to = await ctx.services.households.target(order.shop.householdId, (c) => ctx.canSendTo(c as never));
    // During a flood the order waits for one grouped notice (OrderService.tick).
    if (to && order.noticeAt) ctx.notify(to, (t) => notices.newOrder(t, order));
    const placed = notices.buyer.placed(ctx.t, order);
    return ctx.household ? done(...placed) : end(...placed, say(ctx.t("buy:buyMore")));
  },
});

/**
 * Buying a product named in a sentence ("mua 5 can na"): straight to its offers when there are
 * some, else the product question after saying so.
 */
export async function buyProduct(ctx: FlowContext, product: { id: string | null; name: string } | null, wanted?: Quantity | null): Promise<StepResult> {
  if (!product?.id) return startFlow("buy");
  ctx.data = { productId: product.id, productName: product.name } satisfies Basket;
  const found = await offers(ctx);
  if (found.length === 0) return startFlow("buy", {}, say(ctx.t("buy:noneFor", { product: product.name })));
  const data: Basket = { ...ctx.data, listingIds: found.map((l) => l.id), ...(wanted ? { wanted } : {}) };
  return { type: "start", flow: "buy", step: "listing", data: data as Record<string, unknown>, say: [] };
}

export const buy: Flow = {
  id: "buy",
  first: "product",
  needsHousehold: false,
  cancelText: ({ t }) => t("buy:cancelled"),
  steps: {
    product: productStep,
    listing: listingStep,
    quantity: quantityStep,
    name: nameStep,
    phone: phoneStep,
    area: areaStep,
    address: addressStep,
    confirm: confirmStep,
  },
};

// "Đăng bán": a household puts produce up for sale.
//   product → quantity → price → photo (optional) → when it is available → card as buyers see it → publish.
// Also started from one sentence typed at the main menu ("bán 2 tạ hồi khô giá 80k"): whatever the
// sentence said is filled in, only the missing or unclear parts are asked, then the same card.
// Nothing is saved until "Đăng bán" is tapped.
import {
  buttonsStep,
  choice,
  column,
  done,
  next,
  retry,
  say,
  type Flow,
  type FlowContext,
  type Step,
  type StepResult,
} from "../src/engine/flow.ts";
import { checkShopName, SHOP_NAME_MAX } from "../src/core/rules.ts";
import { parseAvailability, nextMonthStart } from "../src/lang/date.ts";
import { parseListingSentence, type ListingParse } from "../src/lang/listing.ts";
import { formatPrice, type Price } from "../src/lang/price.ts";
import { formatQuantity, type Quantity } from "../src/lang/quantity.ts";
import { listingCard } from "./listing-card.ts";
import { checkQuantity, pricePerUnit, quantityExample, readPrice, readQuantity, showPrice, toStock, unitName, type Stock } from "./questions/amounts.ts";

/** What the household has told us so far (persisted between messages). */
export interface Draft {
  /** undefined: not chosen yet; null: "Khác" (free text) */
  productId?: string | null;
  title?: string;
  /** the catalog's unit for this product, used in examples ("100 quả") */
  defaultUnit?: string;
  stock?: Stock;
  priceVnd?: number;
  /** a price said before the quantity ("hồi khô 80k/kg"), converted once the quantity is known */
  pendingPrice?: Price;
  /** undefined: not asked; null: skipped */
  photo?: { ref: string; channel: string } | null;
  /** ISO date; null: available now; undefined: not asked */
  when?: string | null;
  /** started from one sentence: photo and date are offered on the card instead of asked */
  quick?: boolean;
  /** changing one thing from the card: go straight back to the card afterwards */
  fixing?: boolean;
  candidates?: string[];
  typed?: string;
  quantityReadings?: Quantity[];
  priceReadings?: number[];
}

const draft = (ctx: FlowContext) => ctx.data as Draft;
const MAX_SUGGESTIONS = 6;

/** The next thing to ask: the first missing piece, or the card. */
function nextStep(d: Draft): string {
  if (d.candidates) return "productPick";
  if (d.title === undefined) return "product";
  if (d.quantityReadings) return "quantityPick";
  if (!d.stock) return "quantity";
  if (d.priceReadings) return "pricePick";
  if (d.priceVnd === undefined) return "price";
  if (d.fixing || d.quick) return "confirm";
  if (d.photo === undefined) return "photo";
  if (d.when === undefined) return "when";
  return "confirm";
}

const proceed = (ctx: FlowContext, ...messages: ReturnType<typeof say>[]) => next(nextStep(draft(ctx)), ...messages);

function setProduct(ctx: FlowContext, id: string | null, title: string) {
  const d = draft(ctx);
  d.productId = id;
  d.title = title;
  d.defaultUnit = id ? ctx.catalog.byId(id)?.unit ?? "kg" : "kg";
  d.candidates = undefined;
  d.typed = undefined;
}

function setStock(ctx: FlowContext, q: Quantity) {
  const d = draft(ctx);
  d.stock = toStock(q);
  d.quantityReadings = undefined;
  if (d.pendingPrice) {
    const perUnit = pricePerUnit(d.pendingPrice, d.stock);
    if (perUnit !== "mismatch") d.priceVnd = perUnit;
    d.pendingPrice = undefined;
  }
}

/** Take in whatever a sentence said: product, quantity, price (the unclear parts become questions). */
export function absorb(ctx: FlowContext, parsed: ListingParse): void {
  const d = draft(ctx);
  const productAmbiguity = parsed.ambiguous?.find((a) => a.field === "product");
  if (parsed.product) setProduct(ctx, parsed.product.id, parsed.product.name);
  else if (productAmbiguity && productAmbiguity.field === "product") d.candidates = productAmbiguity.readings.map((r) => r.id);

  const quantityAmbiguity = parsed.ambiguous?.find((a) => a.field === "quantity");
  if (parsed.quantity && !checkQuantity(ctx, parsed.quantity)) setStock(ctx, parsed.quantity);
  else if (quantityAmbiguity?.field === "quantity") d.quantityReadings = quantityAmbiguity.readings;

  if (parsed.price) {
    const price: Price = parsed.price.perAssumed ? { ...parsed.price, per: null } : parsed.price;
    if (d.stock) {
      const perUnit = pricePerUnit(price, d.stock);
      if (perUnit !== "mismatch") d.priceVnd = perUnit;
    } else d.pendingPrice = price;
  }
}

/** Products to offer as buttons: what this shop sold before, then what is in season, then the rest. */
async function suggestions(ctx: FlowContext): Promise<Array<{ id: string; name: string }>> {
  const month = ctx.now.getMonth() + 1;
  const shop = ctx.household?.shop;
  const before = shop ? await ctx.services.listings.productsOfShop(shop.id) : [];
  const items = [...ctx.catalog.items];
  const rank = (id: string, months: readonly number[]) =>
    before.includes(id) ? before.indexOf(id) : months.includes(month) ? 100 : 200;
  return items
    .map((item, i) => ({ item, r: rank(item.id, item.harvestMonths) * 1000 + i }))
    .sort((a, b) => a.r - b.r)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ item }) => ({ id: item.id, name: item.name }));
}

function draftCard(ctx: FlowContext): string {
  const d = draft(ctx);
  const card = listingCard(ctx, {
    title: d.title ?? "",
    unit: d.stock!.unit,
    quantity: d.stock!.quantity,
    displayUnit: d.stock!.displayUnit,
    priceVnd: d.priceVnd!,
    hasPhoto: !!d.photo,
    availableFrom: d.when ? new Date(d.when) : null,
  });
  const warning = priceWarning(ctx);
  return warning ? `${card}\n\n${warning}` : card;
}

/** A price far outside the catalog's usual range is usually a missing or extra zero. */
function priceWarning(ctx: FlowContext): string | null {
  const d = draft(ctx);
  const item = d.productId ? ctx.catalog.byId(d.productId) : undefined;
  if (!item || !d.stock || d.priceVnd === undefined || item.unit !== d.stock.unit) return null;
  const { min, max } = item.priceRange;
  if (d.priceVnd >= min / 2 && d.priceVnd <= max * 2) return null;
  return ctx.t("sell:priceWarning", { min: formatPrice({ vnd: min, per: null }), max: formatPrice({ vnd: max, per: item.unit }) });
}

const productStep: Step = {
  accepts: ["text", "choice"],
  // A listing sentence here is the answer; any other request is not a product.
  fits: (_text, _ctx, intent) => intent === "sell",
  ask: async (ctx) =>
    say(ctx.t("sell:askProduct"), {
      choices: [...column(...(await suggestions(ctx)).map((s) => choice(s.id, s.name))), [choice("other", ctx.t("sell:other"))]],
    }),
  answer: (input, ctx) => {
    draft(ctx).candidates = undefined; // back here from "which product?": start afresh
    if (input.kind === "choice") {
      if (input.id === "other") return next("otherName");
      const item = ctx.catalog.byId(input.id);
      if (!item) return retry();
      setProduct(ctx, item.id, item.name);
      return proceed(ctx);
    }
    if (input.kind !== "text") return retry();
    const text = input.text.slice(0, 300);
    const parsed = parseListingSentence(text, ctx.catalog.index);
    absorb(ctx, parsed);
    const d = draft(ctx);
    if (d.title === undefined && !d.candidates) {
      // Only a quantity or a price ("2 tạ", "80k"): keep it, but the product still has to be named.
      if ((parsed.quantity || parsed.price) && parsed.unknown.length === 0) return retry(say(ctx.t("sell:productFirst")));
      // Not in the catalog: "Khác", listed as typed.
      const name = checkShopName(text);
      if (!name.ok) return retry(say(ctx.t(`sell:productName.${name.reason}`, { max: SHOP_NAME_MAX })));
      setProduct(ctx, null, name.value);
    }
    if (d.candidates) d.typed = text;
    return proceed(ctx);
  },
};

const productPick: Step = buttonsStep({
  ask: (ctx) => {
    const d = draft(ctx);
    const items = (d.candidates ?? []).map((id) => ctx.catalog.byId(id)).filter((i) => i !== undefined);
    const other = d.typed ? [[choice("typed", ctx.t("sell:otherTyped", { text: d.typed.slice(0, 40) }))]] : [];
    return say(ctx.t("sell:pickProduct"), { choices: [...column(...items.map((i) => choice(i.id, i.name))), ...other] });
  },
  on: (id, ctx) => {
    const d = draft(ctx);
    if (id === "typed") {
      const name = checkShopName(d.typed ?? "");
      d.candidates = undefined;
      if (!name.ok) return next("otherName");
      setProduct(ctx, null, name.value);
      return proceed(ctx);
    }
    const item = ctx.catalog.byId(id);
    if (!item) return retry();
    setProduct(ctx, item.id, item.name);
    return proceed(ctx);
  },
});

const otherName: Step = {
  accepts: ["text"],
  freeText: true,
  ask: ({ t }) => say(t("sell:askOtherName")),
  answer: (input, ctx) => {
    const name = checkShopName(input.kind === "text" ? input.text : "");
    if (!name.ok) return retry(say(ctx.t(`sell:productName.${name.reason}`, { max: SHOP_NAME_MAX })));
    setProduct(ctx, null, name.value);
    return proceed(ctx);
  },
};

const quantityStep: Step = {
  accepts: ["text"],
  fits: (text, ctx) => readQuantity(ctx, text, draft(ctx).defaultUnit ?? "kg").ok !== false,
  ask: (ctx) => {
    const d = draft(ctx);
    return say(ctx.t("sell:askQuantity", { product: d.title, example: quantityExample(ctx, d.defaultUnit ?? "kg") }));
  },
  answer: (input, ctx) => {
    draft(ctx).quantityReadings = undefined; // back here from "which quantity?": start afresh
    const read = readQuantity(ctx, input.kind === "text" ? input.text : "", draft(ctx).defaultUnit ?? "kg");
    if (read.ok === false) return retry(say(read.error));
    if (read.ok === "ambiguous") {
      draft(ctx).quantityReadings = read.readings;
      return proceed(ctx);
    }
    setStock(ctx, read.value);
    return proceed(ctx);
  },
};

const quantityPick: Step = buttonsStep({
  ask: (ctx) =>
    say(ctx.t("sell:pickQuantity"), {
      choices: column(...(draft(ctx).quantityReadings ?? []).map((q, i) => choice(String(i), formatQuantity(q)))),
    }),
  on: (id, ctx) => {
    const q = draft(ctx).quantityReadings?.[Number(id)];
    if (!q) return retry();
    setStock(ctx, q);
    return proceed(ctx);
  },
});

const priceStep: Step = {
  accepts: ["text"],
  fits: (text, ctx) => readPrice(ctx, text, draft(ctx).stock!).ok !== false,
  ask: (ctx) => {
    const unit = draft(ctx).stock!.unit;
    return say(ctx.t("sell:askPrice", { unit: unitName(unit), example: "80k" }));
  },
  answer: (input, ctx) => {
    const d = draft(ctx);
    d.priceReadings = undefined; // back here from "which price?": this answer replaces those readings
    const read = readPrice(ctx, input.kind === "text" ? input.text : "", d.stock!);
    if (read.ok === false) return retry(say(read.error));
    if (read.ok === "ambiguous") d.priceReadings = read.readings;
    else d.priceVnd = read.value;
    return proceed(ctx);
  },
};

const pricePick: Step = buttonsStep({
  ask: (ctx) => {
    const d = draft(ctx);
    return say(ctx.t("sell:pickPrice"), {
      choices: column(...(d.priceReadings ?? []).map((p, i) => choice(String(i), showPrice(p, d.stock!.unit)))),
    });
  },
  on: (id, ctx) => {
    const d = draft(ctx);
    const price = d.priceReadings?.[Number(id)];
    if (price === undefined) return retry();
    d.priceVnd = price;
    d.priceReadings = undefined;
    return proceed(ctx);
  },
});

const photoStep: Step = {
  accepts: ["photo", "choice"],
  ask: ({ t }) => say(t("sell:askPhoto"), { choices: column(choice("skip", t("sell:skipPhoto"))) }),
  answer: (input, ctx) => {
    const d = draft(ctx);
    if (input.kind === "photo" && input.ref) {
      d.photo = { ref: input.ref, channel: ctx.identity.channel };
      return proceed(ctx, say(ctx.t("sell:photoSaved")));
    }
    if (input.kind === "choice") {
      if (d.photo === undefined) d.photo = null;
      return proceed(ctx);
    }
    return retry();
  },
};

function whenChoices(ctx: FlowContext) {
  const d = draft(ctx);
  const item = d.productId ? ctx.catalog.byId(d.productId) : undefined;
  const thisMonth = ctx.now.getMonth() + 1;
  // The next three harvest months of this product (not the current one: that is "now").
  const months = (item?.harvestMonths ?? [])
    .map((m) => ({ m, order: (m - thisMonth + 12) % 12 }))
    .filter((x) => x.order > 0)
    .sort((a, b) => a.order - b.order)
    .slice(0, 3)
    .map((x) => x.m);
  return [choice("now", ctx.t("sell:now")), ...months.map((m) => choice(`m${m}`, ctx.t("sell:fromMonth", { month: m })))];
}

const whenStep: Step = {
  accepts: ["text", "choice"],
  fits: (text, ctx) => parseAvailability(text.slice(0, 40), ctx.now) !== null,
  ask: (ctx) => say(ctx.t("sell:askWhen"), { choices: column(...whenChoices(ctx)) }),
  answer: (input, ctx) => {
    const d = draft(ctx);
    if (input.kind === "choice") {
      d.when = input.id === "now" ? null : nextMonthStart(Number(input.id.slice(1)), ctx.now).toISOString();
      return proceed(ctx);
    }
    const parsed = input.kind === "text" ? parseAvailability(input.text.slice(0, 40), ctx.now) : null;
    if (!parsed) return retry(say(ctx.t("sell:whenNotUnderstood")));
    if (parsed.kind === "past") return retry(say(ctx.t("sell:whenPast")));
    d.when = parsed.date.toISOString();
    return proceed(ctx);
  },
};

const confirmStep: Step = buttonsStep({
  ask: (ctx) => {
    const d = draft(ctx);
    const buttons = [choice("publish", ctx.t("sell:publish"))];
    if (!d.photo) buttons.push(choice("photo", ctx.t("sell:addPhoto")));
    buttons.push(choice("fix", ctx.t("sell:fix")));
    // One message: the card under its heading, the buttons under the card.
    return say(`${ctx.t("sell:confirmIntro")}\n\n${draftCard(ctx)}`, { choices: column(...buttons) });
  },
  on: async (id, ctx): Promise<StepResult> => {
    const d = draft(ctx);
    if (id === "photo") {
      d.fixing = true;
      return next("photo");
    }
    if (id === "fix") return next("fix");
    const shop = ctx.household?.shop;
    if (!shop) return retry();
    await ctx.services.listings.create({
      shopId: shop.id,
      productId: d.productId ?? null,
      title: d.title!,
      unit: d.stock!.unit,
      quantity: d.stock!.quantity,
      displayUnit: d.stock!.displayUnit,
      priceVnd: d.priceVnd!,
      photo: d.photo ?? null,
      availableFrom: d.when ? new Date(d.when) : null,
    });
    return done(say(ctx.t("sell:published")));
  },
});

const FIXABLE = ["product", "quantity", "price", "photo", "when"] as const;

const fixStep: Step = buttonsStep({
  ask: ({ t }) => say(t("sell:askFix"), { choices: column(...FIXABLE.map((f) => choice(f, t(`sell:fixField.${f}`)))) }),
  on: (id, ctx) => {
    draft(ctx).fixing = true;
    return next(id);
  },
});

export const sell: Flow = {
  id: "sell",
  first: "product",
  needsHousehold: true,
  cancelText: ({ t }) => t("sell:cancelled"),
  steps: {
    product: productStep,
    productPick,
    otherName,
    quantity: quantityStep,
    quantityPick,
    price: priceStep,
    pricePick,
    photo: photoStep,
    when: whenStep,
    confirm: confirmStep,
    fix: fixStep,
  },
};

/**
 * The one-sentence way in, from the main menu: "bán 2 tạ hồi khô giá 80k". Returns null when the
 * text does not look like an offer (then the menu answers as usual).
 */
export function sellFromSentence(ctx: FlowContext, text: string): StepResult | null {
  const parsed = parseListingSentence(text.slice(0, 300), ctx.catalog.index);
  const productish = parsed.product || parsed.ambiguous?.some((a) => a.field === "product");
  if (!productish && !(parsed.quantity && parsed.price)) return null;
  ctx.data = {};
  absorb(ctx, parsed);
  const d = draft(ctx);
  d.quick = true;
  const step = nextStep(d);
  const understood = [d.title, d.stock && formatQuantity({ value: d.stock.quantity, unit: d.stock.unit }), d.priceVnd && showPrice(d.priceVnd, d.stock!.unit)]
    .filter(Boolean)
    .join(" · ");
  const missing = (["product", "quantity", "price"] as const).filter(
    (f) => (f === "product" && d.title === undefined) || (f === "quantity" && !d.stock) || (f === "price" && d.priceVnd === undefined),
  );
  const intro = step === "confirm" ? [] : [say(`${ctx.t("sell:draftIntro")} ${understood || "…"}`)];
  if (missing.length > 0 && step !== "confirm") {
    intro.push(say(ctx.t("sell:missing", { what: missing.map((f) => ctx.t(`sell:field.${f}`)).join(", ") })));
  }
  return { type: "start", flow: "sell", data: ctx.data, step, say: intro };
}

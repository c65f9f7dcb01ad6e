// The listing being written in "Đăng bán": what the household has said so far, what to ask next,
// and the card it will publish. Shared by the steps (sell.ts) and several products at once (sell-batch.ts).
import type { FlowContext } from "../src/engine/flow.ts";
import type { ListingParse } from "../src/lang/listing.ts";
import { formatPrice, type Price } from "../src/lang/price.ts";
import type { Quantity } from "../src/lang/quantity.ts";
import { listingCard } from "./listing-card.ts";
import { checkQuantity, pricePerUnit, toStock, type Stock } from "./questions/amounts.ts";
import { productTitle } from "../src/lang/origin.ts";

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
  /** several products from one message (sell-batch.ts): each one's draft; the fields above are the one being asked or fixed */
  batch?: Draft[];
  /** which of `batch` is in the fields above */
  editing?: number;
  candidates?: string[];
  typed?: string;
  quantityReadings?: Quantity[];
  priceReadings?: number[];
  /** the price the household was last told its standing against the province for (issue 16) */
  standingFor?: number;
}

export const draft = (ctx: FlowContext) => ctx.data as Draft;

/** The next thing to ask: the first missing piece, or the card. */
export function nextStep(d: Draft): string {
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


export function setProduct(ctx: FlowContext, id: string | null, title: string) {
  const d = draft(ctx);
  d.productId = id;
  // A catalog product's title: generic, or its protected name for a household of its area.
  const item = id ? ctx.catalog.byId(id) : undefined;
  d.title = item ? productTitle(item, ctx.household?.communeCode) : title;
  d.defaultUnit = id ? ctx.catalog.byId(id)?.unit ?? "kg" : "kg";
  d.candidates = undefined;
  d.typed = undefined;
}

export function setStock(ctx: FlowContext, q: Quantity) {
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

export function draftCard(ctx: FlowContext, d: Draft = draft(ctx)): string {
  const card = listingCard(ctx, {
    title: d.title ?? "",
    unit: d.stock!.unit,
    quantity: d.stock!.quantity,
    displayUnit: d.stock!.displayUnit,
    priceVnd: d.priceVnd!,
    hasPhoto: !!d.photo,
    availableFrom: d.when ? new Date(d.when) : null,
  });
  const warning = priceWarning(ctx, d);
  return warning ? `${card}\n\n${warning}` : card;
}

/** A price far outside the catalog's usual range is usually a missing or extra zero. */
export function priceWarning(ctx: FlowContext, d: Draft = draft(ctx)): string | null {
  const item = d.productId ? ctx.catalog.byId(d.productId) : undefined;
  if (!item || !d.stock || d.priceVnd === undefined || item.unit !== d.stock.unit) return null;
  const { min, max } = item.priceRange;
  if (d.priceVnd >= min / 2 && d.priceVnd <= max * 2) return null;
  return ctx.t("sell:priceWarning", { min: formatPrice({ vnd: min, per: null }), max: formatPrice({ vnd: max, per: item.unit }) });
}


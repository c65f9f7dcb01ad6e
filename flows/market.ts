// "Giá na hôm nay bao nhiêu?": what Chợ Số knows about a product's price, from the price board
// (core/prices.ts): live offers in the province and accepted orders of the last days, with a link to
// the board's page; an officer's reference price ("/giathamkhao") with its date and source; the
// catalog's usual range only when none of these exists. No market feed
// exists, so nothing else is claimed. Also where a household's own price stands (priceStanding).
import { say, type FlowContext } from "../src/engine/flow.ts";
import type { Outbound } from "../src/engine/message.ts";
import type { ProductRef } from "../src/lang/listing.ts";
import { formatPrice } from "../src/lang/price.ts";
import { formatDate } from "../src/lang/datetime.ts";
import { foldWords } from "../src/lang/normalize.ts";
import { matchProduct } from "../src/lang/product.ts";
import { pricePath } from "../src/links.ts";

/**
 * The products a name in the message may mean, the understood one first: "na" is Na Chi Lăng, but
 * also Na dai and Na bở (their names start with it), and whichever is on sale is the one a farmer
 * asking about "na" wants to hear about.
 */
export function productsNamed(ctx: FlowContext, text: string, product: ProductRef | null): ProductRef[] {
  if (!product) return [];
  const found = matchProduct(text.slice(0, 200), ctx.catalog.index) ?? [];
  const hit = found.find((c) => c.item.id === product.id);
  const same = hit ? found.filter((c) => c.start === hit.start && c.end === hit.end) : [];
  const aliases = new Set(same.map((c) => c.alias));
  const family = ctx.catalog.items.filter((item) =>
    [item.name, ...item.aliases].some((a) => [...aliases].some((alias) => foldWords(a).startsWith(`${alias} `))),
  );
  const refs = [product, ...same.map((c) => c.item), ...family].map((i) => ({ id: i.id, name: i.name }));
  return refs.filter((p, i) => refs.findIndex((q) => q.id === p.id) === i);
}

/** The first of `products` with offers on Chợ Số, else the first. */
export async function productOnSale(ctx: FlowContext, products: ProductRef[]): Promise<ProductRef | null> {
  for (const p of products) {
    if ((await ctx.services.listings.live({ productId: p.id, excludeShopId: ctx.household?.shop?.id }, 1)).length > 0) return p;
  }
  return products[0] ?? null;
}

/** One short message: the board's figures for the product (on sale, sold lately), and its page. */
export async function priceAnswer(ctx: FlowContext, products: ProductRef[]): Promise<Outbound[]> {
  const product = await productOnSale(ctx, products);
  const item = product ? ctx.catalog.byId(product.id) : undefined;
  if (!item) return [say(ctx.t("market:which"))];
  // The kept board when it is fresh (about a minute old at most): at province scale one product's
  // figures take most of a second of SQL, the board's are already computed.
  const kept = ctx.settings.priceBoard?.peek();
  const row = kept ? (kept.rows.find((r) => r.productId === item.id) ?? null) : await ctx.services.prices.ofProduct(item.id, { now: ctx.now });
  const unit = row?.unit ?? item.unit;
  const money = (vnd: number) => formatPrice({ vnd, per: unit });
  const lines = [ctx.t("prices:chat.title", { product: item.name })];
  const live = row?.live;
  if (!live) lines.push(ctx.t("prices:chat.noLive", { product: item.name }));
  else if (live.min === live.max) lines.push(ctx.t("prices:chat.liveOne", { price: money(live.min), count: live.count }));
  else lines.push(ctx.t("prices:chat.live", { min: money(live.min), max: money(live.max), median: money(live.median), count: live.count }));
  const sold = row?.orders7 ? { key: "sold7", f: row.orders7 } : row?.orders30 ? { key: "sold30", f: row.orders30 } : null;
  if (sold) lines.push(ctx.t(`prices:chat.${sold.key}`, { min: money(sold.f.min), max: money(sold.f.max), count: sold.f.count }));
  const reference = kept ? (kept.references.get(item.id) ?? null) : await ctx.services.referencePrices.latest(item.id);
  if (reference) {
    lines.push(ctx.t("prices:chat.reference", { price: formatPrice({ vnd: reference.priceVnd, per: reference.unit }), source: reference.source, date: formatDate(reference.createdAt) }));
  }
  if (!live && !sold && !reference) {
    lines.push(ctx.t("prices:chat.usual", { min: formatPrice({ vnd: item.priceRange.min, per: null }), max: formatPrice({ vnd: item.priceRange.max, per: item.unit }) }));
  }
  lines.push(ctx.t("prices:chat.more", { url: `${ctx.settings.publicUrl}${pricePath(item.id)}` }));
  return [say(lines.join("\n"))];
}

/** "/gia" (or "/gia hoi kho"): one product's prices, or the board's link when no product is named. */
export async function priceCommand(ctx: FlowContext, args: string): Promise<Outbound[]> {
  const text = args.slice(0, 200);
  const found = matchProduct(text, ctx.catalog.index);
  if (found?.length) return priceAnswer(ctx, productsNamed(ctx, text, { id: found[0].item.id, name: found[0].item.name }));
  return [say(ctx.t("prices:chat.board", { url: `${ctx.settings.publicUrl}${pricePath()}` }))];
}

/** Fewer live listings (or accepted orders) than this make no "price of the province". */
export const MIN_FOR_MEDIAN = 3;
/** Closer than this to the median is "about the median". */
const SAME_WITHIN = 0.05;

/**
 * Where a price stands against the province ("thấp hơn giá giữa của tỉnh khoảng 10%"): the median of
 * other shops' live listings, else of their last 30 days' accepted orders (as read in the last minute:
 * core/market-sample.ts); null when there are too few to say, or
 * the price is in another unit than the catalog's.
 */
export async function priceStanding(ctx: FlowContext, productId: string | null | undefined, unit: string, priceVnd: number): Promise<string | null> {
  if (!productId || ctx.catalog.byId(productId)?.unit !== unit) return null;
  const base = await ctx.services.market.reference(productId, MIN_FOR_MEDIAN, { now: ctx.now, excludeShopId: ctx.household?.shop?.id });
  if (!base || base.median <= 0) return null;
  const median = formatPrice({ vnd: base.median, per: unit });
  const diff = (priceVnd - base.median) / base.median;
  if (Math.abs(diff) < SAME_WITHIN) return ctx.t("prices:standing.same", { median });
  const percent = Math.round(Math.abs(diff) * 100);
  return ctx.t(diff < 0 ? "prices:standing.lower" : "prices:standing.higher", { median, percent });
}

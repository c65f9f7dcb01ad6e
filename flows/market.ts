// "Giá na hôm nay bao nhiêu?": what Chợ Số knows about a product's price. Two honest sources: the
// catalog's usual range (the same range that warns about a missing zero when listing), and the live
// offers on Chợ Số right now. No market feed exists, so nothing else is claimed.
import { say, type FlowContext } from "../src/engine/flow.ts";
import type { Outbound } from "../src/engine/message.ts";
import type { ProductRef } from "../src/lang/listing.ts";
import { formatPrice } from "../src/lang/price.ts";
import { foldWords } from "../src/lang/normalize.ts";
import { matchProduct } from "../src/lang/product.ts";

const MAX_OFFERS = 50;

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

export async function priceAnswer(ctx: FlowContext, products: ProductRef[]): Promise<Outbound[]> {
  const product = await productOnSale(ctx, products);
  const item = product ? ctx.catalog.byId(product.id) : undefined;
  if (!item) return [say(ctx.t("market:which"))];
  const lines = [
    ctx.t("market:usual", {
      product: item.name,
      min: formatPrice({ vnd: item.priceRange.min, per: null }),
      max: formatPrice({ vnd: item.priceRange.max, per: item.unit }),
    }),
  ];
  const offers = await ctx.services.listings.live({ productId: item.id, excludeShopId: ctx.household?.shop?.id }, MAX_OFFERS);
  if (offers.length === 0) lines.push(ctx.t("market:noLive", { product: item.name }));
  else {
    const prices = offers.map((o) => o.priceVnd);
    const [min, max] = [Math.min(...prices), Math.max(...prices)];
    const unit = offers[0].unit;
    lines.push(
      min === max
        ? ctx.t("market:liveOnePrice", { count: offers.length, price: formatPrice({ vnd: min, per: unit }) })
        : ctx.t("market:live", { count: offers.length, min: formatPrice({ vnd: min, per: null }), max: formatPrice({ vnd: max, per: unit }) }),
    );
  }
  return [say(lines.join("\n"))];
}

// One sentence about something already on sale: "het na roi" (sold out), "sua gia na 40k",
// "na giam con 35 nghin" (new price), "quyt con 1 ta" (new quantity).
//   which listing (asked only when several fit) → confirm → done.
// Without a new figure ("sua gia na"), the listing's own question in "Hàng của tôi" asks for it.
import {
  buttonsStep,
  choice,
  column,
  done,
  next,
  say,
  type Flow,
  type FlowContext,
  type StepResult,
} from "../src/engine/flow.ts";
import type { ListingView } from "../src/core/listings.ts";
import type { Understanding } from "../src/lang/intent.ts";
import { fold } from "../src/lang/normalize.ts";
import type { Price } from "../src/lang/price.ts";
import type { Quantity } from "../src/lang/quantity.ts";
import { displayPrice, displayQuantity } from "./listing-card.ts";
import { productsNamed } from "./market.ts";
import { checkQuantity, pricePerUnit, toStock } from "./questions/amounts.ts";

export type QuickAction = "sold_out" | "change_price" | "change_quantity";

interface Edit {
  action: QuickAction;
  price?: Price | null;
  quantity?: Quantity | null;
  listingIds?: string[];
  listingId?: string;
}

const MIN_VND = 500;
const MAX_VND = 1_000_000_000;
const edit = (ctx: FlowContext) => ctx.data as unknown as Edit;
const shopId = (ctx: FlowContext) => ctx.household!.shop!.id;

/** The listings a sentence is about: those of the products it names ("na": any na), or all. */
async function listingsNamed(ctx: FlowContext, u: Understanding, text: string, action: QuickAction): Promise<{ named: boolean; found: ListingView[] }> {
  const all = (await ctx.services.listings.ofShop(shopId(ctx))).filter((l) => action !== "sold_out" || l.status !== "sold_out");
  const ids = new Set(productsNamed(ctx, text, u.product).map((p) => p.id));
  const folded = fold(text);
  const byTitle = all.filter((l) => l.productId === null && folded.includes(fold(l.title)));
  if (ids.size === 0 && byTitle.length === 0) return { named: false, found: all };
  return { named: true, found: [...all.filter((l) => l.productId !== null && ids.has(l.productId)), ...byTitle] };
}

/** Start from a sentence: a StepResult (a flow to run), or messages when nothing fits. */
export async function quickEdit(ctx: FlowContext, u: Understanding, text: string, action: QuickAction): Promise<StepResult | ReturnType<typeof say>[]> {
  const { named, found } = await listingsNamed(ctx, u, text, action);
  if (found.length === 0) {
    return [say(named && u.product ? ctx.t("listings:quick.noneFor", { product: u.product.name }) : ctx.t("listings:quick.none"))];
  }
  const item = u.items.find((i) => i.price !== null || i.quantity !== null);
  const data: Edit = { action, price: item?.price ?? null, quantity: item?.quantity ?? null, listingIds: found.map((l) => l.id) };
  if (found.length > 1) return { type: "start", flow: "quickEdit", step: "pick", data: data as never, say: [] };
  ctx.data = data as never;
  const result = await chosen(ctx, found[0]);
  return result.type === "next" ? { type: "start", flow: "quickEdit", step: result.step, data: ctx.data, say: [] } : result;
}

/** The new price per listing unit, or null when the sentence gave none that fits this listing. */
function newPrice(e: Edit, l: ListingView): number | null {
  if (!e.price || e.price.per === "total") return null;
  const perUnit = pricePerUnit(e.price, { unit: l.unit, quantity: Math.max(l.quantity, 1) });
  return perUnit !== "mismatch" && perUnit >= MIN_VND && perUnit <= MAX_VND ? perUnit : null;
}

function newStock(ctx: FlowContext, e: Edit, l: ListingView) {
  if (!e.quantity || checkQuantity(ctx, e.quantity)) return null;
  const stock = toStock(e.quantity);
  return stock.unit === l.unit ? stock : null;
}

/** A listing is chosen: confirm, or ask its figure in "Hàng của tôi" when the sentence gave none. */
async function chosen(ctx: FlowContext, l: ListingView): Promise<StepResult> {
  const e = edit(ctx);
  e.listingId = l.id;
  if (e.action === "change_price" && newPrice(e, l) === null) return { type: "start", flow: "myListings", step: "price", data: { listingId: l.id }, say: [] };
  if (e.action === "change_quantity" && newStock(ctx, e, l) === null) {
    return { type: "start", flow: "myListings", step: "quantity", data: { listingId: l.id }, say: [] };
  }
  return next("confirm");
}

async function current(ctx: FlowContext): Promise<ListingView | null> {
  const id = edit(ctx).listingId;
  return id ? ctx.services.listings.get(shopId(ctx), id) : null;
}

export const quickEditFlow: Flow = {
  id: "quickEdit",
  first: "pick",
  needsHousehold: true,
  steps: {
    pick: buttonsStep({
      ask: async (ctx) => {
        const e = edit(ctx);
        const all = await ctx.services.listings.ofShop(shopId(ctx));
        const rows = all.filter((l) => e.listingIds?.includes(l.id));
        return say(ctx.t(`listings:quick.pick.${e.action}`), {
          choices: column(...rows.map((l) => choice(l.id, `${l.title} · ${displayQuantity(l)} · ${displayPrice(l)}`))),
        });
      },
      on: async (id, ctx) => {
        const l = await ctx.services.listings.get(shopId(ctx), id);
        if (!l) return done(say(ctx.t("listings:gone")));
        return chosen(ctx, l);
      },
    }),

    confirm: buttonsStep({
      ask: async (ctx) => {
        const e = edit(ctx);
        const l = await current(ctx);
        if (!l) return say(ctx.t("listings:gone"), { choices: column(choice("no", ctx.t("listings:quick.no"), "no")) });
        const stock = newStock(ctx, e, l);
        const to =
          e.action === "change_price"
            ? displayPrice({ priceVnd: newPrice(e, l) ?? l.priceVnd, unit: l.unit })
            : stock
              ? displayQuantity({ ...l, quantity: stock.quantity, displayUnit: stock.displayUnit })
              : "";
        const from = e.action === "change_price" ? displayPrice(l) : displayQuantity(l);
        return say(ctx.t(`listings:quick.confirm.${e.action}`, { title: l.title, quantity: displayQuantity(l), from, to }), {
          choices: column(choice("yes", ctx.t(`listings:quick.yes.${e.action}`), "yes"), choice("no", ctx.t("listings:quick.no"), "no")),
        });
      },
      on: async (id, ctx) => {
        const e = edit(ctx);
        const l = await current(ctx);
        if (id !== "yes" || !l) return done(say(ctx.t("listings:quick.kept")));
        const update = (patch: Parameters<typeof ctx.services.listings.update>[2]) => ctx.services.listings.update(shopId(ctx), l.id, patch);
        if (e.action === "sold_out") {
          await update({ status: "sold_out", quantity: 0 });
          return done(say(ctx.t("listings:soldOut")));
        }
        if (e.action === "change_price") await update({ priceVnd: newPrice(e, l) ?? l.priceVnd });
        else {
          const stock = newStock(ctx, e, l);
          if (stock) await update({ quantity: stock.quantity, displayUnit: stock.displayUnit, status: l.status === "sold_out" ? "active" : l.status });
        }
        return done(say(ctx.t("listings:updated")));
      },
    }),
  },
};

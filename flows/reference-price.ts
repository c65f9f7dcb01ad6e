// "/giathamkhao hồi khô 85k chợ Đồng Đăng": an officer posts the price a product fetched at a market
// (issue 16 part 2). One line is read whole (product, price, source) and confirmed; whatever is missing
// is asked step by step, which is also the flow on its own ("/giathamkhao", or the officer menu). The
// newest post is what the board and price answers show; posting again corrects it (core/reference-prices.ts).
// Officers only: the role is looked up on the server when the command starts and again before saving.
import { buttonsStep, choice, column, done, next, retry, say, textStep, type Flow, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { formatPrice, parsePrice } from "../src/lang/price.ts";
import { unitLabel } from "../src/lang/lexicon.ts";
import { matchProduct } from "../src/lang/product.ts";
import { parseReferencePrice, pricePerUnit } from "../src/lang/reference-price.ts";
import { formatDate } from "../src/lang/datetime.ts";
import { SOURCE_MAX } from "../src/core/reference-prices.ts";

interface Draft {
  productId?: string;
  priceVnd?: number;
  source?: string;
}

const draft = (ctx: FlowContext) => ctx.data as Draft;
const productName = (ctx: FlowContext, id: string) => ctx.catalog.byId(id)?.name ?? id;
const unitOf = (ctx: FlowContext, id: string) => ctx.catalog.byId(id)?.unit ?? "kg";

/** The first step still missing, or the confirmation. */
function firstMissing(d: Draft): string {
  if (!d.productId) return "product";
  if (d.priceVnd === undefined) return "price";
  if (!d.source) return "source";
  return "confirm";
}

/** A price for the product's unit from a typed text; a reason key when it cannot be one. */
function readPrice(ctx: FlowContext, productId: string, text: string): number | "none" | "ambiguous" | "unit" {
  const parsed = parsePrice(text.slice(0, 100));
  if (!parsed) return "none";
  if ("ambiguous" in parsed) return "ambiguous";
  const vnd = pricePerUnit(parsed, unitOf(ctx, productId));
  if (vnd === null) return "unit";
  return vnd > 0 ? vnd : "none";
}

const priceProblem = (ctx: FlowContext, productId: string, why: "none" | "ambiguous" | "unit") =>
  say(ctx.t(`market:reference.price_${why}`, { unit: unitLabel(unitOf(ctx, productId)) }));

async function stillOfficer(ctx: FlowContext) {
  return ctx.services.officers.find(ctx.identity);
}

export const referencePriceFlow: Flow = {
  id: "referencePrice",
  first: "product",
  needsHousehold: false,
  cancelText: ({ t }) => t("market:reference.cancelled"),
  steps: {
    product: textStep({
      ask: ({ t }) => say(t("market:reference.askProduct")),
      on: (text, ctx) => {
        const found = matchProduct(text.slice(0, 200), ctx.catalog.index);
        if (!found?.length) return retry(say(ctx.t("market:reference.unknownProduct")));
        const d = draft(ctx);
        d.productId = found[0].item.id;
        return next(firstMissing(d));
      },
    }),
    price: textStep({
      ask: (ctx) => say(ctx.t("market:reference.askPrice", { product: productName(ctx, draft(ctx).productId!), unit: formatPrice({ vnd: 85_000, per: unitOf(ctx, draft(ctx).productId!) }) })),
      on: (text, ctx) => {
        const d = draft(ctx);
        const vnd = readPrice(ctx, d.productId!, text);
        if (typeof vnd !== "number") return retry(priceProblem(ctx, d.productId!, vnd));
        d.priceVnd = vnd;
        return next(firstMissing(d));
      },
    }),
    source: textStep({
      freeText: true,
      ask: ({ t }) => say(t("market:reference.askSource")),
      on: (text, ctx) => {
        const source = text.trim();
        if (source.length < 2 || source.length > SOURCE_MAX) return retry(say(ctx.t("market:reference.badSource", { max: SOURCE_MAX })));
        draft(ctx).source = source;
        return next("confirm");
      },
    }),
    confirm: buttonsStep({
      ask: (ctx) => {
        const d = draft(ctx);
        return say(
          ctx.t("market:reference.confirm", {
            product: productName(ctx, d.productId!),
            price: formatPrice({ vnd: d.priceVnd!, per: unitOf(ctx, d.productId!) }),
            source: d.source,
            date: formatDate(ctx.now),
          }),
          { choices: column(choice("save", ctx.t("market:reference.save"), "yes"), choice("price", ctx.t("market:reference.changePrice")), choice("source", ctx.t("market:reference.changeSource"))) },
        );
      },
      on: async (id, ctx): Promise<StepResult> => {
        if (id === "price" || id === "source") return next(id);
        if (id !== "save") return retry();
        const officer = await stillOfficer(ctx);
        if (!officer) return done(say(ctx.t("market:reference.notOfficer")));
        const d = draft(ctx);
        const unit = unitOf(ctx, d.productId!);
        const saved = await ctx.services.referencePrices.post({ productId: d.productId!, priceVnd: d.priceVnd!, unit, source: d.source!, officerId: officer.id, at: ctx.now });
        const key = saved.replacesId ? "market:reference.savedCorrection" : "market:reference.saved";
        return done(say(ctx.t(key, { product: productName(ctx, d.productId!), price: formatPrice({ vnd: d.priceVnd!, per: unit }), source: saved.source })));
      },
    }),
  },
};

/** "/giathamkhao [line]": officers only; anyone else is told the command does not exist. */
export const referencePriceCommand: CommandHandler = async (ctx, args) => {
  if (!(await stillOfficer(ctx))) return null;
  const d: Draft = {};
  const problems = [];
  if (args.trim()) {
    const read = parseReferencePrice(args, ctx.catalog.index);
    if (read.product) d.productId = read.product.id;
    if (read.product && read.price) {
      const vnd = read.ambiguous ? "ambiguous" : (pricePerUnit(read.price, read.product.unit) ?? "unit");
      if (typeof vnd === "number" && vnd > 0) d.priceVnd = vnd;
      else problems.push(priceProblem(ctx, read.product.id, vnd === 0 ? "none" : (vnd as "ambiguous" | "unit")));
    }
    if (read.source && read.source.length <= SOURCE_MAX) d.source = read.source;
  }
  return { type: "start", flow: "referencePrice", data: { ...d }, step: firstMissing(d), say: problems };
};

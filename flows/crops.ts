// "Hàng nhà trồng" in "Sửa thông tin": the household says what it grows or raises, by typing the
// products' names (without diacritics too: "hoi kho, na, mat ong"), matched against the catalog. The
// list replaces the previous one; "Giữ nguyên" keeps it, "Xoá hết" empties it; "huỷ" and "quay lại"
// work as at every step (the engine's). Harvest reminders then reach the household in each of these
// products' seasons (src/broadcast/reminders.ts).
import { choice, column, done, retry, say, textStep, type FlowContext, type Step } from "../src/engine/flow.ts";
import type { Catalog } from "../src/core/catalog.ts";
import { matchProduct } from "../src/lang/product.ts";

/** typed lists longer than this are not read (a household grows a handful of things) */
const TEXT_MAX = 300;
const PIECES_MAX = 20;
/** "hoi kho, na; mat ong và chè": commas, semicolons, new lines and "và"/"với" separate names. */
const SEPARATOR = /[,;\n]+|\s+(?:và|va|với|voi)\s+/iu;

export type CropsRead = { ok: true; productIds: string[] } | { ok: false; unknown: string[] };

/** The catalog products named in `text`, in order; the pieces that name none. */
export function readCrops(text: string, catalog: Catalog): CropsRead {
  const pieces = text
    .slice(0, TEXT_MAX)
    .split(SEPARATOR)
    .map((p) => p.trim())
    .filter(Boolean)
    .slice(0, PIECES_MAX);
  const productIds: string[] = [];
  const unknown: string[] = [];
  for (const piece of pieces) {
    // Best first; a piece may name several products ("hoi kho na"): each span of it once.
    const found = [...(matchProduct(piece, catalog.index) ?? [])].sort((a, b) => b.score - a.score);
    const taken: Array<[number, number]> = [];
    for (const c of found) {
      if (taken.some(([s, e]) => c.start < e && s < c.end)) continue;
      taken.push([c.start, c.end]);
      if (!productIds.includes(c.item.id)) productIds.push(c.item.id);
    }
    if (taken.length === 0) unknown.push(piece);
  }
  return unknown.length || productIds.length === 0 ? { ok: false, unknown } : { ok: true, productIds };
}

const names = (ctx: FlowContext, ids: readonly string[]) => ids.map((id) => ctx.catalog.byId(id)?.name ?? id).join(", ");

export function cropsStep(): Step {
  return textStep({
    ask: async (ctx) => {
      const current = await ctx.services.crops.of(ctx.household!.id);
      const now = current.length ? ctx.t("profile:crops.current", { crops: names(ctx, current) }) : ctx.t("profile:crops.none");
      const buttons = current.length ? column(choice("keep", ctx.t("profile:crops.keep")), choice("clear", ctx.t("profile:crops.clear"))) : undefined;
      return say(`${ctx.t("profile:crops.ask")}\n${now}`, buttons ? { choices: buttons } : {});
    },
    on: async (text, ctx) => {
      const read = readCrops(text, ctx.catalog);
      if (!read.ok) {
        return retry(say(read.unknown.length ? ctx.t("profile:crops.unknown", { names: read.unknown.map((u) => `"${u.slice(0, 40)}"`).join(", ") }) : ctx.t("profile:crops.empty")));
      }
      await ctx.services.crops.set(ctx.household!.id, read.productIds, ctx.now);
      return done(say(ctx.t("profile:crops.saved", { crops: names(ctx, read.productIds) })));
    },
    onChoice: async (id, ctx) => {
      if (id === "clear") {
        await ctx.services.crops.set(ctx.household!.id, [], ctx.now);
        return done(say(ctx.t("profile:crops.cleared")));
      }
      return done(say(ctx.t("profile:crops.kept")));
    },
  });
}

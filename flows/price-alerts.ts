// "Báo tôi khi có na dưới 40k" (issue 16 part 4): a buyer asks to be told when a product goes on sale,
// optionally in one commune and under a price. Typed as that sentence at any step (the question on
// screen stays), or as "/baogia na dưới 40k ở Chi Lăng"; "/baogia" alone lists the chat's alerts and
// "/baogia tắt na" stops one. Asking is the consent; every alert message carries a one-tap stop link.
// Sending is the matcher's and the broadcast dispatcher's (src/broadcast/alerts.ts).
import { end, say, type FlowContext } from "../src/engine/flow.ts";
import type { Outbound } from "../src/engine/message.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { getCommune, searchCommunes } from "../src/lang/communes.ts";
import { fold } from "../src/lang/normalize.ts";
import { formatPrice, parsePrice } from "../src/lang/price.ts";
import { matchProduct } from "../src/lang/product.ts";
import { pricePerUnit } from "../src/lang/reference-price.ts";
import { ALERT_ASK, ALERT_STOP, placeAfter } from "../src/lang/alert-words.ts";

const stopUrl = (ctx: FlowContext, token: string) => `${ctx.settings.publicUrl}/baogia/huy/${token}`;

/** What the alert says, in words: "na dưới 40.000 đ/kg ở xã Chi Lăng". */
function describe(ctx: FlowContext, a: { productId: string; maxPriceVnd: number | null; communeCode: string | null }): string {
  const item = ctx.catalog.byId(a.productId);
  const ceiling = a.maxPriceVnd !== null ? ctx.t("prices:alert.under", { price: formatPrice({ vnd: a.maxPriceVnd, per: item?.unit ?? null }) }) : "";
  const commune = a.communeCode ? getCommune(a.communeCode)?.name : undefined;
  const where = commune ? ctx.t("prices:alert.inCommune", { commune }) : ctx.t("prices:alert.inProvince");
  return `${item?.name ?? a.productId}${ceiling} ${where}`;
}

async function subscribe(ctx: FlowContext, text: string): Promise<Outbound[]> {
  const input = text.slice(0, 200);
  const product = matchProduct(input, ctx.catalog.index)?.[0]?.item;
  if (!product) return [say(ctx.t("prices:alert.which"))];
  const price = parsePrice(input);
  let maxPriceVnd: number | null = null;
  if (price) {
    const vnd = "ambiguous" in price ? null : pricePerUnit(price, product.unit);
    if (vnd === null || vnd <= 0) return [say(ctx.t("prices:alert.badPrice"))];
    maxPriceVnd = vnd;
  }
  const place = placeAfter(input);
  const commune = place ? searchCommunes(ctx.provinceCode, place, 1)[0]?.commune : undefined;
  const alert = await ctx.services.priceAlerts.subscribe({
    productId: product.id,
    communeCode: commune?.code ?? null,
    maxPriceVnd,
    channel: ctx.identity.channel,
    chatKey: ctx.identity.chatKey,
    locale: ctx.locale,
    at: ctx.now,
  });
  if (!alert) return [say(ctx.t("prices:alert.tooMany"))];
  return [say(ctx.t("prices:alert.saved", { what: describe(ctx, alert), stop: stopUrl(ctx, alert.token) }))];
}

async function list(ctx: FlowContext): Promise<Outbound[]> {
  const alerts = await ctx.services.priceAlerts.ofChat(ctx.identity.channel, ctx.identity.chatKey);
  if (alerts.length === 0) return [say(ctx.t("prices:alert.none"))];
  return [say([ctx.t("prices:alert.list"), ...alerts.map((a) => `• ${describe(ctx, a)}`), ctx.t("prices:alert.howToStop")].join("\n"))];
}

async function stop(ctx: FlowContext, text: string): Promise<Outbound[]> {
  const product = matchProduct(text.slice(0, 200), ctx.catalog.index)?.[0]?.item;
  if (!product) return list(ctx);
  const stopped = await ctx.services.priceAlerts.stop(ctx.identity.channel, ctx.identity.chatKey, product.id);
  return [say(ctx.t(stopped ? "prices:alert.stopped" : "prices:alert.notSubscribed", { product: product.name }))];
}

/** "/baogia [na dưới 40k | tắt na]". */
export const alertCommand: CommandHandler = async (ctx, args) => {
  const words = fold(args).trim();
  if (!words) return list(ctx);
  if (ALERT_STOP.test(words)) return stop(ctx, args);
  return subscribe(ctx, args);
};

/** "báo tôi khi có na dưới 40k" typed anywhere: answered, and the question on screen stays. */
export async function alertKeyword(text: string, ctx: FlowContext) {
  if (!ALERT_ASK.test(fold(text).trim())) return null;
  return end(...(await subscribe(ctx, text)));
}

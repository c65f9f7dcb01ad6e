// "/chuabao" (officers only): orders whose household could not be told yet. The Zalo OA may only
// write to someone who wrote in the past 7 days; a notice refused so waits for the household
// (core/held-notices.ts) and, unless it went by ZNS, its order is listed here so the officer can call.
// The household's phone is shown: the officer serves that commune and needs it to call.
import { say } from "../src/engine/flow.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import { scopeLabel, scopeOf } from "../src/dashboard/scope.ts";

const unnotified: CommandHandler = async (ctx) => {
  const officer = await ctx.services.officers.find(ctx.identity);
  if (!officer) return null;
  const scope = scopeOf(officer, ctx.provinceCode);
  const orders = await ctx.services.heldNotices.unnotifiedOrders(scope);
  if (orders.length === 0) return [say(ctx.t("zaloOa:unnotified.none", { scope: scopeLabel(ctx.t, scope) }))];
  const lines = orders.map((o) =>
    ctx.t("zaloOa:unnotified.line", { code: o.code, shop: o.shopName, name: o.householdName, phone: formatVnPhone(o.householdPhone) }),
  );
  return [say(`${ctx.t("zaloOa:unnotified.title", { count: orders.length })}\n${lines.join("\n")}`)];
};

export const unnotifiedCommands = { unnotified } satisfies Record<string, CommandHandler>;

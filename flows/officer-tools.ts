// Officer tools in chat: "/dangnhap" (a one-time link to the campaign dashboard) and "/thongke"
// (the dashboard's headline figures in one message). Officers only: for anyone else the command does
// not exist ("unknown command"), and the role is looked up on the server every time.
import { say } from "../src/engine/flow.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { formatNumberVi } from "../src/lang/quantity.ts";
import { formatPrice } from "../src/lang/price.ts";
import { scopeLabel, scopeOf } from "../src/dashboard/scope.ts";

const count = (n: number) => formatNumberVi(n, 0);
const percent = (share: number) => `${formatNumberVi(Math.round(share * 1000) / 10, 1)}%`;

const login: CommandHandler = async (ctx) => {
  const officer = await ctx.services.officers.find(ctx.identity);
  if (!officer) return null;
  const { token } = await ctx.services.officerLogins.create(officer.id, ctx.now);
  return [say(ctx.t("dashboard:chat.link", { url: `${ctx.settings.publicUrl}/dangnhap/${token}` }))];
};

const stats: CommandHandler = async (ctx) => {
  const officer = await ctx.services.officers.find(ctx.identity);
  if (!officer) return null;
  const scope = scopeOf(officer, ctx.provinceCode);
  const d = await ctx.services.dashboard(scope, { targetPercent: ctx.settings.campaignTargetPercent, now: ctx.now });
  const { total } = d;
  const share =
    total.share === null ? ctx.t("dashboard:chat.noShare") : ctx.t("dashboard:chat.share", { share: percent(total.share), target: d.targetPercent });
  return [
    say(
      ctx.t("dashboard:chat.stats", {
        scope: scopeLabel(ctx.t, scope),
        registered: count(total.registered),
        opened: count(total.opened),
        epay: count(total.epay),
        share,
        orders: count(total.ordersMonth),
        sales: formatPrice({ vnd: total.salesMonthVnd, per: null }),
      }),
    ),
    say(ctx.t("dashboard:chat.more")),
  ];
};

export const dashboardCommands = { login, stats } satisfies Record<string, CommandHandler>;

// The officer's menu: what `/canbo` shows (after taking the role with a code, or on its own for an
// officer), and where an officer lands after answering a household. The same four tools as the
// commands /thongbao, /dangkyho, /giathamkhao, /thongke, /dangnhap: buttons on Telegram, numbered on Zalo.
import { buttonsStep, choice, column, done, next, say, startFlow, type Flow, type StepResult } from "../src/engine/flow.ts";
import type { CommandHandler } from "../src/engine/turn.ts";
import { dashboardCommands } from "./officer-tools.ts";

const ITEMS = ["announce", "assist", "reference", "stats", "login"] as const;

/** A command that answers with messages: say them, then the menu again. */
async function messagesThenMenu(handler: CommandHandler, ctx: Parameters<CommandHandler>[0]): Promise<StepResult> {
  const result = await handler(ctx, "");
  if (!result) return done(say(ctx.t("broadcast:notOfficer")));
  return Array.isArray(result) ? next("home", ...result) : result;
}

export const officerHome: Flow = {
  id: "officerHome",
  first: "home",
  needsHousehold: false,
  cancelText: ({ t }) => t("broadcast:officerMenu.closed"),
  steps: {
    home: buttonsStep({
      ask: ({ t }) => say(t("broadcast:officerMenu.title"), { choices: column(...ITEMS.map((id) => choice(id, t(`broadcast:officerMenu.${id}`)))) }),
      on: async (id, ctx) => {
        if (!(await ctx.services.officers.find(ctx.identity))) return done(say(ctx.t("broadcast:notOfficer")));
        switch (id) {
          case "announce":
            return startFlow("announce");
          case "assist":
            return startFlow("assistedRegister");
          case "reference":
            return startFlow("referencePrice");
          case "stats":
            return messagesThenMenu(dashboardCommands.stats, ctx);
          case "login":
            return messagesThenMenu(dashboardCommands.login, ctx);
          default:
            return done(say(ctx.t("broadcast:officerMenu.closed")));
        }
      },
    }),
  },
};

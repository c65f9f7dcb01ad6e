// "/xoataikhoan": delete everything we hold about the household, after one confirmation
// (Decree 13/2023: the person can withdraw consent and have their data deleted).
import { buttonsStep, choice, column, done, end, say, type Flow } from "../src/engine/flow.ts";

export const deleteAccount: Flow = {
  id: "deleteAccount",
  first: "confirm",
  needsHousehold: true,
  cancelText: ({ t }) => t("profile:kept"),
  steps: {
    confirm: buttonsStep({
      ask: ({ t }) =>
        say(t("profile:deleteConfirm"), {
          choices: column(choice("no", t("profile:deleteNo"), "no"), choice("yes", t("profile:deleteYes"), "yes")),
        }),
      on: async (id, ctx) => {
        if (id !== "yes") return done(say(ctx.t("profile:kept")));
        await ctx.services.households.remove(ctx.household!.id);
        ctx.household = null;
        return end(say(ctx.t("profile:deleted")));
      },
    }),
  },
};

// The main menu. Only what exists is listed; later features add their item here.
import { done, say, startFlow, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import type { MenuDefinition } from "../src/engine/turn.ts";
import { householdCard } from "./cards.ts";

const ITEMS = [
  { id: "m.shop", label: "common:menu.shop" },
  { id: "m.edit", label: "common:menu.edit" },
  { id: "m.help", label: "common:menu.help" },
];

export const menu: MenuDefinition = {
  render: ({ t }) => say(t("common:menu.title"), { choices: ITEMS.map((i) => [{ id: i.id, label: t(i.label) }]) }),

  choose(id: string, ctx: FlowContext): StepResult | null {
    switch (id) {
      case "m.shop":
        return done(say(ctx.t("profile:shopTitle")), say(householdCard(ctx, ctx.household!)));
      case "m.edit":
        return startFlow("editProfile");
      case "m.help":
        return done(...menu.help(ctx));
      default:
        return null;
    }
  },

  help: ({ t }) => [say(t("common:help"))],
};

// The main menu. Only what exists is listed; each feature adds its item here.
// A sentence typed at the menu that reads like an offer ("bán 2 tạ hồi khô 80k") starts "Đăng bán".
import { done, say, startFlow, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import type { MenuDefinition } from "../src/engine/turn.ts";
import { householdCard, titled } from "./cards.ts";
import { sellFromSentence } from "./sell.ts";
import { forwardReply } from "./announce-replies.ts";
import { withoutShop } from "./open-shop.ts";
import { shopUrl } from "../src/links.ts";
import { showPayment } from "../src/core/payments.ts";

const ITEMS = [
  { id: "m.sell", label: "common:menu.sell" },
  { id: "m.listings", label: "common:menu.listings" },
  { id: "m.orders", label: "common:menu.orders" },
  { id: "m.buy", label: "common:menu.buy" },
  { id: "m.shop", label: "common:menu.shop" },
  { id: "m.edit", label: "common:menu.edit" },
  { id: "m.help", label: "common:menu.help" },
];

/** Items about the household's own shop: a household without one is offered to open it first. */
const NEEDS_SHOP = new Set(["m.sell", "m.listings", "m.orders", "m.shop"]);

/** For people without a shop (registration declined or cancelled, a buyer, an account deleted). */
const GUEST_ITEMS = [
  { id: "m.register", label: "common:guestMenu.register" },
  { id: "m.buy", label: "common:menu.buy" },
];

export const menu: MenuDefinition = {
  render: ({ t }) => say(t("common:menu.title"), { choices: ITEMS.map((i) => [{ id: i.id, label: t(i.label) }]) }),

  async choose(id: string, ctx: FlowContext): Promise<StepResult | null> {
    if (NEEDS_SHOP.has(id)) {
      const open = withoutShop(ctx);
      if (open) return open;
    }
    switch (id) {
      case "m.sell":
        return startFlow("sell");
      case "m.listings":
        return startFlow("myListings");
      case "m.orders":
        return startFlow("orderList");
      case "m.buy":
        return startFlow("buy");
      case "m.shop": {
        const household = ctx.household!;
        const shop = household.shop!; // checked above (NEEDS_SHOP)
        const [live, pay] = await Promise.all([ctx.services.listings.countLive(shop.id), ctx.services.payments.details(household.id)]);
        const shown = pay ? showPayment(pay.method, pay.details, true) : undefined;
        const card = `${householdCard(ctx, household, live, shown)}\n${ctx.t("web:shopLink", { url: shopUrl(ctx.settings.publicUrl, shop.slug) })}`;
        return done(say(titled(ctx.t("profile:shopTitle"), card)));
      }
      case "m.edit":
        return startFlow("editProfile");
      case "m.register":
        return ctx.household ? null : startFlow("register"); // an old guest menu's button
      case "m.help":
        return done(...menu.help(ctx));
      default:
        return null;
    }
  },

  help: ({ t }) => [say(t("common:help"))],

  // An extension officer is no guest: officers get their own way forward (their commands), not this.
  guest: async (ctx) =>
    (await ctx.services.officers.find(ctx.identity))
      ? null
      : say(ctx.t("common:guestMenu.title"), { choices: GUEST_ITEMS.map((i) => [{ id: i.id, label: ctx.t(i.label) }]) }),

  // Shortly after an announcement, words the intent layer does not read ("vang a, thu 7 em se den",
  // "cho em hoi ...") go to its officer; otherwise a product named in passing starts "Đăng bán".
  freeText: async (text, ctx) => (await forwardReply(ctx, text)) ?? (ctx.household?.shop ? sellFromSentence(ctx, text) : null),
};

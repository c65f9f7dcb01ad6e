// A household with no shop (its shop row was removed by hand, or lost in a partial restore): whatever
// it asks of its shop ("Cửa hàng của tôi", "Đăng bán", "Đơn hàng"), it is told so and offered to open
// one again, with the shop name as the only question. Nothing else of the household is asked again.
import { done, say, startFlow, type Flow, type FlowContext, type StepResult } from "../src/engine/flow.ts";
import { householdCard, titled } from "./cards.ts";
import { askShopName } from "./questions/shop-name.ts";

/** Menu items and requests that need a shop: null when there is one, else the way to open it. */
export function withoutShop(ctx: FlowContext): StepResult | null {
  if (!ctx.household || ctx.household.shop) return null;
  return startFlow("openShop", {}, say(ctx.t("common:noShop")));
}

export const openShop: Flow = {
  id: "openShop",
  first: "shopName",
  needsHousehold: true,
  steps: {
    shopName: askShopName(
      (ctx) => ctx.household!.name,
      async (shopName, ctx) => {
        ctx.household = await ctx.services.households.openShop(ctx.household!.id, shopName);
        return done(say(titled(ctx.t("register:opened"), householdCard(ctx, ctx.household))));
      },
    ),
  },
};

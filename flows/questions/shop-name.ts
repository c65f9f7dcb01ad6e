// "Name your shop" — "Cửa hàng <tên>" offered as one tap, or anything typed.
import { checkShopName, SHOP_NAME_MAX } from "../../src/core/rules.ts";
import { choice, column, retry, say, textStep, type FlowContext, type StepResult } from "../../src/engine/flow.ts";

export function askShopName(
  ownerName: (ctx: FlowContext) => string,
  then: (name: string, ctx: FlowContext) => StepResult | Promise<StepResult>,
) {
  const suggestion = (ctx: FlowContext) => ctx.t("register:shopDefault", { name: ownerName(ctx) });
  return textStep({
    freeText: true,
    ask: (ctx) => say(ctx.t("register:askShopName"), { choices: column(choice("default", suggestion(ctx), "yes")) }),
    on: (text, ctx) => {
      const name = checkShopName(text);
      if (!name.ok) return retry(say(ctx.t(`register:shopName.${name.reason}`, { max: SHOP_NAME_MAX })));
      return then(name.value, ctx);
    },
    onChoice: (_id, ctx) => {
      const name = checkShopName(suggestion(ctx));
      return name.ok ? then(name.value, ctx) : retry();
    },
  });
}

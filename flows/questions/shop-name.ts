// "Name your shop" — "Cửa hàng <tên>" offered as one tap, or anything typed.
import { checkShopName } from "../../src/core/rules.ts";
import { choice, column, retry, say, textStep, type FlowContext, type StepResult } from "../../src/engine/flow.ts";
import { typedName } from "./typed-name.ts";

export function askShopName(
  ownerName: (ctx: FlowContext) => string,
  then: (name: string, ctx: FlowContext) => StepResult | Promise<StepResult>,
) {
  const suggestion = (ctx: FlowContext) => ctx.t("register:shopDefault", { name: ownerName(ctx) });
  return textStep({
    freeText: true,
    ask: (ctx) => say(ctx.t("register:askShopName"), { choices: column(choice("default", suggestion(ctx), "yes")) }),
    on: (text, ctx) => {
      const name = typedName(text, ctx, "shop");
      return name.ok ? then(name.value, ctx) : retry(say(name.hint));
    },
    onChoice: (_id, ctx) => {
      const name = checkShopName(suggestion(ctx));
      return name.ok ? then(name.value, ctx) : retry();
    },
  });
}

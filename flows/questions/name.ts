// "What is your name?" — typed, or the name the platform shows, offered as one tap.
import { checkPersonName, PERSON_NAME_MAX } from "../../src/core/rules.ts";
import { column, choice, retry, say, textStep, type FlowContext, type StepResult } from "../../src/engine/flow.ts";

export function askName(then: (name: string, ctx: FlowContext) => StepResult | Promise<StepResult>) {
  return textStep({
    freeText: true,
    ask: (ctx) => {
      const suggestion = ctx.displayName ? checkPersonName(ctx.displayName) : null;
      return say(ctx.t("register:askName"), {
        choices: suggestion?.ok ? column(choice("platform", suggestion.value)) : undefined,
      });
    },
    on: (text, ctx) => {
      const name = checkPersonName(text);
      if (!name.ok) return retry(say(ctx.t(`register:name.${name.reason}`, { max: PERSON_NAME_MAX })));
      return then(name.value, ctx);
    },
    onChoice: (_id, ctx) => {
      const name = checkPersonName(ctx.displayName ?? "");
      return name.ok ? then(name.value, ctx) : retry();
    },
  });
}

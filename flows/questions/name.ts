// "What is your name?" — typed, or the name the platform shows, offered as one tap ("ok" takes it too).
import { checkPersonName } from "../../src/core/rules.ts";
import { column, choice, retry, say, textStep, type FlowContext, type StepResult } from "../../src/engine/flow.ts";
import { acceptsSuggestion, typedName } from "./typed-name.ts";

export function askName(then: (name: string, ctx: FlowContext) => StepResult | Promise<StepResult>) {
  const suggested = (ctx: FlowContext) => {
    const name = checkPersonName(ctx.displayName ?? "");
    return name.ok ? name.value : null;
  };
  return textStep({
    freeText: true,
    ask: (ctx) => {
      const suggestion = suggested(ctx);
      return say(ctx.t("register:askName"), { choices: suggestion ? column(choice("platform", suggestion)) : undefined });
    },
    on: (text, ctx) => {
      const suggestion = suggested(ctx);
      if (suggestion && acceptsSuggestion(text, ctx)) return then(suggestion, ctx);
      const name = typedName(text, ctx, "person");
      return name.ok ? then(name.value, ctx) : retry(say(name.hint));
    },
    onChoice: (_id, ctx) => {
      const suggestion = suggested(ctx);
      return suggestion ? then(suggestion, ctx) : retry();
    },
  });
}

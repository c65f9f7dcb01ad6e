// "Your mobile number?" — shared with one tap where the platform allows (only the sender's own
// contact is accepted), or typed in any common way ("0912 345 678", "+84912345678", "091.234.5678").
import { retry, say, type FlowContext, type Step, type StepResult } from "../../src/engine/flow.ts";
import { formatVnPhone, parseVnMobile } from "../../src/lang/phone.ts";

export function askPhone(
  then: (e164: string, ctx: FlowContext) => StepResult | Promise<StepResult>,
  opts: {
    householdId?: (ctx: FlowContext) => string | undefined;
    /** what to do when the number belongs to another household (default: refuse) */
    onTaken?: (e164: string, ctx: FlowContext) => StepResult | Promise<StepResult>;
  } = {},
): Step {
  return {
    accepts: ["text", "contact"],
    fits: (text) => parseVnMobile(text).ok,
    ask: ({ t, channel }) =>
      channel.canShareContact
        ? say(t("register:askPhoneShare"), { askContact: { label: t("register:sharePhoneButton") } })
        : say(t("register:askPhoneType")),
    answer: async (input, ctx) => {
      if (input.kind === "contact" && !input.isOwn) return retry(say(ctx.t("register:phone.notOwn")));
      const raw = input.kind === "contact" ? input.phone : input.kind === "text" ? input.text : "";
      const phone = parseVnMobile(raw);
      if (!phone.ok) return retry(say(ctx.t(`register:phone.${phone.reason}`)));
      const pretty = formatVnPhone(phone.e164);
      if (await ctx.services.households.phoneTaken(phone.e164, opts.householdId?.(ctx))) {
        if (opts.onTaken) return opts.onTaken(phone.e164, ctx);
        return retry(say(ctx.t("register:phone.taken", { phone: pretty })));
      }
      return then(phone.e164, ctx);
    },
  };
}

// After "which e-payment account?": the details that let buyers pay the household.
//   bank → which bank (typed short name: "agri", "lienviet", "bidv"; pick when several match)
//        → account number → holder's name as the bank shows it;
//   Viettel Money / Postpay / MoMo / VNPT Money → the wallet's phone (the household's own offered as one tap), in
//   "Sửa thông tin" only.
// Every question has "Để sau" (later): nothing more is asked of a household that skips, and registration
// asks nothing more of a household without a bank account.
import { accountHolderName, bankByBin, isEWallet, parseAccountNumber, searchBanks, type PaymentDetails } from "../../src/core/payments.ts";
import type { PaymentMethod } from "../../src/core/households.ts";
import { buttonsStep, choice, column, next, retry, say, textStep, type FlowContext, type Step, type StepResult } from "../../src/engine/flow.ts";
import { formatVnPhone, parseVnMobile } from "../../src/lang/phone.ts";

type Result = StepResult | Promise<StepResult>;

interface Draft {
  payMethod?: PaymentMethod;
  payQuery?: string;
  payBin?: string;
  payAccount?: string;
}
const draft = (ctx: FlowContext) => ctx.data as Draft;
const later = (ctx: FlowContext) => choice("later", ctx.t("payments:later"));

export interface PaymentDetailHooks {
  /** the details were given */
  save: (method: PaymentMethod, details: PaymentDetails, ctx: FlowContext) => Result;
  /** no details (a method without any, or "Để sau") */
  skip: (method: PaymentMethod, ctx: FlowContext) => Result;
  /** a suggestion for the holder's name (the household's name) */
  ownerName: (ctx: FlowContext) => string;
  /** the household's phone, offered for the e-wallet */
  ownPhone: (ctx: FlowContext) => string | undefined;
  /** ask an e-wallet's phone (not in registration: it would lengthen it for most households; "Sửa thông tin" asks) */
  askWallet: boolean;
}

/** Where to go once the method is chosen: the detail questions, or straight on. */
export function afterPaymentMethod(method: PaymentMethod, ctx: FlowContext, hooks: PaymentDetailHooks): Result {
  draft(ctx).payMethod = method;
  if (method === "bank") return next("payBank");
  if (isEWallet(method) && hooks.askWallet) return next("payWallet");
  return hooks.skip(method, ctx);
}

export function paymentDetailSteps(hooks: PaymentDetailHooks): Record<string, Step> {
  const method = (ctx: FlowContext) => draft(ctx).payMethod ?? "bank";
  const skip = (ctx: FlowContext) => hooks.skip(method(ctx), ctx);
  const bankChosen = (bin: string, ctx: FlowContext) => {
    draft(ctx).payBin = bin;
    return next("payAccount");
  };

  return {
    payBank: textStep({
      ask: (ctx) => say(ctx.t("payments:askBank"), { choices: column(later(ctx)) }),
      on: (text, ctx) => {
        const found = searchBanks(text);
        if (found.length === 0) return retry(say(ctx.t("payments:bankNotFound", { query: text.slice(0, 30) })));
        if (found.length === 1) return bankChosen(found[0].bin, ctx);
        draft(ctx).payQuery = text.slice(0, 60);
        return next("payBankPick");
      },
      onChoice: (_id, ctx) => skip(ctx),
    }),

    payBankPick: buttonsStep({
      ask: (ctx) =>
        say(ctx.t("payments:pickBank"), {
          choices: column(...searchBanks(draft(ctx).payQuery ?? "").map((b) => choice(b.bin, b.short)), later(ctx)),
        }),
      on: (id, ctx) => (id === "later" ? skip(ctx) : bankByBin(id) ? bankChosen(id, ctx) : retry()),
    }),

    payAccount: textStep({
      ask: (ctx) => say(ctx.t("payments:askAccount", { bank: bankByBin(draft(ctx).payBin)?.short ?? "" }), { choices: column(later(ctx)) }),
      fits: (text) => parseAccountNumber(text.slice(0, 40)).ok,
      on: (text, ctx) => {
        const account = parseAccountNumber(text.slice(0, 40));
        if (!account.ok) return retry(say(ctx.t(`payments:account.${account.reason}`)));
        draft(ctx).payAccount = account.account;
        return next("payName");
      },
      onChoice: (_id, ctx) => skip(ctx),
    }),

    payName: textStep({
      freeText: true,
      ask: (ctx) => {
        const suggested = accountHolderName(hooks.ownerName(ctx));
        return say(ctx.t("payments:askName"), { choices: column(...(suggested ? [choice("owner", suggested, "yes")] : []), later(ctx)) });
      },
      on: (text, ctx) => {
        const name = accountHolderName(text.slice(0, 80));
        if (!name) return retry(say(ctx.t("payments:nameInvalid")));
        return hooks.save("bank", { bankBin: draft(ctx).payBin!, account: draft(ctx).payAccount!, accountName: name }, ctx);
      },
      onChoice: (id, ctx) => {
        const name = id === "owner" ? accountHolderName(hooks.ownerName(ctx)) : null;
        if (!name) return skip(ctx);
        return hooks.save("bank", { bankBin: draft(ctx).payBin!, account: draft(ctx).payAccount!, accountName: name }, ctx);
      },
    }),

    payWallet: textStep({
      ask: (ctx) => {
        const own = hooks.ownPhone(ctx);
        return say(ctx.t("payments:askWallet", { wallet: ctx.t(`register:payment.${method(ctx)}`) }), {
          choices: column(...(own ? [choice("own", ctx.t("payments:useMyPhone", { phone: formatVnPhone(own) }), "yes")] : []), later(ctx)),
        });
      },
      fits: (text) => parseVnMobile(text).ok,
      on: (text, ctx) => {
        const phone = parseVnMobile(text);
        if (!phone.ok) return retry(say(ctx.t(`register:phone.${phone.reason}`)));
        return hooks.save(method(ctx), { bankBin: null, account: phone.e164, accountName: null }, ctx);
      },
      onChoice: (id, ctx) => {
        const own = hooks.ownPhone(ctx);
        if (id !== "own" || !own) return skip(ctx);
        return hooks.save(method(ctx), { bankBin: null, account: own, accountName: null }, ctx);
      },
    }),
  };
}

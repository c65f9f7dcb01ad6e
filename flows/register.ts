// Registration: a household opens its digital shop.
//   consent → name → phone → commune (type, then pick) → shop name → e-payment account → shop opened.
// Nothing is stored until the last answer; declining or cancelling leaves no trace.
// A phone that already has a shop on another channel can link this chat to it, and a shop an officer
// registered for this phone ("Đăng ký hộ") can be claimed instead of registering again (link-account.ts).
import { PhoneTakenError, type PaymentMethod } from "../src/core/households.ts";
import { buttonsStep, choice, column, done, end, next, say, startFlow, type Flow, type FlowContext } from "../src/engine/flow.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import { householdCard, titled } from "./cards.ts";
import { claimSteps, linkSteps, offerClaimOrLink } from "./link-account.ts";
import { askName } from "./questions/name.ts";
import { askPhone } from "./questions/phone.ts";
import { communeSteps } from "./questions/commune.ts";
import { askShopName } from "./questions/shop-name.ts";
import { askPayment } from "./questions/payment.ts";
import { afterPaymentMethod, paymentDetailSteps, type PaymentDetailHooks } from "./questions/payment-details.ts";
import { isEWallet, showPayment, type PaymentDetails } from "../src/core/payments.ts";

interface Answers {
  name: string;
  phone: string;
  commune: string;
  shopName: string;
}

const answers = (ctx: FlowContext) => ctx.data as unknown as Answers;

// A bank account or an e-wallet is asked only of those who say they have one; "Để sau" opens the shop at once.
const payHooks: PaymentDetailHooks = {
  save: (method, details, ctx) => openShop(ctx, method, details),
  // An e-wallet is opened with a phone number, most often the one just given: it is taken as the wallet's
  // number without one more question ("Sửa thông tin" changes it).
  skip: (method, ctx) =>
    isEWallet(method) ? openShop(ctx, method, { bankBin: null, account: answers(ctx).phone, accountName: null }) : openShop(ctx, method),
  ownerName: (ctx) => answers(ctx).name,
  ownPhone: (ctx) => answers(ctx).phone,
  askWallet: false,
};

export const register: Flow = {
  id: "register",
  first: "consent",
  needsHousehold: false,
  intro: ({ t }) => [say(t("register:greeting"))],
  cancelText: ({ t }) => t("register:cancelled"),
  steps: {
    consent: buttonsStep({
      ask: ({ t }) =>
        say(t("register:consent"), {
          choices: column(choice("yes", t("register:consentYes"), "yes"), choice("no", t("register:consentNo"), "no"), choice("buy", t("buy:onlyBuy"))),
        }),
      on: (id, { t }) => (id === "yes" ? next("name") : id === "buy" ? startFlow("buy") : end(say(t("register:declined")))),
    }),

    name: askName((name, ctx) => {
      answers(ctx).name = name;
      return next("phone");
    }),

    phone: askPhone(
      (phone, ctx) => {
        answers(ctx).phone = phone;
        return next("commune", say(ctx.t("register:phone.saved", { phone: formatVnPhone(phone) })));
      },
      // The number already has a shop: an officer may have registered it for this household (claim:
      // the rest of registration is skipped), or it is this household on another channel (link).
      { onTaken: offerClaimOrLink },
    ),
    ...linkSteps,
    ...claimSteps,

    ...communeSteps((code, ctx) => {
      answers(ctx).commune = code;
      return next("shopName");
    }),

    shopName: askShopName(
      (ctx) => answers(ctx).name,
      (shopName, ctx) => {
        answers(ctx).shopName = shopName;
        return next("payment");
      },
    ),

    payment: askPayment((payment, ctx) => afterPaymentMethod(payment, ctx, payHooks)),
    ...paymentDetailSteps(payHooks),
  },
};

async function openShop(ctx: FlowContext, payment: PaymentMethod, details?: PaymentDetails) {
  const a = answers(ctx);
  try {
    ctx.household = await ctx.services.households.register({
      name: a.name,
      phone: a.phone,
      provinceCode: ctx.provinceCode,
      communeCode: a.commune,
      shopName: a.shopName,
      payment,
      identity: ctx.identity,
      locale: ctx.locale,
    });
  } catch (e) {
    // Someone registered the same phone between the phone step and now.
    if (!(e instanceof PhoneTakenError)) throw e;
    return next("phone", say(ctx.t("register:phone.taken", { phone: formatVnPhone(a.phone) })));
  }
  if (details) await ctx.services.payments.setDetails(ctx.household.id, payment, details);
  const help = payment === "none" ? [say(ctx.t("register:paymentHowTo"))] : [];
  const pay = details ? showPayment(payment, details, true) : undefined;
  const card = householdCard(ctx, ctx.household, undefined, pay);
  // Said under the card it explains, in the same message.
  const walletNote = isEWallet(payment) && details ? `\n\n${ctx.t("register:walletPhone")}` : "";
  return done(...help, say(titled(ctx.t("register:opened"), card) + walletNote));
}

// "Sửa thông tin": change the household's name, phone, commune, shop name or payment account, or say
// what it grows (crops.ts). Each question is the same one registration asks; the answer is saved at once.
import { PhoneTakenError } from "../src/core/households.ts";
import { buttonsStep, choice, column, done, next, retry, say, type Flow, type FlowContext } from "../src/engine/flow.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import { householdCard, titled } from "./cards.ts";
import { askName } from "./questions/name.ts";
import { askPhone } from "./questions/phone.ts";
import { communeSteps } from "./questions/commune.ts";
import { askShopName } from "./questions/shop-name.ts";
import { askPayment } from "./questions/payment.ts";
import { afterPaymentMethod, paymentDetailSteps, type PaymentDetailHooks } from "./questions/payment-details.ts";
import { showPayment } from "../src/core/payments.ts";
import { cropsStep } from "./crops.ts";

const FIELDS = ["name", "phone", "commune", "shop", "payment", "crops"] as const;
const STEP_OF: Record<(typeof FIELDS)[number], string> = {
  name: "name",
  phone: "phone",
  commune: "commune",
  shop: "shopName",
  payment: "payment",
  crops: "crops",
};

const me = (ctx: FlowContext) => ctx.household!;

/** Confirm with the updated card, then back to the menu. */
async function saved(ctx: FlowContext) {
  const fresh = await ctx.services.households.byAccount(ctx.identity.channel, ctx.identity.userKey);
  if (fresh) ctx.household = fresh;
  const pay = await ctx.services.payments.details(me(ctx).id);
  return done(say(titled(ctx.t("profile:saved"), householdCard(ctx, me(ctx), undefined, pay ? showPayment(pay.method, pay.details, true) : undefined))));
}

const payHooks: PaymentDetailHooks = {
  save: async (method, details, ctx) => {
    await ctx.services.payments.setDetails(me(ctx).id, method, details);
    return saved(ctx);
  },
  // A method without details (or "Để sau"): the method changes, old details are cleared.
  skip: async (method, ctx) => {
    await ctx.services.payments.setDetails(me(ctx).id, method, { bankBin: null, account: null, accountName: null });
    return saved(ctx);
  },
  ownerName: (ctx) => me(ctx).name,
  ownPhone: (ctx) => me(ctx).phone,
  askWallet: true,
};

export const editProfile: Flow = {
  id: "editProfile",
  first: "field",
  needsHousehold: true,
  steps: {
    field: buttonsStep({
      ask: ({ t }) => say(t("profile:askField"), { choices: column(...FIELDS.map((f) => choice(f, t(`profile:field.${f}`)))) }),
      on: (id) => next(STEP_OF[id as (typeof FIELDS)[number]]),
    }),

    name: askName(async (name, ctx) => {
      await ctx.services.households.update(me(ctx).id, { name });
      return saved(ctx);
    }),

    phone: askPhone(
      async (phone, ctx) => {
        try {
          await ctx.services.households.update(me(ctx).id, { phone });
        } catch (e) {
          if (!(e instanceof PhoneTakenError)) throw e;
          return retry(say(ctx.t("register:phone.taken", { phone: formatVnPhone(phone) })));
        }
        return saved(ctx);
      },
      { householdId: (ctx) => ctx.household?.id },
    ),

    ...communeSteps(async (communeCode, ctx) => {
      await ctx.services.households.update(me(ctx).id, { communeCode });
      return saved(ctx);
    }),

    shopName: askShopName(
      (ctx) => me(ctx).name,
      async (name, ctx) => {
        // No shop to rename (see open-shop.ts): this name opens one.
        if (me(ctx).shop) await ctx.services.households.renameShop(me(ctx).id, name);
        else ctx.household = await ctx.services.households.openShop(me(ctx).id, name);
        return saved(ctx);
      },
    ),

    payment: askPayment((payment, ctx) => afterPaymentMethod(payment, ctx, payHooks)),
    ...paymentDetailSteps(payHooks),

    crops: cropsStep(),
  },
};

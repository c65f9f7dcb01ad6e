// The household's summary card, shown after registration and in "Cửa hàng của tôi".
import type { HouseholdView } from "../src/core/households.ts";
import type { FlowContext } from "../src/engine/flow.ts";
import { getCommune, getProvince } from "../src/lang/communes.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import type { PaymentShown } from "../src/core/payments.ts";

/**
 * A card under its title, as one message ("🎉 Cửa hàng của bạn đã mở!" and the shop it is about). The
 * engine joins only one-line messages by itself (see src/engine/join.ts): a card stays a message of its
 * own unless the flow says which title belongs to it.
 */
export const titled = (title: string, card: string): string => `${title}\n\n${card}`;

/** `liveListings`: shown as "📦 3 món đang bán" when given (the shop summary); `pay`: the account details. */
export function householdCard(ctx: FlowContext, h: HouseholdView, liveListings?: number, pay?: PaymentShown): string {
  const card = ctx.t("register:card", {
    shop: h.shop?.name ?? "",
    name: h.name,
    phone: formatVnPhone(h.phone),
    commune: getCommune(h.communeCode)?.name ?? h.communeCode,
    province: getProvince(h.provinceCode)?.name ?? "",
    payment: paymentLine(ctx, h, pay),
  });
  return liveListings === undefined ? card : `${card}\n${ctx.t("listings:liveCount", { count: liveListings })}`;
}

/** "Agribank · 123456789 · NGUYEN VAN A", "MoMo · 0912 345 678", or just the method. */
function paymentLine(ctx: FlowContext, h: HouseholdView, pay?: PaymentShown): string {
  const method = ctx.t(`register:payment.${h.payment}`);
  if (pay?.bank && pay.account) return ctx.t("payments:cardBank", { bank: pay.bank.short, account: pay.account, name: pay.accountName ?? "" });
  if (pay?.account) return ctx.t("payments:cardWallet", { wallet: method, account: pay.account.startsWith("+") ? formatVnPhone(pay.account) : pay.account });
  return method;
}

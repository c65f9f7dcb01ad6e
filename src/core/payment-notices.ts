// The messages about paying for an order: how the buyer pays (VietQR for a bank account), the
// household's "Đã nhận tiền" / "Chưa nhận", and what each side is told when the other acts.
import { amountDueVnd } from "./shipping-quote.ts";
import type { TFunction } from "i18next";
import { formatPrice } from "../lang/price.ts";
import type { Choice, Outbound } from "./messages.ts";
import type { OrderView } from "./orders.ts";
import type { OrderPayment } from "./payment-state.ts";

const money = (vnd: number) => formatPrice({ vnd, per: null });
const base = (o: Pick<OrderView, "code" | "totalVnd" | "shippingQuote">) => ({ code: o.code, total: money(amountDueVnd(o)) });

/** Buttons of a notice, with the words to type where there are none ("DA NHAN TIEN DH7K2F9Q"). */
const action = (t: TFunction, kind: "bp" | "rcv" | "not", o: OrderView, label: string, keyword: string): Choice => ({
  id: `a.p${kind}.${o.id}`,
  label,
  keyword: `${t(`payments:keywords.${keyword}`)} ${o.code}`,
});

export function householdPayChoices(t: TFunction, o: OrderView): Choice[][] {
  return [[action(t, "rcv", o, t("payments:received"), "received")], [action(t, "not", o, t("payments:notReceived"), "notReceived")]];
}

export const paymentNotices = {
  /**
   * To the buyer once the order is accepted: the amount, the bank and masked account, the VietQR as an
   * image (`qr`, drawn by the channel; `links.image` for platforms that fetch images by URL) and the
   * payload as text to copy, with the order page that shows the code where the chat cannot. Cash on
   * delivery stays possible.
   */
  toBuyer(t: TFunction, o: OrderView, pay: OrderPayment | null, links: { page: string; image?: string }): Outbound[] {
    const shown = pay?.shown;
    if (pay?.qr && shown?.bank && shown.account) {
      return [
        {
          text: t("payments:toBuyer.bank", { ...base(o), bank: shown.bank.short, account: shown.account, name: shown.accountName ?? "" }),
          qr: { payload: pay.qr },
          ...(links.image && { photo: { ref: links.image } }),
        },
        { text: t("payments:toBuyer.copy", { payload: pay.qr, url: links.page }) },
        { text: t("payments:toBuyer.cod"), choices: [[action(t, "bp", o, t("payments:buyerPaidButton"), "buyerPaid")]] },
      ];
    }
    if (shown?.account && shown.method !== "bank") {
      return [{ text: t("payments:toBuyer.wallet", { wallet: t(`register:payment.${shown.method}`), account: shown.account }) }];
    }
    return [{ text: t("payments:toBuyer.cash") }];
  },

  /** To the household, under the accepted order. */
  askHousehold: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("payments:askHousehold", base(o)), choices: householdPayChoices(t, o) }],

  /** The buyer says it transferred. */
  buyerPaid: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("payments:householdBuyerPaid", base(o)), choices: householdPayChoices(t, o) }],

  /** A day later and still not confirmed. */
  reminder: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("payments:reminder", base(o)), choices: householdPayChoices(t, o) }],

  buyerReceived: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("payments:toBuyerReceived", base(o)) }],
  buyerNotReceived: (t: TFunction, o: OrderView): Outbound[] => [{ text: t("payments:toBuyerNotReceived", base(o)) }],
};

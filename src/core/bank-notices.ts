// What the household and the buyer are told when the bank reports a transfer (core/bank-transfers.ts).
import { amountDueVnd } from "./shipping-quote.ts";
import type { TFunction } from "i18next";
import { formatPrice } from "../lang/price.ts";
import type { Outbound } from "./messages.ts";
import type { OrderView } from "./orders.ts";
import { householdPayChoices } from "./payment-notices.ts";

/** What a reported transfer meant for its order (core/bank-transfers.ts decides). */
export type TransferOutcome = "paid" | "overpaid" | "underpaid" | "early" | "late" | "again" | "other_account" | "unmatched";

const money = (vnd: number) => formatPrice({ vnd, per: null });

export const bankNotices = {
  /** Every transfer the bank reports into a household's account, whatever it meant. */
  toHousehold(t: TFunction, outcome: TransferOutcome, amountVnd: number, order: OrderView | null): Outbound[] {
    const values = {
      amount: money(amountVnd),
      code: order?.code ?? "",
      total: order ? money(amountDueVnd(order)) : "",
      missing: order ? money(Math.max(0, amountDueVnd(order) - amountVnd)) : "",
      extra: order ? money(Math.max(0, amountVnd - amountDueVnd(order))) : "",
    };
    const text = t(`bank:household.${outcome}`, values);
    // Short of the whole amount: the household confirms by hand once the rest arrives.
    return [outcome === "underpaid" && order ? { text, choices: householdPayChoices(t, order) } : { text }];
  },

  /** The buyer of the order, when the transfer paid it or fell short. */
  toBuyer(t: TFunction, outcome: TransferOutcome, amountVnd: number, order: OrderView): Outbound[] {
    const values = { amount: money(amountVnd), code: order.code, total: money(amountDueVnd(order)), missing: money(Math.max(0, amountDueVnd(order) - amountVnd)) };
    return [{ text: t(outcome === "underpaid" ? "bank:buyer.underpaid" : "bank:buyer.paid", values) }];
  },
};

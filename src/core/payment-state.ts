// The payment state of an order and the household's payment details in the database. Every change
// is a conditional update from the expected state, so a repeated tap or two instances change it once.
//   unpaid --buyer "Tôi đã chuyển khoản"--> buyer_paid --household "Đã nhận tiền"--> paid
//   buyer_paid --household "Chưa nhận"--> unpaid (the buyer is told to check)
//   unpaid --household "Đã nhận tiền" (cash, or a transfer it saw first)--> paid
//   a carrier's delivery with cash on delivery --> paid (by cod)
//   unpaid | buyer_paid --the bank reports a transfer that covers it--> paid (by transfer)
import type { Tx } from "../db/client.ts";
import type { PaymentMethod } from "./households.ts";
import { orders, type OrderStatus, type OrderView } from "./orders.ts";
import { canTakeTransfer, orderQrPayload, showPayment, type PaymentDetails, type PaymentShown } from "./payments.ts";

/** Orders whose money may change hands: accepted and later, not returned. */
const PAYABLE: OrderStatus[] = ["accepted", "picked_up", "delivered"];

export interface OrderPayment {
  /** the household's details as the buyer sees them (account masked) */
  shown: PaymentShown;
  /** the VietQR payload when the household has a bank account that takes transfers */
  qr: string | null;
}

export function paymentState(tx: Tx) {
  const details = async (householdId: string): Promise<{ method: PaymentMethod; details: PaymentDetails } | null> => {
    const h = await tx.household.findUnique({
      where: { id: householdId },
      select: { payment: true, payBankBin: true, payAccount: true, payAccountName: true },
    });
    return h ? { method: h.payment as PaymentMethod, details: { bankBin: h.payBankBin, account: h.payAccount, accountName: h.payAccountName } } : null;
  };

  const move = async (id: string, where: Record<string, unknown>, data: Record<string, unknown>) => {
    const res = await tx.order.updateMany({ where: { id, status: { in: PAYABLE }, ...where }, data });
    return res.count === 1 ? orders(tx).get(id) : null;
  };

  return {
    details,

    /** Set (or clear, with nulls) the household's payment method and details at once. */
    async setDetails(householdId: string, method: PaymentMethod, d: PaymentDetails): Promise<void> {
      await tx.household.update({
        where: { id: householdId },
        data: { payment: method, payBankBin: d.bankBin, payAccount: d.account, payAccountName: d.accountName },
      });
    },

    /** What the buyer of this order is shown to pay with. */
    async forOrder(order: Pick<OrderView, "code" | "totalVnd" | "shippingQuote" | "shop">): Promise<OrderPayment | null> {
      const h = await details(order.shop.householdId);
      if (!h) return null;
      return {
        shown: showPayment(h.method, h.details, false),
        qr: canTakeTransfer(h.method, h.details) ? orderQrPayload(h.details, order) : null,
      };
    },

    /** The buyer taps "Tôi đã chuyển khoản" (only while unpaid). */
    buyerPaid: (id: string, now: Date) => move(id, { payState: "unpaid" }, { payState: "buyer_paid", buyerPaidAt: now, payRemindedAt: null }),

    /**
     * The household confirms the money arrived (its own order only). A household with no bank account
     * nor e-wallet was paid in cash: "cash", which the dashboard's transfer and COD figures leave out.
     */
    async received(id: string, shopId: string, now: Date) {
      const shop = await tx.shop.findUnique({ where: { id: shopId }, select: { household: { select: { payAccount: true } } } });
      const paidBy = shop?.household.payAccount ? "transfer" : "cash";
      return move(id, { shopId, payState: { in: ["unpaid", "buyer_paid"] } }, { payState: "paid", paidAt: now, paidBy });
    },

    /** The bank (through SePay or Casso) reported a transfer that covers the order (core/bank-transfers.ts). */
    bankConfirmed: (id: string, now: Date) =>
      move(id, { payState: { in: ["unpaid", "buyer_paid"] } }, { payState: "paid", paidAt: now, paidBy: "transfer" }),

    /** The household has not seen the transfer the buyer announced. */
    notReceived: (id: string, shopId: string) => move(id, { shopId, payState: "buyer_paid" }, { payState: "unpaid", buyerPaidAt: null, payRemindedAt: null }),

    /** The post office collected the cash on delivery. */
    codCollected: (id: string, now: Date) => move(id, { payState: { in: ["unpaid", "buyer_paid"] } }, { payState: "paid", paidAt: now, paidBy: "cod" }),

    /** Orders the buyer says it paid more than `afterMs` ago, not confirmed nor reminded: marks them reminded. */
    async remindDue(now: Date, afterMs: number, limit = 100): Promise<OrderView[]> {
      const due = await tx.order.findMany({
        where: { payState: "buyer_paid", payRemindedAt: null, buyerPaidAt: { lte: new Date(now.getTime() - afterMs) }, status: { in: PAYABLE } },
        select: { id: true },
        take: limit,
      });
      const out: OrderView[] = [];
      for (const { id } of due) {
        const res = await tx.order.updateMany({ where: { id, payState: "buyer_paid", payRemindedAt: null }, data: { payRemindedAt: now } });
        if (res.count === 1) out.push((await orders(tx).get(id))!);
      }
      return out;
    },
  };
}

// Money for `npm run seed:demo` (issue 15 part 4): the households' payment details and how demo orders
// were paid, kept apart from the generation (demo-households.ts and demo-listings.ts call these for each
// household and order).
// Assumptions, for a rural province early in the campaign:
// - a household that named a bank gives its account (Agribank and LPBank, the post office's bank, most
//   often); one that named an e-wallet gives the wallet's phone (its own number); "other" gives nothing;
// - buyers of a household with a bank account pay about half of the accepted orders by VietQR transfer,
//   mostly within hours of the acceptance; the rest is cash on delivery, collected when delivered;
// - a transfer-paid order is shipped without cash on delivery.

import { E_WALLETS } from "../core/payments.ts";

/** The few draws of the seed's random generator this file needs. */
export interface Random {
  next(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
}

const BANKS: Array<[bin: string, weight: number]> = [
  ["970405", 45], // Agribank
  ["970449", 15], // LPBank (LienVietPostBank)
  ["970418", 14], // BIDV
  ["970415", 12], // VietinBank
  ["970436", 6], // Vietcombank
  ["970422", 5], // MB
  ["970407", 3], // Techcombank
];
const WALLETS = new Set<string>(E_WALLETS);
const HOUR = 3_600_000;

export interface DemoPaymentDetails {
  bankBin: string | null;
  account: string | null;
  accountName: string | null;
}

/** Upper-case ASCII, as a bank prints the holder's name. */
const bankName = (name: string) =>
  name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toUpperCase();

/** A household's payment details for the method it named. */
export function demoPaymentDetails(rng: Random, payment: string, phone: string, holder: string): DemoPaymentDetails {
  if (payment === "bank") {
    let roll = rng.next() * BANKS.reduce((s, [, w]) => s + w, 0);
    const bin = BANKS.find(([, w]) => (roll -= w) < 0)?.[0] ?? BANKS[0][0];
    // Agribank accounts have 13 digits; the others 9 to 14
    const length = bin === "970405" ? 13 : rng.int(9, 14);
    const account = Array.from({ length }, (_, i) => (i === 0 ? rng.int(1, 9) : rng.int(0, 9))).join("");
    return { bankBin: bin, account, accountName: bankName(holder) };
  }
  if (WALLETS.has(payment)) return { bankBin: null, account: phone, accountName: null };
  return { bankBin: null, account: null, accountName: null };
}

export interface DemoOrderPayment {
  payState: "unpaid" | "buyer_paid" | "paid";
  paidAt: Date | null;
  paidBy: "transfer" | "cod" | null;
  /** cash the post office collects on delivery */
  codVnd: number;
}

/**
 * How an order was paid, from its status and times: accepted ones and later may be paid by transfer (only
 * to a bank account), delivered ones not paid by transfer were paid in cash to the post office.
 */
export function demoOrderPayment(rng: Random, o: { status: string; totalVnd: number; decidedAt: number | null; movedAt: number; nowMs: number; bank: boolean }): DemoOrderPayment {
  const unpaid: DemoOrderPayment = { payState: "unpaid", paidAt: null, paidBy: null, codVnd: o.totalVnd };
  if (!["accepted", "picked_up", "delivered"].includes(o.status) || o.decidedAt === null) return unpaid;
  if (o.bank && rng.chance(0.5)) {
    const paidAt = Math.min(o.nowMs - 60_000, o.decidedAt + Math.floor(-Math.log(1 - rng.next()) * 3 * HOUR));
    // A few buyers said they paid and the household has not confirmed yet.
    if (o.status === "accepted" && rng.chance(0.15)) return { ...unpaid, payState: "buyer_paid", codVnd: 0 };
    return { payState: "paid", paidAt: new Date(paidAt), paidBy: "transfer", codVnd: 0 };
  }
  if (o.status === "delivered") return { payState: "paid", paidAt: new Date(o.movedAt), paidBy: "cod", codVnd: o.totalVnd };
  return unpaid;
}

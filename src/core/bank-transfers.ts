// Money in, confirmed by the bank (issue 21 part 4). A bank-notification service (SePay, Casso) tells us
// that a transfer reached an account; the memo should carry the order code the buyer's VietQR filled
// in ("DH7K2F9Q"), but banks add prefixes and suffixes, change case and split it ("MBVCB.123.dh 7k2f
// 9q.CT tu ..."). This module finds the order, decides what the transfer means and records it:
// - exactly the order's amount or more, into the household's account, while the order is payable:
//   the order is paid (more than asked is kept as "overpaid", and the household is told the difference);
// - less: "underpaid", nothing confirmed, household and buyer told the missing amount;
// - an order not accepted yet ("early"), declined/expired/cancelled/returned ("late"), already paid
//   ("again"), into another account than the household's ("other_account"), or no order at all
//   ("unmatched"): recorded and the household told, never counted as paid.
// Each provider transaction id is recorded once (a unique key): a repeated delivery, even two at the
// same moment, inserts nothing and changes nothing. Several partial transfers are not added up: the
// household confirms with "Đã nhận tiền" once it has the whole amount.
import { amountDueVnd } from "./shipping-quote.ts";
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { fold } from "../lang/normalize.ts";
import { bankNotices, type TransferOutcome } from "./bank-notices.ts";

export type { TransferOutcome };
import type { Notifier, Queued } from "./notify.ts";
import { orders, type OrderView } from "./orders.ts";
import { paymentState } from "./payment-state.ts";

/** One incoming transfer as a provider reported it, already authenticated. */
export interface IncomingTransfer {
  provider: "sepay" | "casso";
  /** the provider's own transaction id: the same across its retries and replays */
  txId: string;
  amountVnd: number;
  /** texts that may carry the order code, best first (SePay's extracted `code`, the memo, the bank's description) */
  texts: string[];
  /** the receiving account (or virtual account) numbers the provider named */
  accounts: string[];
  reference?: string;
  bankTime?: string;
}


export interface TransferResult {
  /** false: this provider id was recorded before (a retry, a replay, a concurrent duplicate) */
  recorded: boolean;
  outcome?: TransferOutcome;
  orderCode?: string;
}

// Order codes: "DH" and six letters of orders.ts's alphabet (no 0/O, 1/I/L).
const CODE_AFTER_DH = /^[2-9A-HJKMNP-Z]{6}/;
const MAX_CANDIDATES = 20;

/**
 * Every order code a memo may carry, in the order they appear. The memo is folded to upper-case ASCII and
 * everything but letters and digits is dropped, so prefixes glued on with dots ("MBVCB.123.DH…") and codes
 * split by spaces or dashes ("dh 7k2f 9q", "DH-7K2F9Q") read the same; a "DH" that is only part of a
 * word yields a candidate no order has, which the lookup drops.
 */
export function orderCodesIn(texts: string[]): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const compact = fold(text).toUpperCase().replace(/[^A-Z0-9]/g, "");
    for (let at = compact.indexOf("DH"); at >= 0 && out.length < MAX_CANDIDATES; at = compact.indexOf("DH", at + 1)) {
      const rest = CODE_AFTER_DH.exec(compact.slice(at + 2));
      if (rest && !out.includes(`DH${rest[0]}`)) out.push(`DH${rest[0]}`);
    }
  }
  return out;
}

const digits = (s: string | null | undefined) => (s ?? "").replace(/\D/g, "");

/** Statuses in which money for the order is expected (payment-state.ts's PAYABLE). */
const PAYABLE = new Set(["accepted", "picked_up", "delivered"]);

export class BankTransferService {
  constructor(
    private readonly db: Db,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /**
   * Records the transfer once and acts on it; the people concerned are told after the commit (a webhook
   * does not wait for their chats: `waitForSends: false`, the outbox delivers them).
   */
  async receive(transfer: IncomingTransfer, now = new Date(), opts: { waitForSends?: boolean } = {}): Promise<TransferResult> {
    const { result, queued } = await this.db.$transaction(async (tx) => {
      const found = await this.findOrder(tx, transfer);
      const household = found?.shop.householdId ?? (await this.householdByAccount(tx, transfer.accounts));
      const decided = found ? await this.decide(tx, transfer, found) : { outcome: "unmatched" as const };
      const commune = found?.shop.communeCode ?? (household ? (await tx.household.findUnique({ where: { id: household }, select: { communeCode: true } }))?.communeCode : null);
      // The unique key decides between duplicates, concurrent ones included (on PostgreSQL the second
      // insert waits for the first to commit, then inserts nothing). Inserted before the order moves,
      // so that a duplicate leaves the transaction without having changed anything.
      const inserted = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
        INSERT INTO "BankTransfer" ("id", "provider", "providerTxId", "amountVnd", "memo", "accountNumber", "reference", "bankTime", "outcome", "orderId", "householdId", "communeCode", "receivedAt")
        VALUES (${randomUUID()}, ${transfer.provider}, ${transfer.txId}, ${transfer.amountVnd}, ${transfer.texts.filter(Boolean).join(" | ").slice(0, 1000)},
                ${transfer.accounts[0] ?? null}, ${transfer.reference ?? null}, ${transfer.bankTime ?? null}, ${decided.outcome}, ${found?.id ?? null},
                ${household ?? null}, ${commune ?? null}, ${now})
        ON CONFLICT ("provider", "providerTxId") DO NOTHING RETURNING "id"`);
      if (inserted.length === 0) return { result: { recorded: false }, queued: [] };
      let order = found;
      if (found && (decided.outcome === "paid" || decided.outcome === "overpaid")) {
        order = await paymentState(tx).bankConfirmed(found.id, now);
        // Moved by someone else between our read and our update (the household tapped "Đã nhận tiền"):
        // the money is then a second payment.
        if (!order) {
          await tx.bankTransfer.updateMany({ where: { provider: transfer.provider, providerTxId: transfer.txId }, data: { outcome: "again" } });
          decided.outcome = "again";
          order = found;
        }
      }
      const result: TransferResult = { recorded: true, outcome: decided.outcome, ...(order && { orderCode: order.code }) };
      return { result, queued: await this.tell(tx, transfer, decided.outcome, order, household) };
    });
    if (result.recorded) this.log.info({ provider: transfer.provider, outcome: result.outcome, order: result.orderCode }, "bank transfer recorded");
    const sending = this.notifier.deliver(queued);
    if (opts.waitForSends === false) sending.catch((err: unknown) => this.log.warn({ err }, "bank transfer notices: delivery failed; the outbox keeps them"));
    else await sending;
    return result;
  }

  /** The first code of the memo that is an order's. */
  private async findOrder(tx: Tx, transfer: IncomingTransfer): Promise<OrderView | null> {
    const codes = orderCodesIn(transfer.texts);
    if (codes.length === 0) return null;
    const rows = await tx.order.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } });
    const first = codes.map((c) => rows.find((r) => r.code === c)).find(Boolean);
    return first ? orders(tx).get(first.id) : null;
  }

  /** The household whose account received the money, when exactly one has that number. */
  private async householdByAccount(tx: Tx, accounts: string[]): Promise<string | null> {
    const numbers = accounts.map(digits).filter((a) => a.length >= 6);
    if (numbers.length === 0) return null;
    const rows = await tx.household.findMany({ where: { payAccount: { in: numbers } }, select: { id: true }, take: 2 });
    return rows.length === 1 ? rows[0].id : null;
  }

  private async decide(tx: Tx, transfer: IncomingTransfer, order: OrderView): Promise<{ outcome: TransferOutcome }> {
    // The service watches some account: when it says which one, it must be the household's, or the money
    // is not where the order says it should be.
    const account = digits((await tx.household.findUnique({ where: { id: order.shop.householdId }, select: { payAccount: true } }))?.payAccount);
    const named = transfer.accounts.map(digits).filter(Boolean);
    if (account && named.length > 0 && !named.includes(account)) return { outcome: "other_account" };
    if (order.status === "pending") return { outcome: "early" };
    if (!PAYABLE.has(order.status)) return { outcome: "late" };
    if (order.payment.state === "paid") return { outcome: "again" };
    const due = amountDueVnd(order);
    if (transfer.amountVnd < due) return { outcome: "underpaid" };
    return { outcome: transfer.amountVnd > due ? "overpaid" : "paid" };
  }

  private async tell(tx: Tx, transfer: IncomingTransfer, outcome: TransferOutcome, order: OrderView | null, household: string | null): Promise<Array<Queued | null>> {
    const queued: Array<Queued | null> = [];
    const amount = transfer.amountVnd;
    if (household) queued.push(await this.notifier.household(tx, household, (t) => bankNotices.toHousehold(t, outcome, amount, order)));
    if (order && (outcome === "paid" || outcome === "overpaid" || outcome === "underpaid")) {
      queued.push(await this.notifier.buyer(tx, order, (t) => bankNotices.toBuyer(t, outcome, amount, order)));
    }
    return queued;
  }
}

/** Transfers the officers of these communes should look at (all but plain payments), newest first. */
export async function transfersToReview(db: Db | Tx, communes: string[] | null, since: Date, take = 50) {
  return db.bankTransfer.findMany({
    where: { outcome: { not: "paid" }, receivedAt: { gte: since }, ...(communes ? { communeCode: { in: communes } } : {}) },
    orderBy: { receivedAt: "desc" },
    take,
    select: { outcome: true, amountVnd: true, receivedAt: true, communeCode: true, provider: true, orderId: true },
  });
}

// Casso's webhook (../shared/notes/bank-webhooks.md §2), both generations:
// - v2: `X-Casso-Signature: t=<ms timestamp>,v1=<hex HMAC-SHA512(checksum key, "<t>." + the body as
//   JSON with keys sorted at every level, compact)>`; checked against Casso's published sample (the
//   "giao dich thu nghiem" event, test/bank-webhooks.test.ts). `data` is one transaction.
// - v1 (legacy): `Secure-Token: <the token chosen in Casso>`; `data` is an array of transactions.
// Casso documents no replay window; the transaction id is the dedup key, and a timestamp far in the
// past (older than a day) is refused as a replay of a captured request.
import { z } from "zod";
import type { IncomingTransfer } from "../../core/bank-transfers.ts";
import { secretMatches } from "../secret.ts";
import { header, hexMatches, hmacHex } from "./signature.ts";
import type { Verdict } from "./sepay.ts";

export interface CassoAuth {
  /** v2: the webhook's checksum key ("Khoá bảo mật") */
  checksumKey?: string;
  /** v1 (legacy): the Secure-Token value */
  secureToken?: string;
}

/** Casso retries for an unknown time; a signed request older than this is a replay, not a retry. */
export const CASSO_MAX_AGE_MS = 24 * 3600_000;
const CASSO_MAX_AHEAD_MS = 5 * 60_000;

/** JSON with the keys of every object sorted, no spaces: what Casso v2 signs. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(value));
}

export function verifyCasso(headers: Record<string, string | string[] | undefined>, body: unknown, auth: CassoAuth, nowMs: number): Verdict {
  const signature = header(headers, "x-casso-signature");
  if (auth.checksumKey && signature !== undefined) {
    const parts = Object.fromEntries(signature.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
    const t = parts.t ?? "";
    if (!/^\d{10,14}$/.test(t) || !parts.v1) return { ok: false, reason: "bad_signature" };
    if (!hexMatches(parts.v1, hmacHex("sha512", auth.checksumKey, `${t}.${sortedJson(body)}`))) return { ok: false, reason: "bad_signature" };
    const age = nowMs - Number(t);
    if (age > CASSO_MAX_AGE_MS || age < -CASSO_MAX_AHEAD_MS) return { ok: false, reason: "stale" };
    return { ok: true };
  }
  const token = header(headers, "secure-token");
  if (auth.secureToken && token !== undefined) return secretMatches(token, auth.secureToken) ? { ok: true } : { ok: false, reason: "bad_signature" };
  return { ok: false, reason: "unsigned" };
}

const text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? "" : String(v)));
const v2Tx = z.object({
  id: z.union([z.number().int(), z.string().max(64)]),
  reference: text,
  description: text,
  amount: z.coerce.number().int(),
  transactionDateTime: text,
  accountNumber: text,
  virtualAccountNumber: text,
});
const v1Tx = z.object({
  id: z.union([z.number().int(), z.string().max(64)]),
  tid: text,
  description: text,
  amount: z.coerce.number().int(),
  when: text,
  bank_sub_acc_id: text,
  subAccId: text,
});
const cassoBody = z.object({ error: z.number().optional(), data: z.union([v2Tx, z.array(v1Tx)]) });

/** Casso's "gọi thử" test event (id 0): acknowledged, never matched to an order. */
const isTestEvent = (id: string | number, reference: string) => String(id) === "0" || reference === "MA_GIAO_DICH_THU_NGHIEM";

/** Incoming transfers of the body (money out and test events left out); an error for a body that is not Casso's. */
export function parseCasso(body: unknown): { transfers: IncomingTransfer[] } | { error: string } {
  const parsed = cassoBody.safeParse(body);
  if (!parsed.success) return { error: "not a Casso webhook" };
  const data = parsed.data.data;
  const transfers: IncomingTransfer[] = [];
  if (Array.isArray(data)) {
    for (const tx of data) {
      if (tx.amount <= 0 || isTestEvent(tx.id, tx.tid)) continue;
      transfers.push({ provider: "casso", txId: String(tx.id), amountVnd: tx.amount, texts: [tx.description], accounts: [tx.subAccId, tx.bank_sub_acc_id].filter(Boolean), reference: tx.tid || undefined, bankTime: tx.when || undefined });
    }
  } else if (data.amount > 0 && !isTestEvent(data.id, data.reference)) {
    transfers.push({
      provider: "casso",
      txId: String(data.id),
      amountVnd: data.amount,
      texts: [data.description],
      accounts: [data.virtualAccountNumber, data.accountNumber].filter(Boolean),
      reference: data.reference || undefined,
      bankTime: data.transactionDateTime || undefined,
    });
  }
  return { transfers };
}

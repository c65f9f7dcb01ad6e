// SePay's transaction webhook (../shared/notes/bank-webhooks.md §1). Authenticated, per the webhook's
// setting in SePay, by either
// - HMAC-SHA256 (recommended): `X-SePay-Timestamp: <unix seconds>` and
//   `X-SePay-Signature: sha256=<hex HMAC(secret, "<timestamp>.<raw body>")>`, the timestamp within 5
//   minutes of our clock (SePay's security page), over the raw bytes as received; or
// - an API key: `Authorization: Apikey <key>`.
// Both compared in constant time, before the body is trusted. The body: `id` (the dedup key, the same
// across retries), `transferType` in/out, `transferAmount`, `accountNumber`, `subAccount` (a virtual
// account), `code` (the payment code SePay extracted, or null), `content` (memo), `description` (the
// bank's whole line), `referenceCode`, `transactionDate`.
import { z } from "zod";
import type { IncomingTransfer } from "../../core/bank-transfers.ts";
import { secretMatches } from "../secret.ts";
import { header, hexMatches, hmacHex } from "./signature.ts";

export interface SepayAuth {
  /** the HMAC secret shown once when the webhook was created with "HMAC-SHA256" */
  secret?: string;
  /** the API key chosen with "API Key" authentication */
  apiKey?: string;
}

/** SePay rejects, and asks receivers to reject, a timestamp further than this from now. */
export const SEPAY_MAX_SKEW_SECONDS = 300;

export type Verdict = { ok: true } | { ok: false; reason: "unsigned" | "bad_signature" | "stale" };

export function verifySepay(headers: Record<string, string | string[] | undefined>, raw: string, auth: SepayAuth, nowMs: number): Verdict {
  const signature = header(headers, "x-sepay-signature");
  if (auth.secret && signature !== undefined) {
    const timestamp = header(headers, "x-sepay-timestamp") ?? "";
    if (!/^\d{9,11}$/.test(timestamp)) return { ok: false, reason: "bad_signature" };
    const expected = hmacHex("sha256", auth.secret, `${timestamp}.${raw}`);
    if (!hexMatches(signature.replace(/^sha256=/, ""), expected)) return { ok: false, reason: "bad_signature" };
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > SEPAY_MAX_SKEW_SECONDS) return { ok: false, reason: "stale" };
    return { ok: true };
  }
  const authorization = header(headers, "authorization");
  if (auth.apiKey && authorization !== undefined) {
    const key = /^apikey\s+(.+)$/i.exec(authorization.trim())?.[1];
    return key !== undefined && secretMatches(key, auth.apiKey) ? { ok: true } : { ok: false, reason: "bad_signature" };
  }
  return { ok: false, reason: "unsigned" };
}

const text = z.string().nullish().transform((v) => v ?? "");
const sepayBody = z.object({
  id: z.union([z.number().int(), z.string().min(1).max(64)]),
  transferType: z.string().optional(),
  transferAmount: z.coerce.number().int().nonnegative(),
  accountNumber: text,
  subAccount: text,
  code: text,
  content: text,
  description: text,
  referenceCode: text,
  transactionDate: text,
});

/** The transfer in the body; null for money going out (nothing to confirm); an error for a body that is not SePay's. */
export function parseSepay(body: unknown): { transfer: IncomingTransfer | null } | { error: string } {
  const parsed = sepayBody.safeParse(body);
  if (!parsed.success) return { error: "not a SePay transaction" };
  const b = parsed.data;
  if (b.transferType && b.transferType !== "in") return { transfer: null };
  return {
    transfer: {
      provider: "sepay",
      txId: String(b.id),
      amountVnd: b.transferAmount,
      texts: [b.code, b.content, b.description].filter(Boolean),
      accounts: [b.subAccount, b.accountNumber].filter(Boolean),
      reference: b.referenceCode || undefined,
      bankTime: b.transactionDate || undefined,
    },
  };
}

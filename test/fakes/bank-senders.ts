// Fakes of the two bank-notification services' webhook senders (../shared/notes/bank-webhooks.md §7):
// they sign exactly as SePay and Casso document (SePay: HMAC-SHA256 over "<seconds>.<raw body>" or an
// API key; Casso v2: HMAC-SHA512 over "<ms>.<body with sorted keys>", v1: Secure-Token), write memos the
// way banks deliver them (prefixes, case changes, split codes), retry on anything but 2xx on SePay's
// schedule (1, 1, 2, 3, 5, 8, 13 minutes, scaled down), and can send the same transaction twice at once
// as a manual re-send from the dashboard does.
import { createHmac } from "node:crypto";

export const SEPAY_RETRY_MINUTES = [1, 1, 2, 3, 5, 8, 13];

let nextId = 92_700;

/** What a buyer's bank makes of the memo "DH7K2F9Q" by the time SePay or Casso passes it on. */
export const bankMemos = {
  /** MB Bank: reference prefix glued with dots, sender suffix */
  mb: (code: string) => `MBVCB.3278907687.${code}.CT tu 0123456789 NGUYEN VAN A toi 8888123456789 HOANG VAN SINH`,
  /** lower case and split by a space, as typed by hand into the banking app */
  splitLower: (code: string) => `${code.slice(0, 2).toLowerCase()} ${code.slice(2, 6).toLowerCase()} ${code.slice(6).toLowerCase()} chuyen tien`,
  /** Vietcombank statement line: trace and date first, dots turned into spaces */
  vcb: (code: string) => `416235 061226 142237 ${code} FT26340512345678`,
  /** dashes and a name glued after the code */
  dashed: (code: string) => `IBFT ${code.slice(0, 2)}-${code.slice(2)} TRAN THI LAN`,
  /** nothing to match */
  none: () => "chuyen tien mua hang",
};

export interface SepayTransfer {
  amount: number;
  memo: string;
  accountNumber: string;
  /** SePay's own payment-code extraction: null about half the time in real deliveries */
  code?: string | null;
  transferType?: "in" | "out";
  id?: number;
}

/** A SePay webhook body (field names and types of the note's table). */
export function sepayBody(t: SepayTransfer): Record<string, unknown> {
  const id = t.id ?? nextId++;
  return {
    id,
    gateway: "MBBank",
    transactionDate: "2026-12-06 14:02:37",
    accountNumber: t.accountNumber,
    subAccount: null,
    code: t.code ?? null,
    content: t.memo,
    description: `BankAPINotify ${t.memo}`,
    transferType: t.transferType ?? "in",
    transferAmount: t.amount,
    accumulated: 19_190_000,
    referenceCode: `FT26${id}`,
  };
}

export type SepayAuth = { kind: "hmac"; secret: string; skewSeconds?: number } | { kind: "apikey"; key: string };

/** Headers SePay sends for this raw body. */
export function sepayHeaders(raw: string, auth: SepayAuth, nowMs = Date.now()): Record<string, string> {
  if (auth.kind === "apikey") return { authorization: `Apikey ${auth.key}` };
  const ts = String(Math.floor(nowMs / 1000) + (auth.skewSeconds ?? 0));
  return { "x-sepay-timestamp": ts, "x-sepay-signature": `sha256=${createHmac("sha256", auth.secret).update(`${ts}.${raw}`).digest("hex")}` };
}

export interface Delivery {
  statuses: number[];
  bodies: unknown[];
}

/**
 * POSTs like SePay: again after each non-2xx answer on its retry schedule (`minuteMs` is one minute,
 * scaled down for tests), at most 8 attempts in all. Each attempt is signed afresh, as SePay does.
 */
export async function sendSepay(url: string, body: Record<string, unknown>, auth: SepayAuth, opts: { minuteMs?: number; timeoutMs?: number } = {}): Promise<Delivery> {
  const raw = JSON.stringify(body);
  const out: Delivery = { statuses: [], bodies: [] };
  for (let attempt = 0; attempt <= SEPAY_RETRY_MINUTES.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, SEPAY_RETRY_MINUTES[attempt - 1] * (opts.minuteMs ?? 1)));
    // Given up after `timeoutMs` (status 0), and sent again: SePay counts a slow answer as a failure.
    const signal = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...sepayHeaders(raw, auth) }, body: raw, signal }).catch(() => null);
    out.statuses.push(res?.status ?? 0);
    out.bodies.push(res ? await res.json().catch(() => null) : null);
    if (res && res.status >= 200 && res.status < 300) break;
  }
  return out;
}

export interface CassoTransfer {
  amount: number;
  memo: string;
  accountNumber: string;
  id?: number;
}

/** A Casso v2 body: `data` is one transaction. */
export function cassoBody(t: CassoTransfer): Record<string, unknown> {
  const id = t.id ?? nextId++;
  return {
    error: 0,
    data: {
      id,
      reference: `FT26${id}`,
      description: t.memo,
      amount: t.amount,
      runningBalance: 25_000_000,
      transactionDateTime: "2026-12-06 15:06:37",
      accountNumber: t.accountNumber,
      bankName: "Agribank",
      bankAbbreviation: "AGR",
      virtualAccountNumber: "",
      virtualAccountName: "",
      counterAccountName: "TRAN THI LAN",
      counterAccountNumber: "0123456789",
      counterAccountBankId: "970415",
      counterAccountBankName: "VietinBank",
    },
  };
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;

/** Casso v2's signature header for this body. */
export function cassoSignature(body: unknown, key: string, tMs = Date.now()): string {
  return `t=${tMs},v1=${createHmac("sha512", key).update(`${tMs}.${JSON.stringify(sortKeys(body))}`).digest("hex")}`;
}

/** POSTs like Casso v2; the body is sent with its keys in Casso's own order (not sorted): the receiver sorts. */
export async function sendCasso(url: string, body: Record<string, unknown>, key: string): Promise<number> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-casso-signature": cassoSignature(body, key) }, body: JSON.stringify(body) });
  return res.status;
}

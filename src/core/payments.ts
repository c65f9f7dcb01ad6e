// How a household is paid (issue 15): its bank account (a NAPAS bank, the account number and the
// holder's name as the bank shows it) or an e-wallet by phone. Buyers see the account masked; the full
// number only reaches the household itself and its officer. An accepted order paid by transfer carries
// a VietQR with the exact amount and the order code as memo (vietqr.ts).
import { amountDueVnd, type BuyerShippingQuote } from "./shipping-quote.ts";
import QRCode from "qrcode";
import bankFile from "./banks.json" with { type: "json" };
import { fold } from "../lang/normalize.ts";
import { maskPhone } from "../lang/phone.ts";
import type { PaymentMethod } from "./households.ts";
import { buildVietQr, asciiSafe, NAME_MAX } from "./vietqr.ts";

export interface Bank {
  bin: string;
  short: string;
  name: string;
  aliases: string[];
}

export const BANKS: readonly Bank[] = bankFile.banks;
const BY_BIN = new Map(BANKS.map((b) => [b.bin, b]));
const squash = (s: string) => fold(s).replace(/[^a-z0-9]/g, "");
const KEYS = BANKS.map((b) => ({ bank: b, keys: [b.short, b.bin, ...b.aliases].map(squash), name: fold(b.name) }));

export const bankByBin = (bin: string | null | undefined): Bank | undefined => (bin ? BY_BIN.get(bin) : undefined);

/**
 * Banks matching what was typed, best first: "agri", "lienviet", "bidv", "vietin", "ngoai thuong",
 * with or without diacritics, spaces or case. A short name or alias that starts with the text comes
 * before one that merely contains it, then the full Vietnamese name.
 */
export function searchBanks(query: string, limit = 6): Bank[] {
  const q = squash(query.slice(0, 60));
  const words = fold(query.slice(0, 60));
  if (q.length < 2) return [];
  const scored: Array<{ bank: Bank; score: number }> = [];
  KEYS.forEach(({ bank, keys, name }, i) => {
    let score = -1;
    if (keys.some((k) => k === q)) score = 0;
    else if (keys.some((k) => k.startsWith(q))) score = 1;
    else if (keys.some((k) => k.includes(q))) score = 2;
    else if (words.length >= 3 && name.includes(words)) score = 3;
    if (score >= 0) scored.push({ bank, score: score * 1000 + i });
  });
  return scored.sort((a, b) => a.score - b.score).slice(0, limit).map((s) => s.bank);
}

export const E_WALLETS = ["viettel_money", "postpay", "momo", "vnpt_money"] as const satisfies readonly PaymentMethod[];
export type EWallet = (typeof E_WALLETS)[number];
export const isEWallet = (m: string): m is EWallet => (E_WALLETS as readonly string[]).includes(m);

/** Account numbers in Vietnam: 6 to 19 digits (VietQR's field holds 19). Spaces, dots and dashes are dropped. */
export function parseAccountNumber(text: string): { ok: true; account: string } | { ok: false; reason: "notDigits" | "length" } {
  const cleaned = text.normalize("NFKC").replace(/[\s.\-]/g, "");
  if (!/^\d+$/.test(cleaned)) return { ok: false, reason: "notDigits" };
  if (cleaned.length < 6 || cleaned.length > 19) return { ok: false, reason: "length" };
  return { ok: true, account: cleaned };
}

/** The holder's name as a bank shows it: "Nguyễn Văn A" → "NGUYEN VAN A"; null when it has no letters. */
export function accountHolderName(text: string): string | null {
  const name = asciiSafe(text, 50).toUpperCase();
  if (!/^[A-Z][A-Z ]*[A-Z]$/.test(name) || name.length < 2) return null;
  return name;
}

/** "9964046722" → "••••6722": enough for a buyer to recognise the account, not to reuse it. */
export function maskAccount(account: string): string {
  return account.length <= 4 ? "••••" : `••••${account.slice(-4)}`;
}

/** What is stored on the household. */
export interface PaymentDetails {
  bankBin: string | null;
  account: string | null;
  accountName: string | null;
}

/** A household's payment details as someone may see them. */
export interface PaymentShown {
  method: PaymentMethod;
  bank?: Bank;
  /** full for the household and its officer, masked for everyone else */
  account?: string;
  accountName?: string;
}

/** `full`: the viewer is the household itself or its officer. */
export function showPayment(method: PaymentMethod, d: PaymentDetails, full: boolean): PaymentShown {
  if (method === "bank" && d.account && bankByBin(d.bankBin)) {
    return { method, bank: bankByBin(d.bankBin), account: full ? d.account : maskAccount(d.account), accountName: d.accountName ?? undefined };
  }
  if (isEWallet(method) && d.account) return { method, account: full ? d.account : maskPhone(d.account) };
  return { method };
}

/** A household's bank account can receive VietQR transfers. */
export const canTakeTransfer = (method: string, d: PaymentDetails): boolean => method === "bank" && !!d.account && !!bankByBin(d.bankBin);

/** The VietQR of one order: exact amount, the order code as memo. */
export function orderQrPayload(d: PaymentDetails, order: { code: string; totalVnd: number; shippingQuote?: BuyerShippingQuote | null }): string {
  return buildVietQr({
    bin: d.bankBin!,
    account: d.account!,
    amountVnd: amountDueVnd(order),
    name: d.accountName ? asciiSafe(d.accountName, NAME_MAX) : undefined,
    memo: order.code,
  });
}

/** The code as a PNG, drawn here (no third-party QR service). */
export function qrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 8 });
}

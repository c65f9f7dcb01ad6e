// MyVNPost's webhook: POST {data: [order records], sendDate, signature}, the signature over
// "MYVNP" + sendDate + itemCode + status of the FIRST record only. The docs say RSA-SHA256 with
// VNPost's published public key; VNPost's own Java sample RSA-encrypts the string instead (carriers.md
// §2.2), so how a signature is checked is pluggable (`SignatureCheck`).
// Only the first record is taken as sent. The others are not signed: a captured body with records
// appended ("delivered" for someone else's parcel) would pass the check. They are returned as
// `unsigned` waybills, and the carrier's API is asked where each one is before anything moves.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { TrackStep, TrackingEvent, WebhookRequest, WebhookResult } from "../port.ts";

/** MyVNPost `status` → our step (NAMPH/HIEU, 0-22 agree); 21 (COD paid to sender) and the rest only go to the journey. */
export const VNPOST_STEPS: Record<number, TrackStep> = {
  6: "picked_up",
  7: "picked_up",
  10: "in_transit",
  11: "in_transit",
  13: "in_transit",
  12: "out_for_delivery",
  15: "failed_attempt",
  16: "returning",
  17: "returning",
  18: "returning",
  24: "returning",
  14: "delivered",
  19: "returned",
  9: "cancelled",
  22: "cancelled",
};

export type SignatureCheck = (message: string, signature: string) => boolean;

/** The documented scheme: RSA-SHA256 signature (base64) checked with VNPost's public key (PEM). */
export function rsaSha256Check(publicKeyPem: string): SignatureCheck {
  const key: KeyObject = createPublicKey(publicKeyPem);
  return (message, signature) => {
    try {
      return verify("sha256", Buffer.from(message, "utf8"), key, Buffer.from(signature, "base64"));
    } catch {
      return false;
    }
  };
}

const record = z.object({
  itemCode: z.string().min(1).max(64),
  saleOrderCode: z.string().nullish(),
  status: z.coerce.number().int(),
});
const body = z.object({ data: z.array(z.unknown()).min(1).max(1000), sendDate: z.union([z.string(), z.number()]).transform(String), signature: z.string().min(1).max(4096) });

/** sendDate as sent: ISO, epoch ms, or "dd/MM/yyyy HH:mm:ss" in Vietnam time. */
export function vnpostDate(text: string): Date | null {
  if (/^\d{12,14}$/.test(text)) return new Date(Number(text));
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (m) return new Date(Date.UTC(+m[3], +m[2] - 1, +m[1], +m[4] - 7, +m[5], +(m[6] ?? 0)));
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function vnpostWebhook(check: SignatureCheck, req: WebhookRequest, now = new Date()): WebhookResult {
  const parsed = body.safeParse(req.body);
  if (!parsed.success) return { ok: false, status: 400 };
  const first = record.safeParse(parsed.data.data[0]);
  if (!first.success) return { ok: false, status: 400 };
  if (!check(`MYVNP${parsed.data.sendDate}${first.data.itemCode}${first.data.status}`, parsed.data.signature)) return { ok: false, status: 401 };
  const at = vnpostDate(parsed.data.sendDate) ?? now;
  const events: TrackingEvent[] = [vnpostEvent(first.data.itemCode, first.data.saleOrderCode, first.data.status, at)];
  const unsigned = new Set<string>();
  for (const raw of parsed.data.data.slice(1)) {
    const r = record.safeParse(raw);
    if (r.success) unsigned.add(r.data.itemCode);
  }
  return { ok: true, events, unsigned: [...unsigned] };
}

export function vnpostEvent(itemCode: string, saleOrderCode: string | null | undefined, status: number, at: Date): TrackingEvent {
  return { waybill: itemCode, reference: saleOrderCode ?? undefined, code: String(status), step: VNPOST_STEPS[status] ?? null, at };
}

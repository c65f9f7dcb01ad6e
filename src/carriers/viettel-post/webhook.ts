// Viettel Post's status webhook: POST {DATA: {...}, TOKEN: "<secret>"}, and the same secret in an
// `Authorization` header (the docs show both; which one is sent depends on the account's setup, so
// either is accepted, compared in constant time). No signature, no timestamp: a replay changes nothing
// because events are deduplicated. Events come duplicated, out of order and after final states.
import { z } from "zod";
import { secretMatches } from "../../http/secret.ts";
import type { TrackStep, TrackingEvent, WebhookRequest, WebhookResult } from "../port.ts";

/** ORDER_STATUS → our step (VTPDOC §8); codes not listed (102-104 pickup scheduling, 202 edits, 507, 508, 550...) only go to the journey. */
export const VTP_STEPS: Record<number, TrackStep> = {
  105: "picked_up",
  200: "picked_up",
  300: "in_transit",
  400: "in_transit",
  509: "in_transit",
  500: "out_for_delivery",
  506: "failed_attempt",
  505: "returning",
  502: "returning",
  515: "returning",
  501: "delivered",
  504: "returned",
  101: "cancelled",
  107: "cancelled",
  201: "cancelled",
  503: "cancelled",
};

const data = z.object({
  ORDER_NUMBER: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1).max(64)),
  ORDER_REFERENCE: z.union([z.string(), z.number()]).transform(String).nullish(),
  ORDER_STATUS: z.coerce.number().int(),
  ORDER_STATUSDATE: z.string().nullish(),
});
const body = z.object({ DATA: data, TOKEN: z.string().nullish() });

/** "dd/MM/yyyy HH:mm:ss", Vietnam local time (UTC+7, no daylight saving); null when unreadable. */
export function vtpDate(text: string | null | undefined): Date | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text?.trim() ?? "");
  if (!m) return null;
  const [, d, mo, y, h = "0", mi = "0", s = "0"] = m;
  const at = new Date(Date.UTC(+y, +mo - 1, +d, +h - 7, +mi, +s));
  return Number.isNaN(at.getTime()) ? null : at;
}

export function vtpWebhook(secret: string, req: WebhookRequest, now = new Date()): WebhookResult {
  const auth = req.headers.authorization;
  const fromHeader = typeof auth === "string" ? auth.replace(/^(Bearer|Token)\s+/i, "") : undefined;
  const fromBody = typeof req.body === "object" && req.body !== null ? (req.body as { TOKEN?: unknown }).TOKEN : undefined;
  // Both are checked, in constant time, whatever the first one says.
  const headerOk = secretMatches(fromHeader, secret);
  const bodyOk = secretMatches(fromBody, secret);
  if (!headerOk && !bodyOk) return { ok: false, status: 401 };
  const parsed = body.safeParse(req.body);
  if (!parsed.success) return { ok: false, status: 400 };
  const d = parsed.data.DATA;
  const event: TrackingEvent = {
    waybill: d.ORDER_NUMBER,
    reference: d.ORDER_REFERENCE ?? undefined,
    code: String(d.ORDER_STATUS),
    step: VTP_STEPS[d.ORDER_STATUS] ?? null,
    at: vtpDate(d.ORDER_STATUSDATE) ?? now,
  };
  return { ok: true, events: [event] };
}

// Wire shapes of the Zalo Bot Platform, validated with zod. Public copies of the docs disagree on some
// names (`photo` / `photo_url`, `display_name` / `first_name`), on whether ids are numbers or strings,
// and on whether a webhook body is wrapped in `{ok, result}`; everything here accepts each variant and
// keeps unknown fields (looseObject), so a new field on Zalo's side never breaks the bot.
import { z } from "zod";

/** ids arrive as strings ("e4ea2cd5189df1c3a88c") or numbers; the bot only ever compares them as text */
const id = z.union([z.string().min(1), z.number()]).transform(String);

/** `{ok, result?, description?, error_code?}`: every answer of the API, success or failure */
export const envelopeSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  description: z.string().optional(),
  error_code: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export const meSchema = z.looseObject({
  id,
  account_name: z.string().optional(),
  display_name: z.string().optional(),
  account_type: z.string().optional(),
  can_join_groups: z.boolean().optional(),
});
export type ZaloMe = z.infer<typeof meSchema>;

/** sendMessage / sendPhoto: `{message_id, date}`; tolerated when absent (the message was accepted) */
export const sentSchema = z
  .looseObject({ message_id: id.optional(), date: z.number().optional() })
  .optional()
  .transform((v) => v ?? {});
export type ZaloSent = z.infer<typeof sentSchema>;

export const webhookInfoSchema = z
  .looseObject({ url: z.string().optional(), updated_at: z.number().optional() })
  .optional()
  .transform((v) => ({ url: v?.url ?? "", updated_at: v?.updated_at }));
export type ZaloWebhookInfo = z.infer<typeof webhookInfoSchema>;

const userSchema = z.looseObject({
  id,
  display_name: z.string().optional(),
  first_name: z.string().optional(),
  name: z.string().optional(),
  is_bot: z.boolean().optional(),
});

const chatSchema = z.looseObject({
  id,
  chat_type: z.string().optional(),
});

export const messageSchema = z.looseObject({
  // optional: an update without a sender is acknowledged and ignored rather than refused (a refused
  // webhook call might be redelivered again and again)
  from: userSchema.optional().catch(undefined),
  chat: chatSchema.optional().catch(undefined),
  message_id: id.optional(),
  date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.unknown().optional(),
  photo_url: z.string().optional(),
  url: z.string().optional(),
  sticker: z.unknown().optional(),
});
export type ZaloMessage = z.infer<typeof messageSchema>;

/**
 * One update. `message` is optional because some events carry none (an unsupported event from a
 * protected account has been seen as `{event_name}` alone); `event_name` is optional because the
 * getUpdates sample in the docs omits it.
 */
export const updateSchema = z
  .looseObject({
    event_name: z.string().optional(),
    message: messageSchema.optional(),
  })
  .refine((u) => u.event_name !== undefined || u.message !== undefined, "neither event_name nor message");
export type ZaloUpdate = z.infer<typeof updateSchema>;

/**
 * A webhook body or a getUpdates result → the updates it carries (none when it is not an update).
 * Accepted: `{ok, result: update}`, a bare `update`, and (defensively) an array of updates in `result`.
 */
export function unwrapUpdates(body: unknown): ZaloUpdate[] | null {
  if (Array.isArray(body)) {
    const all = body.map((b) => updateSchema.safeParse(b));
    return all.every((p) => p.success) ? all.map((p) => p.data!) : null;
  }
  if (typeof body === "object" && body !== null && "result" in body && !("message" in body)) {
    return unwrapUpdates((body as { result: unknown }).result);
  }
  const one = updateSchema.safeParse(body);
  return one.success ? [one.data] : null;
}

/**
 * True when a body that `unwrapUpdates` refused still looks like an update (an `event_name` or a
 * `message` object, bare or in `result`): one whose content does not fit, to be acknowledged and
 * skipped rather than refused (a refused webhook call is sent again and again).
 */
export function looksLikeUpdate(body: unknown): boolean {
  const inner = typeof body === "object" && body !== null && "result" in body ? (body as { result: unknown }).result : body;
  const items = Array.isArray(inner) ? inner : [inner];
  return items.some((u) => {
    if (typeof u !== "object" || u === null) return false;
    const { event_name, message } = u as { event_name?: unknown; message?: unknown };
    return typeof event_name === "string" || (typeof message === "object" && message !== null);
  });
}

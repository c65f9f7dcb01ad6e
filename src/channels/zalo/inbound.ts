// Zalo update → normalized Inbound. Private chats only: Chợ Số holds personal conversations (groups
// are beta on Zalo and the bot would only see mentions there anyway).
import { createHash } from "node:crypto";
import type { Inbound } from "../../engine/message.ts";
import type { ZaloMessage, ZaloUpdate } from "./schema.ts";

export const ZALO_EVENTS = {
  text: "message.text.received",
  image: "message.image.received",
  sticker: "message.sticker.received",
  /** what Zalo sends for protected accounts (children, people with disabilities…): no content at all */
  unsupported: "message.unsupported.received",
} as const;

/**
 * `botId` (the token part before ":") is part of the dedupe key: another bot on the same database
 * must not have its messages mistaken for redeliveries.
 */
export function toInbound(update: ZaloUpdate, botId: string): Inbound | null {
  const msg = update.message;
  const from = msg?.from;
  if (!msg || !from || from.is_bot) return null;
  const chatType = msg.chat?.chat_type?.toLowerCase();
  if (chatType !== undefined && chatType !== "private") return null;

  const base = {
    channel: "zalo" as const,
    chatKey: msg.chat?.id ?? from.id,
    userKey: from.id,
    updateKey: `${botId}:${messageKey(msg)}`,
    displayName: from.display_name ?? from.first_name ?? from.name,
    at: toDate(msg.date),
  };

  switch (update.event_name ?? guessEvent(msg)) {
    case ZALO_EVENTS.text:
      return { ...base, kind: "text", text: msg.text ?? "" };
    case ZALO_EVENTS.image: {
      const url = imageUrl(msg);
      return url ? { ...base, kind: "photo", photo: { ref: url, caption: msg.caption } } : { ...base, kind: "unsupported" };
    }
    case ZALO_EVENTS.sticker:
    case ZALO_EVENTS.unsupported:
      return { ...base, kind: "unsupported" };
    default:
      // A future event kind (voice, link…): its text if it has one, otherwise the friendly "can't read".
      return typeof msg.text === "string" ? { ...base, kind: "text", text: msg.text } : { ...base, kind: "unsupported" };
  }
}

/** The getUpdates sample in the docs has no event_name: tell the kind from the content. */
function guessEvent(msg: ZaloMessage): string {
  if (typeof msg.text === "string") return ZALO_EVENTS.text;
  if (imageUrl(msg)) return ZALO_EVENTS.image;
  return ZALO_EVENTS.unsupported;
}

function imageUrl(msg: ZaloMessage): string | undefined {
  const candidates = [msg.photo_url, msg.photo, msg.url, (msg.photo as { url?: unknown } | undefined)?.url];
  return candidates.find((c): c is string => typeof c === "string" && /^https?:\/\//i.test(c));
}

/**
 * message_id is unique per message, so a redelivery carries the same one. Without it (not seen, but
 * the field is not promised everywhere) a digest of the message serves: a redelivery is byte-identical.
 */
function messageKey(msg: ZaloMessage): string {
  if (msg.message_id) return msg.message_id;
  return `h${createHash("sha256").update(JSON.stringify(msg)).digest("hex").slice(0, 32)}`;
}

/** Zalo dates are milliseconds; a value in seconds (Telegram habit) is accepted too. */
function toDate(date: number | undefined): Date {
  if (date === undefined || !Number.isFinite(date) || date <= 0) return new Date();
  return new Date(date < 1e11 ? date * 1000 : date);
}

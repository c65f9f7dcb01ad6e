// OA webhook event → normalized Inbound. A tap on an `oa.query.show` button comes back as an ordinary
// `user_send_text` whose text is the button's payload (its label, or the keyword of a notification
// button), which the engine matches like a typed answer. `follow` is a first hello: it starts the
// conversation as /start would. Events that are not a person talking (delivery and seen receipts, the
// OA's own messages, unfollow) give null: the channel deals with unfollow itself.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Inbound } from "../../engine/message.ts";
import { attachmentUrl } from "./images.ts";
import type { OaEvent } from "./schema.ts";

export const OA_EVENTS = {
  text: "user_send_text",
  image: "user_send_image",
  follow: "follow",
  unfollow: "unfollow",
} as const;

/** Things a person sends that the bot cannot read: answered with the polite "please type". */
const UNREADABLE = new Set([
  "user_send_sticker",
  "user_send_gif",
  "user_send_audio",
  "user_send_video",
  "user_send_file",
  "user_send_location",
  "user_send_link",
  "user_send_business_card",
]);

export function toInbound(event: OaEvent, appId: string): Inbound | null {
  const at = new Date(event.timestamp > 0 ? event.timestamp : Date.now());
  if (event.event_name === OA_EVENTS.follow) {
    const user = event.follower?.id;
    if (!user) return null;
    const updateKey = `${appId}:follow:${user}:${event.timestamp}`;
    return { channel: "zalo_oa", chatKey: user, userKey: user, updateKey, kind: "text", text: "/start", at };
  }
  const user = event.sender?.id;
  const readable = event.event_name === OA_EVENTS.text || event.event_name === OA_EVENTS.image;
  if (!user || (!readable && !UNREADABLE.has(event.event_name))) return null;
  const base = { channel: "zalo_oa" as const, chatKey: user, userKey: user, updateKey: `${appId}:${messageKey(event)}`, at };
  if (event.event_name === OA_EVENTS.text) return { ...base, kind: "text", text: event.message?.text ?? "" };
  if (event.event_name === OA_EVENTS.image) {
    const url = attachmentUrl((event.message as { attachments?: unknown } | undefined)?.attachments);
    const caption = event.message?.text || undefined;
    if (url) return { ...base, kind: "photo", photo: { ref: url, ...(caption ? { caption } : {}) } };
  }
  return { ...base, kind: "unsupported" };
}

/** msg_id is unique per message and a redelivery carries the same; without it, a digest of the event. */
function messageKey(event: OaEvent): string {
  const id = event.message?.msg_id;
  if (id) return id;
  return `h${createHash("sha256").update(JSON.stringify(event)).digest("hex").slice(0, 32)}`;
}

/**
 * X-ZEvent-Signature: `mac=` + hex SHA-256 (a plain hash, not an HMAC) of app_id + raw body + timestamp
 * + OA secret key, app_id and timestamp taken from the body. Compared in constant time (both sides
 * hashed to equal length first).
 */
export function signatureMatches(header: unknown, raw: string, appId: string, timestamp: string, secretKey: string): boolean {
  if (typeof header !== "string") return false;
  const expected = `mac=${createHash("sha256").update(appId + raw + timestamp + secretKey).digest("hex")}`;
  const a = createHash("sha256").update(header.trim()).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

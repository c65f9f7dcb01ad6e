// Telegram update → normalized Inbound. Private chats only: Chợ Số holds personal conversations.
import type { Inbound } from "../../engine/message.ts";
import type { TelegramUpdate } from "./schema.ts";

/**
 * `botId` is part of the dedupe key: update ids count per bot, so another bot (a new token, a test
 * bot) on the same database must not have its updates mistaken for redeliveries.
 */
export function toInbound(update: TelegramUpdate, botId: string): Inbound | null {
  const updateKey = `${botId}:${update.update_id}`;
  const cq = update.callback_query;
  if (cq) {
    const chat = cq.message?.chat;
    if (chat && chat.type !== "private") return null;
    return {
      channel: "telegram",
      chatKey: String(chat?.id ?? cq.from.id),
      userKey: String(cq.from.id),
      updateKey,
      kind: "choice",
      choiceId: cq.data ?? "",
      languageHint: cq.from.language_code,
      displayName: fullName(cq.from),
      at: new Date(),
    };
  }

  const msg = update.message;
  if (!msg || msg.chat.type !== "private" || !msg.from) return null;
  const base = {
    channel: "telegram" as const,
    chatKey: String(msg.chat.id),
    userKey: String(msg.from.id),
    updateKey,
    languageHint: msg.from.language_code,
    displayName: fullName(msg.from),
    at: new Date(msg.date * 1000),
  };
  if (typeof msg.text === "string") return { ...base, kind: "text", text: msg.text };
  if (msg.contact) {
    return {
      ...base,
      kind: "contact",
      // Only a card whose user_id is the sender proves the number is theirs.
      contact: { phone: msg.contact.phone_number, isOwn: msg.contact.user_id === msg.from.id },
    };
  }
  if (msg.photo && msg.photo.length > 0) {
    const largest = msg.photo.reduce((a, b) => ((b.width ?? 0) * (b.height ?? 0) > (a.width ?? 0) * (a.height ?? 0) ? b : a));
    return { ...base, kind: "photo", photo: { ref: largest.file_id, caption: msg.caption } };
  }
  return { ...base, kind: "unsupported" };
}

function fullName(user: { first_name: string; last_name?: string }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

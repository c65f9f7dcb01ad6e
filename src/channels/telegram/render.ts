// Outbound → Telegram sendMessage parameters: inline keyboards for choices, a one-time reply
// keyboard for "share my phone number", and removal of that keyboard when it is no longer wanted.
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from "grammy/types";
import type { Outbound } from "../../engine/message.ts";
import { splitText } from "../shared/render.ts";

export const TELEGRAM_MAX_TEXT = 4096;
/** a photo's caption holds at most this much */
export const TELEGRAM_MAX_CAPTION = 1024;

export interface TelegramMessage {
  text: string;
  /** send as a photo of this QR code, `text` as its caption (may be empty) */
  qr?: string;
  reply_markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove;
}

export function renderTelegram(message: Outbound): TelegramMessage[] {
  const markup = replyMarkup(message);
  if (message.qr) {
    // The code with its words as caption when they fit; otherwise the code alone, then the words.
    if ([...message.text].length <= TELEGRAM_MAX_CAPTION) return [{ text: message.text, qr: message.qr.payload, ...(markup && { reply_markup: markup }) }];
    return [{ text: "", qr: message.qr.payload }, ...renderTelegram({ ...message, qr: undefined })];
  }
  const parts = splitText(message.text, TELEGRAM_MAX_TEXT);
  // Buttons go under the last piece, next to the question they belong to.
  return parts.map((text, i) => (i === parts.length - 1 && markup ? { text, reply_markup: markup } : { text }));
}

function replyMarkup(message: Outbound): TelegramMessage["reply_markup"] {
  if (message.choices && message.choices.length > 0) {
    return {
      inline_keyboard: message.choices.map((row) => row.map((c) => ({ text: c.label, callback_data: c.id }))),
    };
  }
  if (message.askContact) {
    return {
      keyboard: [[{ text: message.askContact.label, request_contact: true }]],
      resize_keyboard: true,
      one_time_keyboard: true,
    };
  }
  if (message.removeKeyboard) return { remove_keyboard: true };
  return undefined;
}

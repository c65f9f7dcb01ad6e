// Keyboards and callback queries in the fake Telegram server: the reply_markup checks Telegram makes
// (callback_data of 1 to 64 bytes, buttons that do something), a simulated user tapping an inline button,
// and answerCallbackQuery, which like the real API accepts each query once. The answers are kept for
// tests to inspect (what toast or alert the user saw).
import type { InlineKeyboardButton, KeyboardButton, User } from "grammy/types";
import type { AnyReplyMarkup, Payload, SentMessage } from "./telegram-types.ts";
import { badRequest, isObject } from "./telegram-wire.ts";

const STALE_QUERY = "query is too old and response timeout expired or query ID is invalid";

export function checkMarkup(markup: unknown): AnyReplyMarkup | undefined {
  if (markup === undefined || markup === null) return undefined;
  if (!isObject(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ("inline_keyboard" in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
    }
    for (const b of rows.flat() as unknown[]) {
      if (!isObject(b) || typeof b.text !== "string") throw badRequest("can't find field \"text\"");
      const actions = ["callback_data", "url", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"];
      if (!actions.some((a) => b[a] !== undefined)) throw badRequest("text buttons are unallowed in the inline keyboard");
      // The limit is in bytes: Vietnamese text in callback_data hits it quickly.
      const size = b.callback_data === undefined ? 1 : Buffer.byteLength(String(b.callback_data));
      if (size < 1 || size > 64) throw badRequest("BUTTON_DATA_INVALID");
    }
  }
  return markup as unknown as AnyReplyMarkup;
}

/** The reply keyboard the latest of these messages left shown (none once one removed it). */
export function shownReplyKeyboard(sent: SentMessage[]): KeyboardButton[][] | undefined {
  for (const s of [...sent].reverse()) {
    const markup = s.reply_markup;
    if (markup && "remove_keyboard" in markup) return undefined;
    if (markup && "keyboard" in markup) return markup.keyboard.map((row) => row.map((b) => (typeof b === "string" ? { text: b } : b)));
  }
  return undefined;
}

/** The callback_data of the inline button labelled (else with data) `labelOrData`; throws what a test needs to see why not. */
export function callbackDataOf(record: SentMessage, labelOrData: string): string {
  const buttons: InlineKeyboardButton[] = record.message.reply_markup?.inline_keyboard.flat() ?? [];
  const button = buttons.find((b) => b.text === labelOrData) ?? buttons.find((b) => "callback_data" in b && b.callback_data === labelOrData);
  if (!button || !("callback_data" in button)) {
    const available = buttons.map((b) => `"${b.text}"${"callback_data" in b ? ` (data "${b.callback_data}")` : " (no callback_data)"}`);
    const why = button ? "is not a callback button" : "not found";
    throw new Error(
      `tap ${JSON.stringify(labelOrData)}: ${why} in message ${record.messageId} to chat ${record.chatId} ` +
        `(${JSON.stringify(record.text ?? record.caption ?? "")}). Available: ${available.join(", ") || "none"}`,
    );
  }
  return button.callback_data;
}

export class CallbackQueries {
  /** Ids of answered callback queries, in order. */
  readonly answers: string[] = [];
  /** Full answerCallbackQuery parameters, in order. */
  readonly answerLog: Array<{ id: string; text?: string; show_alert?: boolean; url?: string }> = [];
  /** Queries delivered to the bot and not answered yet. */
  private readonly open = new Set<string>();
  private seq = 0;

  /** The callback_query of a tap on a button with `data` under the bot's message `record`. */
  query(record: SentMessage, data: string, from: User) {
    return {
      id: String(4_200_000_000_000_000_000n + BigInt(++this.seq)),
      from,
      // A snapshot: the bot later edits the live message, the update must not change.
      message: structuredClone(record.message),
      chat_instance: String(-(8_000_000_000_000_000_000n + BigInt(Math.abs(record.chatId)))),
      data,
    };
  }

  /** A query was delivered to the bot: it may now be answered, once. */
  delivered(id: string): void {
    this.open.add(id);
  }

  answer(p: Payload): true {
    const id = String(p.callback_query_id ?? "");
    // Each query can be answered once; unknown or repeated ids fail like on Telegram.
    if (!this.open.delete(id)) throw badRequest(STALE_QUERY);
    this.answers.push(id);
    this.answerLog.push({
      id,
      ...(p.text !== undefined && { text: String(p.text) }),
      ...(p.show_alert !== undefined && { show_alert: p.show_alert === true || p.show_alert === "true" }),
      ...(p.url !== undefined && { url: String(p.url) }),
    });
    return true;
  }

  /** Forgets answers and open queries; ids keep increasing. */
  reset(): void {
    this.answers.length = 0;
    this.answerLog.length = 0;
    this.open.clear();
  }
}

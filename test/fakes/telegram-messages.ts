// The chats of the fake Telegram server: the simulated users, every live message (theirs and the bot's,
// numbered per chat like Telegram does), and the Bot API methods that write or change the bot's messages:
// sendMessage, the editMessage* family and deleteMessage. Each bot message is also kept as a live
// SentMessage record for tests. Telegram's habits that break bots are copied on purpose: an edit without
// reply_markup drops the inline keyboard, an edit that changes nothing is "message is not modified".
import type { Chat, Message, User } from "grammy/types";
import { checkMarkup } from "./telegram-callbacks.ts";
import { formatText } from "./telegram-text-format.ts";
import type { Payload, SentMessage, SimUser } from "./telegram-types.ts";
import { badRequest, chatIdOf, isObject, msgKey, nowSec } from "./telegram-wire.ts";

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

export class Chats {
  /** The bot's messages, in order. */
  private readonly sentLog: SentMessage[] = [];
  /** Every live message, the users' and the bot's, by chat:id. */
  private readonly messages = new Map<string, Message>();
  private readonly botMessages = new Map<string, SentMessage>();
  private readonly messageIds = new Map<number, number>();
  private readonly users = new Map<number, SimUser>();

  constructor(private readonly botUser: User) {}

  /** Messages the bot sent (send* methods), in order, optionally for one chat. */
  sent(chatId?: number): SentMessage[] {
    return this.sentLog.filter((s) => chatId === undefined || s.chatId === chatId);
  }

  /** The bot's message `messageId` in this chat, unless it was deleted. */
  liveBotMessage(chatId: number, messageId: number): SentMessage | undefined {
    const record = this.botMessages.get(msgKey(chatId, messageId));
    return record && !record.deleted ? record : undefined;
  }

  /** The bot's latest message to this chat that still shows an inline keyboard. */
  latestWithInlineKeyboard(chatId: number): SentMessage | undefined {
    return [...this.sentLog]
      .reverse()
      .find((s) => s.chatId === chatId && !s.deleted && s.message.reply_markup?.inline_keyboard?.length);
  }

  /** A message from a simulated user, stored in their chat; message_id, from, chat and date are filled in. */
  userMessage(user: SimUser, fields: Partial<Message>): Message {
    const from = this.rememberUser(user);
    const message = {
      message_id: this.nextMessageId(user.id),
      from,
      chat: this.chat(user.id),
      date: nowSec(),
      ...fields,
    } as Message;
    this.messages.set(msgKey(user.id, message.message_id), message);
    return message;
  }

  /** The contact a user shares: see FakeTelegram.shareContact. */
  contact(user: SimUser, phone: string, opts: { ownerId?: number | null; firstName?: string }) {
    const ownerId = opts.ownerId === undefined ? user.id : opts.ownerId;
    const owner = ownerId === null ? undefined : ownerId === user.id ? { ...this.users.get(user.id), ...user } : this.users.get(ownerId);
    return {
      phone_number: phone,
      first_name: opts.firstName ?? owner?.first_name ?? (ownerId === user.id ? `User ${user.id}` : "Contact"),
      ...(ownerId !== null && { user_id: ownerId }),
    };
  }

  /** Records what Telegram knows of a user (later messages may add names) and returns them as a User. */
  rememberUser(user: SimUser): User {
    const known = { ...this.users.get(user.id), ...user };
    this.users.set(user.id, known);
    return {
      id: known.id,
      is_bot: false,
      first_name: known.first_name ?? `User ${known.id}`,
      ...(known.last_name !== undefined && { last_name: known.last_name }),
      ...(known.username !== undefined && { username: known.username }),
      ...(known.language_code !== undefined && { language_code: known.language_code }),
    };
  }

  /** The chat a method targets. Unknown numeric chats are accepted (e.g. users seeded in the DB). */
  chatFor(p: Payload): Chat {
    if (p.chat_id === undefined || p.chat_id === "") throw badRequest("chat_id is empty");
    const id = chatIdOf(p);
    if (id === undefined) throw badRequest("chat not found");
    return this.chat(id);
  }

  sendMessage(p: Payload): Message {
    const text = formatText(String(p.text ?? ""), p.parse_mode);
    if (text.trim() === "") throw badRequest("message text is empty");
    if (text.length > 4096) throw badRequest("message is too long");
    return this.botSend("sendMessage", p, { text });
  }

  /** Validates, assigns the next message id, stores and logs a bot message. */
  botSend(method: string, p: Payload, content: Partial<Message>): Message {
    const chat = this.chatFor(p);
    const markup = checkMarkup(p.reply_markup);
    const replyTo = this.replyTarget(chat.id, p);
    const message = {
      message_id: this.nextMessageId(chat.id),
      from: this.botUser,
      chat,
      date: nowSec(),
      ...(replyTo && { reply_to_message: replyTo }),
      ...content,
      // Message.reply_markup only ever carries inline keyboards.
      ...(markup && "inline_keyboard" in markup && { reply_markup: markup }),
    } as Message;
    const key = msgKey(chat.id, message.message_id);
    this.messages.set(key, message);
    const record: SentMessage = {
      method, chatId: chat.id, messageId: message.message_id,
      ...(content.text !== undefined && { text: content.text }),
      ...(content.caption !== undefined && { caption: content.caption }),
      ...(markup && { reply_markup: markup }),
      payload: p, message, edits: [], deleted: false, time: Date.now(),
    };
    this.sentLog.push(record);
    this.botMessages.set(key, record);
    return message;
  }

  /** editMessageText / editMessageCaption / editMessageReplyMarkup. */
  edit(method: string, p: Payload): Message {
    if (p.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID"); // inline mode is not modelled
    const chatId = this.chatFor(p).id;
    const key = msgKey(chatId, Number(p.message_id));
    const message = this.messages.get(key);
    if (!message) throw badRequest("message to edit not found");
    const record = this.botMessages.get(key);
    if (!record) throw badRequest("message can't be edited");
    // Omitting reply_markup removes the inline keyboard, as on the real server.
    const markup = checkMarkup(p.reply_markup);
    const inline = markup && "inline_keyboard" in markup ? markup : undefined;
    const next: { text?: string; caption?: string } = {};
    if (method === "editMessageText") {
      if (message.text === undefined) throw badRequest("there is no text in the message to edit");
      next.text = formatText(String(p.text ?? ""), p.parse_mode);
      if (next.text.trim() === "") throw badRequest("message text is empty");
      if (next.text.length > 4096) throw badRequest("message is too long");
    } else if (method === "editMessageCaption") {
      if (message.text !== undefined) throw badRequest("there is no caption in the message to edit");
      next.caption = formatText(String(p.caption ?? ""), p.parse_mode);
    }
    const unchanged =
      (next.text === undefined || next.text === message.text) &&
      (next.caption === undefined || next.caption === message.caption) &&
      JSON.stringify(inline) === JSON.stringify(message.reply_markup);
    if (unchanged) throw badRequest(NOT_MODIFIED);
    const live = message as Message & Record<string, unknown>;
    if (next.text !== undefined) live.text = record.text = next.text;
    if (next.caption !== undefined) live.caption = record.caption = next.caption;
    if (inline) live.reply_markup = record.reply_markup = inline;
    else {
      delete live.reply_markup;
      if (record.reply_markup && "inline_keyboard" in record.reply_markup) delete record.reply_markup;
    }
    live.edit_date = nowSec();
    record.edits.push({ method, ...next, ...(inline && { reply_markup: inline }), time: Date.now() });
    return message;
  }

  deleteMessage(p: Payload): true {
    const key = msgKey(this.chatFor(p).id, Number(p.message_id));
    if (!this.messages.delete(key)) throw badRequest("message to delete not found");
    const record = this.botMessages.get(key);
    if (record) record.deleted = true;
    return true;
  }

  /** The bot's messages to a chat, one a line, for a test's failure message. */
  describeSent(chatId: number): string {
    const lines = this.sent(chatId).map((s, i) => {
      const buttons = s.message.reply_markup?.inline_keyboard.flat().map((b) => `[${b.text}]`).join(" ");
      return `  ${i + 1}. #${s.messageId} ${s.method}${s.deleted ? " (deleted)" : ""}: ${JSON.stringify(s.text ?? s.caption ?? "")}${buttons ? ` ${buttons}` : ""}`;
    });
    return lines.join("\n") || "  (nothing)";
  }

  /** Forgets users and messages; message ids keep increasing so a running bot sees no reuse. */
  reset(): void {
    this.sentLog.length = 0;
    for (const map of [this.messages, this.botMessages, this.users]) map.clear();
  }

  private chat(chatId: number): Chat {
    if (chatId < 0) return { id: chatId, type: "group", title: `Group ${-chatId}` };
    const u = this.users.get(chatId);
    return {
      id: chatId,
      type: "private",
      first_name: u?.first_name ?? `User ${chatId}`,
      ...(u?.last_name !== undefined && { last_name: u.last_name }),
      ...(u?.username !== undefined && { username: u.username }),
    };
  }

  private replyTarget(chatId: number, p: Payload): Message | undefined {
    const params = isObject(p.reply_parameters) ? p.reply_parameters : undefined;
    const id = params?.message_id ?? p.reply_to_message_id;
    if (id === undefined) return undefined;
    const target = this.messages.get(msgKey(chatId, Number(id)));
    if (target) {
      const copy = structuredClone(target) as Message & Record<string, unknown>;
      delete copy.reply_to_message; // Telegram does not nest replies
      return copy;
    }
    if (params?.allow_sending_without_reply === true || p.allow_sending_without_reply === true) return undefined;
    throw badRequest("message to be replied not found");
  }

  /** Message ids are per chat and shared by the user's and the bot's messages. */
  private nextMessageId(chatId: number): number {
    const id = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, id);
    return id;
  }
}

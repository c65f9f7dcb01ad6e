/**
 * A fake Telegram Bot API server for end-to-end tests.
 *
 * It is a real HTTP server on 127.0.0.1 that speaks the Bot API wire format,
 * so the production grammY code runs unchanged against it:
 *
 *   const fake = await startFakeTelegram();
 *   const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
 *
 * Tests drive it from the user's side (sendText, tapButton, shareContact...),
 * script failures (failNext, setRateLimit) and inspect what the bot did
 * (calls, sent, lastText, waitForMessages).
 *
 * Where the real server has a behaviour that commonly breaks bots in
 * production, the fake copies it on purpose, because that is what these tests
 * are for: editMessageText without reply_markup drops the inline keyboard,
 * "message is not modified" errors, callback_data over 64 bytes, HTML /
 * MarkdownV2 that Telegram cannot parse, answering a callback query twice,
 * 409 Conflict for two pollers or polling while a webhook is set.
 *
 * Deliberately not modelled: inline mode, groups beyond a minimal chat
 * object, message entities produced by parse_mode, file downloads.
 *
 * This file is the test-facing API and wires the parts, one concern each: telegram-http.ts (HTTP,
 * dispatch), telegram-traffic.ts (flood control, scripted failures, rate limit, latency),
 * telegram-updates.ts (getUpdates, webhooks), telegram-messages.ts (chats, send/edit/delete),
 * telegram-callbacks.ts (keyboards, callback queries), telegram-files.ts (photos, stickers, files),
 * telegram-commands.ts (command menus, chat actions), telegram-text-format.ts (parse_mode checks),
 * telegram-request-body.ts (JSON, form and multipart bodies), telegram-waiters.ts (waitFor).
 */
import type { BotCommand, BotCommandScope, KeyboardButton, Message, Update, UserFromGetMe } from "grammy/types";
import { CallbackQueries, callbackDataOf, shownReplyKeyboard } from "./telegram-callbacks.ts";
import { BotCommands, checkChatAction } from "./telegram-commands.ts";
import { Files } from "./telegram-files.ts";
import { BotApiEndpoint } from "./telegram-http.ts";
import { Chats } from "./telegram-messages.ts";
import { busiestWindow, Traffic } from "./telegram-traffic.ts";
import type { Call, Failure, FakeTelegramOptions, SentMessage, SimUser, WaitOptions, WebhookConfig } from "./telegram-types.ts";
import { UpdateFeed } from "./telegram-updates.ts";
import { Waiters } from "./telegram-waiters.ts";

export type {
  AnyReplyMarkup, Call, Failure, FakeTelegramOptions, Payload, SentMessage, SimUser, WaitOptions, WebhookConfig,
} from "./telegram-types.ts";

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegram(options);
  await fake.listen();
  return fake;
}

export class FakeTelegram {
  readonly token: string;
  /** "http://127.0.0.1:PORT", pass as grammY's client.apiRoot. */
  apiRoot = "";
  /** What getMe returns. */
  readonly me: UserFromGetMe;
  /** Every request the bot made, in arrival order. */
  readonly calls: Call[] = [];
  /** Every update created or pushed, so a test can re-deliver one with pushUpdate. */
  readonly updates: Update[];
  /** Ids of answered callback queries, in order. */
  readonly callbackAnswers: string[];
  /** Full answerCallbackQuery parameters, in order. */
  readonly callbackAnswerLog: Array<{ id: string; text?: string; show_alert?: boolean; url?: string }>;
  /** file paths the bot downloaded from /file/bot<token>/... */
  readonly fileDownloads: string[];

  private readonly chats: Chats;
  private readonly files: Files;
  private readonly callbacks = new CallbackQueries();
  private readonly botCommands = new BotCommands();
  private readonly traffic = new Traffic();
  private readonly feed = new UpdateFeed((text) => this.endpoint.runWebhookReply(text));
  private readonly waiters = new Waiters(this.calls);
  private readonly endpoint: BotApiEndpoint;
  private closed = false;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? "7000000001:AAFakeTokenForChoSoTests_0123456789";
    const id = Number(this.token.split(":")[0]) || 7000000001;
    const username = options.botUsername ?? "cho_so_test_bot";
    const firstName = options.botFirstName ?? "Chợ Số (test)";
    this.me = {
      id, is_bot: true, first_name: firstName, username,
      can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
      can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
      allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false,
    };
    this.chats = new Chats({ id, is_bot: true, first_name: firstName, username });
    this.files = new Files(this.chats);
    this.updates = this.feed.all;
    this.callbackAnswers = this.callbacks.answers;
    this.callbackAnswerLog = this.callbacks.answerLog;
    this.fileDownloads = this.files.downloads;
    const { chats, files, feed, callbacks, botCommands } = this;
    this.endpoint = new BotApiEndpoint({
      token: this.token,
      traffic: this.traffic,
      files,
      calls: this.calls,
      notify: () => this.waiters.notify(),
      handlers: {
        getMe: () => this.me,
        getUpdates: (p, signal) => feed.getUpdates(p, signal),
        setWebhook: (p) => feed.setWebhook(p),
        deleteWebhook: (p) => feed.deleteWebhook(p),
        getWebhookInfo: () => feed.getWebhookInfo(),
        sendMessage: (p) => chats.sendMessage(p),
        sendPhoto: (p) => files.sendPhoto(p),
        editMessageText: (p) => chats.edit("editMessageText", p),
        editMessageCaption: (p) => chats.edit("editMessageCaption", p),
        editMessageReplyMarkup: (p) => chats.edit("editMessageReplyMarkup", p),
        deleteMessage: (p) => chats.deleteMessage(p),
        answerCallbackQuery: (p) => callbacks.answer(p),
        sendChatAction: (p) => {
          chats.chatFor(p);
          return checkChatAction(p);
        },
        setMyCommands: (p) => botCommands.set(p),
        getMyCommands: (p) => botCommands.get(p),
        deleteMyCommands: (p) => botCommands.delete(p),
        getFile: (p) => files.getFile(p),
      },
    });
  }

  /** Requests sent while the bot should still have been waiting after a 429. */
  get violations(): number {
    return this.traffic.violations;
  }
  set violations(n: number) {
    this.traffic.violations = n;
  }

  /** Set by setWebhook or directly by a test; while set, simulated updates are POSTed here. */
  get webhook(): WebhookConfig | undefined {
    return this.feed.webhook;
  }
  set webhook(config: WebhookConfig | undefined) {
    this.feed.webhook = config;
  }

  /**
   * Starts listening on 127.0.0.1 with a free port (startFakeTelegram() calls this), or on `port`: a
   * test can let the bot find the API unreachable first and bring it up later at the same address.
   */
  async listen(port = 0): Promise<void> {
    this.apiRoot = await this.endpoint.listen(port);
  }

  /**
   * True when no bot is connected and no request is being handled: everything a killed bot wrote
   * before it died has been read and recorded.
   */
  quiet(): Promise<boolean> {
    return this.endpoint.quiet();
  }

  // =========================================================================
  // Scripting failures

  /**
   * Makes the next `times` (default 1) calls of `method` fail. `method` may be
   * "*" for any method; `chatId` restricts the rule to requests for that chat.
   */
  failNext(method: string, failure: Failure, opts: { chatId?: number; times?: number } = {}): void {
    this.traffic.failNext(this.endpoint.canonical(method), failure, opts);
  }

  /**
   * Answers 429 once more than `perSecond` requests (getUpdates excluded)
   * arrive within one second, globally or per chat. Pass null to turn off.
   *
   * `toleranceMs` forgives bunching: requests a client spaced evenly can arrive closer together when
   * its process (which is also this fake's process) is busy, so the `perSecond` requests are allowed
   * within a window of 1000 − toleranceMs instead of a whole second. A client sending at twice the
   * limit still overruns that window.
   *
   * With `plusLoopLag`, the window is shortened further by how late this event loop ran in the last
   * second (measured, see loop-lag.ts): the forgiveness follows the machine's load instead of a figure
   * chosen for the worst run seen. `toleranceMs` is then what bunching the loop does not account for.
   */
  setRateLimit(perSecond: number | null, opts: { perChat?: boolean; toleranceMs?: number; plusLoopLag?: boolean } = {}): void {
    this.traffic.setRateLimit(perSecond, opts);
  }

  /** How late this event loop ran at most since `from` (ms since the epoch), in ms: for checks of pace. */
  loopLagSince(from: number): number {
    return this.traffic.loopLagSince(from);
  }

  /**
   * Holds each request (getUpdates excluded) for `ms(method, chat)` milliseconds before the method
   * runs, like the network and Telegram's own servers: with a random spread, requests a client sends
   * at once take effect in a different order than they were sent. Pass null to turn off.
   */
  setLatency(ms: ((method: string, chatId: number | undefined) => number) | null): void {
    this.traffic.setLatency(ms);
  }

  /**
   * The most requests (getUpdates excluded, `filter` if given) that arrived within any `windowMs`,
   * by this server's clock: for tests to check a client's pace after the fact.
   */
  busiestWindow(windowMs: number, filter: (call: Call) => boolean = () => true): number {
    return busiestWindow(this.calls, windowMs, filter);
  }

  // =========================================================================
  // Simulating users. Each returns the webhook's HTTP status in webhook mode,
  // undefined in polling mode (the update is then queued for getUpdates).

  /** A text message; a leading "/command" gets a bot_command entity. */
  sendText(user: SimUser, text: string): Promise<number | undefined> {
    const command = /^\/\S+/.exec(text)?.[0];
    const entities = command ? [{ type: "bot_command" as const, offset: 0, length: command.length }] : undefined;
    return this.sendUserMessage(user, { text, ...(entities && { entities }) });
  }

  /**
   * A shared contact. By default it is the sender's own (user_id = sender),
   * as with a request_contact button. `ownerId` shares someone else's contact;
   * null means a contact that has no Telegram account (no user_id).
   * The phone is passed verbatim: real clients send it with or without "+".
   */
  shareContact(
    user: SimUser,
    phone: string,
    opts: { ownerId?: number | null; firstName?: string } = {},
  ): Promise<number | undefined> {
    return this.sendUserMessage(user, { contact: this.chats.contact(user, phone, opts) });
  }

  sendSticker(user: SimUser, opts: { emoji?: string } = {}): Promise<number | undefined> {
    return this.sendUserMessage(user, { sticker: this.files.newSticker(opts.emoji) });
  }

  /** A photo (three PhotoSize entries like Telegram's thumbnails); the bot may re-send its file_id. */
  sendPhoto(user: SimUser, opts: { caption?: string } = {}): Promise<number | undefined> {
    return this.sendUserMessage(user, { photo: this.files.newPhoto(), ...(opts.caption !== undefined && { caption: opts.caption }) });
  }

  /** Any message from a user, e.g. { location: {...} }. message_id, from, chat and date are filled in. */
  sendUserMessage(user: SimUser, fields: Partial<Message>): Promise<number | undefined> {
    const message = this.chats.userMessage(user, fields);
    return this.pushUpdate({ message } as Partial<Update>);
  }

  /**
   * Taps an inline button (matched by label, else by callback_data) in the
   * most recent bot message to this user that still has an inline keyboard.
   */
  tapButton(user: SimUser, labelOrData: string): Promise<number | undefined> {
    const record = this.chats.latestWithInlineKeyboard(user.id);
    if (!record) {
      throw new Error(`tapButton(${JSON.stringify(labelOrData)}): the bot has no message with an inline keyboard in chat ${user.id}.\n${this.chats.describeSent(user.id)}`);
    }
    return this.tap(record, user, labelOrData);
  }

  /** Like tapButton, for a specific (older) bot message in this user's chat. */
  tapButtonIn(messageId: number, user: SimUser, labelOrData: string): Promise<number | undefined> {
    const record = this.chats.liveBotMessage(user.id, messageId);
    if (!record) {
      throw new Error(`tapButtonIn(${messageId}): the bot has no live message ${messageId} in chat ${user.id}.\n${this.chats.describeSent(user.id)}`);
    }
    return this.tap(record, user, labelOrData);
  }

  /**
   * Injects a raw update. Without update_id it gets a fresh one. With an
   * update_id seen before, it is a re-delivery: in polling mode it is handed
   * out once more even if the bot already confirmed it.
   */
  pushUpdate(raw: Partial<Update>): Promise<number | undefined> {
    if (this.closed) return Promise.reject(new Error("Fake Telegram server is closed"));
    const { update, redelivery } = this.feed.admit(raw);
    if (update.callback_query) this.callbacks.delivered(update.callback_query.id);
    this.waiters.notify();
    return this.feed.deliver(update, redelivery);
  }

  private tap(record: SentMessage, user: SimUser, labelOrData: string): Promise<number | undefined> {
    const data = callbackDataOf(record, labelOrData);
    const callback_query = this.callbacks.query(record, data, this.chats.rememberUser(user));
    return this.pushUpdate({ callback_query } as Partial<Update>);
  }

  // =========================================================================
  // Inspecting what the bot did

  /** Messages the bot sent (send* methods), in order, optionally for one chat. */
  sent(chatId?: number): SentMessage[] {
    return this.chats.sent(chatId);
  }

  /** Texts (or captions) of the bot's messages to a chat, in order. */
  sentTexts(chatId: number): string[] {
    return this.sent(chatId).map((s) => s.text ?? s.caption ?? "");
  }

  /** Current text (or caption) of the bot's latest message to a chat. */
  lastText(chatId: number): string | undefined {
    const last = this.sent(chatId).at(-1);
    return last?.text ?? last?.caption;
  }

  /** Calls of one method. */
  callsTo(method: string): Call[] {
    const name = this.endpoint.canonical(method);
    return this.calls.filter((c) => c.method === name);
  }

  /** The reply keyboard currently shown in a chat (last keyboard not removed since), if any. */
  replyKeyboard(chatId: number): KeyboardButton[][] | undefined {
    return shownReplyKeyboard(this.sent(chatId));
  }

  /** All stored command lists, keyed "scope|language" e.g. "default|", "default|vi", "chat:42|". */
  get commands(): ReadonlyMap<string, BotCommand[]> {
    return this.botCommands.lists;
  }

  /** The commands getMyCommands would return for this scope and language. */
  commandsFor(opts: { scope?: BotCommandScope; language_code?: string } = {}): BotCommand[] {
    return this.botCommands.get(opts);
  }

  /** Resolves with the predicate's first truthy value; re-checked after every request and update. */
  waitFor<T>(predicate: () => T | false | null | undefined, opts: WaitOptions = {}): Promise<T> {
    return this.waiters.waitFor(predicate, opts);
  }

  /** Resolves once the bot has sent at least `count` messages to the chat in total. */
  waitForMessages(chatId: number, count: number, opts: { timeoutMs?: number } = {}): Promise<SentMessage[]> {
    return this.waitFor(() => this.sent(chatId).length >= count && this.sent(chatId), {
      timeoutMs: opts.timeoutMs,
      describe: () => `expected ${count} message(s) to chat ${chatId}, the bot sent ${this.sent(chatId).length}:\n${this.chats.describeSent(chatId)}`,
    });
  }

  /** The bytes behind a file_path: a small JPEG (SOI marker, the path, EOI marker) per photo. */
  fileBytes(filePath: string): Buffer | undefined {
    return this.files.fileBytes(filePath);
  }

  /** The bytes of a photo the bot uploaded (multipart), by any of its file ids. */
  uploadedFile(fileId: string): Buffer | undefined {
    return this.files.uploadedFile(fileId);
  }

  /**
   * Forgets everything tests observe or scripted (calls, messages, updates,
   * failures, webhook, commands). Update and message ids keep increasing so a
   * still-running bot's offset stays valid.
   */
  reset(): void {
    this.calls.length = 0;
    this.feed.reset();
    this.callbacks.reset();
    this.chats.reset();
    this.traffic.reset();
    this.files.reset();
    this.botCommands.lists.clear();
  }

  /** Answers held long polls with [], drops held requests and webhook posts, stops listening. */
  async close(): Promise<void> {
    this.traffic.stop();
    if (this.closed) return;
    this.closed = true;
    this.waiters.failAll("Fake Telegram server was closed");
    this.endpoint.abortInFlight();
    this.feed.dropOutgoing();
    await this.endpoint.close();
  }
}

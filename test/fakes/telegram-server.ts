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
 */
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  InlineKeyboardButton,
  KeyboardButton,
  Message,
  PhotoSize,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from "grammy/types";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { LoopLag } from "./loop-lag.ts";
import { normaliseFields, readPayload } from "./telegram-request-body.ts";
import { formatText } from "./telegram-text-format.ts";
import type {
  AnyReplyMarkup, Call, Failure, FakeTelegramOptions, Payload, SentMessage, SimUser, WaitOptions, WebhookConfig,
} from "./telegram-types.ts";
import {
  ApiError, badRequest, chatIdOf, errorReply, isObject, msgKey, nowSec, sleep, WithDescription, type Handler, type Reply,
} from "./telegram-wire.ts";

export type {
  AnyReplyMarkup, Call, Failure, FakeTelegramOptions, Payload, SentMessage, SimUser, WaitOptions, WebhookConfig,
} from "./telegram-types.ts";

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegram(options);
  await fake.listen();
  return fake;
}

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const STALE_QUERY = "query is too old and response timeout expired or query ID is invalid";
/**
 * Requests arriving this soon after a 429 are forgiven: they were already on their way. The fake
 * shares its event loop with the bot in most tests, so on a loaded machine a request the bot made
 * before it could see the 429 can arrive a couple of hundred milliseconds late, or later by as long as
 * the loop was blocked (measured, and added). A client that ignores retry_after keeps sending for the
 * whole wait and is still caught.
 */
const IN_FLIGHT_GRACE_MS = 250;
/** Requests this close to the end of a flood wait are forgiven: timers fire a hair early. */
const EARLY_GRACE_MS = 50;
/** What Telegram sends when allowed_updates is empty or was never set. */
const NOT_DEFAULT_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

// ---------------------------------------------------------------------------

export class FakeTelegram {
  readonly token: string;
  /** "http://127.0.0.1:PORT", pass as grammY's client.apiRoot. */
  apiRoot = "";
  /** What getMe returns. */
  readonly me: UserFromGetMe;
  /** Every request the bot made, in arrival order. */
  readonly calls: Call[] = [];
  /** Every update created or pushed, so a test can re-deliver one with pushUpdate. */
  readonly updates: Update[] = [];
  /** Ids of answered callback queries, in order. */
  readonly callbackAnswers: string[] = [];
  /** Full answerCallbackQuery parameters, in order. */
  readonly callbackAnswerLog: Array<{ id: string; text?: string; show_alert?: boolean; url?: string }> = [];
  /** requests being read or answered */
  private handling = 0;
  /** Requests sent while the bot should still have been waiting after a 429. */
  violations = 0;
  /** Set by setWebhook or directly by a test; while set, simulated updates are POSTed here. */
  webhook: WebhookConfig | undefined;

  private readonly server = http.createServer((req, res) => void this.onRequest(req, res));
  private readonly botUser: User;
  private readonly handlers: Record<string, Handler>;
  /** Lower-case name → canonical name: the real API matches method names case-insensitively. */
  private readonly methodNames = new Map<string, string>();

  private readonly sentLog: SentMessage[] = [];
  /** Every live message, the users' and the bot's, by chat:id. */
  private readonly messages = new Map<string, Message>();
  private readonly botMessages = new Map<string, SentMessage>();
  private readonly messageIds = new Map<number, number>();
  private readonly users = new Map<number, SimUser>();
  private readonly photos = new Map<string, PhotoSize[]>();
  /** bytes of photos the bot uploaded, by file id */
  private readonly uploads = new Map<string, Buffer>();
  /** file paths the bot downloaded from /file/bot<token>/... */
  readonly fileDownloads: string[] = [];
  private readonly openCallbacks = new Set<string>();
  private readonly commandStore = new Map<string, BotCommand[]>();

  /** Updates not yet confirmed. `redelivery` entries ignore the offset once (test re-delivery). */
  private queue: Array<{ update: Update; redelivery: boolean }> = [];
  private lastUpdateId = 100_000;
  private callbackSeq = 0;
  private fileSeq = 0;
  private allowedUpdates: string[] | undefined;
  private poller: { wake(): void; conflict(description: string): void } | undefined;
  private webhookError: { date: number; message: string } | undefined;

  private failures: Array<{ method: string; failure: Failure; chatId?: number; times: number }> = [];
  private rateLimit: { perSecond: number; perChat: boolean; windowMs: number; plusLoopLag: boolean; hits: Map<string, number[]> } | undefined;
  private latency: ((method: string, chatId: number | undefined) => number) | undefined;
  /** Flood-wait windows opened by 429 answers, keyed by method:chat or rate:chat. */
  private readonly flood = new Map<string, { from: number; until: number }>();
  /** How late this event loop ran, and when: requests on their way were held up that long too. */
  private readonly loopLag = new LoopLag();

  /** One per in-flight request; aborted when the client goes away or the server closes. */
  private readonly inFlight = new Set<AbortController>();
  private readonly outgoing = new Set<http.ClientRequest>();
  private readonly waiters = new Set<{ check(): void; fail(e: Error): void }>();
  private closed = false;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? "7000000001:AAFakeTokenForChoSoTests_0123456789";
    const id = Number(this.token.split(":")[0]) || 7000000001;
    const username = options.botUsername ?? "cho_so_test_bot";
    const firstName = options.botFirstName ?? "Chợ Số (test)";
    this.botUser = { id, is_bot: true, first_name: firstName, username };
    this.me = {
      id, is_bot: true, first_name: firstName, username,
      can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
      can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
      allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false,
    };
    this.handlers = {
      getMe: () => this.me,
      getUpdates: (p, signal) => this.getUpdates(p, signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => this.getWebhookInfo(),
      sendMessage: (p) => this.apiSendMessage(p),
      sendPhoto: (p) => this.apiSendPhoto(p),
      editMessageText: (p) => this.apiEdit("editMessageText", p),
      editMessageCaption: (p) => this.apiEdit("editMessageCaption", p),
      editMessageReplyMarkup: (p) => this.apiEdit("editMessageReplyMarkup", p),
      deleteMessage: (p) => this.apiDeleteMessage(p),
      answerCallbackQuery: (p) => this.apiAnswerCallbackQuery(p),
      sendChatAction: (p) => this.apiSendChatAction(p),
      setMyCommands: (p) => this.apiSetMyCommands(p),
      getMyCommands: (p) => this.commandStore.get(commandKey(p)) ?? [],
      deleteMyCommands: (p) => this.commandStore.delete(commandKey(p)) || true,
      getFile: (p) => this.apiGetFile(p),
    };
    for (const name of Object.keys(this.handlers)) this.methodNames.set(name.toLowerCase(), name);
  }

  /**
   * Starts listening on 127.0.0.1 with a free port (startFakeTelegram() calls this), or on `port`: a
   * test can let the bot find the API unreachable first and bring it up later at the same address.
   */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * True when no bot is connected and no request is being handled: everything a killed bot wrote
   * before it died has been read and recorded.
   */
  async quiet(): Promise<boolean> {
    const open = await new Promise<number>((resolve, reject) => this.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    return open === 0 && this.handling === 0;
  }

  // =========================================================================
  // Scripting failures

  /**
   * Makes the next `times` (default 1) calls of `method` fail. `method` may be
   * "*" for any method; `chatId` restricts the rule to requests for that chat.
   */
  failNext(method: string, failure: Failure, opts: { chatId?: number; times?: number } = {}): void {
    this.failures.push({ method: this.canonical(method), failure, chatId: opts.chatId, times: opts.times ?? 1 });
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
    const windowMs = 1000 - (opts.toleranceMs ?? 0);
    if (windowMs <= 0 || windowMs > 1000) throw new Error("setRateLimit: toleranceMs must be in [0, 1000)");
    this.rateLimit =
      perSecond === null ? undefined : { perSecond, perChat: opts.perChat ?? false, windowMs, plusLoopLag: opts.plusLoopLag ?? false, hits: new Map() };
  }

  /** How late this event loop ran at most since `from` (ms since the epoch), in ms: for checks of pace. */
  loopLagSince(from: number): number {
    return this.loopLag.maxSince(from);
  }

  /**
   * Holds each request (getUpdates excluded) for `ms(method, chat)` milliseconds before the method
   * runs, like the network and Telegram's own servers: with a random spread, requests a client sends
   * at once take effect in a different order than they were sent. Pass null to turn off.
   */
  setLatency(ms: ((method: string, chatId: number | undefined) => number) | null): void {
    this.latency = ms ?? undefined;
  }

  /**
   * The most requests (getUpdates excluded, `filter` if given) that arrived within any `windowMs`,
   * by this server's clock: for tests to check a client's pace after the fact.
   */
  busiestWindow(windowMs: number, filter: (call: Call) => boolean = () => true): number {
    const times = this.calls.filter((c) => c.method !== "getUpdates" && filter(c)).map((c) => c.time).sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j] - times[i] >= windowMs) i++;
      most = Math.max(most, j - i + 1);
    }
    return most;
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
    const ownerId = opts.ownerId === undefined ? user.id : opts.ownerId;
    const owner = ownerId === null ? undefined : ownerId === user.id ? { ...this.users.get(user.id), ...user } : this.users.get(ownerId);
    const contact = {
      phone_number: phone,
      first_name: opts.firstName ?? owner?.first_name ?? (ownerId === user.id ? `User ${user.id}` : "Contact"),
      ...(ownerId !== null && { user_id: ownerId }),
    };
    return this.sendUserMessage(user, { contact });
  }

  sendSticker(user: SimUser, opts: { emoji?: string } = {}): Promise<number | undefined> {
    const n = ++this.fileSeq;
    const sticker = {
      file_id: `CAACAgIAAxkBAAI${n.toString(36).padStart(6, "0")}sticker`,
      file_unique_id: `AgAD${n}st`,
      type: "regular" as const,
      width: 512, height: 512, is_animated: false, is_video: false,
      emoji: opts.emoji ?? "👍", file_size: 24_000,
    };
    return this.sendUserMessage(user, { sticker });
  }

  /** A photo (three PhotoSize entries like Telegram's thumbnails); the bot may re-send its file_id. */
  sendPhoto(user: SimUser, opts: { caption?: string } = {}): Promise<number | undefined> {
    return this.sendUserMessage(user, { photo: this.newPhoto(), ...(opts.caption !== undefined && { caption: opts.caption }) });
  }

  /** Any message from a user, e.g. { location: {...} }. message_id, from, chat and date are filled in. */
  sendUserMessage(user: SimUser, fields: Partial<Message>): Promise<number | undefined> {
    const from = this.rememberUser(user);
    const message = {
      message_id: this.nextMessageId(user.id),
      from,
      chat: this.chat(user.id),
      date: nowSec(),
      ...fields,
    } as Message;
    this.messages.set(msgKey(user.id, message.message_id), message);
    return this.pushUpdate({ message } as Partial<Update>);
  }

  /**
   * Taps an inline button (matched by label, else by callback_data) in the
   * most recent bot message to this user that still has an inline keyboard.
   */
  tapButton(user: SimUser, labelOrData: string): Promise<number | undefined> {
    const record = [...this.sentLog]
      .reverse()
      .find((s) => s.chatId === user.id && !s.deleted && s.message.reply_markup?.inline_keyboard?.length);
    if (!record) {
      throw new Error(`tapButton(${JSON.stringify(labelOrData)}): the bot has no message with an inline keyboard in chat ${user.id}.\n${this.describeSent(user.id)}`);
    }
    return this.tap(record, user, labelOrData);
  }

  /** Like tapButton, for a specific (older) bot message in this user's chat. */
  tapButtonIn(messageId: number, user: SimUser, labelOrData: string): Promise<number | undefined> {
    const record = this.botMessages.get(msgKey(user.id, messageId));
    if (!record || record.deleted) {
      throw new Error(`tapButtonIn(${messageId}): the bot has no live message ${messageId} in chat ${user.id}.\n${this.describeSent(user.id)}`);
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
    const update = (raw.update_id === undefined ? { update_id: ++this.lastUpdateId, ...raw } : raw) as Update;
    const redelivery = this.updates.some((u) => u.update_id === update.update_id);
    this.lastUpdateId = Math.max(this.lastUpdateId, update.update_id);
    if (update.callback_query) this.openCallbacks.add(update.callback_query.id);
    this.updates.push(update);
    this.notify();
    if (this.webhook) return this.postToWebhook(update);
    this.queue.push({ update, redelivery });
    this.poller?.wake();
    return Promise.resolve(undefined);
  }

  // =========================================================================
  // Inspecting what the bot did

  /** Messages the bot sent (send* methods), in order, optionally for one chat. */
  sent(chatId?: number): SentMessage[] {
    return this.sentLog.filter((s) => chatId === undefined || s.chatId === chatId);
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
    const name = this.canonical(method);
    return this.calls.filter((c) => c.method === name);
  }

  /** The reply keyboard currently shown in a chat (last keyboard not removed since), if any. */
  replyKeyboard(chatId: number): KeyboardButton[][] | undefined {
    for (const s of [...this.sent(chatId)].reverse()) {
      const markup = s.reply_markup;
      if (markup && "remove_keyboard" in markup) return undefined;
      if (markup && "keyboard" in markup) return markup.keyboard.map((row) => row.map((b) => (typeof b === "string" ? { text: b } : b)));
    }
    return undefined;
  }

  /** All stored command lists, keyed "scope|language" e.g. "default|", "default|vi", "chat:42|". */
  get commands(): ReadonlyMap<string, BotCommand[]> {
    return this.commandStore;
  }

  /** The commands getMyCommands would return for this scope and language. */
  commandsFor(opts: { scope?: BotCommandScope; language_code?: string } = {}): BotCommand[] {
    return this.commandStore.get(commandKey(opts)) ?? [];
  }

  /** Resolves with the predicate's first truthy value; re-checked after every request and update. */
  waitFor<T>(predicate: () => T | false | null | undefined, opts: WaitOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        check: () => {
          try {
            const value = predicate();
            if (value) finish(() => resolve(value));
          } catch (e) {
            finish(() => reject(e));
          }
        },
        fail: (e: Error) => finish(() => reject(e)),
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        settle();
      };
      const timer = setTimeout(() => {
        const what = opts.describe?.() ?? "waitFor: condition not met";
        waiter.fail(new Error(`${what} (waited ${timeoutMs} ms)\nLast bot calls:\n${this.describeCalls()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  /** Resolves once the bot has sent at least `count` messages to the chat in total. */
  waitForMessages(chatId: number, count: number, opts: { timeoutMs?: number } = {}): Promise<SentMessage[]> {
    return this.waitFor(() => this.sent(chatId).length >= count && this.sent(chatId), {
      timeoutMs: opts.timeoutMs,
      describe: () => `expected ${count} message(s) to chat ${chatId}, the bot sent ${this.sent(chatId).length}:\n${this.describeSent(chatId)}`,
    });
  }

  /**
   * Forgets everything tests observe or scripted (calls, messages, updates,
   * failures, webhook, commands). Update and message ids keep increasing so a
   * still-running bot's offset stays valid.
   */
  reset(): void {
    this.calls.length = 0;
    this.updates.length = 0;
    this.callbackAnswers.length = 0;
    this.callbackAnswerLog.length = 0;
    this.sentLog.length = 0;
    this.violations = 0;
    this.webhook = undefined;
    this.webhookError = undefined;
    this.queue = [];
    this.failures = [];
    this.rateLimit = undefined;
    this.latency = undefined;
    this.allowedUpdates = undefined;
    for (const map of [this.messages, this.botMessages, this.users, this.photos, this.commandStore, this.flood]) map.clear();
    this.openCallbacks.clear();
  }

  /** Answers held long polls with [], drops held requests and webhook posts, stops listening. */
  async close(): Promise<void> {
    this.loopLag.stop();
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.waiters]) w.fail(new Error("Fake Telegram server was closed"));
    for (const ac of this.inFlight) ac.abort();
    for (const req of this.outgoing) req.destroy();
    // Let the aborted handlers write their last answers before sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // =========================================================================
  // HTTP plumbing

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.handling += 1;
    try {
      await this.answer(req, res);
    } finally {
      this.handling -= 1;
    }
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ac = new AbortController();
    this.inFlight.add(ac);
    res.on("close", () => {
      ac.abort(); // client went away (e.g. grammY's bot.stop() aborting its long poll)
      this.inFlight.delete(ac);
    });
    let call: Call | undefined;
    let reply: Reply;
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      // File downloads: GET /file/bot<token>/<file_path>, raw bytes like api.telegram.org.
      const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
      if (file) {
        const bytes = file[1] === this.token ? this.fileBytes(decodeURIComponent(file[2])) : undefined;
        this.fileDownloads.push(decodeURIComponent(file[2]));
        if (bytes) res.writeHead(200, { "content-type": "image/jpeg", "content-length": bytes.length }).end(bytes);
        else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
        return;
      }
      const match = /^\/bot([^/]*)\/([^/]+)$/.exec(url.pathname);
      const body = { ...normaliseFields(Object.fromEntries(url.searchParams)), ...(await readPayload(req)) };
      if (!match) {
        reply = errorReply(new ApiError(404, "Not Found"));
      } else {
        call = { method: this.canonical(match[2]), body, time: Date.now(), via: "http" };
        this.calls.push(call);
        this.notify(); // lets a test wait for a request that is still being held
        reply = match[1] !== this.token ? errorReply(new ApiError(401, "Unauthorized")) : await this.process(call.method, body, ac.signal);
      }
    } catch (e) {
      reply = errorReply(e instanceof ApiError ? e : new ApiError(500, `Internal Server Error: ${(e as Error).message}`));
    }
    if (reply === "drop") {
      req.socket.destroy();
    } else if (!res.writableEnded && !res.destroyed) {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    }
    if (call) call.status = reply === "drop" ? 0 : reply.status;
    this.notify();
  }

  /** Everything after authentication: flood control, scripted failures, rate limit, the method. */
  private async process(method: string, p: Payload, signal: AbortSignal): Promise<Reply> {
    const chatId = chatIdOf(p);
    const flood = this.checkFlood(method, chatId);
    if (flood) return flood;
    const failure = this.takeFailure(method, chatId);
    if (failure) return this.applyFailure(failure, method, chatId, signal);
    const limited = this.applyRateLimit(method, chatId);
    if (limited) return limited;
    const wait = method === "getUpdates" ? 0 : (this.latency?.(method, chatId) ?? 0);
    if (wait > 0) await sleep(wait, signal);
    const handler = this.handlers[method];
    if (!handler) return errorReply(new ApiError(404, "Not Found: method not found"));
    try {
      const out = await handler(p, signal);
      const body: Record<string, unknown> =
        out instanceof WithDescription ? { ok: true, result: out.result, description: out.description } : { ok: true, result: out };
      return { status: 200, body };
    } catch (e) {
      if (e instanceof ApiError) return errorReply(e);
      throw e;
    }
  }

  private canonical(method: string): string {
    return this.methodNames.get(method.toLowerCase()) ?? method;
  }

  private takeFailure(method: string, chatId: number | undefined): Failure | undefined {
    const rule = this.failures.find(
      (r) => (r.method === method || r.method === "*") && (r.chatId === undefined || r.chatId === chatId),
    );
    if (!rule) return undefined;
    if (--rule.times <= 0) this.failures = this.failures.filter((r) => r !== rule);
    return rule.failure;
  }

  private async applyFailure(f: Failure, method: string, chatId: number | undefined, signal: AbortSignal): Promise<Reply> {
    switch (f.kind) {
      case "429":
        return this.tooManyRequests(`${method}:${chatId ?? "*"}`, f.retryAfter);
      case "403":
        return errorReply(new ApiError(403, f.description ?? "Forbidden: bot was blocked by the user"));
      case "400":
        return errorReply(new ApiError(400, f.description.startsWith("Bad Request") ? f.description : `Bad Request: ${f.description}`));
      case "500":
        return errorReply(new ApiError(500, "Internal Server Error"));
      case "401":
        return errorReply(new ApiError(401, "Unauthorized"));
      case "timeout":
        await sleep(f.ms, signal);
        return "drop";
    }
  }

  /** Opens a flood-wait window: requests with the same key before it ends are violations. */
  private tooManyRequests(key: string, retryAfter: number): Reply {
    const now = Date.now();
    this.flood.set(key, { from: now, until: now + retryAfter * 1000 });
    return errorReply(new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }));
  }

  private checkFlood(method: string, chatId: number | undefined): Reply | undefined {
    const now = Date.now();
    const keys = [`${method}:${chatId ?? "*"}`];
    if (method !== "getUpdates") keys.push(`rate:${chatId ?? "*"}`, "rate:*"); // polling is not rate limited
    for (const key of keys) {
      const window = this.flood.get(key);
      if (!window) continue;
      if (now >= window.until - EARLY_GRACE_MS) {
        this.flood.delete(key);
        continue;
      }
      // Already in flight when the 429 went out (held up by as long as this loop ran late since).
      if (now <= window.from + IN_FLIGHT_GRACE_MS + this.loopLag.maxSince(window.from)) continue;
      this.violations++;
      const remaining = Math.max(1, Math.ceil((window.until - now) / 1000));
      return errorReply(new ApiError(429, `Too Many Requests: retry after ${remaining}`, { retry_after: remaining }));
    }
    return undefined;
  }

  private applyRateLimit(method: string, chatId: number | undefined): Reply | undefined {
    const limit = this.rateLimit;
    if (!limit || method === "getUpdates") return undefined;
    const key = limit.perChat ? `rate:${chatId ?? "*"}` : "rate:*";
    const now = Date.now();
    // At least 1 ms: a loop late by most of a second leaves no window in which arrivals mean anything.
    const windowMs = limit.plusLoopLag ? Math.max(1, limit.windowMs - this.loopLag.maxSince(now - 1000)) : limit.windowMs;
    // kept for the whole window: the loop's lag, and with it the window, changes from one request to the next
    const hits = (limit.hits.get(key) ?? []).filter((t) => now - t < limit.windowMs);
    limit.hits.set(key, hits);
    const inWindow = hits.filter((t) => now - t < windowMs);
    if (inWindow.length < limit.perSecond) {
      hits.push(now);
      return undefined;
    }
    return this.tooManyRequests(key, Math.max(1, Math.ceil((inWindow[0] + windowMs - now) / 1000)));
  }

  private notify(): void {
    for (const w of [...this.waiters]) w.check();
  }

  // =========================================================================
  // Updates: long polling and webhooks

  private async getUpdates(p: Payload, signal: AbortSignal): Promise<Update[]> {
    if (this.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // Like the real server, a newer poll ends the one still waiting.
    this.poller?.conflict("terminated by other getUpdates request; make sure that only one bot instance is running");
    if (Array.isArray(p.allowed_updates)) this.allowedUpdates = p.allowed_updates.length ? p.allowed_updates.map(String) : undefined;
    const offset = p.offset === undefined ? undefined : Number(p.offset);
    this.confirm(offset);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    const deadline = Date.now() + Number(p.timeout ?? 0) * 1000;
    let batch = this.take(limit);
    while (batch.length === 0 && Date.now() < deadline && !signal.aborted) {
      await this.waitForUpdate(deadline - Date.now(), signal);
      // An aborted poll (bot stopped, server closing) must not consume anything.
      if (!signal.aborted) batch = this.take(limit);
    }
    return batch;
  }

  /** Resolves when an update is queued, the time is up or the request is aborted. */
  private waitForUpdate(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: ApiError) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.poller === poller) this.poller = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => finish();
      const poller = { wake: () => finish(), conflict: (d: string) => finish(new ApiError(409, `Conflict: ${d}`)) };
      const timer = setTimeout(() => finish(), ms);
      signal.addEventListener("abort", onAbort);
      this.poller = poller;
    });
  }

  /** Forgets updates below offset (negative offset: keeps only the last -offset). */
  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
      return;
    }
    this.queue = this.queue.filter((e) => e.redelivery || e.update.update_id >= offset);
  }

  private take(limit: number): Update[] {
    // Telegram never produces updates of kinds the bot did not ask for.
    const wanted = (u: Update) => {
      const kind = Object.keys(u).find((k) => k !== "update_id") ?? "";
      return this.allowedUpdates ? this.allowedUpdates.includes(kind) : !NOT_DEFAULT_UPDATES.has(kind);
    };
    this.queue = this.queue.filter((e) => wanted(e.update));
    const batch = this.queue.slice(0, limit);
    // Re-deliveries are handed out once; normal updates wait for confirmation.
    this.queue = this.queue.filter((e) => !(e.redelivery && batch.includes(e)));
    return batch.map((e) => e.update);
  }

  private setWebhook(p: Payload): unknown {
    const url = String(p.url ?? "");
    if (url === "") return this.deleteWebhook(p);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    // The real API insists on https; plain http is allowed here for loopback test servers.
    if (!["http:", "https:"].includes(parsed.protocol)) throw badRequest("bad webhook: HTTPS url must be provided for webhook");
    const secret = p.secret_token === undefined ? undefined : String(p.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw badRequest("secret token contains unallowed characters");
    if (p.drop_pending_updates === true || p.drop_pending_updates === "true") this.queue = [];
    const allowed = Array.isArray(p.allowed_updates) ? p.allowed_updates.map(String) : undefined;
    if (allowed) this.allowedUpdates = allowed.length ? allowed : undefined;
    this.webhook = {
      url,
      ...(secret !== undefined && { secret_token: secret }),
      ...(p.max_connections !== undefined && { max_connections: Number(p.max_connections) }),
      ...(allowed && { allowed_updates: allowed }),
    };
    this.poller?.conflict("terminated by setWebhook request");
    return new WithDescription(true, "Webhook was set");
  }

  private deleteWebhook(p: Payload): WithDescription {
    if (p.drop_pending_updates === true || p.drop_pending_updates === "true") this.queue = [];
    const had = this.webhook !== undefined;
    this.webhook = undefined;
    return new WithDescription(true, had ? "Webhook was deleted" : "Webhook is already deleted");
  }

  private getWebhookInfo(): WebhookInfo {
    const hook = this.webhook;
    return {
      url: hook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(hook && { ip_address: "127.0.0.1", max_connections: hook.max_connections ?? 40 }),
      ...(hook?.allowed_updates && { allowed_updates: hook.allowed_updates as WebhookInfo["allowed_updates"] }),
      ...(this.webhookError && { last_error_date: this.webhookError.date, last_error_message: this.webhookError.message }),
    };
  }

  /** POSTs one update like Telegram does and resolves with the HTTP status. */
  private postToWebhook(update: Update): Promise<number> {
    const hook = this.webhook as WebhookConfig;
    const body = JSON.stringify(update);
    return new Promise<number>((resolve, reject) => {
      const target = new URL(hook.url);
      const headers: http.OutgoingHttpHeaders = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
      if (hook.secret_token) headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token;
      // agent:false = one connection per update, so nothing lingers when tests end.
      const req = (target.protocol === "https:" ? https : http).request(target, { method: "POST", headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            this.webhookError = { date: nowSec(), message: `Wrong response from the webhook: ${status} ${res.statusMessage ?? ""}`.trim() };
          }
          this.runWebhookReply(Buffer.concat(chunks).toString("utf8")).then(() => resolve(status), reject);
        });
      });
      this.outgoing.add(req);
      req.on("close", () => this.outgoing.delete(req));
      req.on("error", (e) => reject(new Error(`Fake Telegram could not deliver update ${update.update_id} to webhook ${hook.url}: ${e.message}`)));
      req.end(body);
    });
  }

  /** A webhook may answer with {method, ...params}; Telegram executes it (grammY's webhookReply). */
  private async runWebhookReply(text: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (!isObject(parsed) || typeof parsed.method !== "string") return;
    const { method, ...params } = parsed;
    const body = normaliseFields(params);
    const call: Call = { method: this.canonical(method as string), body, time: Date.now(), via: "webhook-reply" };
    this.calls.push(call);
    const reply = await this.process(call.method, body, new AbortController().signal);
    call.status = reply === "drop" ? 0 : reply.status;
    this.notify();
  }

  // =========================================================================
  // Bot API methods

  private apiSendMessage(p: Payload): Message {
    const text = formatText(String(p.text ?? ""), p.parse_mode);
    if (text.trim() === "") throw badRequest("message text is empty");
    if (text.length > 4096) throw badRequest("message is too long");
    return this.botSend("sendMessage", p, { text });
  }

  private apiSendPhoto(p: Payload): Message {
    const caption = p.caption === undefined ? undefined : formatText(String(p.caption), p.parse_mode);
    if (caption !== undefined && caption.length > 1024) throw badRequest("message caption is too long");
    let photo: PhotoSize[];
    if (isObject(p.photo) && "size" in p.photo) {
      photo = this.newPhoto(); // uploaded via multipart: its bytes are kept for uploadedFile()
      if (Buffer.isBuffer(p.photo.data)) for (const s of photo) this.uploads.set(s.file_id, p.photo.data);
    }
    else if (typeof p.photo === "string" && this.photos.has(p.photo)) photo = this.photos.get(p.photo) as PhotoSize[];
    else if (typeof p.photo === "string" && /^https?:\/\//.test(p.photo)) photo = this.newPhoto();
    else if (p.photo === undefined) throw badRequest("there is no photo in the request");
    else throw badRequest("wrong file identifier/HTTP URL specified");
    return this.botSend("sendPhoto", p, { photo, ...(caption !== undefined && { caption }) });
  }

  /** Validates, assigns the next message id, stores and logs a bot message. */
  private botSend(method: string, p: Payload, content: Partial<Message>): Message {
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
  private apiEdit(method: string, p: Payload): Message {
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

  private apiDeleteMessage(p: Payload): true {
    const key = msgKey(this.chatFor(p).id, Number(p.message_id));
    if (!this.messages.delete(key)) throw badRequest("message to delete not found");
    const record = this.botMessages.get(key);
    if (record) record.deleted = true;
    return true;
  }

  private apiAnswerCallbackQuery(p: Payload): true {
    const id = String(p.callback_query_id ?? "");
    // Each query can be answered once; unknown or repeated ids fail like on Telegram.
    if (!this.openCallbacks.delete(id)) throw badRequest(STALE_QUERY);
    this.callbackAnswers.push(id);
    this.callbackAnswerLog.push({
      id,
      ...(p.text !== undefined && { text: String(p.text) }),
      ...(p.show_alert !== undefined && { show_alert: p.show_alert === true || p.show_alert === "true" }),
      ...(p.url !== undefined && { url: String(p.url) }),
    });
    return true;
  }

  private apiSendChatAction(p: Payload): true {
    this.chatFor(p);
    if (!CHAT_ACTIONS.has(String(p.action))) throw badRequest("wrong parameter action in request");
    return true;
  }

  private apiSetMyCommands(p: Payload): true {
    const commands = p.commands;
    if (!Array.isArray(commands)) throw badRequest("parameter \"commands\" is required");
    if (commands.length > 100) throw badRequest("too many commands");
    for (const c of commands) {
      if (!isObject(c) || typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest("BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    if (commands.length === 0) this.commandStore.delete(commandKey(p));
    else this.commandStore.set(commandKey(p), commands as BotCommand[]);
    return true;
  }

  // =========================================================================
  // Small internals

  private tap(record: SentMessage, user: SimUser, labelOrData: string): Promise<number | undefined> {
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
    const callback_query = {
      id: String(4_200_000_000_000_000_000n + BigInt(++this.callbackSeq)),
      from: this.rememberUser(user),
      // A snapshot: the bot later edits the live message, the update must not change.
      message: structuredClone(record.message),
      chat_instance: String(-(8_000_000_000_000_000_000n + BigInt(Math.abs(record.chatId)))),
      data: button.callback_data,
    };
    return this.pushUpdate({ callback_query } as Partial<Update>);
  }

  private rememberUser(user: SimUser): User {
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

  /** The chat a method targets. Unknown numeric chats are accepted (e.g. users seeded in the DB). */
  private chatFor(p: Payload): Chat {
    if (p.chat_id === undefined || p.chat_id === "") throw badRequest("chat_id is empty");
    const id = chatIdOf(p);
    if (id === undefined) throw badRequest("chat not found");
    return this.chat(id);
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

  /** getFile: a file_path for a photo a simulated user sent (other ids are refused, as for a foreign bot). */
  private apiGetFile(p: Payload) {
    const fileId = String(p.file_id ?? "");
    const size = this.photos.get(fileId)?.find((s) => s.file_id === fileId);
    if (!size) throw new ApiError(400, "Bad Request: invalid file_id");
    return { file_id: size.file_id, file_unique_id: size.file_unique_id, file_size: size.file_size, file_path: `photos/${size.file_unique_id}.jpg` };
  }

  /** The bytes behind a file_path: a small JPEG (SOI marker, the path, EOI marker) per photo. */
  fileBytes(filePath: string): Buffer | undefined {
    const known = [...this.photos.values()].flat().some((s) => `photos/${s.file_unique_id}.jpg` === filePath);
    return known ? Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(filePath), Buffer.from([0xff, 0xd9])]) : undefined;
  }

  /** The bytes of a photo the bot uploaded (multipart), by any of its file ids. */
  uploadedFile(fileId: string): Buffer | undefined {
    return this.uploads.get(fileId);
  }

  private newPhoto(): PhotoSize[] {
    const n = ++this.fileSeq;
    const sizes = [90, 320, 1280].map((w, i) => ({
      file_id: `AgACAgUAAxkBAAI${n.toString(36).padStart(6, "0")}photo${i}`,
      file_unique_id: `AQAD${n}p${i}`,
      width: w,
      height: Math.round(w * 0.75),
      file_size: Math.round(w * w * 0.3),
    }));
    for (const s of sizes) this.photos.set(s.file_id, sizes);
    return sizes;
  }

  private describeSent(chatId: number): string {
    const lines = this.sent(chatId).map((s, i) => {
      const buttons = s.message.reply_markup?.inline_keyboard.flat().map((b) => `[${b.text}]`).join(" ");
      return `  ${i + 1}. #${s.messageId} ${s.method}${s.deleted ? " (deleted)" : ""}: ${JSON.stringify(s.text ?? s.caption ?? "")}${buttons ? ` ${buttons}` : ""}`;
    });
    return lines.join("\n") || "  (nothing)";
  }

  private describeCalls(): string {
    const lines = this.calls.slice(-15).map((c) => {
      const text = c.body.text ?? c.body.caption;
      return `  ${c.method}${c.body.chat_id !== undefined ? ` chat=${c.body.chat_id}` : ""}${text !== undefined ? ` ${JSON.stringify(text)}` : ""} → ${c.status ?? "pending"}`;
    });
    return lines.join("\n") || "  (none)";
  }
}

function commandKey(p: { scope?: unknown; language_code?: unknown }): string {
  const scope = isObject(p.scope) ? p.scope : { type: "default" };
  const ids = [scope.chat_id, scope.user_id].filter((v) => v !== undefined).map((v) => `:${v}`).join("");
  return `${String(scope.type ?? "default")}${ids}|${String(p.language_code ?? "")}`;
}

// ---------------------------------------------------------------------------
// Reply markup and text formatting checks

function checkMarkup(markup: unknown): AnyReplyMarkup | undefined {
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

/**
 * A fake Zalo Bot Platform API server for end-to-end tests.
 *
 * A real HTTP server on 127.0.0.1 speaking the Bot API wire format, so the production client runs
 * unchanged against it (`ZALO_API_ROOT=fake.apiRoot`, `ZALO_BOT_TOKEN=fake.token`):
 *
 *   POST /bot<token>/<method>  → {ok:true, result} | {ok:false, error_code, description}
 *
 * What it copies from the real platform on purpose (the things that break bots):
 * - getUpdates returns ONE update object, not an array; an empty long poll ends after `timeout`
 *   seconds with 408 {ok:false, error_code:408, description:"Request timeout"}; it refuses to work
 *   while a webhook is set;
 * - sendMessage refuses texts over 2000 characters (counted in UTF-16 units, the stricter reading);
 * - sendChatAction answers {ok:true} with no result;
 * - 429 says "Quota exceeded" and carries no retry_after;
 * - the webhook gets the secret in X-Bot-Api-Secret-Token and a body wrapped in {ok, result}
 *   (or bare, with `webhookEnvelope: "bare"`, since some sources report real traffic that way);
 * - ids are opaque hex strings and dates are milliseconds.
 *
 * Tests drive it from the user's side (sendText, sendImage with photoUrl(), sendSticker, sendUnsupported, redeliver),
 * script failures (failNext) and inspect what the bot did (calls, sent, sentTexts, waitFor).
 * Not modelled: groups, sendSticker, file downloads, the rule that a bot may only write to people who
 * wrote first.
 *
 * Its public types live in zalo-types.ts and its wire helpers (bodies, webhook POST, ids) in
 * zalo-wire.ts; this file keeps the server's state, scripting and the API, and re-exports what tests use.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeZaloOptions, WaitOptions, ZaloCall, ZaloFailure, ZaloSentMessage, ZaloSimUser, ZaloUpdateObject } from "./zalo-types.ts";
import { ApiError, hexId, post, randomBotId, readBody, requireChat } from "./zalo-wire.ts";

export type { FakeZaloOptions, WaitOptions, ZaloCall, ZaloFailure, ZaloSentMessage, ZaloSimUser, ZaloUpdateObject } from "./zalo-types.ts";
export { hexId } from "./zalo-wire.ts";

export const ZALO_MAX_TEXT = 2000;
/** JPEG magic and end marker around a few bytes: enough for code that checks the signature. */
const TINY_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const SECRET_HEADER = "x-bot-api-secret-token";

export async function startFakeZalo(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  const fake = new FakeZalo(options);
  await fake.listen();
  return fake;
}

const DESCRIPTIONS: Record<string, string> = {
  "401": "Unauthorized",
  "403": "Forbidden",
  "429": "Quota exceeded",
  "500": "Internal Server Error",
};

type Handler = (body: Record<string, unknown>, signal: AbortSignal) => unknown;

export class FakeZalo {
  readonly token: string;
  readonly botId: string;
  apiRoot = "";
  readonly calls: ZaloCall[] = [];
  /** every update created (queued or posted), so a test can redeliver one */
  readonly updates: ZaloUpdateObject[] = [];
  /** webhook POSTs made, with the HTTP status the bot answered (0 = no answer) */
  readonly deliveries: Array<{ update: ZaloUpdateObject; status: number }> = [];
  webhook: { url: string; secret_token: string; updated_at: number } | undefined;

  private readonly server = http.createServer((req, res) => void this.onRequest(req, res));
  private readonly handlers: Record<string, Handler>;
  private readonly sentLog: ZaloSentMessage[] = [];
  private readonly queue: ZaloUpdateObject[] = [];
  private readonly wakeups = new Set<() => void>();
  private readonly inFlight = new Set<AbortController>();
  private failures: Array<{ method: string; failure: ZaloFailure; chatId?: string; times: number }> = [];
  private closed = false;

  constructor(private readonly options: FakeZaloOptions = {}) {
    this.token = options.token ?? `${randomBotId()}:${randomBytes(24).toString("base64url")}`;
    this.botId = this.token.split(":")[0];
    this.handlers = {
      getMe: () => ({ id: this.botId, account_name: "bot.ChoSoTest", account_type: "BASIC", can_join_groups: false }),
      getUpdates: (p, signal) => this.getUpdates(p, signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: () => {
        this.webhook = undefined;
        return { url: "", updated_at: Date.now() };
      },
      getWebhookInfo: () => ({ url: this.webhook?.url ?? "", updated_at: this.webhook?.updated_at ?? Date.now() }),
      sendMessage: (p) => this.sendMessage(p),
      sendPhoto: (p) => this.sendPhoto(p),
      sendChatAction: (p) => {
        requireChat(p);
        if (p.action !== "typing" && p.action !== "upload_photo") throw new ApiError(400, "Bad Request: invalid action");
        return undefined; // the real answer is {ok:true} with no result
      },
    };
  }

  /** On a free port, or on `port` (a test can bring the API up late at an address the bot already uses). */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.inFlight) c.abort();
    for (const wake of this.wakeups) wake();
    // Let held polls write their 408 before the sockets go.
    await new Promise((r) => setTimeout(r, 10));
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  // ---- scripting ----

  /** The next `times` (default 1) calls of `method` ("*" = any) answer with `failure`; `chatId` narrows it. */
  failNext(method: string, failure: ZaloFailure, opts: { times?: number; chatId?: string } = {}): void {
    this.failures.push({ method, failure, chatId: opts.chatId, times: opts.times ?? 1 });
  }

  // ---- users. Each returns the webhook's HTTP status, or undefined when queued for getUpdates ----

  sendText(user: ZaloSimUser, text: string): Promise<number | undefined> {
    return this.push(this.makeUpdate("message.text.received", user, { text }));
  }

  sendImage(user: ZaloSimUser, image: { url: string; caption?: string }): Promise<number | undefined> {
    return this.push(this.makeUpdate("message.image.received", user, { photo_url: image.url, ...(image.caption && { caption: image.caption }) }));
  }

  sendSticker(user: ZaloSimUser): Promise<number | undefined> {
    return this.push(this.makeUpdate("message.sticker.received", user, { sticker: hexId(), url: "https://zalo-api.zadn.vn/sticker.png" }));
  }

  /** What a protected account's message looks like: the envelope, no content. */
  sendUnsupported(user: ZaloSimUser): Promise<number | undefined> {
    return this.push(this.makeUpdate("message.unsupported.received", user, {}));
  }

  /** The same update again (same message_id), as after a lost acknowledgement. */
  redeliver(update: ZaloUpdateObject | undefined = this.updates.at(-1)): Promise<number | undefined> {
    if (!update) throw new Error("no update to redeliver");
    return this.push(update, false);
  }

  // ---- inspection ----

  callsTo(method: string): ZaloCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  sent(chatId: string): ZaloSentMessage[] {
    return this.sentLog.filter((m) => m.chatId === chatId);
  }

  /** What the person reads, in order: texts and photo captions. */
  sentTexts(chatId: string): string[] {
    return this.sent(chatId).map((m) => m.text ?? m.caption ?? "");
  }

  async waitFor(predicate: () => boolean, opts: WaitOptions = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 5000);
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(opts.describe?.() ?? "fake Zalo: condition not met in time");
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async waitForMessages(chatId: string, count: number, opts: WaitOptions = {}): Promise<ZaloSentMessage[]> {
    await this.waitFor(() => this.sent(chatId).length >= count, {
      describe: () =>
        `expected ${count} message(s) to chat ${chatId}, the bot sent ${this.sent(chatId).length}:\n` +
        this.sentTexts(chatId).map((t) => `  ${JSON.stringify(t)}`).join("\n"),
      ...opts,
    });
    return this.sent(chatId).slice(0, count);
  }

  // ---- the API ----

  /** A URL on this server that serves a small JPEG, as Zalo's image CDN would for a photo a user sent. */
  photoUrl(): string {
    return `${this.apiRoot}/media/${hexId()}.jpg`;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === "GET" && req.url?.startsWith("/media/")) {
      res.writeHead(200, { "content-type": "image/jpeg" }).end(TINY_JPEG);
      return;
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    res.on("close", () => {
      controller.abort();
      this.inFlight.delete(controller);
    });
    const url = new URL(req.url ?? "/", "http://fake");
    const m = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    const call: ZaloCall = { method: m?.[2] ?? url.pathname, body: {}, time: Date.now() };
    this.calls.push(call);
    const answer = (status: number, body: Record<string, unknown>) => {
      call.status = status;
      if (!res.writableEnded && !res.destroyed) res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const fail = (e: ApiError) =>
      answer(this.options.errorsAsHttp200 ? 200 : e.code, { ok: false, error_code: e.code, description: e.description });
    res.on("close", () => {
      if (call.status === undefined) call.status = 0;
    });

    try {
      call.body = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
      if (!m) throw new ApiError(404, "Not Found");
      if (m[1] !== this.token) throw new ApiError(401, "Unauthorized");
      const handler = this.handlers[m[2]]; // method names are case-sensitive on Zalo
      if (!handler) throw new ApiError(404, "Not Found");

      const failure = this.takeFailure(call.method, call.body);
      if (failure?.kind === "hang") {
        if (failure.deliver) await handler(call.body, controller.signal);
        await new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve(), { once: true }));
        res.destroy();
        return;
      }
      if (failure?.kind === "no-result") return answer(200, { ok: true });
      if (failure) throw new ApiError(Number(failure.kind), DESCRIPTIONS[failure.kind]);

      const result = await handler(call.body, controller.signal);
      answer(200, result === undefined ? { ok: true } : { ok: true, result });
    } catch (e) {
      if (e instanceof ApiError) fail(e);
      else answer(500, { ok: false, error_code: 500, description: `fake error: ${String(e)}` });
    }
  }

  private takeFailure(method: string, body: Record<string, unknown>): ZaloFailure | undefined {
    const rule = this.failures.find(
      (f) => (f.method === "*" || f.method === method) && (f.chatId === undefined || f.chatId === String(body.chat_id)),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    if (rule.times <= 0) this.failures = this.failures.filter((f) => f !== rule);
    return rule.failure;
  }

  private async getUpdates(p: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    if (this.webhook) throw new ApiError(400, "Bad Request: webhook is set, call deleteWebhook to use getUpdates");
    const timeoutMs = Number(p.timeout ?? 30) * 1000;
    if (this.queue.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wakeups.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.wakeups.add(done);
        signal.addEventListener("abort", done);
      });
    }
    if (signal.aborted && !this.closed) return undefined; // the client left; nothing is taken off the queue
    const next = this.queue.shift();
    if (!next) throw new ApiError(408, "Request timeout");
    return next;
  }

  private setWebhook(p: Record<string, unknown>): unknown {
    const url = typeof p.url === "string" ? p.url : "";
    const secret = typeof p.secret_token === "string" ? p.secret_token : "";
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ApiError(400, "Bad Request: invalid url");
    }
    // Zalo wants https; plain http is allowed here only for the bot under test on loopback.
    if (parsed.protocol !== "https:" && parsed.hostname !== "127.0.0.1") throw new ApiError(400, "Bad Request: url must be https");
    if (secret.length < 8 || secret.length > 256) throw new ApiError(400, "Bad Request: secret_token must be 8-256 characters");
    this.webhook = { url, secret_token: secret, updated_at: Date.now() };
    return { url, updated_at: this.webhook.updated_at };
  }

  private sendMessage(p: Record<string, unknown>): unknown {
    const chatId = requireChat(p);
    const text = p.text;
    if (typeof text !== "string" || text.length < 1 || text.length > ZALO_MAX_TEXT) {
      throw new ApiError(400, "Bad Request: text must be 1-2000 characters");
    }
    return this.record({ method: "sendMessage", chatId, text });
  }

  private sendPhoto(p: Record<string, unknown>): unknown {
    const chatId = requireChat(p);
    if (typeof p.photo !== "string" || !/^https?:\/\//.test(p.photo)) throw new ApiError(400, "Bad Request: photo must be a URL");
    const caption = typeof p.caption === "string" && p.caption !== "" ? p.caption : undefined;
    if (caption && caption.length > ZALO_MAX_TEXT) throw new ApiError(400, "Bad Request: caption must be 1-2000 characters");
    return this.record({ method: "sendPhoto", chatId, photo: p.photo, caption });
  }

  private record(m: Omit<ZaloSentMessage, "messageId" | "time">): { message_id: string; date: number } {
    const sent = { ...m, messageId: hexId(), time: Date.now() };
    this.sentLog.push(sent);
    return { message_id: sent.messageId, date: sent.time };
  }

  // ---- delivery to the bot ----

  private makeUpdate(event: string, user: ZaloSimUser, content: Record<string, unknown>): ZaloUpdateObject {
    return {
      event_name: event,
      message: {
        from: { id: user.id, display_name: user.display_name ?? "Người dùng Zalo", is_bot: user.is_bot ?? false },
        chat: { id: user.id, chat_type: "PRIVATE" },
        message_id: hexId(),
        date: Date.now(),
        ...content,
      },
    };
  }

  private async push(update: ZaloUpdateObject, isNew = true): Promise<number | undefined> {
    if (isNew) this.updates.push(update);
    if (!this.webhook) {
      this.queue.push(update);
      for (const wake of this.wakeups) wake();
      return undefined;
    }
    const body = this.options.webhookEnvelope === "bare" ? update : { ok: true, result: update };
    const status = await post(this.webhook.url, body, { [SECRET_HEADER]: this.webhook.secret_token });
    this.deliveries.push({ update, status });
    return status;
  }
}

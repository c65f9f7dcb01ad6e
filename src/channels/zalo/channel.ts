// Zalo adapter (Zalo Bot Platform). Turns updates into Inbound messages for the engine and sends the
// engine's replies as plain texts (choices numbered). Long polling for development, webhook (see
// webhook.ts) for production. The HTTP details and the retry policy live in client.ts.
import type { Engine } from "../../engine/engine.ts";
import type { ChannelInfo, ChannelSender, Outbound, SendResult } from "../../engine/message.ts";
import { tFor } from "../../i18n/index.ts";
import type { Logger } from "../../log.ts";
import { hostOf, problemFromStatus, type ChannelEvent, type ChannelProblem, type SupervisedChannel } from "../supervisor.ts";
import { errorCode, ZaloApiError, ZaloClient, ZaloNetworkError, ZaloTimeoutError, ZALO_DEFAULT_API_ROOT, type ZaloTiming } from "./client.ts";
import { toInbound } from "./inbound.ts";
import { renderZalo, ZALO_MAX_TEXT, type ZaloPart } from "./render.ts";
import type { ZaloUpdate } from "./schema.ts";

export interface ZaloOptions {
  token: string;
  apiRoot?: string;
  engine: Engine;
  log: Logger;
  /** seconds getUpdates waits for news */
  pollTimeoutSeconds?: number;
  /** request timeout and backoff (tests make them short) */
  timing?: Partial<ZaloTiming>;
  /** set: take updates by webhook at this URL (checked with the secret); unset: long polling */
  webhook?: { url: string; secret: string };
  /** seconds before a call made while connecting (getMe, webhook settings) is abandoned */
  connectTimeoutSeconds?: number;
}

/** Consecutive poll failures after which the pause stops growing (about 30 s with the defaults). */
const MAX_POLL_BACKOFF_STEP = 6;
/** Refuse to hold bigger downloads in memory (the media folder keeps at most 10 MB per photo). */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export class ZaloChannel implements ChannelSender, SupervisedChannel {
  readonly info: ChannelInfo = {
    name: "zalo",
    buttons: "numbered",
    canShareContact: false,
    maxTextLength: ZALO_MAX_TEXT,
    unreadableMessages: true,
  };
  readonly name = "zalo";
  readonly host: string;
  readonly client: ZaloClient;
  private readonly log: Logger;
  private readonly pollTimeout: number;
  private polling: { controller: AbortController; loop: Promise<void> } | undefined;

  constructor(private readonly opts: ZaloOptions) {
    this.log = opts.log.child({ channel: "zalo" });
    this.pollTimeout = opts.pollTimeoutSeconds ?? 30;
    this.host = hostOf(opts.apiRoot ?? ZALO_DEFAULT_API_ROOT);
    this.client = new ZaloClient({
      token: opts.token,
      apiRoot: opts.apiRoot,
      log: this.log,
      timing: opts.timing,
      // A dead token: stop asking for updates (sending stops inside the client).
      onUnauthorized: () => this.polling?.controller.abort(),
    });
    opts.engine.register(this);
  }

  /** True after Zalo rejected the token: nothing is polled or sent until a restart. */
  get stopped(): boolean {
    return this.client.stopped;
  }

  /**
   * Hand one update to the engine. Everything up to `engine.handle` is synchronous, so updates reach
   * the engine in the order they arrived. Never rejects: failures are logged here.
   */
  accept(update: ZaloUpdate): Promise<void> {
    const inbound = toInbound(update, this.client.botId);
    if (!inbound) {
      this.log.debug({ event: update.event_name }, "update ignored (not a private message)");
      return Promise.resolve();
    }
    return this.opts.engine.handle(inbound).then(
      () => undefined,
      (err: unknown) => this.log.error({ err, update: inbound.updateKey }, "update handling failed"),
    );
  }

  /** A webhook update whose content did not fit the schema: a log line, never the content. */
  skipped(): void {
    this.log.warn("update skipped (malformed)");
  }

  /**
   * Checks the token, then sets the webhook or starts long polling. One try per call: the supervisor
   * retries with backoff and keeps the log short.
   */
  async connect(signal: AbortSignal, report: (event: ChannelEvent) => void): Promise<void> {
    const call = { signal, once: true, timeoutMs: (this.opts.connectTimeoutSeconds ?? 15) * 1000 };
    const me = await this.client.getMe(call);
    const webhook = this.opts.webhook;
    if (webhook) {
      await this.client.setWebhook({ url: webhook.url, secret_token: webhook.secret }, call);
      this.log.info({ bot: me.account_name ?? me.id }, "Zalo webhook set");
      return;
    }
    await this.client.deleteWebhook(call); // getUpdates does not work while a webhook is set
    const controller = new AbortController();
    this.polling = { controller, loop: this.pollLoop(controller.signal, report) };
    this.log.info({ bot: me.account_name ?? me.id }, "polling Zalo");
  }

  /** Stops long polling; the pending poll is abandoned at once. */
  async disconnect(): Promise<void> {
    const polling = this.polling;
    this.polling = undefined;
    polling?.controller.abort();
    await polling?.loop;
  }

  /** Names an error of a Zalo call (the client's errors never carry the URL, which holds the token). */
  classify(err: unknown): ChannelProblem {
    if (err instanceof ZaloApiError) return problemFromStatus(err.code, err.description);
    if (err instanceof ZaloTimeoutError) return { kind: "timeout" };
    if (err instanceof ZaloNetworkError) return { kind: "unreachable", ...(typeof err.cause === "string" ? { detail: err.cause } : {}) };
    return { kind: "other" };
  }

  private async pollLoop(signal: AbortSignal, report: (event: ChannelEvent) => void): Promise<void> {
    let failures = 0;
    while (!signal.aborted && !this.client.stopped) {
      let updates: ZaloUpdate[];
      try {
        updates = await this.client.getUpdates({ timeout: this.pollTimeout }, signal);
        if (failures > 0) report({ type: "healthy" });
        failures = 0;
      } catch (err) {
        if (signal.aborted || this.client.stopped) break;
        failures += 1;
        report({ type: "trouble", problem: this.classify(err) });
        const delayMs = this.client.backoff(Math.min(failures, MAX_POLL_BACKOFF_STEP));
        this.log.debug({ code: errorCode(err), failures, delayMs }, "getUpdates failed; polling again after a pause");
        await this.client.timing.sleep(delayMs, signal);
        continue;
      }
      // Not awaited: the engine queues per chat, so one slow turn does not hold up other people.
      for (const update of updates) void this.accept(update);
    }
    if (this.client.stopped && !signal.aborted) report({ type: "ended", problem: { kind: "invalid_token", detail: "401" } });
    this.log.info("Zalo polling stopped");
  }

  /**
   * The bytes of an image a person sent, for the local media folder. Zalo hands over a URL on its
   * image servers, not a file id, and such links need not stay valid, hence the copy.
   */
  async downloadPhoto(url: string): Promise<{ data: Buffer; ext: string }> {
    if (!/^https?:\/\//i.test(url)) throw new Error("not an image URL");
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`image download failed: HTTP ${res.status}`);
    if (Number(res.headers.get("content-length") ?? 0) > MAX_PHOTO_BYTES) throw new Error("image too large");
    const ext = /png/i.test(res.headers.get("content-type") ?? "") ? "png" : "jpg";
    return { data: Buffer.from(await res.arrayBuffer()), ext };
  }

  async send(chatKey: string, messages: Outbound[], locale: string): Promise<SendResult> {
    if (this.client.stopped) return { ok: false, reason: "failed", detail: "Zalo channel stopped (401)" };
    const t = tFor(locale, this.info.buttons);
    for (const message of messages) {
      for (const part of renderZalo(message, t)) {
        try {
          await this.sendPart(chatKey, part);
        } catch (err) {
          return this.failure(chatKey, err);
        }
      }
    }
    return { ok: true };
  }

  private async sendPart(chatKey: string, part: ZaloPart): Promise<void> {
    if (part.kind === "text") {
      await this.client.sendMessage({ chat_id: chatKey, text: part.text });
      return;
    }
    try {
      await this.client.sendPhoto({ chat_id: chatKey, photo: part.url, caption: part.caption });
    } catch (err) {
      // Zalo could not use the image (400): the words still matter more than the picture.
      if (!(err instanceof ZaloApiError && err.code === 400)) throw err;
      this.log.warn({ chat: chatKey, detail: err.description }, "sendPhoto refused; sending the caption alone");
      if (part.caption) await this.client.sendMessage({ chat_id: chatKey, text: part.caption });
    }
  }

  private failure(chatKey: string, err: unknown): SendResult {
    if (err instanceof ZaloApiError && err.code === 403) {
      this.log.info({ chat: chatKey }, "chat unreachable (blocked the bot or not allowed)");
      return { ok: false, reason: "blocked", detail: err.description };
    }
    if (err instanceof ZaloTimeoutError) {
      this.log.error({ chat: chatKey, method: err.method }, "Zalo send timed out; not repeated (it may have been delivered)");
      return { ok: false, reason: "uncertain", detail: "timeout" };
    }
    const detail = err instanceof ZaloApiError ? `${err.code} ${err.description}` : String(errorCode(err));
    this.log.error({ chat: chatKey, code: errorCode(err), detail }, "Zalo send failed; gave up");
    return { ok: false, reason: err instanceof ZaloApiError && err.code === 400 ? "rejected" : "failed", detail };
  }
}

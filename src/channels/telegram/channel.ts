// Telegram adapter (grammY). Turns updates into Inbound messages for the engine and sends the
// engine's replies. Long polling for development, webhook (see webhook.ts) for production.
import { autoRetry } from "@grammyjs/auto-retry";
import { setTimeout as delay } from "node:timers/promises";
import { Api, Bot, GrammyError, HttpError, InputFile } from "grammy";
import type { Update } from "grammy/types";
import type { Engine } from "../../engine/engine.ts";
import { VISIBLE_COMMANDS } from "../../engine/commands.ts";
import type { ChannelInfo, ChannelSender, Outbound, SendResult } from "../../engine/message.ts";
import { qrPng } from "../../core/payments.ts";
import { tFor, LOCALES } from "../../i18n/index.ts";
import { serializeError, type Logger } from "../../log.ts";
import { hostOf, problemFromStatus, type ChannelEvent, type ChannelProblem, type SupervisedChannel } from "../supervisor.ts";
import { toInbound } from "./inbound.ts";
import { problemPaths, updateSchema, type TelegramUpdate } from "./schema.ts";
import { renderTelegram, TELEGRAM_MAX_TEXT, type TelegramMessage } from "./render.ts";

const ALLOWED_UPDATES = ["message", "callback_query"] as const;
/** How long stopping waits for grammY's last call, which confirms the updates already handled. */
const STOP_CONFIRM_MS = 1_500;
/** longest pause between failed polls (the supervisor's status shows the trouble meanwhile) */
const POLL_RETRY_MAX_MS = 30_000;

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  engine: Engine;
  log: Logger;
  /** seconds before an API call is abandoned (long polls add their own timeout on top) */
  timeoutSeconds?: number;
  /** seconds getUpdates waits for news */
  pollTimeoutSeconds?: number;
  /** seconds before a call made while connecting (getMe, setWebhook) is abandoned */
  connectTimeoutSeconds?: number;
  /** set: take updates by webhook at this URL (checked with the secret); unset: long polling */
  webhook?: { url: string; secret: string };
}

export class TelegramChannel implements ChannelSender, SupervisedChannel {
  readonly info: ChannelInfo = {
    name: "telegram",
    buttons: "inline",
    canShareContact: true,
    maxTextLength: TELEGRAM_MAX_TEXT,
  };
  readonly name = "telegram";
  readonly host: string;
  readonly bot: Bot;
  private readonly log: Logger;
  private readonly pollTimeout: number;
  private readonly botId: string;
  /** Calls made while connecting: bounded by a short timeout and never retried here (the supervisor does). */
  private readonly connectApi: Api;
  /**
   * Replies and notices (send): a 429 is not waited out here but handed to delivery with its
   * retry_after, so that the chat waits without holding one of delivery's send slots.
   */
  private readonly sendApi: Api;
  /** set once stopping: updates not yet started are left for redelivery */
  private closing = false;
  private polling: { controller: AbortController; loop: Promise<void> } | undefined;
  /** the offset that confirms every update handled, for the last call when stopping */
  private confirmOffset = 0;

  constructor(private readonly opts: TelegramOptions) {
    this.log = opts.log.child({ channel: "telegram" });
    this.pollTimeout = opts.pollTimeoutSeconds ?? 30;
    this.botId = opts.token.split(":")[0];
    this.host = hostOf(opts.apiRoot);
    this.bot = new Bot(opts.token, {
      client: { apiRoot: opts.apiRoot, timeoutSeconds: (opts.timeoutSeconds ?? 20) + this.pollTimeout },
    });
    this.connectApi = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: opts.connectTimeoutSeconds ?? 15 });
    // 429 → wait retry_after and try again; 5xx and network errors → a few retries with backoff.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
    this.sendApi = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: (opts.timeoutSeconds ?? 20) + this.pollTimeout });
    this.sendApi.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 0 })); // 5xx and network only
    this.bot.on(["message", "callback_query"], async (ctx) => {
      if (ctx.callbackQuery) {
        // Always answered (else the button keeps spinning on the user's phone), but beside the turn, not
        // before it: waiting for it first let a message typed right after the tap, in the same batch,
        // reach the engine ahead of the tap ("Nhận đơn", then "da nhan tien" read with the order still
        // waiting). Handed to the engine at once, the tap keeps its place in the chat's order.
        const answered = ctx.answerCallbackQuery().catch((err) => this.log.warn(this.classify(err), "answerCallbackQuery failed"));
        await Promise.all([this.dispatch(ctx.update), answered]);
        return;
      }
      await this.dispatch(ctx.update);
    });
    // A network error's message holds the request URL, and so the token: log its class only. Never the
    // BotError itself: its ctx holds the token, the message text and the sender's contact.
    this.bot.catch((err) => this.log.error(err.error instanceof HttpError ? this.classify(err.error) : { err: serializeError(err.error) }, "update handler failed"));
    opts.engine.register(this);
  }

  /** Hand one update (already checked by `accept`) to the engine. */
  private async dispatch(update: Update): Promise<void> {
    const inbound = toInbound(update as unknown as TelegramUpdate, this.botId);
    if (inbound) await this.opts.engine.handle(inbound);
  }

  /**
   * An update as it arrived (webhook body, polled): checked against the shape the bot reads, or null
   * when it does not fit. Such an update is acknowledged and skipped with a log line naming the
   * fields at fault, never their content.
   */
  check(raw: unknown): Update | null {
    const parsed = updateSchema.safeParse(raw);
    if (parsed.success) return parsed.data as unknown as Update;
    const updateId = typeof (raw as { update_id?: unknown } | null)?.update_id === "number" ? (raw as { update_id: number }).update_id : undefined;
    this.log.warn({ updateId, fields: problemPaths(parsed.error) }, "update skipped (malformed)");
    return null;
  }

  /** True once the bot knows who it is (getMe answered): webhook updates can be handled. */
  get ready(): boolean {
    return this.bot.isInited();
  }

  /** Webhook path: the shape is checked, then grammY middleware (callback answering) and the engine. */
  async handleUpdate(raw: unknown): Promise<void> {
    const update = this.check(raw);
    if (update) await this.bot.handleUpdate(update);
  }

  /**
   * Checks the token, then sets the webhook or starts long polling. Every call is bounded by the
   * connect timeout and not retried here: the supervisor retries with backoff and keeps the log short.
   */
  async connect(abortSignal: AbortSignal, report: (event: ChannelEvent) => void): Promise<void> {
    const signal = grammySignal(abortSignal);
    // connected again after a disconnect (a poller that stood by, single-poller.ts): take updates again
    this.closing = false;
    const me = await this.connectApi.getMe(signal);
    this.bot.botInfo = me;
    const webhook = this.opts.webhook;
    if (webhook) {
      await this.connectApi.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: ALLOWED_UPDATES }, signal);
    } else {
      await this.connectApi.deleteWebhook(undefined, signal); // getUpdates is refused while a webhook is set
    }
    await this.setCommands(abortSignal); // failures only warn; done before "connected", so no call trails it
    if (webhook) {
      this.log.info({ bot: me.username }, "Telegram webhook set");
      return;
    }
    const controller = new AbortController();
    this.polling = { controller, loop: this.pollLoop(controller.signal, report) };
    this.log.info({ bot: me.username }, "polling Telegram");
  }

  /**
   * Long polling, a batch at a time: the updates of a batch are handled at once (the engine keeps each
   * chat in order), and the next getUpdates, which confirms the batch to Telegram, is made only once
   * every one of them is committed. A crash can therefore only lead to updates being delivered again
   * (and deduped), never to one being dropped. grammY's own loop handles one update after another.
   */
  private async pollLoop(signal: AbortSignal, report: (event: ChannelEvent) => void): Promise<void> {
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.bot.api.getUpdates({ offset, timeout: this.pollTimeout, allowed_updates: [...ALLOWED_UPDATES] }, grammySignal(signal));
        if (failures > 0) report({ type: "healthy" });
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        const problem = this.classify(err);
        if (problem.kind === "invalid_token") {
          report({ type: "ended", problem });
          return;
        }
        report({ type: "trouble", problem });
        failures += 1;
        await delay(Math.min(POLL_RETRY_MAX_MS, 500 * 2 ** Math.min(failures, 10)), undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (updates.length === 0) continue;
      const handled = await Promise.all(updates.map((u) => this.handlePolled(u)));
      // Stopping: updates left unhandled are not confirmed, so Telegram sends them again after a restart.
      const firstSkipped = handled.indexOf(false);
      offset = firstSkipped === -1 ? updates.at(-1)!.update_id + 1 : updates[firstSkipped].update_id;
      this.confirmOffset = offset;
      if (firstSkipped !== -1) break;
    }
  }

  /** One polled update; false when it was left for redelivery (stopping). */
  private async handlePolled(update: Update): Promise<boolean> {
    if (this.closing) return false;
    const checked = this.check(update);
    if (!checked) return true;
    await this.bot.handleUpdate(checked).catch((err: unknown) => this.log.error({ ...this.classify(err), err: serializeError(err) }, "update handling failed"));
    return true;
  }

  /**
   * Stops long polling: the pending getUpdates is abandoned at once, the batch being handled finishes
   * (updates not yet started are left for redelivery), and one last call confirms what was handled. If
   * Telegram does not answer that within a moment it is left behind: the engine dedupes redeliveries.
   */
  async disconnect(): Promise<void> {
    this.closing = true;
    const polling = this.polling;
    this.polling = undefined;
    if (!polling) return;
    polling.controller.abort();
    await polling.loop;
    if (this.confirmOffset > 0) {
      const signal = grammySignal(AbortSignal.timeout(STOP_CONFIRM_MS));
      await this.connectApi.getUpdates({ offset: this.confirmOffset, limit: 1, timeout: 0 }, signal).catch(() => undefined);
    }
  }

  /** Names an error of a Telegram call; never includes the URL (it holds the token). */
  classify(err: unknown): ChannelProblem {
    if (err instanceof GrammyError) return problemFromStatus(err.error_code, err.description, { notFoundIsBadToken: true });
    if (err instanceof HttpError) {
      const cause = err.error as { code?: unknown; message?: unknown } | undefined;
      if (typeof cause?.message === "string" && /timed out/.test(cause.message)) return { kind: "timeout" };
      const code = typeof cause?.code === "string" ? cause.code : undefined;
      return { kind: "unreachable", ...(code ? { detail: code } : {}) };
    }
    return { kind: "other" };
  }

  /** Vietnamese command list by default, English for English-language clients. A failure only warns. */
  private async setCommands(signal: AbortSignal): Promise<void> {
    for (const locale of [undefined, ...LOCALES]) {
      const t = tFor(locale ?? "vi");
      const commands = VISIBLE_COMMANDS.map((command) => ({
        command,
        description: t(`common:commands.${command}`),
      }));
      try {
        await this.connectApi.setMyCommands(commands, locale ? { language_code: locale } : {}, grammySignal(signal));
      } catch (err) {
        if (signal.aborted) return;
        this.log.warn({ ...this.classify(err), locale }, "setMyCommands failed; continuing");
      }
    }
  }

  /** The bytes of a photo a user sent (by file id), for the local media folder. */
  async downloadPhoto(fileId: string): Promise<{ data: Buffer; ext: string }> {
    const file = await this.bot.api.getFile(fileId);
    if (!file.file_path) throw new Error("Telegram gave no file_path");
    const url = `${this.opts.apiRoot}/file/bot${this.opts.token}/${file.file_path}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`file download failed: HTTP ${res.status}`);
    return { data: Buffer.from(await res.arrayBuffer()), ext: file.file_path.split(".").pop() ?? "jpg" };
  }

  /** A QR code as a photo, `text` as its caption; if Telegram refuses the photo (400), the words still go. */
  private async sendQr(chatKey: string, payload: string, text: string, extra: { reply_markup?: TelegramMessage["reply_markup"] }): Promise<void> {
    try {
      await this.sendApi.sendPhoto(chatKey, new InputFile(await qrPng(payload), "vietqr.png"), { ...extra, ...(text && { caption: text }) });
    } catch (err) {
      if (!(err instanceof GrammyError && err.error_code === 400) || !text) throw err;
      this.log.warn({ chat: chatKey, detail: err.description }, "sendPhoto refused; sending the caption alone");
      await this.sendApi.sendMessage(chatKey, text, extra);
    }
  }

  async send(chatKey: string, messages: Outbound[], _locale: string): Promise<SendResult> {
    let sentSome = false;
    for (const message of messages) {
      for (const part of renderTelegram(message)) {
        for (let waits = 0; ; waits++) {
          try {
            const extra = part.reply_markup ? { reply_markup: part.reply_markup } : {};
            if (part.qr) await this.sendQr(chatKey, part.qr, part.text, extra);
            else await this.sendApi.sendMessage(chatKey, part.text, extra);
            sentSome = true;
            break;
          } catch (err) {
            if (err instanceof GrammyError && err.error_code === 403) {
              this.log.info({ chat: chatKey }, "chat unreachable (blocked or deactivated)");
              return { ok: false, reason: "blocked", detail: err.description };
            }
            const detail = err instanceof GrammyError ? err.description : err instanceof HttpError ? "network" : String(err);
            const retryAfter = err instanceof GrammyError ? err.parameters.retry_after : undefined;
            // 429 in the middle of a long text: wait here, or the parts already sent would come twice.
            if (retryAfter !== undefined && sentSome && waits < 5) {
              await delay(retryAfter * 1000);
              continue;
            }
            // 429: delivery waits retry_after for this chat, without holding a send slot.
            if (retryAfter !== undefined) return { ok: false, reason: "failed", detail, retryAfterMs: retryAfter * 1000 };
            this.log.error({ chat: chatKey, detail }, "send failed");
            const rejected = err instanceof GrammyError && err.error_code === 400;
            return { ok: false, reason: rejected ? "rejected" : "failed", detail };
          }
        }
      }
    }
    return { ok: true };
  }
}

/** grammY types its signals with the abort-controller package; node-fetch takes Node's own. */
type GrammySignal = NonNullable<Parameters<Api["getMe"]>[0]>;
const grammySignal = (signal: AbortSignal) => signal as unknown as GrammySignal;

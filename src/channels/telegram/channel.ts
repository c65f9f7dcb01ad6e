// Telegram adapter (grammY). Turns updates into Inbound messages for the engine and sends the
// engine's replies. Long polling for development, webhook (see webhook.ts) for production.
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError, HttpError } from "grammy";
import type { Update } from "grammy/types";
import type { Engine } from "../../engine/engine.ts";
import { VISIBLE_COMMANDS } from "../../engine/commands.ts";
import type { ChannelInfo, ChannelSender, Outbound, SendResult } from "../../engine/message.ts";
import { tFor, LOCALES } from "../../i18n/index.ts";
import type { Logger } from "../../log.ts";
import { toInbound } from "./inbound.ts";
import { renderTelegram, TELEGRAM_MAX_TEXT } from "./render.ts";

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  engine: Engine;
  log: Logger;
  /** seconds before an API call is abandoned (long polls add their own timeout on top) */
  timeoutSeconds?: number;
  /** seconds getUpdates waits for news */
  pollTimeoutSeconds?: number;
}

export class TelegramChannel implements ChannelSender {
  readonly info: ChannelInfo = {
    name: "telegram",
    buttons: "inline",
    canShareContact: true,
    maxTextLength: TELEGRAM_MAX_TEXT,
  };
  readonly bot: Bot;
  private readonly log: Logger;
  private readonly pollTimeout: number;
  private readonly botId: string;

  constructor(private readonly opts: TelegramOptions) {
    this.log = opts.log.child({ channel: "telegram" });
    this.pollTimeout = opts.pollTimeoutSeconds ?? 30;
    this.botId = opts.token.split(":")[0];
    this.bot = new Bot(opts.token, {
      client: { apiRoot: opts.apiRoot, timeoutSeconds: (opts.timeoutSeconds ?? 20) + this.pollTimeout },
    });
    // 429 → wait retry_after and try again; 5xx and network errors → a few retries with backoff.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
    this.bot.on(["message", "callback_query"], async (ctx) => {
      if (ctx.callbackQuery) {
        // Always answer, first: otherwise the button keeps spinning on the user's phone.
        await ctx.answerCallbackQuery().catch((err) => this.log.warn({ err }, "answerCallbackQuery failed"));
      }
      await this.dispatch(ctx.update);
    });
    this.bot.catch((err) => this.log.error({ err: err.error }, "update handler failed"));
    opts.engine.register(this);
  }

  /** Hand one update to the engine (also used by the webhook route). */
  async dispatch(update: Update): Promise<void> {
    const inbound = toInbound(update, this.botId);
    if (inbound) await this.opts.engine.handle(inbound);
  }

  /** Webhook path: grammY middleware (callback answering) then the engine. */
  async handleUpdate(update: Update): Promise<void> {
    await this.bot.handleUpdate(update);
  }

  async init(): Promise<void> {
    await this.bot.init();
    await this.setCommands();
  }

  /** Long polling (development). Resolves once polling has started. */
  async startPolling(): Promise<void> {
    await this.init();
    await this.bot.api.deleteWebhook();
    void this.bot
      .start({
        allowed_updates: ["message", "callback_query"],
        timeout: this.pollTimeout,
        onStart: () => this.log.info({ bot: this.bot.botInfo.username }, "polling Telegram"),
      })
      .catch((err) => this.log.error({ err }, "polling stopped"));
  }

  async setWebhook(url: string, secret: string): Promise<void> {
    await this.init();
    await this.bot.api.setWebhook(url, { secret_token: secret, allowed_updates: ["message", "callback_query"] });
    this.log.info("Telegram webhook set");
  }

  async stop(): Promise<void> {
    if (this.bot.isRunning()) await this.bot.stop();
  }

  /** Vietnamese command list by default, English for English-language clients. A failure only warns. */
  private async setCommands(): Promise<void> {
    for (const locale of [undefined, ...LOCALES]) {
      const t = tFor(locale ?? "vi");
      const commands = VISIBLE_COMMANDS.map((command) => ({
        command,
        description: t(`common:commands.${command}`),
      }));
      try {
        await this.bot.api.setMyCommands(commands, locale ? { language_code: locale } : {});
      } catch (err) {
        this.log.warn({ err, locale }, "setMyCommands failed; continuing");
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

  async send(chatKey: string, messages: Outbound[], _locale: string): Promise<SendResult> {
    for (const message of messages) {
      for (const part of renderTelegram(message)) {
        try {
          await this.bot.api.sendMessage(chatKey, part.text, part.reply_markup ? { reply_markup: part.reply_markup } : {});
        } catch (err) {
          if (err instanceof GrammyError && err.error_code === 403) {
            this.log.info({ chat: chatKey }, "chat unreachable (blocked or deactivated)");
            return { ok: false, reason: "blocked", detail: err.description };
          }
          const detail = err instanceof GrammyError ? err.description : err instanceof HttpError ? "network" : String(err);
          this.log.error({ chat: chatKey, detail }, "send failed");
          return { ok: false, reason: "failed", detail };
        }
      }
    }
    return { ok: true };
  }
}

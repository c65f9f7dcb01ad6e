// Zalo Official Account adapter. Events come by webhook (webhook.ts; the URL is set in the Zalo
// developer console, not by API); replies go out as consultation messages ("tin tư vấn") with the OA's
// template buttons, numbered text as the fallback. The access token is refreshed before expiry by a
// timer here and on demand by the client (tokens.ts keeps it, one refresher across instances).
import { createServices } from "../../core/services.ts";
import type { Db } from "../../db/client.ts";
import type { Engine } from "../../engine/engine.ts";
import type { ChannelInfo, ChannelSender, Outbound, SendResult } from "../../engine/message.ts";
import type { TFunction } from "i18next";
import { tFor } from "../../i18n/index.ts";
import type { Logger } from "../../log.ts";
import { hostOf, type ChannelEvent, type ChannelProblem, type SupervisedChannel } from "../supervisor.ts";
import { OA_ERRORS, OaApiError, OaClient, OaNetworkError, OaTimeoutError, ZALO_OA_DEFAULT_API_ROOT } from "./client.ts";
import { imageBytes, OA_MAX_UPLOAD_BYTES } from "./images.ts";
import { OA_EVENTS, toInbound } from "./inbound.ts";
import { isOutsideWindow, OaWindow, type ZnsSettings } from "./window.ts";
import { OA_MAX_TEXT, renderOa, type OaPart } from "./render.ts";
import type { OaEvent } from "./schema.ts";
import { OaTokenRefused, OaTokens, OaTokenUnavailable } from "./tokens.ts";

export interface ZaloOaOptions {
  appId: string;
  appSecret: string;
  firstRefreshToken: string;
  apiRoot?: string;
  oauthRoot?: string;
  engine: Engine;
  db: Db;
  log: Logger;
  /** refresh when the access token has less than this left */
  refreshBeforeMs?: number;
  /** a timed refresh that failed for a passing reason is tried again after this */
  retryRefreshMs?: number;
  /** ZNS templates for people outside the messaging window */
  zns?: ZnsSettings;
  /** ZNS host (business.openapi.zalo.me) */
  znsRoot?: string;
}

export class ZaloOaChannel implements ChannelSender, SupervisedChannel {
  readonly info: ChannelInfo = { name: "zalo_oa", buttons: "numbered", canShareContact: false, maxTextLength: OA_MAX_TEXT };
  readonly name = "zalo_oa";
  readonly host: string;
  readonly tokens: OaTokens;
  readonly client: OaClient;
  private readonly window: OaWindow;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private dead: OaTokenRefused | undefined;
  /** events being handled (accept), waited for by disconnect so that none writes after the database closes */
  private readonly handling = new Set<Promise<void>>();
  private closing = false;
  private report: ((event: ChannelEvent) => void) | undefined;
  /** the access token expired while refreshes kept failing: said once in the log */
  private expiredSaid = false;

  constructor(private readonly opts: ZaloOaOptions) {
    this.log = opts.log.child({ channel: "zalo_oa" });
    this.host = hostOf(opts.apiRoot ?? ZALO_OA_DEFAULT_API_ROOT);
    this.tokens = new OaTokens({
      db: opts.db,
      appId: opts.appId,
      appSecret: opts.appSecret,
      firstRefreshToken: opts.firstRefreshToken,
      oauthRoot: opts.oauthRoot,
      log: this.log,
      refreshBeforeMs: opts.refreshBeforeMs,
    });
    this.client = new OaClient({ tokens: this.tokens, apiRoot: opts.apiRoot, znsRoot: opts.znsRoot, log: this.log });
    this.window = new OaWindow({ db: opts.db, engine: opts.engine, client: this.client, log: this.log, zns: opts.zns ?? {} });
    opts.engine.register(this);
  }

  /** True once Zalo refused the OA's tokens: nothing is taken or sent until a restart. */
  get stopped(): boolean {
    return this.dead !== undefined;
  }

  /** False while stopping or stopped: the webhook answers 503 and Zalo brings the event again later. */
  get accepting(): boolean {
    return !this.closing && !this.stopped;
  }

  /**
   * For /readyz: not ready when Zalo refused the OA's tokens (expired or revoked refresh token: a person
   * must authorize again), or when the access token has expired and refreshing keeps failing.
   */
  readiness(): { ok: true } | { ok: false; problem: "token_refused" | "token_expired"; detail: string } {
    if (this.dead) return { ok: false, problem: "token_refused", detail: this.classify(this.dead).detail ?? "token refused" };
    const expiresAt = this.tokens.expiresAt;
    if (expiresAt > 0 && expiresAt <= Date.now()) {
      return { ok: false, problem: "token_expired", detail: "the OA access token expired and could not be refreshed yet (see the log)" };
    }
    return { ok: true };
  }

  /** Gets a valid access token (refreshing it if due) and starts the refresh timer. */
  async connect(_signal: AbortSignal, report: (event: ChannelEvent) => void): Promise<void> {
    if (this.dead) throw this.dead;
    this.closing = false;
    this.report = report;
    try {
      await this.tokens.accessToken();
    } catch (err) {
      if (err instanceof OaTokenRefused) this.dead = err;
      throw err;
    }
    this.schedule(this.tokens.refreshDueAt - Date.now());
    this.log.info("Zalo OA ready (events by webhook)");
  }

  /** A signed event the bot cannot read: acknowledged to Zalo, skipped with the fields at fault. */
  skipped(fields: string[]): void {
    this.log.warn({ fields }, "update skipped (malformed)");
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.report = undefined;
    // An unfollow or kept notices are written outside the engine's turns: finished before the app goes on
    // to close the database (on PostgreSQL a transaction cut off so made the disconnect hang).
    while (this.handling.size > 0) await Promise.all([...this.handling]);
  }

  classify(err: unknown): ChannelProblem {
    if (err instanceof OaTokenRefused) {
      const why = err.interrupted ? "; an earlier refresh was interrupted before its answer was stored" : "";
      return {
        kind: "invalid_token",
        detail: `Zalo refused the OA refresh token (${err.detail})${why}: authorize the app again in the Zalo developer console, set ZALO_OA_REFRESH_TOKEN to the new refresh token and restart`,
      };
    }
    if (err instanceof OaTokenUnavailable || err instanceof OaNetworkError) return { kind: "unreachable", detail: err.message.slice(0, 120) };
    if (err instanceof OaTimeoutError) return { kind: "timeout" };
    if (err instanceof OaApiError) return { kind: err.code === OA_ERRORS.rateLimited ? "rate_limited" : "other", detail: `${err.code} ${err.description}`.slice(0, 120) };
    return { kind: "other" };
  }

  private schedule(inMs: number): void {
    clearTimeout(this.timer);
    // setTimeout holds at most about 24.8 days; a token lives about a day.
    this.timer = setTimeout(() => void this.refreshOnTimer(), Math.max(0, Math.min(inMs, 2 ** 31 - 1)));
    this.timer.unref();
  }

  private async refreshOnTimer(): Promise<void> {
    try {
      await this.tokens.accessToken();
      this.expiredSaid = false;
      this.report?.({ type: "healthy" });
      this.schedule(this.tokens.refreshDueAt - Date.now());
    } catch (err) {
      if (err instanceof OaTokenRefused) return this.die(err);
      const problem = this.classify(err);
      if (!this.expiredSaid && this.tokens.expiresAt > 0 && this.tokens.expiresAt <= Date.now()) {
        this.expiredSaid = true;
        this.log.error({ detail: problem.detail }, "Zalo OA access token expired and cannot be refreshed: nothing can be sent on the OA until it is (retrying)");
      }
      this.report?.({ type: "trouble", problem });
      this.schedule(this.opts.retryRefreshMs ?? 60_000);
    }
  }

  private die(err: OaTokenRefused): void {
    if (this.dead) return;
    this.dead = err;
    clearTimeout(this.timer);
    this.report?.({ type: "ended", problem: this.classify(err) });
  }

  /** Hands one webhook event over. Never rejects: failures are logged here. */
  accept(event: OaEvent): Promise<void> {
    const handled: Promise<void> = this.handle(event).finally(() => this.handling.delete(handled));
    this.handling.add(handled);
    return handled;
  }

  private async handle(event: OaEvent): Promise<void> {
    try {
      if (event.event_name === OA_EVENTS.unfollow) {
        const user = event.follower?.id ?? event.sender?.id;
        if (user) await createServices(this.opts.db).accounts.markUnreachable("zalo_oa", user);
        this.log.info("a follower left the OA: marked unreachable");
        return;
      }
      const inbound = toInbound(event, this.opts.appId);
      if (!inbound) {
        this.log.debug({ event: event.event_name }, "event ignored");
        return;
      }
      // Notices kept while the person was outside the messaging window go out before the answer.
      await this.window.release(inbound.chatKey).catch((err) => this.log.error({ err }, "could not send the kept notices"));
      await this.opts.engine.handle(inbound);
    } catch (err) {
      this.log.error({ err, event: event.event_name }, "event handling failed");
    }
  }

  async send(chatKey: string, messages: Outbound[], locale: string): Promise<SendResult> {
    if (this.dead) return { ok: false, reason: "failed", detail: "Zalo OA channel stopped (token refused)" };
    const t = tFor(locale, this.info.buttons);
    // Past the free 48 h a consultation message costs money: kept (and an order notice tried by ZNS) instead.
    if (await this.window.inPaidBand(chatKey)) {
      try {
        await this.window.refused(chatKey, messages, locale, "paid");
        return { ok: true };
      } catch (holdErr) {
        this.log.error({ err: holdErr }, "could not keep a notice held back in the paid band");
        return { ok: false, reason: "failed", detail: "in the paid band; not kept" };
      }
    }
    for (const [i, message] of messages.entries()) {
      try {
        for (const part of renderOa(message, t)) await this.sendPart(chatKey, part, t);
      } catch (err) {
        if (!isOutsideWindow(err)) return this.failure(chatKey, err);
        // Not dropped: kept for when the person writes (and an order notice tried by ZNS).
        try {
          await this.window.refused(chatKey, messages.slice(i), locale);
          return { ok: true };
        } catch (holdErr) {
          this.log.error({ err: holdErr }, "could not keep a notice refused for the messaging window");
          return { ok: false, reason: "failed", detail: "outside the messaging window; not kept" };
        }
      }
    }
    return { ok: true };
  }

  private async sendPart(chatKey: string, part: OaPart, t: TFunction): Promise<void> {
    if ("photo" in part) return this.sendPhoto(chatKey, part.photo, t);
    try {
      await this.client.send(chatKey, part.message);
    } catch (err) {
      // Buttons (or an image) refused as they are: the words still matter, as numbered text.
      if (!(err instanceof OaApiError && err.code === OA_ERRORS.invalidField && (part.fallback || !("text" in part.message)))) throw err;
      this.log.warn({ detail: err.description }, "Zalo OA refused the template; sending plain text instead");
      for (const message of part.fallback ?? []) await this.client.send(chatKey, message);
    }
  }

  /**
   * Upload, then send by attachment id. When the image itself is the trouble (it cannot be fetched, is
   * too large, Zalo refuses the upload or the media message), the person gets a link to it instead;
   * trouble with the chat (outside the window, not following, the token) is the send's failure.
   */
  private async sendPhoto(chatKey: string, ref: string, t: TFunction): Promise<void> {
    let attachmentId: string;
    try {
      attachmentId = await this.client.uploadImage(await imageBytes(ref, OA_MAX_UPLOAD_BYTES));
    } catch (err) {
      if (err instanceof OaTokenRefused) throw err;
      this.log.warn({ err: String(err).slice(0, 160) }, "Zalo OA image upload failed; sending a link instead");
      return this.photoLink(chatKey, ref, t);
    }
    try {
      await this.client.send(chatKey, { attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: attachmentId }] } } });
    } catch (err) {
      if (!(err instanceof OaApiError && err.code === OA_ERRORS.invalidField)) throw err;
      this.log.warn({ detail: err.description }, "Zalo OA refused the image message; sending a link instead");
      return this.photoLink(chatKey, ref, t);
    }
  }

  private async photoLink(chatKey: string, ref: string, t: TFunction): Promise<void> {
    // An image made by the bot (a data: URL) has no address to give: the text that follows stands alone.
    if (/^https?:\/\//i.test(ref)) await this.client.send(chatKey, { text: t("zaloOa:photoLink", { url: ref }) });
  }

  private failure(chatKey: string, err: unknown): SendResult {
    if (err instanceof OaTokenRefused) {
      this.die(err);
      return { ok: false, reason: "failed", detail: "Zalo OA token refused" };
    }
    if (err instanceof OaApiError) {
      const detail = `${err.code} ${err.description}`;
      if (err.code === OA_ERRORS.notFollower) {
        // Not following (any more): unreachable until the person follows or writes again.
        this.log.info({ code: err.code }, "OA user unreachable (not following the OA)");
        return { ok: false, reason: "blocked", detail };
      }
      if (err.code === OA_ERRORS.invalidField) return { ok: false, reason: "rejected", detail };
      this.log.error({ code: err.code, detail }, "Zalo OA send failed");
      return { ok: false, reason: "failed", detail, ...(err.code === OA_ERRORS.rateLimited ? { retryAfterMs: 60_000 } : {}) };
    }
    if (err instanceof OaTimeoutError) {
      this.log.error("Zalo OA send timed out; not repeated (it may have been delivered)");
      return { ok: false, reason: "uncertain", detail: "timeout" };
    }
    this.log.error({ err: String(err) }, "Zalo OA send failed");
    return { ok: false, reason: "failed", detail: String(err).slice(0, 120) };
  }
}

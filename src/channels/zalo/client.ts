// A small typed client for the Zalo Bot Platform API: `${apiRoot}/bot${token}/${method}`, JSON POST,
// answers `{ok, result?, description?, error_code?}` validated with zod.
//
// Sending policy, in one place:
// - 429 ("Quota exceeded", no retry_after) and 5xx: back off with jitter, 1 s doubling up to 30 s,
//   at most 5 tries in all; then the error goes to the caller, who logs it and reports failure;
// - 401: the token is dead. The client stops for good (every later call fails at once, without
//   touching the network), logs a fatal alert once and tells its owner, who stops polling;
// - a request that timed out is never repeated here: Zalo may have delivered it, and a farmer getting
//   the same question twice is worse than a missing reply they can ask for again;
// - a network error is repeated only when the request cannot have reached Zalo (connection refused,
//   DNS) or the method is harmless to repeat (reads, webhook settings, the typing indicator).
import type { Logger } from "../../log.ts";
import {
  envelopeSchema,
  meSchema,
  sentSchema,
  unwrapUpdates,
  webhookInfoSchema,
  type ZaloMe,
  type ZaloSent,
  type ZaloUpdate,
  type ZaloWebhookInfo,
} from "./schema.ts";

export const ZALO_DEFAULT_API_ROOT = "https://bot-api.zaloplatforms.com";

export interface ZaloTiming {
  /** ms before one call is abandoned; a long poll adds its own wait on top */
  requestTimeoutMs: number;
  /** first backoff step; it doubles with every retry up to `maxDelayMs` */
  baseDelayMs: number;
  maxDelayMs: number;
  /** tries of one call on 429/5xx, the first one included */
  maxAttempts: number;
  /** injectable so tests need not wait real seconds */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export const DEFAULT_TIMING: ZaloTiming = {
  requestTimeoutMs: 20_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxAttempts: 5,
  sleep: abortableSleep,
  random: Math.random,
};

/** Zalo answered `ok:false` (or an HTTP error). */
export class ZaloApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(`Zalo ${method} failed: ${code} ${description}`);
  }
}

/** No answer in time. The request may still have been carried out (a message may have been delivered). */
export class ZaloTimeoutError extends Error {
  constructor(readonly method: string) {
    super(`Zalo ${method} timed out`);
  }
}

/** The connection failed; `reachedServer` is false only when the request surely never left. */
export class ZaloNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly reachedServer: boolean,
    options?: { cause?: unknown },
  ) {
    super(`Zalo ${method}: network error`, options);
  }
}

/** The caller's own signal (shutdown) ended the call. */
export class ZaloAbortedError extends Error {}

export interface CallOptions {
  /** abandons the call (shutdown) */
  signal?: AbortSignal;
  /** one try only: the caller has its own retry policy */
  once?: boolean;
  /** instead of the client's request timeout */
  timeoutMs?: number;
}

export interface ZaloClientOptions {
  token: string;
  apiRoot?: string;
  log: Logger;
  timing?: Partial<ZaloTiming>;
  /** called once when Zalo answers 401: the owner stops polling */
  onUnauthorized?: () => void;
}

/** Methods that change nothing when repeated (reads, settings, the typing indicator). */
const REPEATABLE = new Set(["getMe", "getUpdates", "getWebhookInfo", "setWebhook", "deleteWebhook", "sendChatAction"]);
/** Connection errors that happen before a single byte of the request is sent. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

export class ZaloClient {
  readonly botId: string;
  readonly timing: ZaloTiming;
  private readonly apiRoot: string;
  private readonly log: Logger;
  private unauthorized = false;

  constructor(private readonly opts: ZaloClientOptions) {
    this.botId = opts.token.split(":")[0];
    this.apiRoot = (opts.apiRoot ?? ZALO_DEFAULT_API_ROOT).replace(/\/+$/, "");
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.log = opts.log;
  }

  /** True after a 401: nothing is sent any more until a restart with a new token. */
  get stopped(): boolean {
    return this.unauthorized;
  }

  /** `once`: a single try, no retries (connecting: the caller retries with its own backoff). */
  async getMe(opts: CallOptions = {}): Promise<ZaloMe> {
    return meSchema.parse(await this.call("getMe", {}, opts));
  }

  /**
   * One long poll. Zalo returns ONE update object (not an array) or 408 when nothing arrived within
   * `timeout` seconds; both come back as a list here (empty on 408).
   */
  async getUpdates(params: { timeout: number }, signal?: AbortSignal): Promise<ZaloUpdate[]> {
    try {
      const result = await this.call("getUpdates", { timeout: String(params.timeout) }, {
        signal,
        extraTimeoutMs: params.timeout * 1000,
      });
      if (result === undefined || result === null) return [];
      const updates = unwrapUpdates(result);
      if (!updates) this.log.warn("getUpdates returned something that is not an update; skipped");
      return updates ?? [];
    } catch (err) {
      if (err instanceof ZaloApiError && err.code === 408) return [];
      throw err;
    }
  }

  async setWebhook(params: { url: string; secret_token: string }, opts: CallOptions = {}): Promise<ZaloWebhookInfo> {
    return webhookInfoSchema.parse(await this.call("setWebhook", params, opts));
  }

  async deleteWebhook(opts: CallOptions = {}): Promise<ZaloWebhookInfo> {
    return webhookInfoSchema.parse(await this.call("deleteWebhook", {}, opts));
  }

  async getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return webhookInfoSchema.parse(await this.call("getWebhookInfo", {}));
  }

  /** `text` must be 1–2000 characters: the channel splits longer texts. */
  async sendMessage(params: { chat_id: string; text: string }): Promise<ZaloSent> {
    return sentSchema.parse(await this.call("sendMessage", params));
  }

  /** `photo` is a public image URL (Zalo fetches it). */
  async sendPhoto(params: { chat_id: string; photo: string; caption?: string }): Promise<ZaloSent> {
    return sentSchema.parse(await this.call("sendPhoto", params));
  }

  /** Answers `{ok:true}` with no result. */
  async sendChatAction(params: { chat_id: string; action: "typing" }): Promise<void> {
    await this.call("sendChatAction", params);
  }

  /** Backoff before retry number `attempt` (1 = first retry): doubling, capped, with jitter. */
  backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs, random } = this.timing;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": between half and all of the step, so many chats retrying after one 429 spread
    // out, yet never retry at once.
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  private async call(method: string, params: Record<string, unknown>, opts: CallOptions & { extraTimeoutMs?: number } = {}): Promise<unknown> {
    const maxAttempts = opts.once ? 1 : this.timing.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      if (this.unauthorized) throw new ZaloApiError(method, 401, "stopped after an earlier 401");
      try {
        return await this.request(method, params, opts);
      } catch (err) {
        if (!this.retryable(method, err) || attempt >= maxAttempts || opts.signal?.aborted) throw err;
        const delay = this.backoff(attempt);
        this.log.warn({ method, attempt, code: errorCode(err), delayMs: delay }, "Zalo call failed; retrying");
        await this.timing.sleep(delay, opts.signal);
      }
    }
  }

  private retryable(method: string, err: unknown): boolean {
    if (err instanceof ZaloApiError) return err.code === 429 || err.code >= 500;
    if (err instanceof ZaloNetworkError) return !err.reachedServer || REPEATABLE.has(method);
    return false;
  }

  private async request(
    method: string,
    params: Record<string, unknown>,
    opts: CallOptions & { extraTimeoutMs?: number },
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout((opts.timeoutMs ?? this.timing.requestTimeoutMs) + (opts.extraTimeoutMs ?? 0));
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    let status: number;
    let text: string;
    try {
      // The token is in the URL: never log the URL or the raw error message that might contain it.
      const res = await fetch(`${this.apiRoot}/bot${this.opts.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted) throw new ZaloAbortedError(`Zalo ${method} aborted`);
      if (timeout.aborted) throw new ZaloTimeoutError(method);
      const code = (err as { cause?: { code?: string } }).cause?.code;
      throw new ZaloNetworkError(method, !(code && NEVER_SENT.has(code)), { cause: code });
    }

    const envelope = envelopeSchema.safeParse(parseJson(text));
    if (!envelope.success) {
      // Not the API talking (a proxy's HTML error page, an empty body): judge by the HTTP status.
      throw new ZaloApiError(method, status >= 400 ? status : 502, "unexpected answer (not a Zalo envelope)");
    }
    const { ok, result, error_code, description } = envelope.data;
    if (ok && status < 400) return result;
    const code = error_code ?? (status >= 400 ? status : 0);
    if (code === 401) this.stopOnUnauthorized(method);
    throw new ZaloApiError(method, code, description ?? "");
  }

  private stopOnUnauthorized(method: string): void {
    if (this.unauthorized) return;
    this.unauthorized = true;
    this.log.fatal(
      { method, alert: "zalo-token-rejected" },
      "Zalo rejected the bot token (401): the Zalo channel is stopped. Create a new token in Zalo Bot Manager, set ZALO_BOT_TOKEN and restart.",
    );
    try {
      this.opts.onUnauthorized?.();
    } catch (err) {
      this.log.error({ err }, "stopping after 401 failed");
    }
  }
}

export function errorCode(err: unknown): number | string {
  if (err instanceof ZaloApiError) return err.code;
  if (err instanceof ZaloTimeoutError) return "timeout";
  if (err instanceof ZaloNetworkError) return "network";
  return "unknown";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

// What stands between a request and its Bot API method in the fake Telegram server: flood control
// (a client that sends again before a 429's retry_after is over is counted as a violation and refused),
// failures a test scripted with failNext, the rate limit of setRateLimit and the latency of setLatency.
// The clients under test share this process's event loop, so the checks forgive by the loop's measured
// lag (loop-lag.ts) rather than by a fixed figure: tight on a quiet machine, no flakes on a loaded one.
import { LoopLag } from "./loop-lag.ts";
import type { Call, Failure } from "./telegram-types.ts";
import { ApiError, errorReply, sleep, type Reply } from "./telegram-wire.ts";

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

export class Traffic {
  /** Requests sent while the bot should still have been waiting after a 429. */
  violations = 0;

  private failures: Array<{ method: string; failure: Failure; chatId?: number; times: number }> = [];
  private rateLimit: { perSecond: number; perChat: boolean; windowMs: number; plusLoopLag: boolean; hits: Map<string, number[]> } | undefined;
  private latency: ((method: string, chatId: number | undefined) => number) | undefined;
  /** Flood-wait windows opened by 429 answers, keyed by method:chat or rate:chat. */
  private readonly flood = new Map<string, { from: number; until: number }>();
  /** How late this event loop ran, and when: requests on their way were held up that long too. */
  private readonly loopLag = new LoopLag();

  /** See FakeTelegram.failNext; `method` is already the canonical name. */
  failNext(method: string, failure: Failure, opts: { chatId?: number; times?: number }): void {
    this.failures.push({ method, failure, chatId: opts.chatId, times: opts.times ?? 1 });
  }

  /** See FakeTelegram.setRateLimit. */
  setRateLimit(perSecond: number | null, opts: { perChat?: boolean; toleranceMs?: number; plusLoopLag?: boolean }): void {
    const windowMs = 1000 - (opts.toleranceMs ?? 0);
    if (windowMs <= 0 || windowMs > 1000) throw new Error("setRateLimit: toleranceMs must be in [0, 1000)");
    this.rateLimit =
      perSecond === null ? undefined : { perSecond, perChat: opts.perChat ?? false, windowMs, plusLoopLag: opts.plusLoopLag ?? false, hits: new Map() };
  }

  setLatency(ms: ((method: string, chatId: number | undefined) => number) | null): void {
    this.latency = ms ?? undefined;
  }

  loopLagSince(from: number): number {
    return this.loopLag.maxSince(from);
  }

  /**
   * Flood control, scripted failures, rate limit, then latency, in that order: the reply that ends the
   * request here, or undefined once the method may run.
   */
  async gate(method: string, chatId: number | undefined, signal: AbortSignal): Promise<Reply | undefined> {
    const flood = this.checkFlood(method, chatId);
    if (flood) return flood;
    const failure = this.takeFailure(method, chatId);
    if (failure) return this.applyFailure(failure, method, chatId, signal);
    const limited = this.applyRateLimit(method, chatId);
    if (limited) return limited;
    const wait = method === "getUpdates" ? 0 : (this.latency?.(method, chatId) ?? 0);
    if (wait > 0) await sleep(wait, signal);
    return undefined;
  }

  /** Forgets scripted failures, limits, latency, flood waits and violations. */
  reset(): void {
    this.violations = 0;
    this.failures = [];
    this.rateLimit = undefined;
    this.latency = undefined;
    this.flood.clear();
  }

  stop(): void {
    this.loopLag.stop();
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
}

/** The most calls (getUpdates excluded, `filter` if given) that arrived within any `windowMs`. */
export function busiestWindow(calls: Call[], windowMs: number, filter: (call: Call) => boolean): number {
  const times = calls.filter((c) => c.method !== "getUpdates" && filter(c)).map((c) => c.time).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

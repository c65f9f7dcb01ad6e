// How updates reach the bot in the fake Telegram server: the queue getUpdates long-polls (with offsets,
// allowed_updates and re-deliveries), or the webhook they are POSTed to once setWebhook (or a test) set
// one. Telegram's rules that bots trip over are kept: one poller at a time (409 Conflict), no polling
// while a webhook is set, updates of kinds the bot did not ask for never handed out.
import http from "node:http";
import https from "node:https";
import type { Update, WebhookInfo } from "grammy/types";
import type { Payload, WebhookConfig } from "./telegram-types.ts";
import { ApiError, badRequest, nowSec, WithDescription } from "./telegram-wire.ts";

/** What Telegram sends when allowed_updates is empty or was never set. */
const NOT_DEFAULT_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export class UpdateFeed {
  /** Every update created or pushed, so a test can re-deliver one. */
  readonly all: Update[] = [];
  /** Set by setWebhook or directly by a test; while set, updates are POSTed here. */
  webhook: WebhookConfig | undefined;

  /** Updates not yet confirmed. `redelivery` entries ignore the offset once (test re-delivery). */
  private queue: Array<{ update: Update; redelivery: boolean }> = [];
  private lastUpdateId = 100_000;
  private allowedUpdates: string[] | undefined;
  private poller: { wake(): void; conflict(description: string): void } | undefined;
  private webhookError: { date: number; message: string } | undefined;
  private readonly outgoing = new Set<http.ClientRequest>();

  /** `runWebhookReply` executes the method call a webhook may answer with. */
  constructor(private readonly runWebhookReply: (text: string) => Promise<void>) {}

  /**
   * Gives the update a fresh update_id unless it has one, and records it. An update_id seen before
   * makes it a re-delivery.
   */
  admit(raw: Partial<Update>): { update: Update; redelivery: boolean } {
    const update = (raw.update_id === undefined ? { update_id: ++this.lastUpdateId, ...raw } : raw) as Update;
    const redelivery = this.all.some((u) => u.update_id === update.update_id);
    this.lastUpdateId = Math.max(this.lastUpdateId, update.update_id);
    this.all.push(update);
    return { update, redelivery };
  }

  /** POSTs the update to the webhook (resolves with its HTTP status) or queues it for getUpdates. */
  deliver(update: Update, redelivery: boolean): Promise<number | undefined> {
    if (this.webhook) return this.postToWebhook(update);
    this.queue.push({ update, redelivery });
    this.poller?.wake();
    return Promise.resolve(undefined);
  }

  /** Forgets updates, the webhook and its last error, and allowed_updates; update ids keep increasing. */
  reset(): void {
    this.all.length = 0;
    this.webhook = undefined;
    this.webhookError = undefined;
    this.queue = [];
    this.allowedUpdates = undefined;
  }

  /** Drops webhook posts still under way. */
  dropOutgoing(): void {
    for (const req of this.outgoing) req.destroy();
  }

  async getUpdates(p: Payload, signal: AbortSignal): Promise<Update[]> {
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

  setWebhook(p: Payload): unknown {
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

  deleteWebhook(p: Payload): WithDescription {
    if (p.drop_pending_updates === true || p.drop_pending_updates === "true") this.queue = [];
    const had = this.webhook !== undefined;
    this.webhook = undefined;
    return new WithDescription(true, had ? "Webhook was deleted" : "Webhook is already deleted");
  }

  getWebhookInfo(): WebhookInfo {
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
}

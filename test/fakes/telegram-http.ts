// The HTTP side of the fake Telegram server: a real server on 127.0.0.1 that reads Bot API requests
// (/bot<token>/<method>, any of the body encodings, method names matched case-insensitively as Telegram
// does), logs each one as a Call, passes it through the scripted traffic rules and answers with the
// method handler's result in Telegram's envelope. Also serves file downloads and runs the method call a
// webhook may answer with. It knows the methods only as a table of handlers, given to it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Files } from "./telegram-files.ts";
import { normaliseFields, readPayload } from "./telegram-request-body.ts";
import type { Traffic } from "./telegram-traffic.ts";
import type { Call, Payload } from "./telegram-types.ts";
import { ApiError, chatIdOf, errorReply, isObject, WithDescription, type Handler, type Reply } from "./telegram-wire.ts";

export interface EndpointParts {
  token: string;
  /** The Bot API methods, by canonical name. */
  handlers: Record<string, Handler>;
  traffic: Traffic;
  files: Files;
  /** The request log, appended to. */
  calls: Call[];
  /** Called whenever something tests may wait for has happened. */
  notify(): void;
}

export class BotApiEndpoint {
  private readonly server = http.createServer((req, res) => void this.onRequest(req, res));
  /** requests being read or answered */
  private handling = 0;
  /** One per in-flight request; aborted when the client goes away or the server closes. */
  private readonly inFlight = new Set<AbortController>();
  /** Lower-case name → canonical name: the real API matches method names case-insensitively. */
  private readonly methodNames = new Map<string, string>();

  constructor(private readonly parts: EndpointParts) {
    for (const name of Object.keys(parts.handlers)) this.methodNames.set(name.toLowerCase(), name);
  }

  /** Listens on 127.0.0.1 at `port` (0: a free one) and returns the API root URL. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** True when no client is connected and no request is being handled. */
  async quiet(): Promise<boolean> {
    const open = await new Promise<number>((resolve, reject) => this.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    return open === 0 && this.handling === 0;
  }

  canonical(method: string): string {
    return this.methodNames.get(method.toLowerCase()) ?? method;
  }

  /** Ends held requests (long polls answer [], scripted timeouts drop). */
  abortInFlight(): void {
    for (const ac of this.inFlight) ac.abort();
  }

  /** Stops listening and closes every connection, once aborted handlers had their turn to answer. */
  async close(): Promise<void> {
    // Let the aborted handlers write their last answers before sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** A webhook may answer with {method, ...params}; Telegram executes it (grammY's webhookReply). */
  async runWebhookReply(text: string): Promise<void> {
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
    this.parts.calls.push(call);
    const reply = await this.process(call.method, body, new AbortController().signal);
    call.status = reply === "drop" ? 0 : reply.status;
    this.parts.notify();
  }

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
        const bytes = this.parts.files.download(decodeURIComponent(file[2]), file[1] === this.parts.token);
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
        this.parts.calls.push(call);
        this.parts.notify(); // lets a test wait for a request that is still being held
        reply = match[1] !== this.parts.token ? errorReply(new ApiError(401, "Unauthorized")) : await this.process(call.method, body, ac.signal);
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
    this.parts.notify();
  }

  /** Everything after authentication: the traffic rules (flood, failures, rate limit, latency), the method. */
  private async process(method: string, p: Payload, signal: AbortSignal): Promise<Reply> {
    const stopped = await this.parts.traffic.gate(method, chatIdOf(p), signal);
    if (stopped) return stopped;
    const handler = this.parts.handlers[method];
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
}

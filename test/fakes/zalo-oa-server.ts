/**
 * A fake Zalo Official Account API (openapi.zalo.me + oauth.zaloapp.com) and webhook sender, for
 * end-to-end tests. A real HTTP server on 127.0.0.1 with the wire shapes the production client sees:
 *
 *   POST /v3.0/oa/message/cs   header access_token, {recipient:{user_id}, message}
 *        → {error:0, message:"Success", data:{message_id, user_id, sent_time}}; failures are HTTP 200
 *          with a negative error and no data: -216 invalid access token, -213 user not following,
 *          -230 no interaction in the past 7 days, -201 invalid field (text empty or over 2000, more
 *          than 5 buttons, a title over 100), -211 out of quota (scripted), -32 rate limit (scripted)
 *   POST /v2.0/oa/upload/image   multipart, part `file` (JPEG or PNG, at most 1 MB)
 *        → {error:0, data:{attachment_id}}; anything else -201 (not confirmed: the code of a refused file)
 *   POST /message/template (ZNS, on the same fake host)   {phone, template_id, template_data, tracking_id}
 *        → {error:0, data:{msg_id, sent_time}}; an unknown template or a phone not like 84xxxxxxxxx -201
 *   POST /v4/oa/access_token   header secret_key, form app_id, grant_type=refresh_token, refresh_token
 *        → {access_token, refresh_token, expires_in:"90000"} (a string); a refresh token works ONCE;
 *          a refusal is {error:-14014, error_name, error_description} (code and names not confirmed)
 *
 * Webhook events are posted to the bot signed as Zalo signs them: X-ZEvent-Signature: mac=<hex of
 * sha256(app_id + raw body + timestamp + OA secret key)>. A tap on an oa.query.show button is the
 * person sending the button's payload as user_send_text.
 */
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A 1×1 PNG, served at GET /img/<anything>.png (a photo's CDN address, or an image the bot sends). */
export const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

export const hexId = (n = 10) => randomBytes(n).toString("hex");
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");

export interface OaUser {
  id: string;
  following: boolean;
  /** ms; the messaging window is 7 days from here */
  lastInteraction: number;
}

export interface OaSent {
  userId: string;
  text?: string;
  buttons?: Array<{ title: string; type: string; payload: string }>;
  imageUrl?: string;
  /** an image sent by the attachment id of an upload */
  attachmentId?: string;
  /** sent 48 h to 7 days after the user's last interaction: a consultation message Zalo charges for */
  paid?: true;
}

export interface ZnsSent {
  phone: string;
  templateId: string;
  data: Record<string, string>;
  trackingId: string;
}

export interface FakeOaOptions {
  expiresInSeconds?: number;
  /** called after a refresh pair was issued (the old refresh token is used up), before the answer leaves */
  onIssued?: (pair: { access_token: string; refresh_token: string }) => void | Promise<void>;
}

export interface FakeOa {
  appId: string;
  appSecret: string;
  secretKey: string;
  /** the refresh token an operator would paste into ZALO_OA_REFRESH_TOKEN */
  firstRefreshToken: string;
  apiRoot: string;
  sent: OaSent[];
  /** uploaded images by attachment id: their size and type */
  uploads: Map<string, { bytes: number; type: string }>;
  /** ZNS template ids the OA has registered (approved by Zalo) */
  znsTemplates: Set<string>;
  zns: ZnsSent[];
  refreshes: number;
  /** the next refresh is carried out (the old token used up) but its answer never arrives: the bot's crash, seen from Zalo */
  dropNextRefreshAnswer: boolean;
  /** refresh tokens Zalo accepts now */
  liveRefreshTokens: Set<string>;
  /** access token → expiry (ms) */
  accessTokens: Map<string, number>;
  failNext(code: number, message?: string): void;
  user(id?: string): OaUser;
  sentTo(userId: string): OaSent[];
  textsTo(userId: string): string[];
  /** posts one signed event to the bot's webhook; returns the HTTP status */
  post(url: string, event: Record<string, unknown>, opts?: { signature?: string; tamper?: (raw: string) => string }): Promise<number>;
  textEvent(user: OaUser, text: string, opts?: { msgId?: string; timestamp?: number }): Record<string, unknown>;
  followEvent(user: OaUser, name?: "follow" | "unfollow"): Record<string, unknown>;
  imageEvent(user: OaUser, url?: string): Record<string, unknown>;
  waitFor(predicate: () => boolean, opts?: { timeoutMs?: number; describe?: () => string }): Promise<void>;
  close(): Promise<void>;
}

/** The first part of a multipart/form-data body: its field name and bytes. */
function multipartFile(contentType: string, body: Buffer): { name: string; data: Buffer } | null {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return null;
  const start = body.indexOf(`--${boundary}\r\n`);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(`\r\n--${boundary}`, headersEnd);
  if (start < 0 || headersEnd < 0 || end < 0) return null;
  const name = /name="([^"]*)"/.exec(body.subarray(start, headersEnd).toString())?.[1] ?? "";
  return { name, data: body.subarray(headersEnd + 4, end) };
}

export async function startFakeOa(opts: FakeOaOptions = {}): Promise<FakeOa> {
  const users = new Map<string, OaUser>();
  const failures: Array<{ code: number; message: string }> = [];
  const fake = {
    appId: digits(18),
    appSecret: hexId(10),
    secretKey: hexId(10),
    firstRefreshToken: hexId(40),
    apiRoot: "",
    sent: [] as OaSent[],
    uploads: new Map<string, { bytes: number; type: string }>(),
    znsTemplates: new Set<string>(),
    zns: [] as ZnsSent[],
    refreshes: 0,
    dropNextRefreshAnswer: false,
    liveRefreshTokens: new Set<string>(),
    accessTokens: new Map<string, number>(),
  };
  fake.liveRefreshTokens.add(fake.firstRefreshToken);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      void handle(req, res, body.toString(), body);
    });
  });
  const reply = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const tokenOk = (req: http.IncomingMessage) => {
    const expiry = fake.accessTokens.get(String(req.headers["access_token"] ?? ""));
    return expiry !== undefined && expiry >= Date.now();
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string, bytes: Buffer) {
    if (req.method === "GET" && /^\/img\/[\w-]+\.png$/.test(req.url ?? "")) {
      res.writeHead(200, { "content-type": "image/png", "content-length": TINY_PNG.length });
      return res.end(TINY_PNG);
    }
    if (req.method === "POST" && req.url === "/v2.0/oa/upload/image") {
      if (!tokenOk(req)) return reply(res, { error: -216, message: "Access token is invalid" });
      const file = multipartFile(String(req.headers["content-type"] ?? ""), bytes);
      const type = file && file.data[0] === 0x89 && file.data[1] === 0x50 ? "image/png" : file && file.data[0] === 0xff && file.data[1] === 0xd8 ? "image/jpeg" : null;
      if (!file || file.name !== "file" || !type || file.data.length > 1024 * 1024) return reply(res, { error: -201, message: "file is invalid" });
      const attachment_id = hexId(12);
      fake.uploads.set(attachment_id, { bytes: file.data.length, type });
      return reply(res, { error: 0, message: "Success", data: { attachment_id } });
    }
    if (req.method === "POST" && req.url === "/message/template") {
      if (!tokenOk(req)) return reply(res, { error: -124, message: "Access token is invalid" });
      const failure = failures.shift();
      if (failure) return reply(res, { error: failure.code, message: failure.message });
      const body = JSON.parse(raw) as { phone?: string; template_id?: string; template_data?: Record<string, string>; tracking_id?: string };
      if (!body.template_id || !fake.znsTemplates.has(body.template_id) || !/^84\d{9,10}$/.test(body.phone ?? "")) {
        return reply(res, { error: -201, message: "template or phone is invalid" });
      }
      fake.zns.push({ phone: body.phone!, templateId: body.template_id, data: body.template_data ?? {}, trackingId: body.tracking_id ?? "" });
      return reply(res, { error: 0, message: "Success", data: { msg_id: hexId(16), sent_time: String(Date.now()) } });
    }
    if (req.method === "POST" && req.url === "/v4/oa/access_token") {
      const form = new URLSearchParams(raw);
      const token = form.get("refresh_token") ?? "";
      if (req.headers["secret_key"] !== fake.appSecret || form.get("app_id") !== fake.appId || form.get("grant_type") !== "refresh_token") {
        return reply(res, { error: -14002, error_name: "Invalid app", error_description: "app_id or secret_key is invalid" });
      }
      if (!fake.liveRefreshTokens.delete(token)) {
        return reply(res, { error: -14014, error_name: "Invalid refresh token", error_description: "Refresh token is invalid or expired" });
      }
      const pair = { access_token: hexId(30), refresh_token: hexId(40) };
      fake.liveRefreshTokens.add(pair.refresh_token);
      fake.accessTokens.set(pair.access_token, Date.now() + (opts.expiresInSeconds ?? 90000) * 1000);
      fake.refreshes += 1;
      await opts.onIssued?.(pair);
      if (fake.dropNextRefreshAnswer) {
        fake.dropNextRefreshAnswer = false;
        req.socket.destroy();
        return;
      }
      return reply(res, { ...pair, expires_in: String(opts.expiresInSeconds ?? 90000) });
    }
    if (req.method === "POST" && req.url === "/v3.0/oa/message/cs") {
      if (!tokenOk(req)) return reply(res, { error: -216, message: "Access token is invalid" });
      const failure = failures.shift();
      if (failure) return reply(res, { error: failure.code, message: failure.message });
      let body: { recipient?: { user_id?: string }; message?: { text?: string; attachment?: { payload?: { buttons?: OaSent["buttons"]; elements?: Array<{ url?: string; attachment_id?: string }> } } } };
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(res, { error: -201, message: "Body is invalid" });
      }
      const userId = body.recipient?.user_id ?? "";
      const user = users.get(userId);
      if (!user) return reply(res, { error: -201, message: "user_id is invalid" });
      if (!user.following) return reply(res, { error: -213, message: "User has not followed OA" });
      if (Date.now() - user.lastInteraction > 7 * 24 * 3600_000) return reply(res, { error: -230, message: "User has not interacted with the OA in the past 7 days" });
      const m = body.message ?? {};
      const payload = m.attachment?.payload;
      const buttons = payload?.buttons;
      const imageUrl = payload?.elements?.[0]?.url;
      const attachmentId = payload?.elements?.[0]?.attachment_id;
      if (attachmentId !== undefined && !fake.uploads.has(attachmentId)) return reply(res, { error: -201, message: "attachment_id is invalid" });
      if (!imageUrl && !attachmentId && (typeof m.text !== "string" || m.text.length === 0 || m.text.length > 2000)) return reply(res, { error: -201, message: "text is invalid" });
      if (buttons && (buttons.length > 5 || buttons.some((b) => b.title.length > 100 || b.type !== "oa.query.show"))) {
        return reply(res, { error: -201, message: "buttons is invalid" });
      }
      const paid = Date.now() - user.lastInteraction > 48 * 3600_000;
      fake.sent.push({ userId, text: m.text, ...(buttons ? { buttons } : {}), ...(imageUrl ? { imageUrl } : {}), ...(attachmentId ? { attachmentId } : {}), ...(paid ? { paid: true as const } : {}) });
      return reply(res, { error: 0, message: "Success", data: { message_id: hexId(16), user_id: userId, sent_time: Date.now() } });
    }
    res.writeHead(404).end();
  }

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const oaId = digits(18);

  const message = (user: OaUser, event_name: string, message: Record<string, unknown>, timestamp = Date.now()) => {
    user.lastInteraction = Date.now();
    return { app_id: fake.appId, user_id_by_app: digits(18), event_name, timestamp: String(timestamp), sender: { id: user.id }, recipient: { id: oaId }, message };
  };

  return Object.assign(fake, {
    failNext(code: number, message = "scripted failure") {
      failures.push({ code, message });
    },
    user(id = digits(18)) {
      const u = { id, following: true, lastInteraction: Date.now() };
      users.set(id, u);
      return u;
    },
    sentTo: (userId: string) => fake.sent.filter((s) => s.userId === userId),
    textsTo: (userId: string) => fake.sent.filter((s) => s.userId === userId && s.text !== undefined).map((s) => s.text!),
    async post(url: string, event: Record<string, unknown>, o: { signature?: string; tamper?: (raw: string) => string } = {}) {
      const raw = JSON.stringify(event);
      const mac = createHash("sha256").update(`${String(event.app_id)}${raw}${String(event.timestamp)}${fake.secretKey}`).digest("hex");
      const res = await fetch(`${url}/webhook/zalo-oa`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-zevent-signature": o.signature ?? `mac=${mac}` },
        body: o.tamper ? o.tamper(raw) : raw, // tampered after signing: a man in the middle
      });
      await res.text();
      return res.status;
    },
    textEvent: (user: OaUser, text: string, o: { msgId?: string; timestamp?: number } = {}) =>
      message(user, "user_send_text", { msg_id: o.msgId ?? hexId(16), text }, o.timestamp),
    followEvent(user: OaUser, name: "follow" | "unfollow" = "follow") {
      user.following = name === "follow";
      user.lastInteraction = Date.now();
      return { app_id: fake.appId, user_id_by_app: digits(18), event_name: name, timestamp: String(Date.now()), oa_id: oaId, source: "oa_profile", follower: { id: user.id } };
    },
    imageEvent: (user: OaUser, url = "https://example.invalid/i.jpg") =>
      message(user, "user_send_image", { msg_id: hexId(16), attachments: [{ type: "image", payload: { thumbnail: url, url } }] }),
    async waitFor(predicate: () => boolean, o: { timeoutMs?: number; describe?: () => string } = {}) {
      const until = Date.now() + (o.timeoutMs ?? 10_000);
      while (!predicate()) {
        if (Date.now() > until) throw new Error(`timed out${o.describe ? `: ${o.describe()}` : ""}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }) as FakeOa;
}

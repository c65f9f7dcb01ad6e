// The real app with API keys configured, against the fake Telegram server; a registered household with a
// listing made through the chat; and a small HTTP client for the JSON APIs.
import { resolve } from "node:path";
import pino from "pino";
import { createApp, type App } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { FakeTelegram } from "../fakes/telegram-server.ts";
import { Chat, freePort, register, WEBHOOK_SECRET } from "./bot.ts";
import { TMP_DIR } from "./paths.ts";
import { CAPS_OFF_ENV } from "./caps.ts";

export const PARTNER_KEYS = {
  postmart: "pm_live_7f3K9qL2xV8nR4tY6wZ1aB5c",
  voso: "vs_live_Q4m8N2p6R0t3V7x9Z1b5D8f2",
} as const;

export const CARRIER_KEYS = {
  viettel_post: "vtp_9Hk2Lm4Np6Qr8St0Uv2Wx4Yz",
  vnpost: "vnp_3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs",
} as const;

const list = (keys: Record<string, string>) => Object.entries(keys).map(([name, key]) => `${name}:${key}`).join(",");

export type ApiApp = App & { url: string };

/** The app with partner and carrier keys; webhook mode lets several instances share one fake bot. */
export async function startApiApp(
  fake: FakeTelegram,
  databaseUrl: string,
  opts: { mode?: "polling" | "webhook"; env?: NodeJS.ProcessEnv } = {},
): Promise<ApiApp> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LOG_LEVEL: "silent",
    // Tests are scripts, not people: no rate limits here (test/rate-limit.e2e.test.ts checks them).
    RATE_LIMIT_FACTOR: "0",
    ...CAPS_OFF_ENV,
    MEDIA_DIR: resolve(TMP_DIR, `media-${port}`),
    PARTNER_API_KEYS: list(PARTNER_KEYS),
    CARRIER_API_KEYS: list(CARRIER_KEYS),
    ...opts.env,
  };
  if (opts.mode === "webhook") {
    env.PUBLIC_URL = `http://127.0.0.1:${port}`;
    env.TELEGRAM_WEBHOOK_SECRET = WEBHOOK_SECRET;
  }
  const app = createApp({ config: loadConfig(env), log: pino({ level: process.env.TEST_LOG ?? "silent" }), pollTimeoutSeconds: 1 });
  const url = await app.start();
  await app.channels.settled(); // connected (or failed once): the test drives the platform next
  return Object.assign(app, { url });
}

export interface Seller {
  chat: Chat;
  householdId: string;
  shopId: string;
  listingId: string;
}

/** A household registered in chat that lists something by one sentence ("ban 10 kg hoi kho 80k"). */
export async function sellerWithListing(app: App, fake: FakeTelegram, opts: { userId: number; phone: string; name?: string; sentence: string }): Promise<Seller> {
  const name = opts.name ?? "Hoàng Văn Sơn";
  const chat = new Chat(fake, { id: opts.userId, first_name: name, language_code: "vi" });
  await register(chat, { phone: opts.phone, name });
  await chat.send(opts.sentence, /🌿/);
  await chat.tap("✅ Đăng bán", /Bạn muốn làm gì/);
  const account = await app.db.channelAccount.findFirstOrThrow({
    where: { channel: "telegram", userKey: String(opts.userId) },
    include: { household: { include: { shop: { include: { listings: { orderBy: { createdAt: "desc" }, take: 1 } } } } } },
  });
  const shop = account.household!.shop!;
  return { chat, householdId: account.household!.id, shopId: shop.id, listingId: shop.listings[0].id };
}

/** "🛒 Đơn mới" messages the household received. */
export const newOrderNotices = (fake: FakeTelegram, userId: number) => fake.sentTexts(userId).filter((t) => t.startsWith("🛒 Đơn mới"));

export interface ApiResponse<T = any> {
  status: number;
  json: T;
  text: string;
  headers: Headers;
}

/** One HTTP call: `body` is sent as JSON, `raw` as is (with its own content type). */
export async function call<T = any>(
  base: string,
  path: string,
  opts: { method?: string; key?: string | null; idempotencyKey?: string; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.idempotencyKey !== undefined) headers["idempotency-key"] = opts.idempotencyKey;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers["content-type"] = opts.contentType ?? "application/json";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(new URL(path, base), { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  // Buffer keeps a byte order mark (res.text() would drop it).
  const text = Buffer.from(await res.arrayBuffer()).toString("utf8");
  let json: any = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV or empty
  }
  return { status: res.status, json: json as T, text, headers: res.headers };
}

/** A valid order body for a listing. */
export const orderFor = (listingId: string, quantity = 1, buyer: Partial<Record<"name" | "phone" | "address" | "area", unknown>> = {}) => ({
  listingId,
  quantity,
  buyer: { name: "Trần Thị Mai", phone: "0987 654 321", address: "Số 12 ngõ 34 Phố Huế, phường Hai Bà Trưng", area: "Hà Nội", ...buyer },
});

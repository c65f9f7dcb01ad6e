// The whole app as deployed (Telegram and Zalo by webhook or polling, partner and carrier keys, the
// product's own logger with every line kept in memory), for the tests of the public surfaces under
// abuse: the log scan and the fuzz test.
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { createApp, type App } from "../../src/app.ts";
import { configuredSecrets, loadConfig, type Config } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import type { FakeTelegram } from "../fakes/telegram-server.ts";
import type { FakeZalo } from "../fakes/zalo-server.ts";
import type { FakeOa } from "../fakes/zalo-oa-server.ts";
import { CARRIER_KEYS, PARTNER_KEYS } from "./api.ts";
import { freePort, WEBHOOK_SECRET } from "./bot.ts";
import { TMP_DIR } from "./paths.ts";
import { ZALO_WEBHOOK_SECRET } from "./zalo.ts";
import { CAPS_OFF_ENV } from "./caps.ts";

const list = (keys: Record<string, string>) => Object.entries(keys).map(([name, key]) => `${name}:${key}`).join(",");

export type SecApp = App & { url: string; config: Config; lines: string[] };

/**
 * The app with the product's logger (debug level) writing into `lines`. Telegram and Zalo are
 * configured when their fakes are given (the Zalo OA too, always by its webhook); `webhook` sets
 * PUBLIC_URL and both webhook secrets.
 */
export async function startSecApp(
  databaseUrl: string,
  opts: { telegram?: FakeTelegram; zalo?: FakeZalo; oa?: FakeOa; webhook?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<SecApp> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    LOG_LEVEL: "debug",
    MEDIA_DIR: resolve(TMP_DIR, `media-sec-${port}`),
    PARTNER_API_KEYS: list(PARTNER_KEYS),
    CARRIER_API_KEYS: list(CARRIER_KEYS),
    // scripts, not people: the limits are off unless a test sets them (rate-limit.e2e.test.ts)
    RATE_LIMIT_FACTOR: "0",
    ...CAPS_OFF_ENV,
    ...opts.env,
  };
  if (opts.telegram) Object.assign(env, { TELEGRAM_BOT_TOKEN: opts.telegram.token, TELEGRAM_API_ROOT: opts.telegram.apiRoot });
  if (opts.zalo) Object.assign(env, { ZALO_BOT_TOKEN: opts.zalo.token, ZALO_API_ROOT: opts.zalo.apiRoot });
  if (opts.oa) {
    const f = opts.oa;
    Object.assign(env, { ZALO_OA_APP_ID: f.appId, ZALO_OA_APP_SECRET: f.appSecret, ZALO_OA_SECRET_KEY: f.secretKey, ZALO_OA_REFRESH_TOKEN: f.firstRefreshToken });
    Object.assign(env, { ZALO_OA_API_ROOT: f.apiRoot, ZALO_OA_OAUTH_ROOT: f.apiRoot, ZALO_OA_ZNS_ROOT: f.apiRoot });
  }
  if (opts.webhook) Object.assign(env, { PUBLIC_URL: `http://127.0.0.1:${port}`, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, ZALO_WEBHOOK_SECRET });
  const config = loadConfig(env);
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: "debug", destination, secrets: configuredSecrets(config) });
  const app = createApp({ config, log, pollTimeoutSeconds: 1, zaloTiming: { baseDelayMs: 5, maxDelayMs: 40, requestTimeoutMs: 3_000 } });
  const url = await app.start();
  await app.channels.settled();
  return Object.assign(app, { url, config, lines });
}

/** Raw HTTP: any bytes, any content type; the status and the body as text. */
export async function send(
  base: string,
  path: string,
  opts: { method?: string; body?: string | Uint8Array; type?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.type) headers["content-type"] = opts.type;
  const res = await fetch(new URL(path, base), { method: opts.method ?? (opts.body === undefined ? "GET" : "POST"), headers, body: opts.body, redirect: "manual" });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A Telegram text update as the platform sends it. */
export const telegramText = (updateId: number, userId: number, text: string) => ({
  update_id: updateId,
  message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: "private" }, from: { id: userId, is_bot: false, first_name: "Lan" }, text },
});

/** A Zalo text update as the platform sends it (wrapped). */
export const zaloText = (messageId: string, userId: string, text: string) => ({
  ok: true,
  result: {
    event_name: "message.text.received",
    message: { from: { id: userId, display_name: "Lan", is_bot: false }, chat: { id: userId, chat_type: "PRIVATE" }, message_id: messageId, date: Date.now(), text },
  },
});

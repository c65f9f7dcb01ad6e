// Configuration comes only from the environment (and an optional `.env` file), validated once at start.
// Every problem is reported by name with what we expected, so a misconfigured deployment fails loudly
// and readably instead of half-working.
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { apiKeysField, CARRIER_KEY_NAMES, sharedKeys } from "./api-keys.ts";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .default("file:./data/cho-so.db")
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), "must start with file: (SQLite) or postgresql://"),
  PORT: z.coerce.number({ message: "must be a port number, e.g. 3000" }).int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  PROVINCE_CODE: z.string().regex(/^\d{2}$/, "must be a two-digit province code, e.g. 20 for Lang Son").default("20"),
  PUBLIC_URL: optionalString.pipe(z.url({ message: "must be a full URL like https://bot.example.vn" }).optional()),
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token (123456:ABC...)").optional(),
  ),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z a-z 0-9 _ -").optional(),
  ),
  ZALO_BOT_TOKEN: optionalString.pipe(
    z.string().regex(/^\d+:\S{8,}$/, "does not look like a Zalo bot token (digits:secret)").optional(),
  ),
  ZALO_API_ROOT: z.url().default("https://bot-api.zaloplatforms.com"),
  ZALO_WEBHOOK_SECRET: optionalString.pipe(
    // Zalo accepts 8-256 characters; printable ASCII without spaces keeps it a valid header value.
    z.string().regex(/^[\x21-\x7e]{8,256}$/, "must be 8-256 characters without spaces").optional(),
  ),
  /** Zalo Official Account (OA): active when ZALO_OA_APP_ID is set; the others are then required */
  ZALO_OA_APP_ID: optionalString.pipe(z.string().regex(/^\d{6,32}$/, "must be the app id (digits) from developers.zalo.me").optional()),
  /** the app's secret key ("Khóa bí mật của ứng dụng"): sent with every token refresh */
  ZALO_OA_APP_SECRET: optionalString.pipe(z.string().regex(/^[\x21-\x7e]{8,256}$/, "must be 8-256 characters without spaces").optional()),
  /** the OA secret key ("OA Secret Key", Webhook page): checks the X-ZEvent-Signature of webhooks */
  ZALO_OA_SECRET_KEY: optionalString.pipe(z.string().regex(/^[\x21-\x7e]{8,256}$/, "must be 8-256 characters without spaces").optional()),
  /** the first refresh token; used only while the database holds none (later ones are stored there) */
  ZALO_OA_REFRESH_TOKEN: optionalString.pipe(z.string().regex(/^[\x21-\x7e]{8,4096}$/, "must be the refresh token, without spaces").optional()),
  ZALO_OA_API_ROOT: z.url().default("https://openapi.zalo.me"),
  ZALO_OA_OAUTH_ROOT: z.url().default("https://oauth.zaloapp.com"),
  /** ZNS template id (digits, from the ZNS console) for "a new order for your shop", sent by phone to a
   * household outside the OA's 7-day messaging window; unset: the notice waits until the household writes */
  ZALO_OA_ZNS_NEW_ORDER_TEMPLATE_ID: optionalString.pipe(z.string().regex(/^\d{1,20}$/, "must be the ZNS template id (digits)").optional()),
  ZALO_OA_ZNS_ROOT: z.url().default("https://business.openapi.zalo.me"),
  /** where listing photos are stored (served on shop pages) */
  MEDIA_DIR: z.string().trim().min(1).default("./data/media"),
  /** broadcasts: API calls per second and burst, for the whole deployment (all instances together) */
  BROADCAST_TELEGRAM_RATE: z.coerce.number().min(0).default(25),
  BROADCAST_TELEGRAM_BURST: z.coerce.number().min(1).default(2),
  /** Zalo publishes no limit: start low, raise it once the bot has a record */
  BROADCAST_ZALO_RATE: z.coerce.number().min(0).default(2),
  BROADCAST_ZALO_BURST: z.coerce.number().min(1).default(1),
  /** the OA allows about 4,000 calls a minute per app; announcements take a modest share of it */
  BROADCAST_ZALO_OA_RATE: z.coerce.number().min(0).default(10),
  BROADCAST_ZALO_OA_BURST: z.coerce.number().min(1).default(2),
  /** broadcast sends in flight per channel */
  BROADCAST_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** how long an instance owns the outbox rows it took; a dead instance's rows are resent after this */
  BROADCAST_LEASE_SECONDS: z.coerce.number().min(1).default(60),
  /** an order nobody answered is reminded after this many minutes, and expires after the second */
  ORDER_REMIND_AFTER_MINUTES: z.coerce.number().int().min(1).default(180),
  ORDER_EXPIRE_AFTER_MINUTES: z.coerce.number().int().min(2).default(1440),
  /** unanswered orders one buyer phone may hold at one shop, and across all shops (issue 22) */
  ORDER_CAP_PER_SHOP: z.coerce.number().int().min(1).max(1000).default(3),
  ORDER_CAP_TOTAL: z.coerce.number().int().min(1).max(10000).default(10),
  /** the largest share of a listing's stock one unanswered order may hold (a buyer the household accepted before: no limit) */
  ORDER_MAX_SHARE_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** orders told one by one within 10 minutes before the next ones are grouped ("5 đơn mới") */
  ORDER_FLOOD_AFTER: z.coerce.number().int().min(1).max(1000).default(3),
  /** partner marketplaces allowed to POST /api/v1/orders: "postmart:key1,voso:key2" (keys >= 24 chars) */
  PARTNER_API_KEYS: apiKeysField(),
  /** carriers allowed to use the pickup API: "viettel_post:key1,vnpost:key2" (keys >= 24 chars) */
  CARRIER_API_KEYS: apiKeysField({ names: CARRIER_KEY_NAMES }),
  /** campaign dashboard: share of a commune's households that should have a shop and e-payment */
  CAMPAIGN_TARGET_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** a household's unrecognised message this many days after an announcement is forwarded to its officer */
  ANNOUNCEMENT_REPLY_DAYS: z.coerce.number().min(0).max(30).default(3),
  /** a platform that cannot be reached is retried with backoff up to this pause (other channels go on) */
  CHANNEL_RETRY_MAX_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
  /** a call made while connecting a channel (token check, webhook) is abandoned after this */
  CHANNEL_CONNECT_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
  /** how long an instance owns the replies it queued; a dead instance's replies are sent by another after this */
  OUTBOX_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** on SIGTERM/SIGINT: stop within this many seconds, or exit non-zero saying what was pending */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(10),
  /**
   * Behind a reverse proxy: the proxies whose X-Forwarded-For is believed, as addresses or CIDR ranges
   * ("127.0.0.1,10.0.0.0/8"), or a number of proxy hops. Unset: the client is the socket's address,
   * and a forwarded header, which anyone can send, is ignored.
   */
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .refine((v) => /^\d{1,2}$/.test(v) || v.split(",").every((p) => isIP(p.trim().split("/")[0]) !== 0), "must be addresses or CIDR ranges separated by commas, or a number of hops")
      .transform((v) => (/^\d{1,2}$/.test(v) ? Number(v) : v.split(",").map((p) => p.trim()).join(",")))
      .optional(),
  ),
  /** GET /metrics for callers with `Authorization: Bearer <token>`; unset: only from this machine */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /** multiplies every rate limit (2 allows twice as many requests); 0 turns rate limiting off */
  RATE_LIMIT_FACTOR: z.coerce.number().min(0).max(1000).default(1),
  /**
   * Where rate-limit counts live: "database" shares them between instances (one upsert per limited
   * request), "memory" keeps them per process. Unset: database on PostgreSQL (the several-instance
   * deployment), memory on SQLite (one instance).
   */
  RATE_LIMIT_STORE: z.enum(["memory", "database"]).optional(),
  /**
   * Viettel Post partner API (issue 21): with USERNAME and PASSWORD (a viettelpost.vn account) pickups are
   * quoted, booked and tracked through the API; WEBHOOK_SECRET is the "Secret parameters" value set for
   * the status webhook (PUBLIC_URL/webhook/carrier/viettel_post). Without them: the manual path.
   */
  VIETTEL_POST_USERNAME: optionalString,
  VIETTEL_POST_PASSWORD: optionalString,
  VIETTEL_POST_WEBHOOK_SECRET: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
  VIETTEL_POST_API_ROOT: z.url().default("https://partner.viettelpost.vn"),
  /** MyVNPost (Vietnam Post): account, customer (CMS) code and contract code; the webhook's RSA public key (PEM, "\n" allowed) */
  VNPOST_USERNAME: optionalString,
  VNPOST_PASSWORD: optionalString,
  VNPOST_CUSTOMER_CODE: optionalString,
  VNPOST_CONTRACT_CODE: optionalString,
  VNPOST_WEBHOOK_PUBLIC_KEY: optionalString.transform((v) => v?.replace(/\\n/g, "\n")),
  VNPOST_API_ROOT: z.url().default("https://connect-my.vnpost.vn"),
  /** a carrier API call is abandoned after this (a booking is then retried with the same reference) */
  CARRIER_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(10),
  /**
   * Bank notifications of money in (issue 21, docs/payments.md): SePay's webhook with "HMAC-SHA256" (the
   * secret it shows once) or "API Key" authentication, at PUBLIC_URL/webhook/bank/sepay; Casso's with
   * its checksum key (v2 signature) or, for old webhooks, its Secure-Token, at PUBLIC_URL/webhook/bank/casso.
   * Without them the route does not exist and payments stay confirmed by hand.
   */
  SEPAY_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  SEPAY_API_KEY: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  CASSO_CHECKSUM_KEY: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  CASSO_SECURE_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = ".env"): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Configuration problem (see .env.example):\n${lines.join("\n")}`);
  }
  const cfg = parsed.data;
  if (cfg.TELEGRAM_BOT_TOKEN && cfg.PUBLIC_URL && !cfg.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError(
      "Configuration problem (see .env.example):\n  - TELEGRAM_WEBHOOK_SECRET: required when PUBLIC_URL is set (webhook mode)",
    );
  }
  if (cfg.ZALO_BOT_TOKEN && cfg.PUBLIC_URL && !cfg.ZALO_WEBHOOK_SECRET) {
    throw new ConfigError(
      "Configuration problem (see .env.example):\n  - ZALO_WEBHOOK_SECRET: required when PUBLIC_URL is set (webhook mode)",
    );
  }
  if (cfg.ZALO_OA_APP_ID) {
    const missing = (["ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_OA_REFRESH_TOKEN"] as const).filter((k) => !cfg[k]);
    if (missing.length > 0) {
      throw new ConfigError(
        `Configuration problem (see .env.example):\n${missing.map((k) => `  - ${k}: required when ZALO_OA_APP_ID is set (Zalo Official Account)`).join("\n")}`,
      );
    }
  }
  const carrierGroups = [
    ["VIETTEL_POST_USERNAME", ["VIETTEL_POST_PASSWORD", "VIETTEL_POST_WEBHOOK_SECRET"]],
    ["VNPOST_USERNAME", ["VNPOST_PASSWORD", "VNPOST_CUSTOMER_CODE", "VNPOST_CONTRACT_CODE", "VNPOST_WEBHOOK_PUBLIC_KEY"]],
  ] as const;
  for (const [key, needed] of carrierGroups) {
    const missing = cfg[key] ? needed.filter((k) => !cfg[k]) : [];
    if (missing.length > 0) {
      throw new ConfigError(`Configuration problem (see .env.example):\n${missing.map((k) => `  - ${k}: required when ${key} is set`).join("\n")}`);
    }
  }
  const both = sharedKeys(cfg.PARTNER_API_KEYS, cfg.CARRIER_API_KEYS);
  if (both.length > 0) {
    throw new ConfigError(
      `Configuration problem (see .env.example):\n  - CARRIER_API_KEYS: a key of ${both.join(", ")} is also in PARTNER_API_KEYS; give each client its own key`,
    );
  }
  return cfg;
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** Every secret value of the configuration, for the logger to scrub from any line that might carry one. */
export function configuredSecrets(cfg: Config): string[] {
  const values = [cfg.TELEGRAM_BOT_TOKEN, cfg.TELEGRAM_WEBHOOK_SECRET, cfg.ZALO_BOT_TOKEN, cfg.ZALO_WEBHOOK_SECRET, cfg.METRICS_TOKEN];
  values.push(cfg.VIETTEL_POST_PASSWORD, cfg.VIETTEL_POST_WEBHOOK_SECRET, cfg.VNPOST_PASSWORD);
  values.push(cfg.ZALO_OA_APP_SECRET, cfg.ZALO_OA_SECRET_KEY, cfg.ZALO_OA_REFRESH_TOKEN);
  values.push(cfg.SEPAY_WEBHOOK_SECRET, cfg.SEPAY_API_KEY, cfg.CASSO_CHECKSUM_KEY, cfg.CASSO_SECURE_TOKEN);
  for (const k of [...cfg.PARTNER_API_KEYS, ...cfg.CARRIER_API_KEYS]) values.push(k.key);
  // A bot token's secret half alone is a secret too (URLs and errors may split it at the colon).
  for (const token of [cfg.TELEGRAM_BOT_TOKEN, cfg.ZALO_BOT_TOKEN]) if (token?.includes(":")) values.push(token.slice(token.indexOf(":") + 1));
  const url = cfg.DATABASE_URL.match(/^postgres(?:ql)?:\/\/[^:/@]*:([^@]+)@/);
  if (url) values.push(decodeURIComponent(url[1]));
  return values.filter((v): v is string => !!v);
}

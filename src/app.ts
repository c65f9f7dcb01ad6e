// Wires the parts together: database, engine, flows, HTTP server and channels. Used by `npm start`
// and by the end-to-end tests, which run the real thing against fake platform servers.
import type { FastifyInstance } from "fastify";
import { registry } from "../flows/index.ts";
import { TelegramChannel } from "./channels/telegram/channel.ts";
import { registerTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from "./channels/telegram/webhook.ts";
import type { ZaloTiming } from "./channels/zalo/client.ts";
import { ZaloChannel } from "./channels/zalo/channel.ts";
import { registerZaloWebhook, ZALO_WEBHOOK_PATH } from "./channels/zalo/webhook.ts";
import { BroadcastService, DEFAULT_BROADCAST_OPTIONS, type BroadcastOptions } from "./broadcast/service.ts";
import { TelegramBroadcastSender, ZaloBroadcastSender, type BroadcastSender } from "./broadcast/senders.ts";
import { isPostgresUrl, type Config } from "./config.ts";
import { createDb, type Db } from "./db/client.ts";
import { startMaintenance } from "./core/maintenance.ts";
import { MediaFetcher } from "./core/media.ts";
import { Notifier } from "./core/notify.ts";
import { OrderService, type OrderTiming } from "./core/order-service.ts";
import { Engine } from "./engine/engine.ts";
import { registerApi } from "./http/api/index.ts";
import { buildHttpServer } from "./http/server.ts";
import type { Logger } from "./log.ts";
import { registerWeb } from "./web/index.ts";
import { publicBaseUrl } from "./web/links.ts";

export interface App {
  db: Db;
  engine: Engine;
  http: FastifyInstance;
  telegram?: TelegramChannel;
  media: MediaFetcher;
  orders: OrderService;
  zalo?: ZaloChannel;
  /** announcements: scheduler and per-channel dispatchers */
  broadcasts: BroadcastService;
  /** starts HTTP and channels; returns the HTTP address */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  log: Logger;
  /** seconds getUpdates waits (tests use 1 so stopping is quick) */
  pollTimeoutSeconds?: number;
  /** Zalo request timeout and backoff (tests shorten them) */
  zaloTiming?: Partial<ZaloTiming>;
  /** broadcast timings and rates (tests shorten them); rates default to the BROADCAST_* settings */
  broadcast?: Partial<BroadcastOptions>;
  /** order reminder/expiry delays (tests shorten them) */
  orderTiming?: Partial<OrderTiming>;
}

export function createApp({ config, log, pollTimeoutSeconds, zaloTiming, broadcast, orderTiming }: AppOptions): App {
  const db = createDb(config.DATABASE_URL);
  const publicUrl = publicBaseUrl(config);
  const engine = new Engine({
    db,
    registry,
    log,
    provinceCode: config.PROVINCE_CODE,
    settings: {
      orderExpireAfterMs: orderTiming?.expireAfterMs ?? config.ORDER_EXPIRE_AFTER_MINUTES * 60_000,
      campaignTargetPercent: config.CAMPAIGN_TARGET_PERCENT,
      publicUrl,
    },
  });
  const http = buildHttpServer({ db, log });
  const media = new MediaFetcher(db, config.MEDIA_DIR, log);
  const orderService = new OrderService(db, new Notifier(db, engine), log, {
    remindAfterMs: config.ORDER_REMIND_AFTER_MINUTES * 60_000,
    expireAfterMs: config.ORDER_EXPIRE_AFTER_MINUTES * 60_000,
    ...orderTiming,
  });
  registerApi(http, {
    db,
    orders: orderService,
    log,
    partnerKeys: config.PARTNER_API_KEYS,
    carrierKeys: config.CARRIER_API_KEYS,
    publicUrl: config.PUBLIC_URL,
  });
  engine.onAfterTurn(() => media.kick());
  // Public pages; the web chat simulator only where no bot is connected (a fresh machine).
  registerWeb(http, {
    db,
    engine,
    orders: orderService,
    mediaDir: config.MEDIA_DIR,
    provinceCode: config.PROVINCE_CODE,
    chat: !config.TELEGRAM_BOT_TOKEN && !config.ZALO_BOT_TOKEN,
    targetPercent: config.CAMPAIGN_TARGET_PERCENT,
    secureCookies: config.PUBLIC_URL?.startsWith("https:") ?? false,
    publicUrl,
    log,
  });

  let telegram: TelegramChannel | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = new TelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      engine,
      log,
      pollTimeoutSeconds,
    });
    if (config.TELEGRAM_WEBHOOK_SECRET) registerTelegramWebhook(http, telegram, config.TELEGRAM_WEBHOOK_SECRET);
    const channel = telegram;
    media.register("telegram", (ref) => channel.downloadPhoto(ref));
  }

  let zalo: ZaloChannel | undefined;
  if (config.ZALO_BOT_TOKEN) {
    zalo = new ZaloChannel({
      token: config.ZALO_BOT_TOKEN,
      apiRoot: config.ZALO_API_ROOT,
      engine,
      log,
      pollTimeoutSeconds,
      timing: zaloTiming,
    });
    if (config.ZALO_WEBHOOK_SECRET) registerZaloWebhook(http, zalo, config.ZALO_WEBHOOK_SECRET);
    const channel = zalo;
    media.register("zalo", (url) => channel.downloadPhoto(url));
  }

  const broadcastSenders: BroadcastSender[] = [];
  if (config.TELEGRAM_BOT_TOKEN) broadcastSenders.push(new TelegramBroadcastSender(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT));
  if (config.ZALO_BOT_TOKEN) {
    const pause = broadcast?.zaloQuotaPauseMs ?? DEFAULT_BROADCAST_OPTIONS.zaloQuotaPauseMs;
    broadcastSenders.push(new ZaloBroadcastSender(config.ZALO_BOT_TOKEN, config.ZALO_API_ROOT, log.child({ channel: "zalo" }), pause));
  }
  const broadcasts = new BroadcastService(db, engine, log.child({ part: "broadcast" }), config.PROVINCE_CODE, broadcastSenders, isPostgresUrl(config.DATABASE_URL), {
    concurrency: config.BROADCAST_CONCURRENCY,
    leaseMs: config.BROADCAST_LEASE_SECONDS * 1000,
    ...broadcast,
    rates: {
      telegram: { rate: config.BROADCAST_TELEGRAM_RATE, burst: config.BROADCAST_TELEGRAM_BURST },
      zalo: { rate: config.BROADCAST_ZALO_RATE, burst: config.BROADCAST_ZALO_BURST },
      ...broadcast?.rates,
    },
  });
  engine.onAfterTurn(() => broadcasts.kick());

  let stopMaintenance = () => {};
  return {
    db,
    engine,
    http,
    telegram,
    media,
    orders: orderService,
    zalo,
    broadcasts,
    async start() {
      const address = await http.listen({ port: config.PORT, host: config.HOST });
      media.startTimer();
      orderService.startTimer();
      stopMaintenance = startMaintenance(db, log);
      if (telegram) {
        if (config.PUBLIC_URL && config.TELEGRAM_WEBHOOK_SECRET) {
          const url = new URL(TELEGRAM_WEBHOOK_PATH, config.PUBLIC_URL).toString();
          await telegram.setWebhook(url, config.TELEGRAM_WEBHOOK_SECRET);
        } else {
          await telegram.startPolling();
        }
      }
      if (zalo) {
        if (config.PUBLIC_URL && config.ZALO_WEBHOOK_SECRET) {
          await zalo.setWebhook(new URL(ZALO_WEBHOOK_PATH, config.PUBLIC_URL).toString(), config.ZALO_WEBHOOK_SECRET);
        } else {
          await zalo.startPolling();
        }
      }
      broadcasts.start();
      return address;
    },
    async stop() {
      await broadcasts.stop();
      await telegram?.stop();
      await zalo?.stop();
      await http.close();
      await engine.idle();
      media.stop();
      orderService.stop();
      stopMaintenance();
      await media.idle();
      await db.$disconnect();
    },
  };
}

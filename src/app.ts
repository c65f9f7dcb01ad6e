// Wires the parts together: database, engine, flows, HTTP server and channels. Used by `npm start`
// and by the end-to-end tests, which run the real thing against fake platform servers.
import type { FastifyInstance } from "fastify";
import { registry } from "../flows/index.ts";
import { TelegramChannel } from "./channels/telegram/channel.ts";
import { ChannelSupervisor, DEFAULT_SUPERVISOR_TIMING, type SupervisorTiming } from "./channels/supervisor.ts";
import type { ZaloTiming } from "./channels/zalo/client.ts";
import { ZaloChannel } from "./channels/zalo/channel.ts";
import { ZaloOaChannel } from "./channels/zalo-oa/channel.ts";
import { BroadcastService, DEFAULT_BROADCAST_OPTIONS, type BroadcastOptions } from "./broadcast/service.ts";
import { isPostgresUrl, type Config } from "./config.ts";
import { createDb, type Db } from "./db/client.ts";
import { migrationNames } from "./db/migrate.ts";
import { startMaintenance } from "./core/maintenance.ts";
import { MediaFetcher } from "./core/media.ts";
import { Notifier, type NotifyPort } from "./core/notify.ts";
import { DEFAULT_ORDER_CAPS, type OrderCaps } from "./core/order-caps.ts";
import { OrderService, type OrderTiming } from "./core/order-service.ts";
import { ShipmentService } from "./core/shipments.ts";
import { carriersFromConfig } from "./carriers/index.ts";
import { BuyerQuotes } from "./core/shipping-quotes.ts";
import { registerCarrierWebhooks } from "./http/carrier-webhook.ts";
import { registerBankWebhooks } from "./http/bank-webhook.ts";
import { BankTransferService } from "./core/bank-transfers.ts";
import type { DeliveryOptions } from "./engine/delivery.ts";
import { Engine } from "./engine/engine.ts";
import type { PendingMessage } from "./engine/outbox.ts";
import { registerApi } from "./http/api/index.ts";
import { createMetrics, registerMetrics } from "./http/metrics.ts";
import { rateLimits } from "./http/rate-limit.ts";
import { buildHttpServer } from "./http/server.ts";
import type { Logger } from "./log.ts";
import { registerWeb, webNotFound } from "./web/index.ts";
import { PriceBoardCache } from "./core/price-board.ts";
import { AlertMatcher } from "./broadcast/alerts.ts";
import { HarvestReminders } from "./broadcast/reminders.ts";
import { publicBaseUrl } from "./links.ts";
import { connectChannels } from "./app-channels.ts";

// After-turn work looks at the database (three workers, up to five statements a look): the first turn
// after a quiet moment kicks at once, a burst of turns at most this often. Photos (one statement) as
// before; a carrier quote the farmer waits for soon; the broadcast dispatcher (five statements, and its
// own timer) at most once a second.
const AFTER_TURN_EVERY_MS = 100;
const AFTER_TURN_SHIPMENTS_EVERY_MS = 250;
const AFTER_TURN_BROADCASTS_EVERY_MS = 1_000;
/** Listings that went live are matched against buyers' alerts at most this often (after turns, and on a timer). */
const ALERT_PASS_EVERY_MS = 2_000;
/** Harvest reminders are looked for this often (a season starts on a month's first day; hourly catches up). */
const REMINDER_PASS_EVERY_MS = 3_600_000;
const REMINDER_FIRST_PASS_MS = 60_000;

/** Calls `fn` at once, then at most once per `ms` (a call in between runs at the end of the wait). */
function atMostEvery(ms: number, fn: () => void): () => void {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
    timer.unref();
  };
}

export interface App {
  db: Db;
  engine: Engine;
  http: FastifyInstance;
  telegram?: TelegramChannel;
  media: MediaFetcher;
  orders: OrderService;
  /** carrier quotes, bookings, cancels and tracking webhooks (issue 21) */
  shipments: ShipmentService;
  /** transfers reported by SePay or Casso (issue 21 part 4) */
  bankTransfers: BankTransferService;
  zalo?: ZaloChannel;
  zaloOa?: ZaloOaChannel;
  /** each messaging channel's connection, retried on its own */
  channels: ChannelSupervisor;
  /** announcements: scheduler and per-channel dispatchers */
  broadcasts: BroadcastService;
  /** buyers' price alerts: live listings matched and queued for the dispatchers */
  alerts: AlertMatcher;
  /** harvest reminders at season starts */
  reminders: HarvestReminders;
  /** the province's price board kept in memory (the /gia pages, chat price answers) */
  priceBoard: PriceBoardCache;
  /**
   * Starts HTTP, the timers and the broadcast dispatcher, and starts connecting the channels in the
   * background (`channels.connected()` waits for them); returns the HTTP address.
   */
  start(): Promise<string>;
  /** Stops taking updates, lets turns in flight finish, closes HTTP and the database. */
  stop(): Promise<void>;
  /** While stopping: the parts not yet stopped (for the shutdown deadline's log line). */
  pendingStops(): string[];
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
  /** channel reconnection backoff (tests shorten it); the maximum defaults to CHANNEL_RETRY_MAX_SECONDS */
  channelRetry?: Partial<SupervisorTiming>;
  /** outbox delivery timings (tests shorten them) */
  delivery?: Partial<DeliveryOptions>;
  /** Zalo OA: refresh the access token when less than this is left (default 1 h) */
  zaloOaRefreshBeforeMs?: number;
}

export function createApp({ config, log, pollTimeoutSeconds, zaloTiming, broadcast, orderTiming, channelRetry, delivery, zaloOaRefreshBeforeMs }: AppOptions): App {
  const db = createDb(config.DATABASE_URL);
  const publicUrl = publicBaseUrl(config);
  const metrics = createMetrics(db);
  const carriers = carriersFromConfig(config);
  // The buyer's shipping fee before confirming (web form and chat), kept a few minutes per route and weight.
  const shippingQuotes = new BuyerQuotes(carriers, { log: log.child({ part: "shipping-quotes" }) });
  const orderCaps: OrderCaps = {
    ...DEFAULT_ORDER_CAPS,
    perShop: config.ORDER_CAP_PER_SHOP,
    total: config.ORDER_CAP_TOTAL,
    maxSharePercent: config.ORDER_MAX_SHARE_PERCENT,
    floodAfter: config.ORDER_FLOOD_AFTER,
  };
  // The province's price board, recomputed in the background (core/price-board.ts): the /gia pages and
  // chat price answers read it. (Its product list is asked of the engine's catalog when first needed.)
  const priceBoard: PriceBoardCache = new PriceBoardCache(db, { productIds: async (): Promise<string[]> => (await engine.catalog.get()).items.map((p) => p.id), log });
  const engine: Engine = new Engine({
    db,
    observer: metrics.observer,
    postgres: isPostgresUrl(config.DATABASE_URL),
    outboxLeaseMs: config.OUTBOX_LEASE_SECONDS * 1000,
    delivery,
    registry,
    log,
    provinceCode: config.PROVINCE_CODE,
    settings: {
      orderExpireAfterMs: orderTiming?.expireAfterMs ?? config.ORDER_EXPIRE_AFTER_MINUTES * 60_000,
      campaignTargetPercent: config.CAMPAIGN_TARGET_PERCENT,
      announcementReplyDays: config.ANNOUNCEMENT_REPLY_DAYS,
      publicUrl,
      carriers: Object.fromEntries([...carriers].map(([name, adapter]) => [name, adapter.mode])),
      orderCaps,
      shippingQuotes,
      priceBoard,
    },
  });
  const channels = new ChannelSupervisor(log.child({ part: "channels" }), {
    ...DEFAULT_SUPERVISOR_TIMING,
    maxDelayMs: config.CHANNEL_RETRY_MAX_SECONDS * 1000,
    ...channelRetry,
  });
  // /readyz: a channel the platform refused for good (a token) needs the operator; the OA says more.
  const readiness = () => {
    const checks: Record<string, { ok: boolean; problem?: string; detail?: string }> = {};
    for (const [name, s] of Object.entries(channels.status())) checks[name] = s.state === "failed" ? { ok: false, problem: s.lastError ?? "failed" } : { ok: true };
    if (zaloOa) checks.zalo_oa = zaloOa.readiness();
    return checks;
  };
  const http = buildHttpServer({ db, log, migrations: migrationNames(config.DATABASE_URL), details: () => ({ channels: channels.status() }), readiness, notFound: webNotFound, trustProxy: config.TRUST_PROXY });
  const sharedLimits = (config.RATE_LIMIT_STORE ?? (isPostgresUrl(config.DATABASE_URL) ? "database" : "memory")) === "database";
  const limits = rateLimits(http, config.RATE_LIMIT_FACTOR, sharedLimits ? db : undefined);
  registerMetrics(http, metrics, config.METRICS_TOKEN);
  const media = new MediaFetcher(db, config.MEDIA_DIR, log);
  // The domain's notices go into the engine's outbox with the change that causes them, and leave
  // through its delivery (a blocked chat is marked there).
  const notifyPort: NotifyPort = {
    reaches: (channel) => engine.hasChannel(channel),
    wording: (channel) => engine.wording(channel),
    queue: (tx, to, messages) => engine.queueIn(tx, to, messages),
    deliver: (queued) => engine.deliverQueued((queued as PendingMessage[][]).flat()),
  };
  const orderService = new OrderService(db, new Notifier(notifyPort), log, {
    remindAfterMs: config.ORDER_REMIND_AFTER_MINUTES * 60_000,
    expireAfterMs: config.ORDER_EXPIRE_AFTER_MINUTES * 60_000,
    ...orderTiming,
  }, orderCaps);
  const shipments = new ShipmentService(db, carriers, new Notifier(notifyPort), log.child({ part: "shipments" }), publicUrl);
  registerCarrierWebhooks(http, shipments, log.child({ part: "carrier-webhook" }));
  const bankTransfers = new BankTransferService(db, new Notifier(notifyPort), log.child({ part: "bank" }));
  registerBankWebhooks(
    http,
    bankTransfers,
    {
      sepay: { secret: config.SEPAY_WEBHOOK_SECRET, apiKey: config.SEPAY_API_KEY },
      casso: { checksumKey: config.CASSO_CHECKSUM_KEY, secureToken: config.CASSO_SECURE_TOKEN },
    },
    log.child({ part: "bank-webhook" }),
  );
  // A turn may have asked for a quote, a booking or a cancel: the carrier is called after its commit.
  engine.onAfterTurn(atMostEvery(AFTER_TURN_SHIPMENTS_EVERY_MS, () => shipments.kick()));
  registerApi(http, {
    db,
    orders: orderService,
    log,
    partnerKeys: config.PARTNER_API_KEYS,
    carrierKeys: config.CARRIER_API_KEYS,
    publicUrl: config.PUBLIC_URL,
    limits,
  });
  // After-turn work looks at the database: at most every AFTER_TURN_EVERY_MS, not once per turn (a burst
  // of turns would otherwise add a query per turn on SQLite's one writer).
  engine.onAfterTurn(atMostEvery(AFTER_TURN_EVERY_MS, () => media.kick()));
  // Public pages; the web chat simulator only where no bot is connected (a fresh machine).
  registerWeb(http, {
    priceBoard,
    db,
    engine,
    orders: orderService,
    mediaDir: config.MEDIA_DIR,
    provinceCode: config.PROVINCE_CODE,
    chat: !config.TELEGRAM_BOT_TOKEN && !config.ZALO_BOT_TOKEN && !config.ZALO_OA_APP_ID,
    targetPercent: config.CAMPAIGN_TARGET_PERCENT,
    secureCookies: config.PUBLIC_URL?.startsWith("https:") ?? false,
    publicUrl,
    log,
    limits,
    shippingQuotes,
    carriers,
  });

  const { telegram, zalo, zaloOa, broadcastSenders } = connectChannels({ config, log, db, http, engine, media, channels, limits, pollTimeoutSeconds, zaloTiming, zaloOaRefreshBeforeMs, zaloQuotaPauseMs: broadcast?.zaloQuotaPauseMs });
  const broadcasts = new BroadcastService(db, engine, log.child({ part: "broadcast" }), config.PROVINCE_CODE, broadcastSenders, isPostgresUrl(config.DATABASE_URL), {
    concurrency: config.BROADCAST_CONCURRENCY,
    leaseMs: config.BROADCAST_LEASE_SECONDS * 1000,
    ...broadcast,
    rates: {
      telegram: { rate: config.BROADCAST_TELEGRAM_RATE, burst: config.BROADCAST_TELEGRAM_BURST },
      zalo: { rate: config.BROADCAST_ZALO_RATE, burst: config.BROADCAST_ZALO_BURST },
      zalo_oa: { rate: config.BROADCAST_ZALO_OA_RATE, burst: config.BROADCAST_ZALO_OA_BURST },
      ...broadcast?.rates,
    },
  });
  // Buyers' price alerts: listings that went live, matched and queued for the dispatcher above.
  const alerts = new AlertMatcher(db, {
    channels: broadcastSenders.map((s) => s.channel),
    publicUrl,
    queued: () => broadcasts.kick(),
    log: log.child({ part: "alerts" }),
  });
  engine.onAfterTurn(atMostEvery(AFTER_TURN_BROADCASTS_EVERY_MS, () => broadcasts.kick()));
  engine.onAfterTurn(atMostEvery(ALERT_PASS_EVERY_MS, () => alerts.pass.kick()));
  // Harvest reminders at each product's season start, once per season per household.
  const reminders = new HarvestReminders(db, {
    channels: broadcastSenders.map((s) => s.channel),
    publicUrl,
    catalog: () => engine.catalog.get(),
    queued: () => broadcasts.kick(),
    log: log.child({ part: "reminders" }),
  });

  let stopMaintenance = () => {};
  let firstReminders: NodeJS.Timeout | undefined;
  const pending = new Set<string>();
  /** Runs one part of the shutdown, remembered as pending until it is done. */
  const stopping = async (name: string, work: () => Promise<unknown> | unknown) => {
    pending.add(name);
    try {
      await work();
    } catch (err) {
      log.error({ err, part: name }, "stopping failed");
    } finally {
      pending.delete(name);
    }
  };
  return {
    db,
    engine,
    http,
    telegram,
    media,
    orders: orderService,
    shipments,
    bankTransfers,
    zalo,
    zaloOa,
    channels,
    broadcasts,
    alerts,
    reminders,
    priceBoard,
    async start() {
      const address = await http.listen({ port: config.PORT, host: config.HOST });
      media.startTimer();
      orderService.startTimer();
      shipments.startTimer();
      // One process on SQLite: what the previous run was doing with a carrier is taken up at once.
      if (!isPostgresUrl(config.DATABASE_URL)) await shipments.reclaim();
      shipments.kick();
      stopMaintenance = startMaintenance(db, log);
      // Leftover messages wait for their channel's first connection: a token refused at start must
      // not be used to send them (they stay in the outbox for a start with a good token).
      engine.startDelivery((name) => channels.deliverable(name));
      channels.onFirstOutcome(() => engine.sweepOutboxNow());
      channels.start();
      broadcasts.start();
      priceBoard.start();
      alerts.pass.startTimer(ALERT_PASS_EVERY_MS);
      reminders.pass.startTimer(REMINDER_PASS_EVERY_MS);
      // A first look a minute after start (an instance restarted more often than hourly still sends them).
      firstReminders = setTimeout(() => reminders.pass.kick(), REMINDER_FIRST_PASS_MS);
      firstReminders.unref();
      return address;
    },
    async stop() {
      // 1. No new updates: long polls abandoned, webhooks refused (HTTP stops accepting); sends of
      //    broadcasts in flight are recorded.
      await Promise.all([
        stopping("channels", () => channels.stop()),
        stopping("broadcasts", () => broadcasts.stop()),
        stopping("http", () => http.close()),
      ]);
      // 2. Turns already taken finish (committed, replies in the outbox); replies are sent for a
      //    moment, and what is left waits in the outbox for the next start.
      await stopping("turns in flight", () => engine.turnsDone());
      await stopping("replies", () => engine.stopDelivery(Math.max(1000, config.SHUTDOWN_TIMEOUT_SECONDS * 300)));
      // 3. Background work, then the database.
      media.stop();
      const orderClock = orderService.stop();
      shipments.stop();
      const board = priceBoard.stop();
      const matching = alerts.pass.stop();
      clearTimeout(firstReminders);
      const reminding = reminders.pass.stop();
      stopMaintenance();
      await stopping("order reminders", () => orderClock);
      await stopping("photo downloads", () => media.idle());
      await stopping("carrier calls", () => shipments.idle());
      await stopping("price board", () => board);
      await stopping("price alerts", () => matching);
      await stopping("harvest reminders", () => reminding);
      await stopping("database", () => db.$disconnect());
    },
    pendingStops: () => [...pending],
  };
}

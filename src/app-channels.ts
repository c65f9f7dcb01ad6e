// The messaging channels of an app: each one built from its settings, its webhook route registered
// when it has a secret, its photos fetched through it, and its sender for announcements. Split from
// app.ts (which wires everything else) so each file stays about one thing.
import type { FastifyInstance } from "fastify";
import { TelegramBroadcastSender, ZaloBroadcastSender, type BroadcastSender } from "./broadcast/senders.ts";
import { DEFAULT_BROADCAST_OPTIONS } from "./broadcast/service.ts";
import { singlePoller } from "./channels/single-poller.ts";
import type { ChannelSupervisor, SupervisedChannel } from "./channels/supervisor.ts";
import { TelegramChannel } from "./channels/telegram/channel.ts";
import { registerTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from "./channels/telegram/webhook.ts";
import { ZaloChannel } from "./channels/zalo/channel.ts";
import type { ZaloTiming } from "./channels/zalo/client.ts";
import { registerZaloWebhook, ZALO_WEBHOOK_PATH } from "./channels/zalo/webhook.ts";
import { OaBroadcastSender } from "./channels/zalo-oa/broadcast.ts";
import { ZaloOaChannel } from "./channels/zalo-oa/channel.ts";
import { imageBytes } from "./channels/zalo-oa/images.ts";
import { registerZaloOaWebhook } from "./channels/zalo-oa/webhook.ts";
import { isPostgresUrl, type Config } from "./config.ts";
import type { MediaFetcher } from "./core/media.ts";
import type { Db } from "./db/client.ts";
import type { Engine } from "./engine/engine.ts";
import type { RateLimits } from "./http/rate-limit.ts";
import type { Logger } from "./log.ts";

export interface ChannelParts {
  config: Config;
  log: Logger;
  db: Db;
  http: FastifyInstance;
  engine: Engine;
  media: MediaFetcher;
  channels: ChannelSupervisor;
  limits: RateLimits;
  pollTimeoutSeconds?: number;
  zaloTiming?: Partial<ZaloTiming>;
  zaloOaRefreshBeforeMs?: number;
  zaloQuotaPauseMs?: number;
}

export interface ConnectedChannels {
  telegram?: TelegramChannel;
  zalo?: ZaloChannel;
  zaloOa?: ZaloOaChannel;
  broadcastSenders: BroadcastSender[];
}

export function connectChannels({ config, log, db, http, engine, media, channels, limits, pollTimeoutSeconds, zaloTiming, zaloOaRefreshBeforeMs, zaloQuotaPauseMs }: ChannelParts): ConnectedChannels {
  // Each channel connects on its own (see channels/supervisor.ts): an unreachable Telegram (blocked in
  // Vietnam) never holds up Zalo, the web pages or the broadcasts.
  const webhookAt = (path: string, secret: string | undefined) =>
    config.PUBLIC_URL && secret ? { url: new URL(path, config.PUBLIC_URL).toString(), secret } : undefined;
  const connectTimeoutSeconds = config.CHANNEL_CONNECT_TIMEOUT_SECONDS;
  // Several instances on PostgreSQL: one of them long-polls each bot, the others stand by.
  const supervise = (channel: SupervisedChannel, token: string, webhook: boolean) =>
    channels.add(
      isPostgresUrl(config.DATABASE_URL) && !webhook
        ? singlePoller(channel, { databaseUrl: config.DATABASE_URL, key: `poll:${channel.name}:${token.slice(0, token.indexOf(":"))}` })
        : channel,
    );

  let telegram: TelegramChannel | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    const webhook = webhookAt(TELEGRAM_WEBHOOK_PATH, config.TELEGRAM_WEBHOOK_SECRET);
    const channel = new TelegramChannel({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, engine, log, pollTimeoutSeconds, connectTimeoutSeconds, webhook });
    if (config.TELEGRAM_WEBHOOK_SECRET) registerTelegramWebhook(http, channel, config.TELEGRAM_WEBHOOK_SECRET, limits);
    media.register("telegram", (ref) => channel.downloadPhoto(ref));
    supervise(channel, config.TELEGRAM_BOT_TOKEN, !!webhook);
    telegram = channel;
  }

  let zalo: ZaloChannel | undefined;
  if (config.ZALO_BOT_TOKEN) {
    const webhook = webhookAt(ZALO_WEBHOOK_PATH, config.ZALO_WEBHOOK_SECRET);
    const channel = new ZaloChannel({ token: config.ZALO_BOT_TOKEN, apiRoot: config.ZALO_API_ROOT, engine, log, pollTimeoutSeconds, timing: zaloTiming, connectTimeoutSeconds, webhook });
    if (config.ZALO_WEBHOOK_SECRET) registerZaloWebhook(http, channel, config.ZALO_WEBHOOK_SECRET, limits);
    media.register("zalo", (url) => channel.downloadPhoto(url));
    supervise(channel, config.ZALO_BOT_TOKEN, !!webhook);
    zalo = channel;
  }

  let zaloOa: ZaloOaChannel | undefined;
  if (config.ZALO_OA_APP_ID && config.ZALO_OA_APP_SECRET && config.ZALO_OA_SECRET_KEY && config.ZALO_OA_REFRESH_TOKEN) {
    zaloOa = new ZaloOaChannel({
      appId: config.ZALO_OA_APP_ID,
      appSecret: config.ZALO_OA_APP_SECRET,
      firstRefreshToken: config.ZALO_OA_REFRESH_TOKEN,
      apiRoot: config.ZALO_OA_API_ROOT,
      oauthRoot: config.ZALO_OA_OAUTH_ROOT,
      engine,
      db,
      log,
      refreshBeforeMs: zaloOaRefreshBeforeMs,
      znsRoot: config.ZALO_OA_ZNS_ROOT,
      zns: { newOrderTemplateId: config.ZALO_OA_ZNS_NEW_ORDER_TEMPLATE_ID },
    });
    registerZaloOaWebhook(http, zaloOa, { appId: config.ZALO_OA_APP_ID, secretKey: config.ZALO_OA_SECRET_KEY }, limits);
    media.register("zalo_oa", (url) => imageBytes(url));
    channels.add(zaloOa);
  }

  // Each channel's sender for announcements (the broadcast dispatcher paces them per channel).
  const broadcastSenders: BroadcastSender[] = [];
  if (config.TELEGRAM_BOT_TOKEN) broadcastSenders.push(new TelegramBroadcastSender(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT));
  if (config.ZALO_BOT_TOKEN) {
    const pause = zaloQuotaPauseMs ?? DEFAULT_BROADCAST_OPTIONS.zaloQuotaPauseMs;
    const chat = zalo;
    broadcastSenders.push(new ZaloBroadcastSender(config.ZALO_BOT_TOKEN, config.ZALO_API_ROOT, log.child({ channel: "zalo" }), pause, () => chat?.stopped ?? false));
  }
  if (zaloOa) {
    const oa = zaloOa;
    broadcastSenders.push(new OaBroadcastSender(oa.client, log.child({ channel: "zalo_oa" }), () => oa.stopped));
  }
  return { telegram, zalo, zaloOa, broadcastSenders };
}

// Wires the parts together: database, engine, flows, HTTP server and channels. Used by `npm start`
// and by the end-to-end tests, which run the real thing against fake platform servers.
import type { FastifyInstance } from "fastify";
import { registry } from "../flows/index.ts";
import { TelegramChannel } from "./channels/telegram/channel.ts";
import { registerTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from "./channels/telegram/webhook.ts";
import type { Config } from "./config.ts";
import { createDb, type Db } from "./db/client.ts";
import { Engine } from "./engine/engine.ts";
import { buildHttpServer } from "./http/server.ts";
import type { Logger } from "./log.ts";

export interface App {
  db: Db;
  engine: Engine;
  http: FastifyInstance;
  telegram?: TelegramChannel;
  /** starts HTTP and channels; returns the HTTP address */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  log: Logger;
  /** seconds getUpdates waits (tests use 1 so stopping is quick) */
  pollTimeoutSeconds?: number;
}

export function createApp({ config, log, pollTimeoutSeconds }: AppOptions): App {
  const db = createDb(config.DATABASE_URL);
  const engine = new Engine({ db, registry, log, provinceCode: config.PROVINCE_CODE });
  const http = buildHttpServer({ db, log });

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
  }

  return {
    db,
    engine,
    http,
    telegram,
    async start() {
      const address = await http.listen({ port: config.PORT, host: config.HOST });
      if (telegram) {
        if (config.PUBLIC_URL && config.TELEGRAM_WEBHOOK_SECRET) {
          const url = new URL(TELEGRAM_WEBHOOK_PATH, config.PUBLIC_URL).toString();
          await telegram.setWebhook(url, config.TELEGRAM_WEBHOOK_SECRET);
        } else {
          await telegram.startPolling();
        }
      }
      return address;
    },
    async stop() {
      await telegram?.stop();
      await http.close();
      await engine.idle();
      await db.$disconnect();
    },
  };
}

// `npm start`: migrate the database, then run the HTTP server and every configured channel.
import "./timezone.ts";
import { createApp } from "./app.ts";
import { ConfigError, configuredSecrets, loadConfig } from "./config.ts";
import { migrate } from "./db/migrate.ts";
import { tFor } from "./i18n/index.ts";
import { createLogger } from "./log.ts";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger({ level: config.LOG_LEVEL, secrets: configuredSecrets(config) });
  await migrate(config.DATABASE_URL);
  const app = createApp({ config, log });
  const address = await app.start();
  // Channels connect in the background; each logs when it connects or cannot (and keeps retrying).
  const channels = Object.fromEntries(Object.entries(app.channels.status()).map(([name, s]) => [name, s.state]));
  log.info({ url: address, channels }, `service running at ${address}; channels: ${Object.keys(channels).join(", ") || "none"}`);
  if (!config.TELEGRAM_BOT_TOKEN && !config.ZALO_BOT_TOKEN) {
    console.log(
      [
        "",
        `${tFor("vi")("common:startupNoToken")}`,
        `${tFor("vi")("web:startupChat", { url: `${address}/chat` })}`,
        `No bot token is set (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN), so only the HTTP server is running at ${address}`,
        `(health check: /healthz). To talk to the bot right now, open ${address}/chat in a browser, or run`,
        "`npm run chat` in another terminal: both hold the same conversation as Telegram. To connect Telegram,",
        "copy .env.example to .env and put your token from @BotFather there (or ZALO_BOT_TOKEN for Zalo).",
        "",
      ].join("\n"),
    );
  }
  // Stop on time: a supervisor (systemd, Kubernetes) waits a while, then kills. Past the deadline
  // the process exits non-zero and names what was still pending.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadlineSeconds = config.SHUTDOWN_TIMEOUT_SECONDS;
    log.info({ signal, deadlineSeconds }, "stopping");
    setTimeout(() => {
      log.error({ pending: app.pendingStops() }, `shutdown deadline (${deadlineSeconds} s) passed; exiting with parts still pending`);
      process.exit(1);
    }, deadlineSeconds * 1000);
    await app.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e) => {
  console.error("The bot could not start:", e instanceof Error ? e.message : e);
  process.exit(1);
});

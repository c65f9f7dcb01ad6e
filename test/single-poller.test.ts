// One long poller per bot across instances on PostgreSQL (src/channels/single-poller.ts): of two
// instances polling the same bot, one takes the updates and the other stands by (no 409 from the
// platform); when the poller goes, or loses its database session, the other takes over and answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, freePort, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import pino from "pino";
import pg from "pg";

const testDb = useTestDatabase();

describe.skipIf(!usePostgres)("two instances polling one bot", () => {
  let tg: FakeTelegram;
  const apps: App[] = [];

  async function start(): Promise<App> {
    const config = loadConfig({ DATABASE_URL: testDb.url, PORT: String(await freePort()), TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, RATE_LIMIT_FACTOR: "0" });
    const app = createApp({ config, log: pino({ level: "silent" }), pollTimeoutSeconds: 1, channelRetry: { baseDelayMs: 20, maxDelayMs: 200, standbyRetryMs: 150 } });
    await app.start();
    await app.channels.settled();
    apps.push(app);
    return app;
  }
  const state = (app: App) => app.channels.status().telegram.state;
  async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`not in time: ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    tg = await startFakeBotApi();
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await tg?.close();
  });

  it("one polls, one stands by, and the other takes over when the poller stops or loses its session", async () => {
    const first = await start();
    await until("first connected", () => state(first) === "connected");
    const second = await start();
    expect(state(second)).toBe("standby");
    const conflictsBefore = tg.callsTo("getUpdates").filter((c) => c.status === 409).length;

    const chat = new Chat(tg, { id: 7_200_001, first_name: "Lan", language_code: "vi" });
    await chat.send("/start", /./);
    expect(tg.callsTo("getUpdates").filter((c) => c.status === 409).length).toBe(conflictsBefore);
    expect(state(second)).toBe("standby");

    // the poller's database session dies (as when its machine goes): it stops polling, the other takes over
    const admin = new pg.Client({ connectionString: testDb.url });
    await admin.connect();
    try {
      // the session holding the poll lock, whatever it ran last (its heartbeat, or the lock itself)
      const { rowCount } = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      expect(rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await until("second takes over", () => state(second) === "connected");
    await until("first stands by", () => state(first) === "standby");
    const replies = tg.sent(7_200_001).length;
    await chat.send("huy", /./);
    expect(tg.sent(7_200_001).length).toBeGreaterThan(replies);

    // the poller stops: the one standing by takes over
    await second.stop();
    apps.splice(apps.indexOf(second), 1);
    await until("first takes over again", () => state(first) === "connected");
    await chat.send("/start", /./);
  });
});

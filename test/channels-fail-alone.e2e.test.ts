// Channels fail alone, with real processes: the README's run command (`node --import tsx src/main.ts`)
// against loopback fakes, one platform unreachable (a closed port, or a server that accepts and never
// answers) while the other works. The working channel answers at once, the other is retried in the
// background and answers once its API comes up, and SIGTERM ends the whole process on time.
import type { ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { FakeTelegram, type SimUser } from "./fakes/telegram-server.ts";
import { FakeZalo, hexId } from "./fakes/zalo-server.ts";
import { freePort, startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { killLeftovers, spawnBot } from "./support/process.ts";
import { TMP_DIR } from "./support/paths.ts";
import { memoryLogger, newZaloUser } from "./support/zalo.ts";

const testDb = useTestDatabase();
const SHUTDOWN_SECONDS = 10;
/** Generous: a process start compiles the sources, and CI machines are busy. */
const SLOW = { timeoutMs: 30_000 };

interface Health {
  ok: boolean;
  channels: Record<string, { state: string; lastError?: string; failures: number }>;
}

interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** One `node --import tsx src/main.ts` process, its log lines (JSON) and its exit. */
class BotProcess {
  readonly lines: LogLine[] = [];
  output = "";
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exit = new Promise((r) => {
      if (child.exitCode !== null || child.signalCode !== null) r({ code: child.exitCode, signal: child.signalCode });
      else child.once("exit", (code, signal) => r({ code, signal }));
    });
    const onData = (chunk: Buffer) => {
      this.output += chunk.toString();
      const lines = this.output.split("\n");
      this.output = lines.pop() ?? "";
      for (const line of lines) {
        this.all.push(line);
        if (line.startsWith("{")) this.lines.push(JSON.parse(line) as LogLine);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => this.all.push(chunk.toString()));
  }

  /** every line the process wrote, JSON or not (to check that no secret is ever printed) */
  readonly all: string[] = [];

  static async start(env: Record<string, string>): Promise<BotProcess> {
    const { child, port } = await spawnBot(
      {
        DATABASE_URL: testDb.url,
        LOG_LEVEL: "info",
        CHANNEL_RETRY_MAX_SECONDS: "0.5",
        CHANNEL_CONNECT_TIMEOUT_SECONDS: "1",
        SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_SECONDS),
        ...env,
      },
      { output: true },
    );
    const bot = new BotProcess(child, `http://127.0.0.1:${port}`);
    await bot.waitForLog(/service running/);
    return bot;
  }

  async waitForLog(pattern: RegExp): Promise<LogLine> {
    const deadline = Date.now() + SLOW.timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => pattern.test(l.msg ?? ""));
      if (line) return line;
      if (this.child.exitCode !== null) throw new Error(`the bot exited (${this.child.exitCode}):\n${this.all.join("\n")}`);
      if (Date.now() > deadline) throw new Error(`no log line ${pattern} in:\n${this.all.join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  logged(pattern: RegExp): LogLine[] {
    return this.lines.filter((l) => pattern.test(l.msg ?? ""));
  }

  async health(): Promise<Health> {
    return (await (await fetch(`${this.url}/healthz`)).json()) as Health;
  }

  /** Polls /healthz until `check` holds. */
  async waitForHealth(check: (h: Awaited<ReturnType<BotProcess["health"]>>) => boolean): Promise<void> {
    const deadline = Date.now() + SLOW.timeoutMs;
    let last: unknown;
    for (;;) {
      const h = await this.health();
      if (check(h)) return;
      last = h;
      if (Date.now() > deadline) throw new Error(`health never matched; last: ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * SIGTERM, then the exit. The process enforces its own deadline (exit 1 past it), so exit code 0 says
   * it stopped on time; the wait here is only a backstop, a little longer than that deadline.
   */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill("SIGTERM");
    const backstop = new Promise<"hung">((r) => setTimeout(() => r("hung"), (SHUTDOWN_SECONDS + 10) * 1000).unref());
    const result = await Promise.race([this.exit, backstop]);
    if (result === "hung") throw new Error(`still running ${SHUTDOWN_SECONDS + 10} s after SIGTERM:\n${this.all.join("\n")}`);
    if (result.code !== 0) console.error(`exit ${result.code} after SIGTERM; the log's end:\n${this.all.slice(-15).join("\n")}`);
    return result;
  }
}

const servers: Array<{ close(): Promise<unknown> | void }> = [];

afterEach(async () => {
  killLeftovers();
  for (const s of servers.splice(0)) await s.close();
});

/** A server that accepts connections and never answers (a black-holed API). */
async function silentServer(port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  const handle = {
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  servers.push(handle);
  return handle;
}

const telegramUser = (): SimUser => ({ id: 800_000_000 + Math.floor(Math.random() * 100_000_000), first_name: "Hoa", language_code: "vi" });
const fakeTelegram = () => new FakeTelegram({ token: `${7_200_000_000 + Math.floor(Math.random() * 700_000_000)}:AAH-fake-token-for-tests_${hexId()}` });
const secretOf = (token: string) => token.split(":")[1];

async function upLater<T extends { listen(port: number): Promise<void>; close(): Promise<unknown> }>(fake: T, port: number): Promise<T> {
  await fake.listen(port);
  servers.push(fake);
  return fake;
}

describe("Telegram unreachable while Zalo works", () => {
  for (const how of ["a closed port", "a server that never answers"] as const) {
    it(`(${how}): Zalo answers at once, Telegram answers once its API is up, SIGTERM stops on time`, async () => {
      const zalo = await upLater(new FakeZalo(), 0);
      const telegram = fakeTelegram();
      const telegramPort = await freePort();
      const blackhole = how === "a closed port" ? undefined : await silentServer(telegramPort);
      const bot = await BotProcess.start({
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${telegramPort}`,
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.apiRoot,
      });

      // A Zalo farmer is answered while Telegram is still out of reach.
      const farmer = newZaloUser();
      await zalo.sendText(farmer, "/start");
      await zalo.waitForMessages(farmer.id, 1, SLOW);
      const expectedError = how === "a closed port" ? "unreachable" : "timeout";
      await bot.waitForHealth((h) => h.channels.telegram.state === "retrying" && h.channels.telegram.failures >= 3);
      const health = await bot.health();
      expect(health.ok).toBe(true);
      expect(health.channels.zalo.state).toBe("connected");
      expect(health.channels.telegram).toMatchObject({ state: "retrying", lastError: expectedError });

      // Said once, clearly, however often it was retried; never the token.
      const trouble = bot.logged(/^Telegram: /).filter((l) => l.level === 40);
      expect(trouble).toHaveLength(1);
      expect(trouble[0].msg).toMatch(new RegExp(`Telegram: (cannot reach|no answer in time from) 127\\.0\\.0\\.1:${telegramPort}; retrying in the background`));
      expect(trouble[0]).toMatchObject({ channel: "telegram", error: expectedError });

      // The API comes up: Telegram users are answered without a restart.
      await blackhole?.close();
      await upLater(telegram, telegramPort);
      await bot.waitForLog(/^Telegram: connected again/);
      const buyer = telegramUser();
      await telegram.sendText(buyer, "/start");
      await telegram.waitForMessages(buyer.id, 1, SLOW);

      expect(await bot.terminate()).toEqual({ code: 0, signal: null });
      expect(bot.logged(/^stopped$/)).toHaveLength(1);
      const everything = bot.all.join("\n");
      expect(everything).not.toContain(secretOf(telegram.token));
      expect(everything).not.toContain(secretOf(zalo.token));
    }, 90_000);
  }

  it("SIGTERM while Telegram still hangs: the process exits 0 within the deadline", async () => {
    const zalo = await upLater(new FakeZalo(), 0);
    const telegramPort = await freePort();
    await silentServer(telegramPort);
    const bot = await BotProcess.start({
      TELEGRAM_BOT_TOKEN: fakeTelegram().token,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${telegramPort}`,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_ROOT: zalo.apiRoot,
      // a connect call that outlives the shutdown deadline: stopping must abandon it, not wait
      CHANNEL_CONNECT_TIMEOUT_SECONDS: "60",
    });
    await bot.waitForHealth((h) => h.channels.zalo.state === "connected");
    expect((await bot.health()).channels.telegram.state).toBe("connecting");
    expect(await bot.terminate()).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe("Zalo unreachable while Telegram works", () => {
  for (const how of ["a closed port", "a server that never answers"] as const) {
    it(`(${how}): Telegram answers at once, Zalo answers once its API is up, SIGTERM stops on time`, async () => {
      const telegram = await upLater(fakeTelegram(), 0);
      const zalo = new FakeZalo();
      const zaloPort = await freePort();
      const blackhole = how === "a closed port" ? undefined : await silentServer(zaloPort);
      const bot = await BotProcess.start({
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: `http://127.0.0.1:${zaloPort}`,
      });

      const buyer = telegramUser();
      await telegram.sendText(buyer, "/start");
      await telegram.waitForMessages(buyer.id, 1, SLOW);
      await bot.waitForHealth((h) => h.channels.zalo.state === "retrying" && h.channels.zalo.failures >= 3);
      expect((await bot.health()).channels).toMatchObject({
        telegram: { state: "connected" },
        zalo: { state: "retrying", lastError: how === "a closed port" ? "unreachable" : "timeout" },
      });
      expect(bot.logged(/^Zalo: /).filter((l) => l.level === 40)).toHaveLength(1);

      await blackhole?.close();
      await upLater(zalo, zaloPort);
      await bot.waitForLog(/^Zalo: connected again/);
      const farmer = newZaloUser();
      await zalo.sendText(farmer, "/start");
      await zalo.waitForMessages(farmer.id, 1, SLOW);

      expect(await bot.terminate()).toEqual({ code: 0, signal: null });
    }, 90_000);
  }
});

describe("SIGTERM during a burst of turns", () => {
  it("loses no reply: every turn either completed before the exit or is redelivered after the restart", async () => {
    const telegram = await upLater(fakeTelegram(), 0);
    const env = { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot };
    // What one /start owes a new user, measured on a user of its own before the burst.
    const first = await BotProcess.start(env);
    const probe = telegramUser();
    await telegram.sendText(probe, "/start");
    await telegram.waitFor(() => telegram.sent(probe.id).some((m) => m.reply_markup !== undefined), SLOW);
    const owed = telegram.sent(probe.id).length;

    const users = Array.from({ length: 300 }, (_, i) => ({ ...telegramUser(), id: 810_000_000 + i }));
    for (const u of users) await telegram.sendText(u, "/start");
    const answered = () => users.filter((u) => telegram.sent(u.id).length >= owed).length;
    await telegram.waitFor(() => answered() >= 10, SLOW);
    const atSignal = answered();
    expect(await first.terminate()).toEqual({ code: 0, signal: null });
    expect(atSignal).toBeLessThan(users.length); // stopped in the middle of the burst

    const second = await BotProcess.start(env);
    await telegram.waitFor(() => answered() === users.length, SLOW);
    // Exactly what each /start owes, once: nothing lost, nothing repeated.
    for (const u of users) expect(telegram.sent(u.id).length, `user ${u.id}`).toBe(owed);
    expect(await second.terminate()).toEqual({ code: 0, signal: null });
  }, 120_000);
});

describe("a token the platform rejects", () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
  });
  afterAll(() => telegram.close());

  it("stops retrying that channel, says so once, and leaves the others running", async () => {
    const zalo = await upLater(new FakeZalo(), 0);
    telegram.failNext("getMe", { kind: "401" });
    const { log, lines } = memoryLogger();
    const app = createApp({
      config: loadConfig({
        DATABASE_URL: testDb.url,
        PORT: String(await freePort()),
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.apiRoot,
        MEDIA_DIR: resolve(TMP_DIR, `media-${hexId()}`),
      }),
      log,
      pollTimeoutSeconds: 1,
      channelRetry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    try {
      await app.start();
      await app.channels.settled();
      const farmer = newZaloUser();
      await zalo.sendText(farmer, "/start");
      await zalo.waitForMessages(farmer.id, 1, SLOW); // Zalo goes on
      expect(app.channels.status()).toMatchObject({ telegram: { state: "failed", lastError: "invalid_token" }, zalo: { state: "connected" } });
      expect(telegram.callsTo("getMe")).toHaveLength(1); // not retried
      const alerts = lines.filter((l) => /rejected the bot token/.test(l.msg ?? ""));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ level: 50, channel: "telegram", error: "invalid_token" });
    } finally {
      await app.stop();
    }
  });
});


describe("a platform that goes away after connecting", () => {
  it("shows the channel retrying (said once) and connected again when its API answers, with no restart", async () => {
    const zalo = await upLater(new FakeZalo(), 0);
    const { log, lines } = memoryLogger();
    const app = createApp({
      config: loadConfig({
        DATABASE_URL: testDb.url,
        PORT: String(await freePort()),
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.apiRoot,
        MEDIA_DIR: resolve(TMP_DIR, `media-${hexId()}`),
      }),
      log,
      pollTimeoutSeconds: 1,
      zaloTiming: { baseDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 3_000 },
    });
    try {
      await app.start();
      await app.channels.connected();
      // 5 tries per poll inside the client: 15 failures are three failed polls in a row.
      zalo.failNext("getUpdates", { kind: "500" }, { times: 15 });
      await zalo.waitFor(() => app.channels.status().zalo.state === "retrying", SLOW);
      expect(app.channels.status().zalo.lastError).toBe("server_error");
      await zalo.waitFor(() => app.channels.status().zalo.state === "connected", SLOW);
      expect(lines.filter((l) => l.level === 40 && /^Zalo: server error at/.test(l.msg ?? ""))).toHaveLength(1);
      expect(lines.filter((l) => /^Zalo: connected again/.test(l.msg ?? ""))).toHaveLength(1);
      const farmer = newZaloUser();
      await zalo.sendText(farmer, "/start");
      await zalo.waitForMessages(farmer.id, 1, SLOW);
    } finally {
      await app.stop();
    }
  });
});

describe("a Telegram webhook deployment that cannot reach Telegram at start", () => {
  it("answers webhook deliveries 503 until connected (Telegram redelivers), then handles them", async () => {
    const telegram = fakeTelegram();
    const telegramPort = await freePort();
    const port = await freePort();
    const app = createApp({
      config: loadConfig({
        DATABASE_URL: testDb.url,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${telegramPort}`,
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        MEDIA_DIR: resolve(TMP_DIR, `media-${hexId()}`),
      }),
      log: memoryLogger().log,
      channelRetry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
    try {
      const url = await app.start();
      await app.channels.settled();
      const processedBefore = await app.db.processedUpdate.count();
      const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 42, type: "private" }, from: { id: 42, is_bot: false, first_name: "A" }, text: "/start" } };
      const early = await fetch(`${url}/webhook/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        body: JSON.stringify(update),
      });
      expect(early.status).toBe(503);
      expect(await app.db.processedUpdate.count()).toBe(processedBefore); // nothing taken, so the redelivery counts

      await upLater(telegram, telegramPort);
      await app.channels.connected();
      expect(telegram.webhook?.url).toBe(`${url}/webhook/telegram`);
      const buyer = telegramUser();
      await telegram.sendText(buyer, "/start"); // delivered through the webhook now
      await telegram.waitForMessages(buyer.id, 1, SLOW);
    } finally {
      await app.stop();
    }
  });
});

// No reply is ever lost in a webhook deployment either: a real process (`node --import tsx src/main.ts`
// with PUBLIC_URL and TELEGRAM_WEBHOOK_SECRET) gets a burst of /start posted to its webhook the way
// Telegram posts (at most max_connections at once, an update again until it is answered with a 2xx),
// is killed with SIGKILL in the middle, and started again. Everything not acknowledged is posted again,
// and so is a sample of what was. Every user ends with exactly what one /start owes; repeats are bounded
// by the messages in flight at the kill.
import type { ChildProcess } from "node:child_process";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { answered, burstUsers, expectOwedOnce, inFlightAtKill, owedByStart, waitAllAnswered, waitUntilQuiet } from "./support/crash.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { exited, killLeftovers, spawnBot } from "./support/process.ts";

const USERS = 600;
/** of the updates acknowledged before the kill, every SAMPLE-th is posted again too */
const SAMPLE = 10;

let database: TestDatabase;
let db: Db;
let fake: FakeTelegram;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  fake = await startFakeBotApi();
});
afterAll(async () => {
  killLeftovers();
  await fake.close();
  await db.$disconnect();
  await database.drop();
});

/** Starts the bot in webhook mode; resolves once it has set its webhook (the `nth` time the fake saw one set). */
async function bot(nth: number): Promise<ChildProcess> {
  const { child } = await spawnBot((port) => ({
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    // PostgreSQL: the killed instance's replies become anyone's after this lease
    OUTBOX_LEASE_SECONDS: "2",
  }));
  await fake.waitFor(() => fake.callsTo("setWebhook").filter((c) => c.status === 200).length >= nth, {
    timeoutMs: 60_000,
    describe: () => `the bot did not set its webhook (start ${nth})`,
  });
  return child;
}

const acknowledged = (status: number) => status >= 200 && status <= 299;

/** One webhook call: its HTTP status, 0 when the connection failed (the bot is dead or not listening). */
const post = (call: () => Promise<number | undefined>): Promise<number> => call().then((s) => s ?? 0, () => 0);

/** Runs `work` over `items` with at most `n` at once, in order of the items. */
async function inParallel<T>(n: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

describe("replies survive kill -9 in a webhook deployment", () => {
  it("every user gets what /start owes after a restart and Telegram's redelivery; repeats only of what was in flight", async () => {
    const first = await bot(1);
    const connections = fake.webhook?.max_connections ?? 40; // Telegram's default
    const owed = await owedByStart(fake, { id: 720_000_000, first_name: "Probe", language_code: "vi" });

    // The burst: each update is posted once; at a quarter acknowledged, the bot is killed mid-burst.
    const users = burstUsers(USERS, 730_000_000);
    const updateOf = new Map<number, Update>(); // user id → the update of their /start
    const acked = new Set<number>(); // user ids whose update got a 2xx
    let killed = false;
    await inParallel(connections, users, async (u) => {
      if (killed) return; // Telegram holds the rest until the webhook answers again
      const sending = fake.sendText(u, "/start");
      updateOf.set(u.id, fake.updates.at(-1)!);
      if (acknowledged(await post(() => sending))) acked.add(u.id);
      if (!killed && acked.size >= USERS / 4) {
        killed = true;
        first.kill("SIGKILL");
      }
    });
    await exited(first);
    await waitUntilQuiet(fake);
    const atKill = answered(fake, users, owed);
    const unacked = users.filter((u) => updateOf.has(u.id) && !acked.has(u.id));
    expect(atKill).toBeLessThan(USERS); // killed in the middle
    expect(unacked.length).toBeGreaterThan(0); // some calls were cut off by the kill: those come again
    const inFlight = await inFlightAtKill(db, fake);

    // After the restart Telegram posts again whatever got no 2xx (and, to be thorough, some that did),
    // then the updates it had held back; each until it is acknowledged.
    const second = await bot(2);
    const again = [...unacked, ...users.filter((u) => acked.has(u.id)).filter((_, i) => i % SAMPLE === 0)];
    const held = users.filter((u) => !updateOf.has(u.id));
    await inParallel(connections, [...again, ...held], async (u) => {
      let update = updateOf.get(u.id);
      if (!update) {
        const sending = fake.sendText(u, "/start");
        update = fake.updates.at(-1)!;
        if (acknowledged(await post(() => sending))) return;
      }
      for (let tries = 0; !acknowledged(await post(() => fake.pushUpdate(update))); tries++) {
        if (tries >= 50) throw new Error(`update ${update.update_id} was never acknowledged`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    await waitAllAnswered(fake, db, users, owed);
    const repeats = await expectOwedOnce(db, fake, users, owed, inFlight);
    const botId = fake.token.split(":")[0];
    const handled = await db.processedUpdate.count({ where: { key: { in: [...updateOf.values()].map((u) => `telegram:${botId}:${u.update_id}`) } } });
    expect(handled).toBe(updateOf.size);
    console.info(
      `webhook crash test: ${acked.size} of ${USERS} updates acknowledged and ${atKill} users answered at the kill, ${unacked.length} cut off; ` +
        `${again.length} posted again, ${held.length} held back; ${inFlight.owed} messages owed, ${inFlight.count} of them in flight; ${repeats} repeated after the restart`,
    );
    second.kill("SIGTERM");
    await exited(second);
  }, 240_000);
});

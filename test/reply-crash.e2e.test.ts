// No reply is ever lost, with a real process: `node --import tsx src/main.ts` long-polling the fake
// Telegram server, killed with SIGKILL in the middle of a burst of /start, then started again. Every
// user ends with exactly what one /start owes; repeats are bounded by what was in flight at the kill.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { answered, burstUsers, expectOwedOnce, inFlightAtKill, owedByStart, waitAllAnswered, waitUntilQuiet } from "./support/crash.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { exited, killLeftovers, spawnBot } from "./support/process.ts";

const USERS = 600;

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

async function bot(): Promise<ChildProcess> {
  const { child } = await spawnBot({
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    // PostgreSQL: the killed instance's replies become anyone's after this lease
    OUTBOX_LEASE_SECONDS: "2",
  });
  return child;
}

describe("replies survive kill -9", () => {
  it("every user gets what /start owes after a restart; repeats only of what was in flight", async () => {
    const first = await bot();
    const owed = await owedByStart(fake, { id: 700_000_000, first_name: "Probe", language_code: "vi" });

    const users = burstUsers(USERS, 710_000_000);
    for (const u of users) await fake.sendText(u, "/start");
    await fake.waitFor(() => answered(fake, users, owed) >= USERS / 4, { timeoutMs: 60_000 });
    first.kill("SIGKILL");
    await exited(first);
    await waitUntilQuiet(fake);
    const atKill = answered(fake, users, owed);
    expect(atKill).toBeLessThan(USERS); // killed in the middle
    const inFlight = await inFlightAtKill(db, fake);

    const second = await bot();
    await waitAllAnswered(fake, db, users, owed);
    const repeats = await expectOwedOnce(db, fake, users, owed, inFlight);
    console.info(`reply crash test: ${atKill} of ${USERS} users answered at the kill, ${inFlight.owed} messages owed, ${inFlight.count} of them in flight; ${repeats} repeated after the restart`);
    second.kill("SIGTERM");
    await exited(second);
  }, 240_000);
});

// No reply is ever lost, with a real process: `node --import tsx src/main.ts` long-polling the fake
// Telegram server, killed with SIGKILL in the middle of a burst of /start, then started again. Every
// user ends with exactly what one /start owes; repeats are bounded by what was in flight at the kill.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { startFakeBotApi } from "./support/bot.ts";
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
    // What one /start owes a new user, learned from one user before the burst.
    const probe: SimUser = { id: 700_000_000, first_name: "Probe", language_code: "vi" };
    await fake.sendText(probe, "/start");
    await fake.waitFor(() => fake.sent(probe.id).some((m) => m.reply_markup !== undefined), { timeoutMs: 60_000 });
    const owed = fake.sentTexts(probe.id);

    const users: SimUser[] = Array.from({ length: USERS }, (_, i) => ({ id: 710_000_000 + i, first_name: `U${i}`, language_code: "vi" }));
    for (const u of users) await fake.sendText(u, "/start");
    const answered = () => users.filter((u) => fake.sent(u.id).length >= owed.length).length;
    await fake.waitFor(() => answered() >= USERS / 4, { timeoutMs: 60_000 });
    first.kill("SIGKILL");
    await exited(first);
    // Requests the bot wrote before dying are still read by the fake: wait until it has them all.
    // (Connections still in the listen backlog are not counted yet: quiet means quiet 10 times in a row.)
    for (let quietChecks = 0, i = 0; quietChecks < 10 && i < 1000; i++) {
      quietChecks = (await fake.quiet()) ? quietChecks + 1 : 0;
      await new Promise((r) => setTimeout(r, 25));
    }
    const atKill = answered();
    expect(atKill).toBeLessThan(USERS); // killed in the middle
    // In flight at the kill: still owed in the outbox, yet already at the platform (sent, but the
    // process died before it could strike them off). Those, and only those, may be sent twice.
    const owedAtKill = await db.chatOutbox.findMany({ select: { chatKey: true, message: true } });
    const inFlightTexts = new Map<string, Set<string>>();
    let inFlight = 0;
    for (const row of owedAtKill) {
      const text = (JSON.parse(row.message) as { text: string }).text;
      if (!fake.sentTexts(Number(row.chatKey)).includes(text)) continue;
      inFlight += 1;
      inFlightTexts.set(row.chatKey, (inFlightTexts.get(row.chatKey) ?? new Set()).add(text));
    }

    const second = await bot();
    await fake.waitFor(() => answered() === USERS, {
      timeoutMs: 90_000,
      describe: () => `${answered()} of ${USERS} users answered`,
    });
    for (let i = 0; i < 300 && (await db.chatOutbox.count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await db.chatOutbox.count()).toBe(0); // nothing left owed

    let repeats = 0;
    for (const u of users) {
      const got = fake.sentTexts(u.id);
      // nothing missing, first arrivals in order; anything more is a message in flight at the kill, sent again
      expect(got.filter((t, i) => got.indexOf(t) === i), `user ${u.id}`).toEqual(owed);
      const resent = got.filter((t, i) => got.indexOf(t) !== i);
      for (const t of resent) expect(inFlightTexts.get(String(u.id))?.has(t), `user ${u.id} got "${t}" twice`).toBe(true);
      repeats += resent.length;
    }
    expect(repeats).toBeLessThanOrEqual(inFlight);
    // no step skipped: everyone waits at the consent question
    const conversations = await db.conversation.findMany({ where: { channel: "telegram", chatKey: { in: users.map((u) => String(u.id)) } } });
    expect(conversations).toHaveLength(USERS);
    for (const c of conversations) expect(JSON.parse(c.state)).toMatchObject({ flow: "register", step: "consent" });
    console.info(`reply crash test: ${atKill} of ${USERS} users answered at the kill, ${owedAtKill.length} messages owed, ${inFlight} of them in flight; ${repeats} repeated after the restart`);
    second.kill("SIGTERM");
    await exited(second);
  }, 240_000);
});

// 429 Too Many Requests in the middle of a burst: the fake Bot API refuses the first reply to every
// second new user with retry_after. Nothing is lost or sent twice, each refused chat waits what it was
// told (measured on the fake's clock), and people who write meanwhile are answered during the wait.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const USERS = 90;
/** More chats told to wait at once than delivery sends at once (32): waiting must not take a send slot. */
const THROTTLED_EVERY = 2;
// Long enough that a loaded machine still answers the late users inside the wait (they need well under a second alone).
const RETRY_AFTER_S = 8;
/** timers may fire a little early; the fake itself forgives 50 ms */
const EARLY_MS = 50;
const OWED = /đồng ý chứ\?$/; // /start owes a new user one message: the greeting and the consent question

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const people = (from: number, n: number): SimUser[] => Array.from({ length: n }, (_, i) => ({ id: from + i, first_name: `H${i}`, language_code: "vi" }));

describe("429 with retry_after during a burst", () => {
  it("loses nothing, honours the wait for the refused chat, and answers other chats meanwhile", async () => {
    const burst = people(9_300_000, USERS);
    const throttled = burst.filter((_, i) => i % THROTTLED_EVERY === 0);
    for (const u of throttled) fake.failNext("sendMessage", { kind: "429", retryAfter: RETRY_AFTER_S }, { chatId: u.id });
    const refusals = () => fake.callsTo("sendMessage").filter((c) => c.status === 429);

    for (const u of burst) await fake.sendText(u, "/start");
    // The first refusal: from now on that chat waits RETRY_AFTER_S; people who write now are answered meanwhile.
    const first = await fake.waitFor(() => refusals()[0], { timeoutMs: 60_000, describe: () => "no 429 was answered" });
    const late = people(9_400_000, 10);
    for (const u of late) await fake.sendText(u, "/start");

    const everyone = [...burst, ...late];
    await fake.waitFor(() => everyone.every((u) => fake.sent(u.id).length > 0), {
      timeoutMs: 60_000,
      describe: () => `${everyone.filter((u) => fake.sent(u.id).length > 0).length} of ${everyone.length} answered`,
    });
    await expect.poll(() => testDb.db.chatOutbox.count(), { timeout: 10_000 }).toBe(0); // nothing owed any more

    // Nothing lost, nothing twice.
    for (const u of everyone) {
      const texts = fake.sentTexts(u.id);
      expect(texts, `user ${u.id}`).toHaveLength(1);
      expect(texts[0], `user ${u.id}`).toMatch(OWED);
    }
    // Every throttled chat was refused once, and its next send came only after retry_after, by the
    // fake's clock (the refusal's arrival; the answer left after it, so this is the lenient bound).
    expect(refusals()).toHaveLength(throttled.length);
    for (const u of throttled) {
      const calls = fake.callsTo("sendMessage").filter((c) => Number(c.body.chat_id) === u.id);
      expect(calls.map((c) => c.status), `user ${u.id}`).toEqual([429, 200]);
      expect(calls[1].time - calls[0].time, `user ${u.id}: waited`).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - EARLY_MS);
    }
    expect(fake.violations).toBe(0);
    // Other chats went on: whoever wrote after the first refusal was answered before that chat's wait was over.
    for (const u of late) expect(fake.sent(u.id)[0].time, `late user ${u.id}`).toBeLessThan(first.time + RETRY_AFTER_S * 1000);
  }, 90_000);
});

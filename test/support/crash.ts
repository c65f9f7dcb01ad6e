// Pieces of the "kill -9 during a burst of /start, restart" tests (reply-crash, webhook-crash): what
// /start owes, what was in flight at the kill, and the final check that every user has exactly that.
import { get as httpGet } from "node:http";
import { expect } from "vitest";
import type { Db } from "../../src/db/client.ts";
import type { FakeTelegram, SimUser } from "../fakes/telegram-server.ts";

/** New users for a burst, with ids from `firstId`. */
export const burstUsers = (n: number, firstId: number): SimUser[] =>
  Array.from({ length: n }, (_, i) => ({ id: firstId + i, first_name: `U${i}`, language_code: "vi" }));

/** What one /start owes a new user, learned from one user before the burst (it ends with the consent buttons). */
export async function owedByStart(fake: FakeTelegram, probe: SimUser): Promise<string[]> {
  await fake.sendText(probe, "/start");
  await fake.waitFor(() => fake.sent(probe.id).some((m) => m.reply_markup !== undefined), { timeoutMs: 60_000 });
  return fake.sentTexts(probe.id);
}

/** How many users have had at least what they are owed. */
export const answered = (fake: FakeTelegram, users: SimUser[], owed: string[]) => users.filter((u) => fake.sent(u.id).length >= owed.length).length;

/**
 * After the kill: requests the bot wrote before dying are still read by the fake (their bytes are in
 * the fake's socket buffers, some connections still in the listen backlog). A request of our own, sent
 * now on a new connection, is accepted after every connection queued before it (the backlog is first
 * in, first out): once it is answered the dead bot's connections have all been accepted, and once the
 * fake is then quiet (no connection open, no request being handled) each has been read and recorded.
 */
export async function waitUntilQuiet(fake: FakeTelegram): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = httpGet(`${fake.apiRoot}/bot${fake.token}/getMe`, { agent: false, headers: { connection: "close" } }, (res) => {
      res.resume();
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", reject);
  });
  for (let i = 0; !(await fake.quiet()); i++) {
    if (i > 3_000) throw new Error("the fake Telegram server never went quiet after the kill");
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface InFlight {
  /** messages still owed in the outbox at the kill */
  owed: number;
  /** of those, the ones that had already reached the platform */
  count: number;
  /** their texts, by chat */
  texts: Map<string, Set<string>>;
}

/**
 * In flight at the kill: still owed in the outbox, yet already at the platform (sent, but the process
 * died before it could strike them off). Those, and only those, may be sent twice.
 */
export async function inFlightAtKill(db: Db, fake: FakeTelegram): Promise<InFlight> {
  const rows = await db.chatOutbox.findMany({ select: { chatKey: true, message: true } });
  const texts = new Map<string, Set<string>>();
  let count = 0;
  for (const row of rows) {
    const text = (JSON.parse(row.message) as { text: string }).text;
    if (!fake.sentTexts(Number(row.chatKey)).includes(text)) continue;
    count += 1;
    texts.set(row.chatKey, (texts.get(row.chatKey) ?? new Set()).add(text));
  }
  return { owed: rows.length, count, texts };
}

/** After the restart: waits until every user has been answered and nothing is owed any more. */
export async function waitAllAnswered(fake: FakeTelegram, db: Db, users: SimUser[], owed: string[]): Promise<void> {
  await fake.waitFor(() => answered(fake, users, owed) === users.length, {
    timeoutMs: 90_000,
    describe: () => `${answered(fake, users, owed)} of ${users.length} users answered`,
  });
  for (let i = 0; i < 300 && (await db.chatOutbox.count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await db.chatOutbox.count()).toBe(0); // nothing left owed
}

/**
 * Every user has exactly what /start owes (nothing missing, first arrivals in order), anything more is
 * a message in flight at the kill sent again, and no step was skipped (everyone waits at the consent
 * question). Returns how many messages were repeated.
 */
export async function expectOwedOnce(db: Db, fake: FakeTelegram, users: SimUser[], owed: string[], inFlight: InFlight): Promise<number> {
  let repeats = 0;
  for (const u of users) {
    const got = fake.sentTexts(u.id);
    expect(got.filter((t, i) => got.indexOf(t) === i), `user ${u.id}`).toEqual(owed);
    const resent = got.filter((t, i) => got.indexOf(t) !== i);
    for (const t of resent) expect(inFlight.texts.get(String(u.id))?.has(t), `user ${u.id} got "${t}" twice`).toBe(true);
    repeats += resent.length;
  }
  expect(repeats).toBeLessThanOrEqual(inFlight.count);
  const conversations = await db.conversation.findMany({ where: { channel: "telegram", chatKey: { in: users.map((u) => String(u.id)) } } });
  expect(conversations).toHaveLength(users.length);
  for (const c of conversations) expect(JSON.parse(c.state)).toMatchObject({ flow: "register", step: "consent" });
  return repeats;
}

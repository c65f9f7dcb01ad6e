// Which announcement a household's reply belongs to, and who may answer it (src/broadcast/replies.ts),
// on the real database: delivered, recent, not a test send, to one of the household's own chats, from
// an officer still in the role; a forwarded reply is answered by its officer only, for two weeks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officers } from "../src/broadcast/officers.ts";
import { announcementReplies, ANSWER_WITHIN_DAYS, FORWARDS_PER_DAY } from "../src/broadcast/replies.ts";
import { households } from "../src/core/households.ts";
import { createDb, type Db } from "../src/db/client.ts";
import { replyNumber } from "../flows/announce-replies.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

const THAT_KHE = "06040";
const DAY = 24 * 3600_000;
const NOW = new Date("2026-12-10T03:00:00Z");

let database: TestDatabase;
let db: Db;
let officerA: string;
let officerB: string;
let serial = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  const a = await db.officer.create({ data: { channel: "telegram", userKey: "501", chatKey: "501", communes: JSON.stringify([THAT_KHE]) } });
  const b = await db.officer.create({ data: { channel: "zalo", userKey: "z502", chatKey: "z502" } });
  officerA = a.id;
  officerB = b.id;
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

/** A broadcast started `daysAgo` days before NOW, delivered (or not) to these chats. */
async function announced(officerId: string, daysAgo: number, chats: Array<{ channel: string; chatKey: string; status?: string }>, opts: { test?: boolean } = {}) {
  serial += 1;
  const startedAt = new Date(NOW.getTime() - daysAgo * DAY);
  const b = await db.broadcast.create({
    data: {
      number: 1000 + serial,
      officerId,
      officerChannel: "telegram",
      officerChatKey: "501",
      officerLocale: "vi",
      text: `Thông báo ${serial}`,
      audience: JSON.stringify({ communes: [], productId: null, channels: ["telegram", "zalo"], ...(opts.test ? { test: true } : {}) }),
      status: "done",
      scheduledAt: startedAt,
      startedAt,
    },
  });
  await db.outboxMessage.createMany({
    data: chats.map((c) => ({ broadcastId: b.id, channel: c.channel, chatKey: c.chatKey, locale: "vi", status: c.status ?? "sent" })),
  });
  return b.id;
}

const recent = (householdId: string, days = 3) => announcementReplies(db).recentFor(householdId, NOW, days);

describe("the announcement a reply answers", () => {
  it("is the latest one delivered to one of the household's chats within the days, from an officer in the role", async () => {
    const [h] = await seedHouseholds(db, [{ commune: THAT_KHE, telegram: 7001, zalo: "za7001" }]);
    expect(await recent(h)).toBeNull(); // nothing yet

    await announced(officerA, 4, [{ channel: "telegram", chatKey: "7001" }]);
    expect(await recent(h)).toBeNull(); // four days ago: too old for 3 days
    expect((await recent(h, 5))?.officer.id).toBe(officerA); // the setting decides

    await announced(officerA, 1, [{ channel: "zalo", chatKey: "za7001", status: "failed" }]);
    await announced(officerA, 1, [{ channel: "telegram", chatKey: "7001" }], { test: true });
    await announced(officerA, 1, [{ channel: "zalo", chatKey: "7001" }]); // same key, another channel: not this household
    expect(await recent(h)).toBeNull();

    const fromA = await announced(officerA, 2, [{ channel: "zalo", chatKey: "za7001" }]);
    expect(await recent(h)).toEqual({ broadcastId: fromA, officer: expect.objectContaining({ id: officerA, communes: [THAT_KHE] }) });
    const fromB = await announced(officerB, 0.5, [{ channel: "telegram", chatKey: "7001" }]);
    expect((await recent(h))?.broadcastId).toBe(fromB); // the latest one wins

    await officers(db).revoke(officerB);
    expect(await recent(h)).toBeNull(); // its officer has left: nobody to forward to
    await db.officer.update({ where: { id: officerB }, data: { revokedAt: null } });
  });

  it("a forwarded reply is answered by its own officer, within two weeks, and goes when the household deletes its account", async () => {
    const [h] = await seedHouseholds(db, [{ commune: THAT_KHE, zalo: "za7002" }]);
    const broadcastId = await announced(officerA, 1, [{ channel: "zalo", chatKey: "za7002" }]);
    const replies = announcementReplies(db);
    const id = await replies.record({ officerId: officerA, broadcastId, householdId: h, text: "x".repeat(3000) }, NOW);

    const mine = await replies.forOfficer(id, officerA, NOW);
    expect(mine).toMatchObject({ householdId: h, name: "Hộ 0" });
    expect(mine?.text).toHaveLength(1000); // a reply, not a document
    expect(await replies.forOfficer(id, officerB, NOW)).toBeNull();
    expect(await replies.forOfficer(id + 1000, officerA, NOW)).toBeNull();
    expect(await replies.forOfficer(id, officerA, new Date(NOW.getTime() + (ANSWER_WITHIN_DAYS + 1) * DAY))).toBeNull();
    expect(await replies.householdChat(h, (c) => c === "zalo")).toEqual({ channel: "zalo", chatKey: "za7002", locale: "vi" });
    expect(await replies.householdChat(h, (c) => c === "telegram")).toBeNull();

    // the fifth message of the day is the last one passed on (flows/announce-replies.ts)
    expect(await replies.forwardedToday(h, NOW)).toBe(1);
    for (let i = 0; i < FORWARDS_PER_DAY - 1; i++) await replies.record({ officerId: officerA, broadcastId, householdId: h, text: `tin ${i}` }, new Date(NOW.getTime() - i * 3600_000));
    await replies.record({ officerId: officerA, broadcastId, householdId: h, text: "hôm qua" }, new Date(NOW.getTime() - DAY - 1));
    expect(await replies.forwardedToday(h, NOW)).toBe(FORWARDS_PER_DAY);

    await households(db).remove(h);
    expect(await db.announcementReply.count({ where: { householdId: h } })).toBe(0);
  });
});

describe("the words an officer types to answer", () => {
  it("TL 12, tl12, trả lời #12; nothing else", () => {
    // The keyword only reads the number; who may answer is checked on the server (above).
    const read = (text: string) => replyNumber(text) !== null;
    for (const yes of ["TL 12", "tl12", "Trả lời 12", "tra loi #12", " tl  7 "]) expect(read(yes), yes).toBe(true);
    expect(replyNumber("TL 12")).toBe(12);
    for (const no of ["tl", "12", "trả lời", "tl 12 13", "nhan DH8EHU3D", "tl abc"]) expect(read(no), no).toBe(false);
  });
});

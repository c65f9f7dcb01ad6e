// The chat outbox (src/engine/outbox.ts) on its own: which rows a sweep may take (lease over, due,
// of a running channel, oldest first, up to a limit), and what done / later / release change. Times
// are given explicitly (`now`), so every bound is checked at its exact value.
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { Outbox } from "../src/engine/outbox.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { within } from "./support/within.ts";

const testDb = useTestDatabase();
const LEASE = 30_000;
/** a fixed "now" (ms) */
const T = 1_800_000_000_000;

const outbox = () => new Outbox(testDb.db, { postgres: usePostgres, leaseMs: LEASE });

/** A row as another instance (or an earlier run) left it. */
async function row(text: string, fields: { channel?: string; chatKey?: string; leaseUntil?: number; nextAttemptAt?: number; attempts?: number } = {}) {
  const { id } = await testDb.db.chatOutbox.create({
    data: { channel: "telegram", chatKey: "1", locale: "vi", message: JSON.stringify({ text }), leaseUntil: 0, nextAttemptAt: 0, ...fields },
  });
  return id;
}

const rowsById = async () => new Map((await testDb.db.chatOutbox.findMany()).map((r) => [r.id, r]));

beforeEach(async () => {
  await testDb.db.chatOutbox.deleteMany();
});

describe(`chat outbox (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("write: one row per message, replies before notices, owned by the writer for one lease", async () => {
    const written = await testDb.db.$transaction((tx) =>
      outbox().write(
        tx,
        [
          { to: { channel: "telegram", chatKey: "10", locale: "vi" }, messages: [{ text: "một" }, { text: "hai", choices: [[{ id: "x", label: "X" }]] }] },
          { to: { channel: "zalo", chatKey: "20", locale: "en" }, messages: [{ text: "three" }] },
        ],
        T,
      ),
    );
    expect(written.map(({ id: _, ...rest }) => rest)).toEqual([
      { channel: "telegram", chatKey: "10", locale: "vi", message: { text: "một" }, attempts: 0 },
      { channel: "telegram", chatKey: "10", locale: "vi", message: { text: "hai", choices: [[{ id: "x", label: "X" }]] }, attempts: 0 },
      { channel: "zalo", chatKey: "20", locale: "en", message: { text: "three" }, attempts: 0 },
    ]);
    const ids = written.map((w) => w.id);
    expect(ids[1]).toBeGreaterThan(ids[0]);
    expect(ids[2]).toBeGreaterThan(ids[1]);
    const stored = await rowsById();
    for (const w of written) {
      expect(stored.get(w.id)).toMatchObject({ channel: w.channel, chatKey: w.chatKey, locale: w.locale, message: JSON.stringify(w.message), attempts: 0, leaseUntil: T + LEASE });
    }
    // nothing to write: nothing written
    expect(await testDb.db.$transaction((tx) => outbox().write(tx, [{ to: { channel: "telegram", chatKey: "10", locale: "vi" }, messages: [] }], T))).toEqual([]);
    expect(await outbox().pendingCount()).toBe(3);
  });

  it("claim: rows of the given channels whose lease is over (before now) and that are due (at or before now), oldest first", async () => {
    const leaseOver = await row("lease over", { leaseUntil: T - 1 });
    const leaseEndsNow = await row("lease ends now", { leaseUntil: T }); // still owned at T
    const otherChannel = await row("zalo", { channel: "zalo" });
    const notYetDue = await row("due later", { nextAttemptAt: T + 1 });
    const dueNow = await row("due now", { nextAttemptAt: T, attempts: 2, chatKey: "2" });

    const claimed = await outbox().claim(["telegram"], 10, { now: T });
    expect(claimed).toEqual([
      { id: leaseOver, channel: "telegram", chatKey: "1", locale: "vi", message: { text: "lease over" }, attempts: 0 },
      { id: dueNow, channel: "telegram", chatKey: "2", locale: "vi", message: { text: "due now" }, attempts: 2 },
    ]);
    const stored = await rowsById();
    expect(stored.get(leaseOver)!.leaseUntil).toBe(T + LEASE);
    expect(stored.get(dueNow)!.leaseUntil).toBe(T + LEASE);
    expect(stored.get(leaseEndsNow)!.leaseUntil).toBe(T);
    expect(stored.get(otherChannel)!.leaseUntil).toBe(0);
    expect(stored.get(notYetDue)!.leaseUntil).toBe(0);

    // a moment later: the lease that ended at T is over, the row due at T + 1 is due; the rows claimed
    // at T are leased until T + LEASE, so nobody else takes them meanwhile
    expect((await outbox().claim(["telegram"], 10, { now: T + 1 })).map((r) => r.id)).toEqual([leaseEndsNow, notYetDue]);
    // once the first lease is over, with both channels running
    expect((await outbox().claim(["telegram", "zalo"], 10, { now: T + LEASE + 1 })).map((r) => r.id)).toEqual([leaseOver, otherChannel, dueNow]);
  });

  it("claim: oldest first, also when an older row was written to since (a retry moves it in the table)", async () => {
    const older = await row("older");
    const newer = await row("newer");
    await outbox().later(older, 1, T - 10); // due again, lease over at T
    await testDb.db.chatOutbox.update({ where: { id: older }, data: { leaseUntil: T - 1 } });
    expect((await outbox().claim(["telegram"], 10, { now: T })).map((r) => r.id)).toEqual([older, newer]);
  });

  it("claim: no more than the limit, the oldest; nothing without a channel", async () => {
    const ids = [await row("a"), await row("b"), await row("c")];
    expect(await outbox().claim([], 10, { now: T })).toEqual([]);
    expect((await outbox().claim(["telegram"], 2, { now: T })).map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect((await outbox().claim(["telegram"], 2, { now: T })).map((r) => r.id)).toEqual(ids.slice(2));
  });

  it("claim with `all`: leases are ignored (the one process starting up), due times are not", async () => {
    const leased = await row("leased", { leaseUntil: T + 60_000 });
    await row("due later", { nextAttemptAt: T + 1 });
    const claimed = await outbox().claim(["telegram"], 10, { all: true, now: T });
    expect(claimed.map((r) => r.id)).toEqual([leased]);
    expect((await rowsById()).get(leased)!.leaseUntil).toBe(T + LEASE);
  });

  it("claim without `now` uses the clock", async () => {
    const before = Date.now();
    const id = await row("now", { leaseUntil: before - 1, nextAttemptAt: before - 1 });
    expect((await outbox().claim(["telegram"], 10)).map((r) => r.id)).toEqual([id]);
    const leaseUntil = (await rowsById()).get(id)!.leaseUntil;
    expect(leaseUntil).toBeGreaterThanOrEqual(before + LEASE);
    expect(leaseUntil).toBeLessThanOrEqual(Date.now() + LEASE);
  });

  it("done deletes those rows; later records the retry and keeps the row owned until then; release hands rows back", async () => {
    const [a, b, c, d] = [await row("a", { leaseUntil: T }), await row("b", { leaseUntil: T }), await row("c", { leaseUntil: T }), await row("d", { leaseUntil: T })];
    await outbox().done([a]);
    await outbox().done([]);
    await outbox().later(b, 3, T + 4_000);
    await outbox().release([c]);
    await outbox().release([]);
    const stored = await rowsById();
    expect([...stored.keys()].sort((x, y) => x - y)).toEqual([b, c, d]);
    expect(stored.get(b)).toMatchObject({ attempts: 3, nextAttemptAt: T + 4_000, leaseUntil: T + 4_000 + LEASE });
    expect(stored.get(c)).toMatchObject({ attempts: 0, nextAttemptAt: 0, leaseUntil: 0 });
    expect(stored.get(d)).toMatchObject({ attempts: 0, nextAttemptAt: 0, leaseUntil: T });
    expect(await outbox().pendingCount()).toBe(3);
  });

  it.runIf(usePostgres)("claim skips rows another instance is claiming right now instead of waiting for them", async () => {
    const busy = await row("being claimed elsewhere");
    const free = await row("free");
    // Another instance's claim, mid-transaction: it holds the first row's lock.
    const other = new pg.Client({ connectionString: testDb.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT 1 FROM "ChatOutbox" WHERE id = $1 FOR UPDATE`, [busy]);
      const claimed = await within(outbox().claim(["telegram"], 10, { now: T }), 5_000, "a claim that does not wait for the locked row");
      expect(claimed.map((r) => r.id)).toEqual([free]);
    } finally {
      await other.query("ROLLBACK").catch(() => undefined);
      await other.end();
    }
  });
});

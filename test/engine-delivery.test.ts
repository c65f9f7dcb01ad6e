// Delivery of the chat outbox (src/engine/delivery.ts) with a scripted channel: what each send result
// does to the chat's queue and to the outbox rows, the retry waits, the limit on sends in flight, the
// sweep of rows left by earlier runs, stopping, and idle(). Waits are for events (a send, a promise),
// never a fixed sleep before checking that nothing happened.
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_OPTIONS, Delivery, type DeliveryOptions } from "../src/engine/delivery.ts";
import type { ChannelName, ChannelSender, Outbound, SendResult } from "../src/engine/message.ts";
import type { SendResultKind } from "../src/engine/observer.ts";
import { Outbox, type PendingMessage } from "../src/engine/outbox.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { within } from "./support/within.ts";

const testDb = useTestDatabase();
const LEASE = 30_000;
const log = pino({ level: process.env.TEST_LOG ?? "silent" });

interface Call {
  chatKey: string;
  text: string;
  /** when the send began and when the channel answered it */
  at: number;
  answeredAt?: number;
}

/** A channel whose answer to each send is decided by `script` (default: delivered). */
class ScriptedChannel implements ChannelSender {
  readonly info = { name: "telegram" as const, buttons: "inline" as const, canShareContact: true, maxTextLength: 4096 };
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(private readonly script: (call: Call, n: number) => SendResult | Promise<SendResult> = () => ({ ok: true })) {}

  async send(chatKey: string, messages: Outbound[]): Promise<SendResult> {
    expect(messages).toHaveLength(1); // one row, one message
    const call: Call = { chatKey, text: messages[0].text, at: Date.now() };
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const n = this.calls.filter((c) => c.text === call.text).length;
    try {
      return await this.script(call, n);
    } finally {
      call.answeredAt = Date.now();
      this.inFlight -= 1;
      for (const w of this.waiters.filter((x) => this.calls.length >= x.n)) w.resolve();
      this.waiters = this.waiters.filter((x) => this.calls.length < x.n);
    }
  }

  /** resolves once `n` sends have been answered */
  answered(n: number): Promise<void> {
    if (this.calls.length >= n && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  texts(chatKey: string): string[] {
    return this.calls.filter((c) => c.chatKey === chatKey).map((c) => c.text);
  }
}

/** A channel that delivers everything, but holds the send of `text` until `release()`; `started` resolves when that send began. */
function heldOn(text: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let began!: () => void;
  const started = new Promise<void>((r) => (began = r));
  const channel = new ScriptedChannel(async (call) => {
    if (call.text === text) {
      began();
      await gate;
    }
    return { ok: true };
  });
  return { channel, started, release };
}

let deliveries: Delivery[] = [];
let blocked: Array<[ChannelName, string]> = [];

/** An outbox whose first sweeps fail (the database busy or away for a moment); counts the sweeps' claims. */
class FlakyOutbox extends Outbox {
  claims = 0;
  private claimWaiters: Array<{ n: number; resolve: () => void }> = [];
  constructor(private readonly failures: number) {
    super(testDb.db, { postgres: usePostgres, leaseMs: LEASE });
  }
  override async claim(...args: Parameters<Outbox["claim"]>) {
    this.claims += 1;
    try {
      if (this.claims <= this.failures) throw new Error("database busy");
      return await super.claim(...args);
    } finally {
      for (const w of this.claimWaiters.filter((x) => this.claims >= x.n)) w.resolve();
    }
  }
  /** resolves once `n` claims have been answered */
  claimed(n: number): Promise<void> {
    if (this.claims >= n) return Promise.resolve();
    return new Promise((resolve) => this.claimWaiters.push({ n, resolve }));
  }
}

function delivery(
  channels: ChannelSender[],
  opts: Partial<DeliveryOptions> = {},
  outbox = new Outbox(testDb.db, { postgres: usePostgres, leaseMs: LEASE }),
  observer?: { sent(channel: ChannelName, result: SendResultKind): void },
) {
  const senders = new Map(channels.map((c) => [c.info.name, c]));
  const d = new Delivery(
    outbox,
    () => senders,
    async (channel, chatKey) => {
      blocked.push([channel, chatKey]);
    },
    log,
    { ...DEFAULT_DELIVERY_OPTIONS, retryBaseMs: 50, ...opts },
    observer,
  );
  deliveries.push(d);
  return d;
}

/** Writes messages for chats as a committed turn would; returns the rows for delivery. */
function write(chats: Record<string, string[]>, channel: ChannelName = "telegram"): Promise<PendingMessage[]> {
  const outbox = new Outbox(testDb.db, { postgres: usePostgres, leaseMs: LEASE });
  return testDb.db.$transaction((tx) =>
    outbox.write(
      tx,
      Object.entries(chats).map(([chatKey, texts]) => ({ to: { channel, chatKey, locale: "vi" }, messages: texts.map((text) => ({ text })) })),
    ),
  );
}

const outboxTexts = async () => (await testDb.db.chatOutbox.findMany({ orderBy: { id: "asc" } })).map((r) => (JSON.parse(r.message) as Outbound).text);

beforeEach(async () => {
  await testDb.db.chatOutbox.deleteMany();
  blocked = [];
});
afterEach(async () => {
  for (const d of deliveries) await d.stop(1_000);
  deliveries = [];
});

describe(`delivery (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("sends each chat's messages in order, once, and deletes them; idle() waits for the deletes", async () => {
    const channel = new ScriptedChannel();
    const d = delivery([channel]);
    const rows = await write({ "1": ["1a", "1b", "1c"], "2": ["2a", "2b"] });
    const settled = d.enqueue(rows);
    void d.enqueue(rows); // the same rows again (a sweep finding them): not sent twice
    await d.idle();
    expect(await outboxTexts()).toEqual([]);
    await settled;
    expect(channel.texts("1")).toEqual(["1a", "1b", "1c"]);
    expect(channel.texts("2")).toEqual(["2a", "2b"]);
    expect(blocked).toEqual([]);
    await d.idle(); // nothing queued: at once
  });

  it("blocked (403): the chat's other messages are dropped and the chat marked unreachable; other chats go on", async () => {
    const channel = new ScriptedChannel((call) => (call.chatKey === "1" ? { ok: false, reason: "blocked" } : { ok: true }));
    const d = delivery([channel]);
    await d.enqueue(await write({ "1": ["1a", "1b", "1c"], "2": ["2a", "2b"] }));
    await d.idle();
    expect(channel.texts("1")).toEqual(["1a"]);
    expect(channel.texts("2")).toEqual(["2a", "2b"]);
    expect(blocked).toEqual([["telegram", "1"]]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("rejected (400) and uncertain: that message is dropped, not retried, and the chat is not marked unreachable", async () => {
    const answers: Record<string, SendResult> = { a: { ok: false, reason: "rejected" }, b: { ok: false, reason: "uncertain" }, c: { ok: true } };
    const channel = new ScriptedChannel((call) => answers[call.text]);
    const d = delivery([channel]);
    await d.enqueue(await write({ "1": ["a", "b", "c"] }));
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "b", "c"]);
    expect(blocked).toEqual([]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("failed: tried again after 200, 400, then 500 ms (doubling, at most the maximum), the wait written to the row; the chat's next message waits; never marked unreachable", async () => {
    const seen: Array<{ attempts: number; nextAttemptAt: number; leaseUntil: number }> = [];
    const channel = new ScriptedChannel(async (call, n) => {
      if (call.text !== "a") return { ok: true };
      if (n > 1) {
        const r = await testDb.db.chatOutbox.findFirstOrThrow({ where: { message: JSON.stringify({ text: "a" }) } });
        seen.push({ attempts: r.attempts, nextAttemptAt: r.nextAttemptAt, leaseUntil: r.leaseUntil });
      }
      return n <= 3 ? { ok: false, reason: "failed" } : { ok: true };
    });
    const d = delivery([channel], { retryBaseMs: 200, maxRetryDelayMs: 500 });
    await d.enqueue(await write({ "1": ["a", "b"] }));
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "a", "a", "a", "b"]);
    expect(blocked).toEqual([]);
    expect(await outboxTexts()).toEqual([]);

    const tries = channel.calls.filter((c) => c.text === "a");
    const waits = [200, 400, 500];
    expect(seen.map((s) => s.attempts)).toEqual([1, 2, 3]);
    for (const [i, wait] of waits.entries()) {
      // the row says when the next try is due: `wait` after the failure (plus the moment it took to note it)
      expect(seen[i].nextAttemptAt - tries[i].answeredAt!).toBeGreaterThanOrEqual(wait);
      expect(seen[i].nextAttemptAt - tries[i].answeredAt!).toBeLessThan(wait + 150);
      // and stays this instance's until then, plus one lease
      expect(seen[i].leaseUntil).toBe(seen[i].nextAttemptAt + LEASE);
      // and the next try waited for it
      expect(tries[i + 1].at - tries[i].answeredAt!).toBeGreaterThanOrEqual(wait);
    }
  });

  it("a send that throws counts as failed: tried again", async () => {
    const channel = new ScriptedChannel((_call, n) => {
      if (n === 1) throw new Error("socket hang up");
      return { ok: true };
    });
    const d = delivery([channel]);
    await d.enqueue(await write({ "1": ["a"] }));
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "a"]);
    expect(blocked).toEqual([]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("a message still failing after the longest age is given up", async () => {
    // tries at about 0, 300 and 900 ms: the third fails past 700 ms
    const channel = new ScriptedChannel(() => ({ ok: false, reason: "failed" }));
    const d = delivery([channel], { retryBaseMs: 300, maxAgeMs: 700 });
    await d.enqueue(await write({ "1": ["a"] }));
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "a", "a"]);
    expect(blocked).toEqual([]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("a row of a channel this instance does not run is handed back, unsent", async () => {
    const channel = new ScriptedChannel();
    const d = delivery([channel]);
    const rows = await write({ "5": ["for zalo"] }, "zalo");
    await d.enqueue(rows);
    await d.idle();
    expect(channel.calls).toEqual([]);
    const left = await testDb.db.chatOutbox.findMany();
    expect(left).toMatchObject([{ id: rows[0].id, channel: "zalo", leaseUntil: 0 }]);
  });

  it("never more sends in flight than `concurrency`", async () => {
    const channel = new ScriptedChannel(() => new Promise<SendResult>((r) => setTimeout(() => r({ ok: true }), 20)));
    const d = delivery([channel], { concurrency: 2 });
    await d.enqueue(await write({ "1": ["a"], "2": ["b"], "3": ["c"], "4": ["d"], "5": ["e"] }));
    await d.idle();
    expect(channel.calls.map((c) => c.text).sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(channel.maxInFlight).toBe(2);
  });

  it("stop: the send in flight finishes, the chat's other messages go back to the outbox, due at once", async () => {
    const { channel, started, release } = heldOn("a");
    const d = delivery([channel]);
    const settled = d.enqueue(await write({ "1": ["a", "b", "c"] }));
    await started;
    const stopped = d.stop(10_000);
    release();
    await within(stopped, 10_000, "stop");
    await within(settled, 1_000, "the messages handed back are settled for this instance");
    expect(channel.texts("1")).toEqual(["a"]);
    const left = await testDb.db.chatOutbox.findMany({ orderBy: { id: "asc" } });
    expect(left.map((r) => [(JSON.parse(r.message) as Outbound).text, r.leaseUntil])).toEqual([
      ["b", 0],
      ["c", 0],
    ]);
  });

  it("start: the first sweep takes rows left from before, page after page, without waiting for the next sweep", async () => {
    // left by an earlier run whose lease is over, more than one page of 2
    await write({ "1": ["a", "b", "c"], "2": ["d", "e"] });
    await testDb.db.chatOutbox.updateMany({ data: { leaseUntil: Date.now() - 1 } });
    const channel = new ScriptedChannel();
    const d = delivery([channel], { claimLimit: 2, sweepEveryMs: 600_000 });
    d.start();
    await within(channel.answered(5), 10_000, "all five rows sent by the first sweep");
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "b", "c"]);
    expect(channel.texts("2")).toEqual(["d", "e"]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("start with claimAllAtStart: rows still leased to the instance before are taken too; without it, only rows whose lease is over", async () => {
    await write({ "1": ["leased"] }); // leased for LEASE from now, as a process that just died left it
    await write({ "2": ["lease over"] });
    await testDb.db.chatOutbox.updateMany({ where: { chatKey: "2" }, data: { leaseUntil: Date.now() - 1 } });

    const other = new ScriptedChannel();
    const d1 = delivery([other], { sweepEveryMs: 600_000 });
    d1.start();
    await within(other.answered(1), 10_000, "the row whose lease is over");
    await d1.idle();
    await d1.stop();
    // both rows were candidates of that one claim: only the one whose lease was over was taken
    expect(other.calls.map((c) => c.text)).toEqual(["lease over"]);

    const channel = new ScriptedChannel();
    const d2 = delivery([channel], { sweepEveryMs: 600_000, claimAllAtStart: true });
    d2.start();
    await within(channel.answered(1), 10_000, "the leased row");
    await d2.idle();
    expect(channel.calls.map((c) => c.text)).toEqual(["leased"]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("a channel not yet deliverable (token unchecked) is not swept; once it is, sweepNow takes its rows, leased ones too (its first sweep)", async () => {
    await write({ "1": ["leased"] }); // leased, as a process that just died left it
    const channel = new ScriptedChannel();
    const outbox = new FlakyOutbox(0);
    const d = delivery([channel], { sweepEveryMs: 600_000, claimAllAtStart: true }, outbox);
    let ready = false;
    let asked!: () => void;
    const firstSweep = new Promise<void>((resolve) => (asked = resolve));
    d.start(() => (asked(), ready));
    await within(firstSweep, 10_000, "the first sweep asked");
    expect(outbox.claims).toBe(0); // nothing claimed for a channel still connecting
    expect(channel.calls).toEqual([]);
    ready = true;
    d.sweepNow(); // the next sweep would be ten minutes away
    await within(channel.answered(1), 10_000, "the leased row, once the channel is deliverable");
    await d.idle();
    expect(channel.texts("1")).toEqual(["leased"]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("a sweep that fails is tried again at the next sweep", async () => {
    await write({ "1": ["a", "b"] });
    await testDb.db.chatOutbox.updateMany({ data: { leaseUntil: Date.now() - 1 } });
    const channel = new ScriptedChannel();
    const outbox = new FlakyOutbox(1);
    const d = delivery([channel], { sweepEveryMs: 50 }, outbox);
    d.start();
    await within(channel.answered(2), 10_000, "both rows sent after the failed sweep");
    expect(outbox.claims).toBeGreaterThanOrEqual(2);
    expect(channel.texts("1")).toEqual(["a", "b"]);
  });

  it("stop gives a send that hangs `withinMs`, then hands the chat's messages back", async () => {
    let started!: () => void;
    const hanging = new Promise<void>((r) => (started = r));
    const channel = new ScriptedChannel(async () => {
      started();
      return new Promise<SendResult>(() => undefined); // never answers
    });
    const d = delivery([channel]);
    void d.enqueue(await write({ "1": ["a", "b"] }));
    await hanging;
    await within(d.stop(200), 5_000, "stop after 200 ms despite the hanging send");
    const left = await testDb.db.chatOutbox.findMany({ orderBy: { id: "asc" } });
    expect(left.map((r) => [(JSON.parse(r.message) as Outbound).text, r.leaseUntil])).toEqual([
      ["a", 0],
      ["b", 0],
    ]);
  });

  it("stop: a message waiting for a send slot is not sent, only handed back (it cannot go out twice)", async () => {
    let answer!: (r: SendResult) => void;
    let started!: () => void;
    const hanging = new Promise<void>((r) => (started = r));
    const channel = new ScriptedChannel(async (call) => {
      if (call.chatKey !== "1") return { ok: true };
      started();
      return new Promise<SendResult>((r) => (answer = r)); // answers only when the test says
    });
    const d = delivery([channel], { concurrency: 1 });
    void d.enqueue(await write({ "1": ["a"] }));
    await hanging; // chat 1 holds the only slot
    void d.enqueue(await write({ "2": ["b"] })); // chat 2 waits for it
    const stopped = d.stop(100);
    await within(stopped, 5_000, "stop after 100 ms despite the send in flight");
    answer({ ok: true }); // the send in flight ends after the stop: its slot frees no one
    await within(channel.answered(1), 5_000, "the send in flight answered");
    expect(channel.calls.map((c) => c.text)).toEqual(["a"]); // "b" never sent
    const left = await testDb.db.chatOutbox.findMany({ orderBy: { id: "asc" } });
    expect(left.map((r) => [(JSON.parse(r.message) as Outbound).text, r.leaseUntil])).toEqual([
      ["a", 0],
      ["b", 0],
    ]);
  });

  it("stop cuts a retry wait short: the message stays owed, due when its wait is over", async () => {
    const channel = new ScriptedChannel(() => ({ ok: false, reason: "failed" }));
    const d = delivery([channel], { retryBaseMs: 120_000 }); // a 2 min wait
    const [row] = await write({ "1": ["a"] });
    const settled = d.enqueue([row]);
    await within(channel.answered(1), 5_000, "the first try");
    // the retry is written to the row before the wait starts
    await within(
      (async () => {
        while ((await testDb.db.chatOutbox.findUniqueOrThrow({ where: { id: row.id } })).attempts === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      5_000,
      "the retry recorded",
    );
    await within(d.stop(60_000), 5_000, "stop within the 200 ms steps of the wait, not after the 2 min wait");
    await within(settled, 1_000, "settled for this instance");
    const left = await testDb.db.chatOutbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(left.attempts).toBe(1);
    expect(left.leaseUntil).toBe(0);
    expect(left.nextAttemptAt).toBeGreaterThan(Date.now() + 100_000);
    expect(channel.calls).toHaveLength(1);
  });

  it("a send that fails while stopping is handed back as it was: due at once, no try counted", async () => {
    let answer!: (r: SendResult) => void;
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const channel = new ScriptedChannel(() => {
      started();
      return new Promise<SendResult>((r) => (answer = r));
    });
    const d = delivery([channel]);
    const [row] = await write({ "1": ["a"] });
    void d.enqueue([row]);
    await inFlight;
    const stopped = d.stop(10_000);
    answer({ ok: false, reason: "failed" });
    await within(stopped, 10_000, "stop");
    expect(await testDb.db.chatOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ attempts: 0, nextAttemptAt: 0, leaseUntil: 0 });
    expect(channel.calls).toHaveLength(1);
  });

  it("started again after a stop, delivery goes on", async () => {
    const channel = new ScriptedChannel();
    const d = delivery([channel], { sweepEveryMs: 600_000 });
    d.start();
    await d.stop();
    await write({ "1": ["after the restart"] });
    await testDb.db.chatOutbox.updateMany({ data: { leaseUntil: Date.now() - 1 } });
    d.start();
    await within(channel.answered(1), 10_000, "the row sent after the restart");
    await d.idle();
    expect(channel.texts("1")).toEqual(["after the restart"]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("rate limited (429) with the wait named: that chat waits exactly as told, written to the row, no try counted; other chats go on", async () => {
    let seen: { attempts: number; nextAttemptAt: number } | undefined;
    const channel = new ScriptedChannel(async (call, n) => {
      if (call.text !== "a") return { ok: true };
      if (n === 1) return { ok: false, reason: "failed", retryAfterMs: 400 };
      const r = await testDb.db.chatOutbox.findFirstOrThrow({ where: { message: JSON.stringify({ text: "a" }) } });
      seen = { attempts: r.attempts, nextAttemptAt: r.nextAttemptAt };
      return { ok: true };
    });
    const d = delivery([channel]); // a failed try would wait 50 ms (retryBaseMs)
    await d.enqueue(await write({ "1": ["a", "b"], "2": ["c"] }));
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "a", "b"]);
    expect(channel.texts("2")).toEqual(["c"]);
    const [first, second] = channel.calls.filter((c) => c.text === "a");
    // the wait told, not the backoff: at least 400 ms before the next try, and written to the row
    expect(second.at - first.answeredAt!).toBeGreaterThanOrEqual(400);
    expect(seen!.nextAttemptAt - first.answeredAt!).toBeGreaterThanOrEqual(400);
    expect(seen!.attempts).toBe(0);
    // the other chat did not wait for it
    expect(channel.calls.find((c) => c.text === "c")!.at).toBeLessThan(second.at);
    expect(blocked).toEqual([]);
    expect(await outboxTexts()).toEqual([]);
  });

  it("tells the observer how each send went", async () => {
    const answers: Record<string, SendResult> = {
      ok: { ok: true },
      rejected: { ok: false, reason: "rejected" },
      uncertain: { ok: false, reason: "uncertain" },
      error: { ok: false, reason: "failed" },
      limited: { ok: false, reason: "failed", retryAfterMs: 1 },
      blocked: { ok: false, reason: "blocked" },
    };
    const channel = new ScriptedChannel((call, n) => (n > 1 ? { ok: true } : answers[call.text]));
    const results: Array<[ChannelName, SendResultKind]> = [];
    const d = delivery([channel], {}, undefined, { sent: (name, result) => results.push([name, result]) });
    await d.enqueue(await write({ "1": ["ok", "rejected", "uncertain", "error", "limited", "blocked"] }));
    await d.idle();
    expect(results).toEqual([
      ["telegram", "ok"],
      ["telegram", "rejected"],
      ["telegram", "uncertain"],
      ["telegram", "error"],
      ["telegram", "ok"], // its retry
      ["telegram", "rate_limited"],
      ["telegram", "ok"],
      ["telegram", "blocked"],
    ]);
  });

  it("after a channel's first sweep, rows leased to another instance are left to it (only the first sweep may take every row)", async () => {
    await write({ "1": ["left over"] }); // leased, as a process that just died left it
    const channel = new ScriptedChannel();
    const outbox = new FlakyOutbox(0);
    const d = delivery([channel], { sweepEveryMs: 600_000, claimAllAtStart: true }, outbox);
    d.start();
    await within(channel.answered(1), 10_000, "the left-over row, taken by the first sweep");
    await d.idle();
    // another instance's turn writes a reply: leased to that instance, which delivers it itself
    await write({ "2": ["theirs"] });
    const claims = outbox.claims;
    d.sweepNow();
    await within(outbox.claimed(claims + 1), 10_000, "the second sweep");
    d.sweepNow(); // one more: whatever the second sweep took is queued by the time the third has claimed
    await within(outbox.claimed(claims + 2), 10_000, "the third sweep");
    await d.idle();
    expect(channel.calls.map((c) => c.text)).toEqual(["left over"]);
    expect(await outboxTexts()).toEqual(["theirs"]);
  });

  it("started again after a stop, it delivers the messages that stop handed back", async () => {
    const { channel, started, release } = heldOn("a");
    const d = delivery([channel], { sweepEveryMs: 600_000, claimAllAtStart: true });
    void d.enqueue(await write({ "1": ["a", "b", "c"] }));
    await started;
    const stopped = d.stop(10_000);
    release();
    await within(stopped, 10_000, "stop");
    expect(await outboxTexts()).toEqual(["b", "c"]);

    d.start();
    await within(channel.answered(3), 10_000, "the handed-back messages, sent after the restart");
    await d.idle();
    expect(channel.texts("1")).toEqual(["a", "b", "c"]);
    expect(await outboxTexts()).toEqual([]);
  });
});

// OrderService (src/core/order-service.ts) with a recording notify port: who is told what after an
// order is placed, a carrier's update and the clock's reminders and expiries; the warning when a new
// order reaches nobody; the timer that runs the clock's work by itself and logs a failing run.
import pino from "pino";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db, Tx } from "../src/db/client.ts";
import { Notifier, type NotifyPort, type NotifyTarget, type Queued } from "../src/core/notify.ts";
import { OrderService } from "../src/core/order-service.ts";
import { orders } from "../src/core/orders.ts";
import type { Outbound } from "../src/core/messages.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { within } from "./support/within.ts";
import { UNCAPPED } from "./support/caps.ts";

const testDb = useTestDatabase();
const HOUR = 3600_000;
/** not the defaults (3 h, 24 h), so a lost setting shows */
const TIMING = { remindAfterMs: 2 * HOUR, expireAfterMs: 12 * HOUR };
const BUYER = { name: "Đinh Thị Xuân", phone: "+84986135790", address: "Số 77 ngõ Trạm", area: "Hà Nội" };

/** Records every message delivered after its commit; `reaches` says which channels are running. */
class RecordingPort implements NotifyPort {
  readonly sent: Array<{ to: NotifyTarget; texts: string[] }> = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  constructor(private readonly channels: string[] = ["telegram"]) {}
  reaches(channel: string) {
    return this.channels.includes(channel);
  }
  async queue(_tx: Tx, to: NotifyTarget, messages: Outbound[]): Promise<Queued> {
    return [{ to, texts: messages.map((m) => m.text) }];
  }
  async deliver(queued: Queued[]) {
    for (const q of queued) this.sent.push(...(q as Array<{ to: NotifyTarget; texts: string[] }>));
    for (const w of this.waiters.filter((x) => this.sent.length >= x.n)) w.resolve();
  }
  /** resolves once `n` messages were sent */
  count(n: number): Promise<void> {
    if (this.sent.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** A logger whose lines are kept (parsed), with a promise per line wanted. */
function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  const log = pino({ level: "info" }, {
    write(s: string) {
      const line = JSON.parse(s) as Record<string, unknown>;
      lines.push(line);
      for (const w of waiters.filter((x) => x.msg === line.msg)) w.resolve(line);
      waiters.splice(0, waiters.length, ...waiters.filter((x) => x.msg !== line.msg));
    },
  });
  /** the next line with this message */
  const line = (msg: string) => new Promise<Record<string, unknown>>((resolve) => waiters.push({ msg, resolve }));
  return { log, lines, line };
}

let householdId: string;
let listingId: string;

beforeAll(async () => {
  const h = await testDb.db.household.create({
    data: {
      name: "Hoàng Văn An",
      phone: "+84918801801",
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: new Date(),
      shop: { create: { name: "Hồi Văn An", slug: "hoi-van-an-service" } },
      accounts: { create: { channel: "telegram", userKey: "8801", chatKey: "8801" } },
    },
    include: { shop: true },
  });
  householdId = h.id;
  const l = await testDb.db.listing.create({
    data: { shopId: h.shop!.id, title: "Hoa hồi khô", unit: "kg", stockMilli: 100_000, displayUnit: "kg", priceVnd: 80_000 },
  });
  listingId = l.id;
});

beforeEach(async () => {
  await testDb.db.order.deleteMany();
});

const place = (service: OrderService, quantity = 1, buyerChatKey: string | null = null) =>
  service.place({ listingId, quantity, buyer: BUYER, buyerChannel: buyerChatKey ? "telegram" : "web", buyerChatKey, source: "web" });

describe(`order service (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("a placed order is told to the household at once; a refused one to nobody", async () => {
    const port = new RecordingPort();
    const service = new OrderService(testDb.db, new Notifier(port), pino({ level: "silent" }), TIMING, UNCAPPED);
    const result = await place(service, 2);
    expect(result.ok).toBe(true);
    const code = result.ok ? result.order.code : "";
    expect(port.sent).toHaveLength(1);
    expect(port.sent[0].to).toEqual({ channel: "telegram", chatKey: "8801", locale: "vi" });
    expect(port.sent[0].texts.join("\n")).toContain(code);
    // the order's deadline is the service's: 12 h
    const row = await testDb.db.order.findUniqueOrThrow({ where: { code } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(12 * HOUR - 1_000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(12 * HOUR + 1_000);

    expect(await place(service, 1_000)).toMatchObject({ ok: false, reason: "not_enough" });
    expect(port.sent).toHaveLength(1);
  });

  it("a new order that reaches nobody is logged as a warning with its code; one that arrives is not", async () => {
    const { log, lines } = recordingLog();
    const service = new OrderService(testDb.db, new Notifier(new RecordingPort([])), log, TIMING, UNCAPPED); // no channel running
    const result = await place(service);
    expect(result.ok).toBe(true);
    const warnings = lines.filter((l) => l.msg === "household could not be notified of a new order");
    expect(warnings).toEqual([expect.objectContaining({ level: 40, order: result.ok ? result.order.code : "" })]);

    const { log: log2, lines: lines2 } = recordingLog();
    await place(new OrderService(testDb.db, new Notifier(new RecordingPort()), log2, TIMING));
    expect(lines2).toEqual([]);
  });

  it("a carrier's update is told to the household and to a buyer who ordered in chat; an update that changes nothing to nobody", async () => {
    const port = new RecordingPort();
    const service = new OrderService(testDb.db, new Notifier(port), pino({ level: "silent" }), TIMING, UNCAPPED);
    const placed = await place(service, 1, "7701");
    if (!placed.ok) throw new Error("not placed");
    await orders(testDb.db).accept(placed.order.id, placed.order.shopId);
    const withPickup = await orders(testDb.db).requestPickup(placed.order.id, placed.order.shopId, { carrier: "vnpost", weightGrams: 1_000, codVnd: 0 });
    port.sent.length = 0;

    expect(await service.carrierUpdate(withPickup!.pickup!.id, "viettel_post", "picked_up")).toBeNull(); // not its pickup
    expect(port.sent).toEqual([]);
    expect((await service.carrierUpdate(withPickup!.pickup!.id, "vnpost", "picked_up"))?.status).toBe("picked_up");
    expect(port.sent.map((s) => s.to.chatKey)).toEqual(["8801", "7701"]);
    for (const s of port.sent) expect(s.texts.join("\n")).toContain(placed.order.code);
  });

  it("tick: reminds the household of orders unanswered for 2 h, expires those past their 12 h deadline and tells the buyer", async () => {
    const port = new RecordingPort();
    const service = new OrderService(testDb.db, new Notifier(port), pino({ level: "silent" }), TIMING, UNCAPPED);
    const a = await place(service, 1, "7702");
    if (!a.ok) throw new Error("not placed");
    port.sent.length = 0;
    const row = await testDb.db.order.findUniqueOrThrow({ where: { id: a.order.id } });
    const createdAt = row.createdAt.getTime();
    const deadline = row.expiresAt.getTime();

    expect(await service.tick(new Date(createdAt + 2 * HOUR - 1))).toEqual({ reminded: 0, expired: 0, grouped: 0 });
    expect(await service.tick(new Date(createdAt + 2 * HOUR))).toEqual({ reminded: 1, expired: 0, grouped: 0 });
    expect(port.sent.map((s) => s.to.chatKey)).toEqual(["8801"]);
    expect(await service.tick(new Date(createdAt + 4 * HOUR))).toEqual({ reminded: 0, expired: 0, grouped: 0 }); // once
    expect(await service.tick(new Date(deadline - 1))).toEqual({ reminded: 0, expired: 0, grouped: 0 });
    expect(await service.tick(new Date(deadline))).toEqual({ reminded: 0, expired: 1, grouped: 0 });
    expect(port.sent.map((s) => s.to.chatKey)).toEqual(["8801", "8801", "7702"]);
    for (const s of port.sent) expect(s.texts.join("\n")).toContain(a.order.code);
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: a.order.id } })).status).toBe("expired");
  });

  it("startTimer runs the clock's work by itself; a failing run is logged and the timer goes on", async () => {
    const port = new RecordingPort();
    const service = new OrderService(testDb.db, new Notifier(port), pino({ level: "silent" }), { remindAfterMs: 0, expireAfterMs: 24 * HOUR }, UNCAPPED);
    const a = await place(service);
    if (!a.ok) throw new Error("not placed");
    service.startTimer(20);
    try {
      await within(port.count(2), 10_000, "the reminder sent by the timer"); // the new-order notice, then the reminder
      expect(port.sent[1].texts.join("\n")).toContain(a.order.code);
      expect((await testDb.db.order.findUniqueOrThrow({ where: { id: a.order.id } })).remindedAt).not.toBeNull();
    } finally {
      await service.stop();
    }

    const { log, line } = recordingLog();
    let runs = 0;
    const failing = { $transaction: () => Promise.reject(new Error(`database gone ${++runs}`)) } as unknown as Db;
    const broken = new OrderService(failing, new Notifier(port), log, TIMING, UNCAPPED);
    broken.startTimer(20);
    try {
      const first = await within(line("order reminders/expiry failed"), 10_000, "the failed run logged");
      expect(first).toMatchObject({ level: 50, err: { message: "database gone 1" } });
      const second = await within(line("order reminders/expiry failed"), 10_000, "a second run after the failure");
      expect(second).toMatchObject({ err: { message: "database gone 2" } });
    } finally {
      await broken.stop();
    }
  });

  it("the timer runs every minute by default, and stop() removes it", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let runs = 0;
      const counting = { $transaction: () => Promise.reject(new Error(`run ${++runs}`)) } as unknown as Db;
      const service = new OrderService(counting, new Notifier(new RecordingPort()), pino({ level: "silent" }), TIMING, UNCAPPED);
      service.startTimer();
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(59_999);
      expect(runs).toBe(0);
      vi.advanceTimersByTime(1);
      expect(runs).toBe(1);
      service.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a run still going when the next is due is not doubled, and stop() waits for it", async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const slow = {
      $transaction: async () => {
        runs++;
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 120));
        inFlight--;
        throw new Error("slow database");
      },
    } as unknown as Db;
    const service = new OrderService(slow, new Notifier(new RecordingPort()), pino({ level: "silent" }), TIMING, UNCAPPED);
    service.startTimer(10);
    await new Promise((r) => setTimeout(r, 400));
    await service.stop();
    expect(inFlight).toBe(0); // stop() resolved after the run in progress
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});

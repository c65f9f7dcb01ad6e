// A booking survives kill -9, with a real process (`node --import tsx src/main.ts`) and a loopback Viettel
// Post. 1) The app is killed (SIGKILL) the moment Viettel Post has created the shipment, before its answer
// reaches us and so before our commit. After the restart there is still one shipment: on SQLite the
// interrupted step is taken up at start and retried with the same order code, which CHECK_UNIQUE refuses
// as a duplicate (the row waits for the webhook); on PostgreSQL the killed instance's lease still holds it.
// 2) The app is killed again; Viettel Post's status event is sent while nothing listens and retried with
// backoff (it retries anything but 200), lands after the next restart, is matched by our order code and
// brings the waybill. One shipment, one waybill, the household told once.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/db/client.ts";
import { orders } from "../src/core/orders.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startFakeViettelPost, type FakeViettelPost } from "./fakes/viettel-post-server.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { freePort, startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { exited, killLeftovers, spawnBot } from "./support/process.ts";

const SECRET = "vtp-crash-hook-secret-7";
const SELLER = 8901;
let database: TestDatabase;
let db: Db;
let tg: FakeTelegram;
let vtp: FakeViettelPost;
let port: number;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  [tg, vtp] = await Promise.all([startFakeBotApi(), startFakeViettelPost()]);
  port = await freePort();
});
afterAll(async () => {
  killLeftovers();
  await Promise.all([tg?.close(), vtp?.close()]);
  await db?.$disconnect();
  await database?.drop();
});

/** Polls `ok` (the carrier fake and the database tell no one when they change) until it holds, for at most 30 s. */
async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 30_000; !(await ok()); ) {
    if (Date.now() > end) throw new Error(`not reached in 30 s: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The app on the same port each time (the carrier's webhook URL does not change across a restart). */
async function app(): Promise<ChildProcess> {
  const { child } = await spawnBot({
    PORT: String(port),
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    VIETTEL_POST_USERNAME: vtp.username,
    VIETTEL_POST_PASSWORD: vtp.password,
    VIETTEL_POST_WEBHOOK_SECRET: SECRET,
    VIETTEL_POST_API_ROOT: vtp.root,
    CARRIER_TIMEOUT_SECONDS: "2",
    OUTBOX_LEASE_SECONDS: "2",
  });
  return child;
}

/** An accepted order whose household chose Viettel Post "Tiết kiệm": due for booking now. */
async function orderDueForBooking(): Promise<{ code: string; pickupId: string }> {
  const [householdId] = await seedHouseholds(db, [{ commune: "06463", telegram: SELLER }]);
  const listing = await db.listing.create({ data: { shopId: `s${householdId}`, title: "Hoa hồi khô", unit: "kg", stockMilli: 100_000, displayUnit: "kg", priceVnd: 50_000 } });
  const placed = await orders(db).place({
    listingId: listing.id,
    quantity: 3,
    buyer: { name: "Đặng Thị Hương", phone: "+84987111222", address: "12 Hàng Bạc", area: "Hà Nội" },
    buyerChannel: "web",
    source: "web",
  });
  if (!placed.ok) throw new Error(placed.reason);
  await orders(db).accept(placed.order.id, listing.shopId, new Date());
  const withPickup = await orders(db).requestPickup(placed.order.id, listing.shopId, { carrier: "viettel_post", weightGrams: 3000, codVnd: 150_000 });
  const pickupId = withPickup!.pickup!.id;
  await db.pickup.update({ where: { id: pickupId }, data: { booking: "booking", service: "VTK", feeVnd: 25_000, nextTryAt: new Date() } });
  return { code: placed.order.code, pickupId };
}

describe("a booking survives kill -9 between the carrier's answer and our commit", () => {
  it("one shipment after the restart, its waybill reconciled; the webhook sent while the app was down is retried and not lost", async () => {
    const { code, pickupId } = await orderDueForBooking();
    const first = await app();
    let killedAt: { waybill: string } | null = null;
    vtp.onCreate((order) => {
      killedAt = { waybill: order.waybill };
      first.kill("SIGKILL");
    });
    await exited(first);
    vtp.onCreate(null);
    expect(killedAt).not.toBeNull();
    const { waybill } = killedAt!;
    // Viettel Post has it; we never heard back.
    expect([...vtp.orders.values()].filter((o) => o.reference === code)).toHaveLength(1);
    expect(await db.pickup.findUniqueOrThrow({ where: { id: pickupId } })).toMatchObject({ booking: "booking", waybill: null });

    const pickup = () => db.pickup.findUniqueOrThrow({ where: { id: pickupId } });
    const creates = () => vtp.calls.filter((c) => c.path === "/v2/order/createOrder" && c.body?.ORDER_NUMBER === code).length;
    const second = await app();
    if (!usePostgres) {
      // SQLite takes the interrupted booking up at start: tried again with the same code, refused as a
      // duplicate (CHECK_UNIQUE), so it waits for Viettel Post's webhook to bring the waybill.
      await until(async () => creates() === 2 && (await pickup()).booking === "placed", "the booking retried once with the same code and held as placed");
      expect(await pickup()).toMatchObject({ booking: "placed", waybill: null });
    } else {
      // PostgreSQL: the killed instance's lease (a minute) still holds the step; the webhook settles it first.
      expect(creates()).toBe(1);
    }
    expect([...vtp.orders.values()].filter((o) => o.reference === code)).toHaveLength(1);

    // Restarting again: Viettel Post's first status event is sent while nothing listens, then again
    // with backoff (1,5 s, 3 s, 6 s, 12 s), as it retries anything but 200.
    second.kill("SIGKILL");
    await exited(second);
    const delivered = vtp.push(`http://127.0.0.1:${port}/webhook/carrier/viettel_post`, SECRET, waybill, 103, "06/12/2026 15:00:00", { backoffMs: 1500 });
    const third = await app();
    const statuses = await delivered;
    expect(statuses[0]).toBe(0); // no answer: the app was down
    expect(statuses.at(-1)).toBe(200); // a retry after the restart was taken
    expect(statuses.slice(0, -1).every((s) => s !== 200)).toBe(true);

    // Matched by our order code: the waybill is ours, the household hears it once.
    await tg.waitFor(() => tg.sentTexts(SELLER).some((t) => t.includes(`Mã vận đơn: ${waybill}`)), { timeoutMs: 30_000 });
    expect(await pickup()).toMatchObject({ booking: "booked", waybill });
    expect(await db.carrierEvent.count({ where: { pickupId, code: "103" } })).toBe(1);
    expect([...vtp.orders.values()].filter((o) => o.reference === code)).toHaveLength(1);
    expect(tg.sentTexts(SELLER).filter((t) => t.includes(`Mã vận đơn: ${waybill}`))).toHaveLength(1);
    console.info(`shipping crash test: webhook answered ${JSON.stringify(statuses)} across the restart; createOrder called ${creates()} times for ${code}, one shipment`);

    third.kill("SIGTERM");
    await exited(third);
  }, 120_000);
});
